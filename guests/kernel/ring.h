/*
 * Byte-ring arithmetic for the console page (io/console.h) and the store
 * page (io/xs_wire.h).  Pure (ring.c): only memory and compiler atomics,
 * so the host unit tests run the same code.
 *
 * Indices are free-running 32-bit counters; prod - cons is the fill level.
 * The other end is not trusted: a fill level above the ring size means the
 * page was corrupted, and the functions return -KEEL_EIO without touching
 * anything.  Producers write data, then (release) the producer index;
 * consumers read the producer index (acquire), copy, then release the
 * consumer index.  Notifying the event channel is the caller's job.
 */
#ifndef GUEST_RING_H
#define GUEST_RING_H

#include <stddef.h>
#include <stdint.h>

#include <public/io/console.h>
#include <public/io/xs_wire.h>

/* Console output: copy up to len bytes into out[]; bytes written or -EIO. */
long cons_ring_put(struct keel_console_ring *r, const char *data, size_t len);
/* Console input: copy up to len bytes out of in[]; bytes read or -EIO. */
long cons_ring_get(struct keel_console_ring *r, char *buf, size_t len);
/* Store requests: copy up to len bytes into req[]; bytes written or -EIO. */
long xs_ring_put(struct keel_xs_ring *r, const void *data, size_t len);
/* Store replies: copy up to len bytes out of rsp[]; bytes read or -EIO. */
long xs_ring_get(struct keel_xs_ring *r, void *buf, size_t len);
/* Unread reply bytes in rsp[] (0 if the indices are corrupt). */
uint32_t xs_ring_rsp_avail(const struct keel_xs_ring *r);

#endif
