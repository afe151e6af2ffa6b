/*
 * keel-blkback's request checks, pure (unit-tested in tests/unit/block):
 * a blkif request already copied out of the ring becomes a struct blk_io,
 * or an error status for its response.  Nothing a frontend writes is used
 * before it passed here.
 */
#ifndef KEEL_BLK_REQ_H
#define KEEL_BLK_REQ_H

#include <stdbool.h>
#include <stdint.h>

#include <public/io/blkif.h>

struct blk_seg {
	uint32_t gref;
	uint16_t offset;           /* bytes into the granted page */
	uint16_t len;              /* bytes, a multiple of 512    */
};

struct blk_io {
	uint8_t op;                /* READ, WRITE, FLUSH_DISKCACHE, DISCARD */
	uint64_t id;
	uint64_t sector;           /* first sector on the disk        */
	uint32_t nsect;            /* sectors in all (0 for a flush)  */
	uint64_t discard_sectors;  /* DISCARD: how many               */
	unsigned int nseg;
	struct blk_seg seg[KEEL_BLKIF_MAX_SEGMENTS];
};

/*
 * Checks req against a disk of disk_sectors sectors.  Returns
 * KEEL_BLKIF_RSP_OKAY and fills *io; KEEL_BLKIF_RSP_EOPNOTSUPP for an
 * operation we do not offer (and a secure discard); KEEL_BLKIF_RSP_ERROR
 * for anything else that is wrong (segment count, sector range in a page,
 * past the end of the disk, a write or discard to a read-only disk).  io->id and io->op are set in every
 * case, for the response.
 */
int blk_req_decode(const struct keel_blkif_request *req, uint64_t disk_sectors,
		   bool readonly, struct blk_io *io);

#endif
