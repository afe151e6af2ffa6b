/*
 * keel-blkback: request validation (blk_req.h).
 */
#include <string.h>

#include "blk_req.h"

/* DISCARD: its own layout in the same slot (io/blkif.h). */
static int decode_discard(const struct keel_blkif_request_discard *d,
			  uint64_t disk_sectors, bool readonly, struct blk_io *io)
{
	if (d->flag & KEEL_BLKIF_DISCARD_SECURE)
		return KEEL_BLKIF_RSP_EOPNOTSUPP;
	if (readonly || d->sector_number > disk_sectors ||
	    disk_sectors - d->sector_number < d->nr_sectors)
		return KEEL_BLKIF_RSP_ERROR;
	io->sector = d->sector_number;
	io->discard_sectors = d->nr_sectors;
	return KEEL_BLKIF_RSP_OKAY;
}

int blk_req_decode(const struct keel_blkif_request *req, uint64_t disk_sectors,
		   bool readonly, struct blk_io *io)
{
	memset(io, 0, sizeof(*io));
	io->op = req->operation;
	io->id = req->id;
	switch (req->operation) {
	case KEEL_BLKIF_OP_FLUSH_DISKCACHE:
		return req->nr_segments == 0 ? KEEL_BLKIF_RSP_OKAY :
		       KEEL_BLKIF_RSP_ERROR;
	case KEEL_BLKIF_OP_DISCARD:
		return decode_discard((const struct keel_blkif_request_discard *)req,
				      disk_sectors, readonly, io);
	case KEEL_BLKIF_OP_READ:
	case KEEL_BLKIF_OP_WRITE:
		break;
	default:
		return KEEL_BLKIF_RSP_EOPNOTSUPP;
	}
	if (req->operation == KEEL_BLKIF_OP_WRITE && readonly)
		return KEEL_BLKIF_RSP_ERROR;
	if (req->nr_segments == 0 || req->nr_segments > KEEL_BLKIF_MAX_SEGMENTS)
		return KEEL_BLKIF_RSP_ERROR;
	for (unsigned int i = 0; i < req->nr_segments; i++) {
		const struct keel_blkif_segment *s = &req->seg[i];

		if (s->first_sect > s->last_sect ||
		    s->last_sect >= KEEL_BLKIF_SECTORS_PER_PAGE)
			return KEEL_BLKIF_RSP_ERROR;
		io->seg[i].gref = s->gref;
		io->seg[i].offset = (uint16_t)(s->first_sect * KEEL_BLKIF_SECTOR_SIZE);
		io->seg[i].len = (uint16_t)((s->last_sect - s->first_sect + 1) *
					    KEEL_BLKIF_SECTOR_SIZE);
		io->nsect += s->last_sect - s->first_sect + 1u;
	}
	/* nsect <= 88, so only sector_number can overflow. */
	if (req->sector_number > disk_sectors ||
	    disk_sectors - req->sector_number < io->nsect)
		return KEEL_BLKIF_RSP_ERROR;
	io->nseg = req->nr_segments;
	io->sector = req->sector_number;
	return KEEL_BLKIF_RSP_OKAY;
}
