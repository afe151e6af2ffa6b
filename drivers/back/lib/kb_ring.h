/*
 * The backend's half of a shared request/response ring (io/ring.h), pure:
 * only memory and compiler atomics, so the unit tests drive it with
 * hostile indices.  The frontend can rewrite every byte of the page at any
 * time: each index it owns is read once per step, our own indices are
 * kept privately and only published, and a producer index that claims
 * more requests than there are free slots marks the ring broken.
 */
#ifndef KB_RING_H
#define KB_RING_H

#include <stdbool.h>
#include <stdint.h>

#include <public/io/ring.h>

struct kb_ring {
	struct keel_sring_header *sring;  /* the shared page(s)             */
	uint32_t size;                    /* slots, a power of two          */
	uint32_t slot_size, req_size, rsp_size;
	keel_ring_idx_t req_cons;         /* next request to copy out       */
	keel_ring_idx_t rsp_prod_pvt;     /* next response slot             */
	keel_ring_idx_t rsp_published;    /* what rsp_prod was set to       */
	bool broken;
};

/* Starts serving a freshly initialised ring of `bytes` bytes (indices 0)
 * and asks for a notification at the first request.  0, or -EINVAL when
 * the sizes do not fit (req/rsp larger than a slot, no slot fits). */
int kb_ring_init(struct kb_ring *r, void *sring, uint32_t bytes,
		 uint32_t slot_size, uint32_t req_size, uint32_t rsp_size);

/* Copies up to max requests into reqs (max * req_size bytes).  Returns how
 * many (0: none), or -EIO once the ring is broken (and on every call
 * after). */
int kb_ring_take(struct kb_ring *r, void *reqs, unsigned int max);

/* Writes n responses (n * rsp_size bytes) into the slots of requests
 * already taken and publishes them.  Returns true when the frontend asked
 * to be notified, false otherwise (and for n == 0 or more responses than
 * requests taken: nothing is written then). */
bool kb_ring_push(struct kb_ring *r, const void *rsps, unsigned int n);

/* Before sleeping: asks to be notified at the next request and looks once
 * more.  True when requests are waiting (service again). */
bool kb_ring_final_check(struct kb_ring *r);

#endif
