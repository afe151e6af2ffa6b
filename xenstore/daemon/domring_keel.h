/*
 * The guest-ring services of domring.h on the real hypervisor
 * (libkeelctl: /dev/keel/privcmd and /dev/keel/evtchn).
 */
#ifndef KEEL_XSD_DOMRING_KEEL_H
#define KEEL_XSD_DOMRING_KEEL_H

#include "domring.h"
#include "xs_log.h"

struct xsd_domring_keel;

/* The ops; their ctx is the handle from xsd_domring_keel_open(). */
extern const struct xsd_domring_ops xsd_domring_keel_ops;

/* Opens the hypercall and event-channel devices.  0, or a negative errno
 * (-ENOENT: no devices, not under Keel; -ENOSYS: built without them). */
int xsd_domring_keel_open(const struct xs_logger *log,
			  struct xsd_domring_keel **out);

void xsd_domring_keel_close(struct xsd_domring_keel *k);

#endif
