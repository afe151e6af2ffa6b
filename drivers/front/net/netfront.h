/*
 * Network frontend (netif, io/netif.h) for Keel's guest kernel: the
 * interfaces the toolstack puts under <home>/device/vif/<n>/ and
 * keel-netback serves (docs/network.md, "Guest side").
 *
 * One tx and one rx ring of a page each, single-slot frames (MTU 1500,
 * feature-sg = 0), copy-mode rx (request-rx-copy = 1).  The handshake is
 * Linux netfront's: when the backend is in InitWait, the ring refs, the
 * event channel and the feature keys are written in one store
 * transaction together with state Connected (4); the link is up once the
 * backend is Connected too.  A backend that comes back to InitWait (a
 * restarted keel-netback) gets fresh rings, a new port and the keys
 * again; frames in flight then are lost, as on a real wire.
 *
 * Everything runs in main context: the event handler only kicks the
 * kernel's deferred work, the program's loop calls netfront_poll(), and
 * the store watches run from kernel_poll().
 *
 * Errors (negative KEEL_E*): -KEEL_ENODEV no such interface, -KEEL_EINVAL
 * bad store keys (mac, backend-id), -KEEL_ENOMEM / -KEEL_ENOSPC no pages
 * or grant refs, -KEEL_EAGAIN no room to send now, -KEEL_EIO link down,
 * -KEEL_E2BIG a frame over 1514 bytes or of 0.
 */
#ifndef NETFRONT_H
#define NETFRONT_H

#include <stddef.h>
#include <stdint.h>

#include "netfront_ring.h"

#define NETFRONT_MAX_DEVS 2

struct netfront;        /* opaque: one interface */

/* Called for each frame received (data valid only during the call). */
typedef void (*netfront_rx_fn)(void *arg, const void *frame, size_t len);
/* Called when the link goes up (1) or down (0). */
typedef void (*netfront_link_fn)(void *arg, int up);

/*
 * Open interface `handle` (-1: the lowest under <home>/device/vif): read
 * its mac and backend, start the handshake.  Returns at once; the link
 * comes up later (link_fn), from kernel_poll() or netfront_poll().
 * Boot-log line once connected: "netfront: vif0: connected, mac M,
 * backend domain B".
 */
int netfront_open(int handle, netfront_rx_fn rx_fn, netfront_link_fn link_fn,
		  void *arg, struct netfront **out);
const uint8_t *netfront_mac(const struct netfront *nf);
unsigned int netfront_handle(const struct netfront *nf);
int netfront_link_up(const struct netfront *nf);
const struct netfront_stats *netfront_stats(const struct netfront *nf);
/* Count a drop the frontend's user made (NETFRONT_DROP_RX_NOMEM). */
void netfront_count_drop(struct netfront *nf, enum netfront_drop why);

/*
 * Send one frame: a free tx buffer for `len` bytes (0 < len <= 1514) to
 * fill (netfront_tx_alloc: the buffer, *id set), then netfront_tx_send
 * to put it on the ring.  tx_alloc returns NULL when the link is down or
 * every buffer is in flight (*err says which).
 */
void *netfront_tx_alloc(struct netfront *nf, size_t len, int *id, int *err);
int netfront_tx_send(struct netfront *nf, int id, size_t len);

/* Take the responses on both rings: frees tx buffers, delivers received
 * frames to rx_fn and posts their buffers again.  Returns the frames
 * delivered. */
int netfront_poll(struct netfront *nf);
/* Is there anything for netfront_poll (events since the last poll)? */
int netfront_pending(const struct netfront *nf);

/* Close: state 5, wait (bounded) for the backend, give back the grants
 * and the port, state 6.  The handle is invalid afterwards. */
void netfront_close(struct netfront *nf);

#endif
