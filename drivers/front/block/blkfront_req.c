/* blkfront's pure parts (blkfront_req.h). */
#include <stddef.h>

#include <public/errno.h>

#include "blkfront_req.h"

_Static_assert(BLKFRONT_NR_SHADOWS == 32u << BLKFRONT_MAX_RING_ORDER,
	       "one shadow per slot of the largest ring we ask for");
_Static_assert(BLKFRONT_MAX_RING_ORDER <= KEEL_RING_MAX_ORDER,
	       "the protocol caps the ring order");

void blkfront_shadows_init(struct blkfront_shadows *t)
{
	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++)
		t->sh[i].state = BLKFRONT_SH_FREE;
	t->next_seq = 0;
	t->nr_busy = 0;
}

long blkfront_shadow_get(struct blkfront_shadows *t)
{
	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++) {
		struct blkfront_shadow *s = &t->sh[i];

		if (s->state != BLKFRONT_SH_FREE)
			continue;
		s->state = BLKFRONT_SH_QUEUED;
		s->seq = t->next_seq++;
		s->nr_sectors = 0;
		s->buf_off = 0;
		t->nr_busy++;
		return i;
	}
	return -KEEL_ENOSPC;
}

void blkfront_shadow_put(struct blkfront_shadows *t, uint32_t id)
{
	if (id >= BLKFRONT_NR_SHADOWS || t->sh[id].state == BLKFRONT_SH_FREE)
		return;
	t->sh[id].state = BLKFRONT_SH_FREE;
	t->nr_busy--;
}

long blkfront_next_queued(const struct blkfront_shadows *t)
{
	long best = -1;

	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++) {
		if (t->sh[i].state != BLKFRONT_SH_QUEUED)
			continue;
		/* seq wraps after 2^32 requests: compare by difference. */
		if (best < 0 || (int32_t)(t->sh[i].seq - t->sh[best].seq) < 0)
			best = i;
	}
	return best;
}

uint32_t blkfront_replay(struct blkfront_shadows *t)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++) {
		if (t->sh[i].state == BLKFRONT_SH_RING) {
			t->sh[i].state = BLKFRONT_SH_QUEUED;
			n++;
		}
	}
	return n;
}

void blkfront_shadows_drop(struct blkfront_shadows *t)
{
	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++)
		t->sh[i].state = BLKFRONT_SH_FREE;
	t->nr_busy = 0;
}

uint32_t blkfront_build_rw(struct keel_blkif_request *req, uint8_t op,
			   uint64_t id, uint64_t sector, uint64_t count,
			   const uint32_t grefs[KEEL_BLKIF_MAX_SEGMENTS])
{
	uint32_t n = count < BLKFRONT_SECTORS_PER_REQ ?
		     (uint32_t)count : BLKFRONT_SECTORS_PER_REQ;
	uint32_t left = n;
	uint8_t nseg = 0;

	*req = (struct keel_blkif_request){
		.operation = op,
		.id = id,
		.sector_number = sector,
	};
	while (left) {
		uint32_t in_page = left < KEEL_BLKIF_SECTORS_PER_PAGE ?
				   left : KEEL_BLKIF_SECTORS_PER_PAGE;

		req->seg[nseg].gref = grefs[nseg];
		req->seg[nseg].first_sect = 0;
		req->seg[nseg].last_sect = (uint8_t)(in_page - 1);
		nseg++;
		left -= in_page;
	}
	req->nr_segments = nseg;
	return n;
}

void blkfront_build_flush(struct keel_blkif_request *req, uint64_t id)
{
	*req = (struct keel_blkif_request){
		.operation = KEEL_BLKIF_OP_FLUSH_DISKCACHE,
		.id = id,
	};
}

