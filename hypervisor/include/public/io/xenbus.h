/*
 * Split-device handshake states, the values of each side's `state` key in
 * the store (Xen's XenbusState numbering).  docs/backends.md ("The state
 * handshake") says who moves to which state when.
 */
#ifndef KEEL_PUBLIC_IO_XENBUS_H
#define KEEL_PUBLIC_IO_XENBUS_H

enum keel_xenbus_state {
	KEEL_XBS_UNKNOWN       = 0,
	KEEL_XBS_INITIALISING  = 1,
	KEEL_XBS_INITWAIT      = 2,  /* backend: parameters written            */
	KEEL_XBS_INITIALISED   = 3,  /* frontend: ring-ref, event-channel set  */
	KEEL_XBS_CONNECTED     = 4,
	KEEL_XBS_CLOSING       = 5,
	KEEL_XBS_CLOSED        = 6,
	KEEL_XBS_RECONFIGURING = 7,  /* unused by Keel                         */
	KEEL_XBS_RECONFIGURED  = 8,  /* unused by Keel                         */
};
#define KEEL_XBS_MAX 8

#endif
