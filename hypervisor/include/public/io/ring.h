/*
 * The generic shared request/response ring (the layout of Xen's
 * io/ring.h), used by every split device that moves fixed-size requests:
 * blkif (io/blkif.h), later netif.
 *
 * One or more contiguous pages (2^ring-page-order) hold a 64-byte header
 * and then an array of slots, each a union of one request and one
 * response.  The number of slots is the largest power of two that fits.
 * Indices run freely (32-bit, wrapping); slot i is ring[i & (size - 1)].
 *
 *   frontend writes: req_prod (after the requests), rsp_event
 *   backend writes:  rsp_prod (after the responses), req_event
 *
 * A response is written into the slot of a request the backend has already
 * copied out, so req_prod - rsp_prod never exceeds the ring size for a
 * well-behaved frontend.  Each side treats the other's index as hostile:
 * an unconsumed count (prod - cons) larger than the ring is a broken ring.
 *
 * Notification: after moving prod from old to new, the producer notifies
 * the event channel only if the consumer asked for it, i.e. if
 * (new - event) < (new - old) in 32-bit unsigned arithmetic (the consumer
 * set *_event to "wake me when prod passes this").  A consumer that runs
 * out of work sets *_event = cons + 1, then checks once more for work
 * (the final check), so a request published in between is never missed.
 */
#ifndef KEEL_PUBLIC_IO_RING_H
#define KEEL_PUBLIC_IO_RING_H

#include "../types.h"

typedef uint32_t keel_ring_idx_t;

struct keel_sring_header {
	keel_ring_idx_t req_prod;  /* frontend: requests published            */
	keel_ring_idx_t req_event; /* backend: notify when req_prod passes it */
	keel_ring_idx_t rsp_prod;  /* backend: responses published            */
	keel_ring_idx_t rsp_event; /* frontend: notify when rsp_prod passes it */
	uint8_t pad[48];           /* Xen: __pad; 0                            */
};
KEEL_ABI_SIZE_CHECK(struct keel_sring_header, 64);

#define KEEL_RING_HEADER_SIZE 64u
#define KEEL_RING_MAX_ORDER   4u    /* at most 16 pages, as Linux caps it */

/* Largest power of two <= n (n >= 1). */
static inline uint32_t keel_ring_pow2_floor(uint32_t n)
{
	uint32_t p = 1;

	while (p <= n / 2)
		p *= 2;
	return p;
}

/* Slots in a ring of `bytes` (pages * 4096) with `slot_size`-byte slots. */
static inline uint32_t keel_ring_slots(uint32_t bytes, uint32_t slot_size)
{
	return keel_ring_pow2_floor((bytes - KEEL_RING_HEADER_SIZE) / slot_size);
}

/* Should a producer that moved prod from old_prod to new_prod notify a
 * consumer that set event?  (Xen's RING_PUSH_*_AND_CHECK_NOTIFY rule.) */
static inline int keel_ring_need_notify(keel_ring_idx_t old_prod,
					keel_ring_idx_t new_prod,
					keel_ring_idx_t event)
{
	return (keel_ring_idx_t)(new_prod - event) <
	       (keel_ring_idx_t)(new_prod - old_prod);
}

#endif