void blkfront_build_discard(struct keel_blkif_request *req, uint64_t id,
			    uint64_t sector, uint64_t count)
{
	union keel_blkif_slot slot = { .discard = { 0 } };

	slot.discard.operation = KEEL_BLKIF_OP_DISCARD;
	slot.discard.id = id;
	slot.discard.sector_number = sector;
	slot.discard.nr_sectors = count;
	*req = slot.req;
}

long blkfront_ring_check(uint32_t rsp_prod, uint32_t rsp_cons,
			 uint32_t req_prod, uint32_t ring_slots)
{
	uint32_t avail = rsp_prod - rsp_cons;

	if (avail > ring_slots || avail > (uint32_t)(req_prod - rsp_cons))
		return -KEEL_EIO;
	return avail;
}

long blkfront_rsp_check(const struct blkfront_shadows *t,
			const struct keel_blkif_response *rsp)
{
	const struct blkfront_shadow *s;

	if (rsp->id >= BLKFRONT_NR_SHADOWS)
		return -KEEL_EIO;
	s = &t->sh[rsp->id];
	if (s->state != BLKFRONT_SH_RING || s->req.operation != rsp->operation)
		return -KEEL_EIO;
	return (long)rsp->id;
}

int blkfront_rsp_errno(int16_t status)
{
	switch (status) {
	case KEEL_BLKIF_RSP_OKAY:
		return 0;
	case KEEL_BLKIF_RSP_EOPNOTSUPP:
		return -KEEL_ENOSYS;
	default:
		return -KEEL_EIO;
	}
}

unsigned int blkfront_ring_order(int have_key, uint64_t backend_max)
{
	if (!have_key)
		return 0;
	return backend_max < BLKFRONT_MAX_RING_ORDER ?
	       (unsigned int)backend_max : BLKFRONT_MAX_RING_ORDER;
}

enum blkfront_action blkfront_decide(enum blkfront_phase phase, int prev_be,
				     int be, int fe_key)
{
	if (be == KEEL_XBS_CLOSING || be == KEEL_XBS_CLOSED)
		return phase == BLKFRONT_CLOSED ? BLKFRONT_ACT_NONE : BLKFRONT_ACT_CLOSE;
	switch (phase) {
	case BLKFRONT_INIT:
		if (be == KEEL_XBS_INITWAIT || be == KEEL_XBS_CONNECTED)
			return BLKFRONT_ACT_SETUP;
		return BLKFRONT_ACT_NONE;
	case BLKFRONT_INITIALISED:
		if (be == KEEL_XBS_CONNECTED)
			return BLKFRONT_ACT_CONNECT;
		/* Back to InitWait after it had moved on: a restarted
		 * backend, whose mapping of our ring died with it. */
		if (be == KEEL_XBS_INITWAIT)
			return prev_be > KEEL_XBS_INITWAIT ? BLKFRONT_ACT_SETUP
							   : BLKFRONT_ACT_NONE;
		if (be < KEEL_XBS_INITWAIT)
			return BLKFRONT_ACT_SUSPEND;
		return BLKFRONT_ACT_NONE;
	case BLKFRONT_CONNECTED:
		if (be == KEEL_XBS_INITWAIT)
			return BLKFRONT_ACT_SETUP;
		if (be != KEEL_XBS_CONNECTED)
			return BLKFRONT_ACT_SUSPEND;
		return BLKFRONT_ACT_NONE;
	case BLKFRONT_WAIT_BACKEND:
		/* Only InitWait: a backend that comes back Connected has not
		 * mapped a ring we published for it (the I/O times out). */
		if (be == KEEL_XBS_INITWAIT)
			return BLKFRONT_ACT_SETUP;
		return BLKFRONT_ACT_NONE;
	case BLKFRONT_CLOSED:
		if (fe_key == KEEL_XBS_INITIALISING && be == KEEL_XBS_INITWAIT)
			return BLKFRONT_ACT_SETUP;
		return BLKFRONT_ACT_NONE;
	}
	return BLKFRONT_ACT_NONE;
}
