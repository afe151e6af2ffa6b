/*
 * The dom0 event-channel device, /dev/keel/evtchn, provided by keel.ko.
 * Only root may open it.
 *
 * Each open file is an instance that owns the ports it bound; no other
 * instance can unbind, notify or unmask them, and closing the file closes
 * them all.  The BIND_* ioctls return the new local (dom0) port as the
 * ioctl's result (>= 1); the others return 0.  Errors are -1 with errno
 * set: the hypervisor's KEEL_E* value (event_channel.h), or EINVAL for a
 * malformed request, EBADF for a port this instance does not own.
 *
 * When an event arrives on an owned port the module masks the port, clears
 * its pending bit and queues it on the instance: read() returns queued ports
 * as uint32_t values (a multiple of 4 bytes; blocks unless O_NONBLOCK, then
 * EAGAIN; poll() says POLLIN).  The port stays masked until user space
 * write()s it back (an array of uint32_t ports, each unmasked with
 * KEEL_EVTCHNOP_unmask), as with Xen's evtchn device.  If the queue
 * overflowed, read() fails with EFBIG once and the queue is reset.
 *
 * ALLOC_UNBOUND_FOR allocates a port in another domain (for the domain
 * builder: a guest's console and store ports); it is not bound to this
 * instance and is returned as the ioctl's result.
 */
#ifndef KEEL_PUBLIC_DOM0_EVTCHN_H
#define KEEL_PUBLIC_DOM0_EVTCHN_H

#include "../types.h"

#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define KEEL_EVTCHN_DEV_PATH  "/dev/keel/evtchn"

struct keel_ioctl_evtchn_bind_interdomain {
	uint32_t remote_domain;    /* IN                                       */
	uint32_t remote_port;      /* IN: an unbound port of remote_domain     */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_evtchn_bind_interdomain, 8);

struct keel_ioctl_evtchn_bind_unbound_port {
	uint32_t remote_domain;    /* IN: who may bind to the new port         */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_evtchn_bind_unbound_port, 8);

struct keel_ioctl_evtchn_bind_virq {
	uint32_t virq;             /* IN: KEEL_VIRQ_* (bound on vCPU 0)        */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_evtchn_bind_virq, 8);

struct keel_ioctl_evtchn_port {    /* UNBIND, NOTIFY */
	uint32_t port;             /* IN: a port this instance owns            */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_evtchn_port, 8);

struct keel_ioctl_evtchn_alloc_unbound_for {
	uint16_t dom;              /* IN: the domain that gets the port        */
	uint16_t remote_dom;       /* IN: who may bind to it                   */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_evtchn_alloc_unbound_for, 8);

#define KEEL_IOCTL_EVTCHN_BIND_INTERDOMAIN \
	_IOW('K', 0x10, struct keel_ioctl_evtchn_bind_interdomain)
#define KEEL_IOCTL_EVTCHN_BIND_UNBOUND_PORT \
	_IOW('K', 0x11, struct keel_ioctl_evtchn_bind_unbound_port)
#define KEEL_IOCTL_EVTCHN_BIND_VIRQ \
	_IOW('K', 0x12, struct keel_ioctl_evtchn_bind_virq)
#define KEEL_IOCTL_EVTCHN_UNBIND \
	_IOW('K', 0x13, struct keel_ioctl_evtchn_port)
#define KEEL_IOCTL_EVTCHN_NOTIFY \
	_IOW('K', 0x14, struct keel_ioctl_evtchn_port)
#define KEEL_IOCTL_EVTCHN_ALLOC_UNBOUND_FOR \
	_IOW('K', 0x15, struct keel_ioctl_evtchn_alloc_unbound_for)

#endif
