/*
 * KEEL_HC_event_channel: event channels, Xen's 2-level model.  A port is a
 * domain-local number 1 .. KEEL_NR_EVENT_CHANNELS-1 (port 0 is never
 * valid).  Sending on a port sets the pending bit of the other end in its
 * domain's shared-info page and raises an upcall (shared_info.h).
 *
 *   arg1 = KEEL_EVTCHNOP_*, arg2 = gpa of the command's struct (IN/OUT),
 *   arg3 = its size
 *
 * Returns 0 or a negative error; OUT fields are written back on success.
 *
 * alloc_unbound: allocate a port in `dom` (KEEL_DOMID_SELF, or any domain if
 *   the caller is dom0) that `remote_dom` may bind to.  ENOSPC: no free port.
 * bind_interdomain: connect a new local port to remote_dom's unbound port
 *   remote_port, which must have been allocated for the caller.  EINVAL:
 *   not unbound or not for us; ESRCH; ENOSPC.
 * bind_virq: a port for a virtual interrupt of the caller (VIRQ_TIMER for
 *   the one-shot timer, VIRQ_CONSOLE in dom0 for "the hypervisor log has
 *   new bytes" (read them with KEEL_SYSCTL_READCONSOLE), VIRQ_DOM_EXC in
 *   dom0 for "a domain shut down or died").  EEXIST: already bound.
 * close: free a port; the other end of an interdomain channel goes back to
 *   unbound (it may be rebound).  EBADF: not a port in use.
 * send: signal the other end.  EBADF: closed or unbound port.
 * status: describe port `port` of `dom` (self, or any if dom0).
 * unmask: clear the port's mask bit, and raise an upcall if it is pending.
 * set_upcall_vector: the vector upcalls arrive on, 0x20 .. 0xef.  For dom0
 *   this is a real interrupt vector its kernel allocated: the hypervisor
 *   sends a fixed IPI to CPU0; 0 turns upcalls off (the module does this
 *   when it unloads).
 */
#ifndef KEEL_PUBLIC_EVENT_CHANNEL_H
#define KEEL_PUBLIC_EVENT_CHANNEL_H

#include "keel.h"

typedef uint32_t keel_evtchn_port_t;

#define KEEL_EVTCHNOP_alloc_unbound     1
#define KEEL_EVTCHNOP_bind_interdomain  2
#define KEEL_EVTCHNOP_bind_virq         3
#define KEEL_EVTCHNOP_close             4
#define KEEL_EVTCHNOP_send              5
#define KEEL_EVTCHNOP_status            6
#define KEEL_EVTCHNOP_unmask            7
#define KEEL_EVTCHNOP_set_upcall_vector 8

#define KEEL_VIRQ_TIMER    0   /* per vCPU: the one-shot timer fired      */
#define KEEL_VIRQ_CONSOLE  1   /* dom0: the hypervisor log has new bytes  */
#define KEEL_VIRQ_DOM_EXC  3   /* dom0: a domain shut down, crashed or died */
#define KEEL_NR_VIRQS      8

struct keel_evtchn_alloc_unbound {
	uint16_t dom;              /* IN: KEEL_DOMID_SELF or (dom0) a domain   */
	uint16_t remote_dom;       /* IN: who may bind                         */
	keel_evtchn_port_t port;   /* OUT                                      */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_alloc_unbound, 8);

struct keel_evtchn_bind_interdomain {
	uint16_t remote_dom;       /* IN                                       */
	uint16_t pad;              /* IN: 0                                    */
	keel_evtchn_port_t remote_port; /* IN                                  */
	keel_evtchn_port_t local_port;  /* OUT                                 */
	uint32_t pad2;             /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_bind_interdomain, 16);

struct keel_evtchn_bind_virq {
	uint32_t virq;             /* IN: KEEL_VIRQ_*                          */
	uint32_t vcpu;             /* IN                                       */
	keel_evtchn_port_t port;   /* OUT                                      */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_bind_virq, 16);

struct keel_evtchn_port_op {     /* close, send, unmask */
	keel_evtchn_port_t port;   /* IN                                       */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_port_op, 8);

#define KEEL_EVTCHNSTAT_closed       0
#define KEEL_EVTCHNSTAT_unbound      1
#define KEEL_EVTCHNSTAT_interdomain  2
#define KEEL_EVTCHNSTAT_virq         4

struct keel_evtchn_status {
	uint16_t dom;              /* IN                                       */
	uint16_t pad;              /* IN: 0                                    */
	keel_evtchn_port_t port;   /* IN                                       */
	uint32_t status;           /* OUT: KEEL_EVTCHNSTAT_*                   */
	uint32_t vcpu;             /* OUT: vCPU notified                       */
	uint16_t remote_dom;       /* OUT: unbound: who may bind; interdomain: peer */
	uint16_t pad2;
	keel_evtchn_port_t remote_port; /* OUT: interdomain peer's port        */
	uint32_t virq;             /* OUT: for virq ports                      */
	uint32_t pad3;
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_status, 32);

struct keel_evtchn_upcall_vector {
	uint32_t vector;           /* IN: 0x20 .. 0xef, or 0 for none           */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_upcall_vector, 8);

#endif
