/*
 * libkeelback: the backend's side of a shared ring (kb_ring.h).
 */
#include "kb_ring.h"

#include <errno.h>
#include <string.h>

static inline void *slot(const struct kb_ring *r, keel_ring_idx_t i)
{
	return (uint8_t *)r->sring + KEEL_RING_HEADER_SIZE +
	       (size_t)(i & (r->size - 1)) * r->slot_size;
}

int kb_ring_init(struct kb_ring *r, void *sring, uint32_t bytes,
		 uint32_t slot_size, uint32_t req_size, uint32_t rsp_size)
{
	memset(r, 0, sizeof(*r));
	if (!sring || slot_size == 0 || req_size > slot_size ||
	    rsp_size > slot_size || req_size == 0 || rsp_size == 0 ||
	    bytes < KEEL_RING_HEADER_SIZE + slot_size)
		return -EINVAL;
	r->sring = sring;
	r->size = keel_ring_slots(bytes, slot_size);
	r->slot_size = slot_size;
	r->req_size = req_size;
	r->rsp_size = rsp_size;
	__atomic_store_n(&r->sring->req_event, 1, __ATOMIC_RELEASE);
	return 0;
}

int kb_ring_take(struct kb_ring *r, void *reqs, unsigned int max)
{
	keel_ring_idx_t prod, avail;
	unsigned int i, n;

	if (r->broken)
		return -EIO;
	prod = __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE);
	/* Every request not yet answered needs a slot of its own. */
	if ((keel_ring_idx_t)(prod - r->rsp_prod_pvt) > r->size) {
		r->broken = true;
		return -EIO;
	}
	avail = prod - r->req_cons;
	n = avail < max ? avail : max;
	for (i = 0; i < n; i++)
		memcpy((uint8_t *)reqs + (size_t)i * r->req_size,
		       slot(r, r->req_cons + i), r->req_size);
	r->req_cons += n;
	return (int)n;
}

bool kb_ring_push(struct kb_ring *r, const void *rsps, unsigned int n)
{
	keel_ring_idx_t old = r->rsp_published, event;
	unsigned int i;

	if (n == 0 || (keel_ring_idx_t)(r->req_cons - r->rsp_prod_pvt) < n)
		return false;
	for (i = 0; i < n; i++) {
		uint8_t *s = slot(r, r->rsp_prod_pvt++);

		memset(s, 0, r->slot_size);
		memcpy(s, (const uint8_t *)rsps + (size_t)i * r->rsp_size,
		       r->rsp_size);
	}
	r->rsp_published = r->rsp_prod_pvt;
	__atomic_store_n(&r->sring->rsp_prod, r->rsp_published,
			 __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	event = __atomic_load_n(&r->sring->rsp_event, __ATOMIC_RELAXED);
	return keel_ring_need_notify(old, r->rsp_published, event);
}

bool kb_ring_final_check(struct kb_ring *r)
{
	if (r->broken)
		return false;
	if (__atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE) !=
	    r->req_cons)
		return true;
	__atomic_store_n(&r->sring->req_event, r->req_cons + 1,
			 __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&r->sring->req_prod, __ATOMIC_ACQUIRE) !=
	       r->req_cons;
}
