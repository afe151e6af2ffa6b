/*
 * blkif: the block split device's wire format (the layout of Xen's
 * io/blkif.h, so stock frontends could talk to keel-blkback).  The ring
 * (io/ring.h) carries 112-byte request slots: 32 per 4 KiB page.
 *
 * A request moves sectors of 512 bytes between the disk and up to
 * KEEL_BLKIF_MAX_SEGMENTS granted pages of the frontend: segment i covers
 * sectors first_sect .. last_sect (inclusive, 0 .. 7) of the page granted
 * by gref, and the segments follow each other on the disk from
 * sector_number on.  Responses carry the request's id and a status.
 *
 * DISCARD (feature-discard) says the frontend no longer needs nr_sectors
 * sectors from sector_number on; what they read afterwards is undefined
 * (keel-blkback: zeros on a raw image, unchanged on a cow overlay).
 *
 * Store keys (docs/backends.md, "keel-blkback"): the backend writes
 * sectors, sector-size, info, feature-flush-cache, feature-persistent,
 * feature-discard, discard-granularity, discard-alignment, discard-secure,
 * max-ring-page-order; the frontend writes ring-ref (or ring-ref0 ..
 * ring-ref<2^order - 1> with ring-page-order), event-channel, protocol
 * ("x86_64-abi"), feature-persistent.
 */
#ifndef KEEL_PUBLIC_IO_BLKIF_H
#define KEEL_PUBLIC_IO_BLKIF_H

#include "../types.h"
#include "ring.h"

#define KEEL_BLKIF_OP_READ            0
#define KEEL_BLKIF_OP_WRITE           1
#define KEEL_BLKIF_OP_WRITE_BARRIER   2  /* not offered by keel-blkback   */
#define KEEL_BLKIF_OP_FLUSH_DISKCACHE 3  /* nr_segments 0: flush to disk */
#define KEEL_BLKIF_OP_DISCARD         5  /* struct keel_blkif_request_discard */
#define KEEL_BLKIF_OP_INDIRECT        6  /* not offered by keel-blkback   */

#define KEEL_BLKIF_MAX_SEGMENTS  11
#define KEEL_BLKIF_SECTOR_SIZE   512u
#define KEEL_BLKIF_SECTORS_PER_PAGE 8u

#define KEEL_BLKIF_RSP_EOPNOTSUPP (-2)
#define KEEL_BLKIF_RSP_ERROR      (-1)
#define KEEL_BLKIF_RSP_OKAY       0

/* info bits (the backend's `info` key). */
#define KEEL_VDISK_CDROM     0x1
#define KEEL_VDISK_REMOVABLE 0x2
#define KEEL_VDISK_READONLY  0x4

typedef uint64_t keel_blkif_sector_t;

struct keel_blkif_segment {
	uint32_t gref;             /* IN: grant of the data page               */
	uint8_t  first_sect;       /* IN: first sector in the page (0 .. 7)    */
	uint8_t  last_sect;        /* IN: last sector, >= first_sect           */
	uint8_t  pad[2];
};
KEEL_ABI_SIZE_CHECK(struct keel_blkif_segment, 8);

struct keel_blkif_request {
	uint8_t  operation;        /* IN: KEEL_BLKIF_OP_*                      */
	uint8_t  nr_segments;      /* IN: 1 .. 11 for READ/WRITE, 0 for FLUSH  */
	uint16_t handle;           /* IN: the device (unused: one per ring)    */
	uint32_t pad0;
	uint64_t id;               /* IN: echoed in the response               */
	keel_blkif_sector_t sector_number; /* IN: first 512-byte sector       */
	struct keel_blkif_segment seg[KEEL_BLKIF_MAX_SEGMENTS];
};
KEEL_ABI_SIZE_CHECK(struct keel_blkif_request, 112);

/* A DISCARD request, in the same slot (Xen's blkif_request_discard). */
struct keel_blkif_request_discard {
	uint8_t  operation;        /* IN: KEEL_BLKIF_OP_DISCARD                */
	uint8_t  flag;             /* IN: KEEL_BLKIF_DISCARD_SECURE, or 0      */
	uint16_t handle;           /* IN                                       */
	uint32_t pad0;
	uint64_t id;               /* IN: echoed in the response               */
	keel_blkif_sector_t sector_number; /* IN: first sector                */
	uint64_t nr_sectors;       /* IN: how many                             */
};
KEEL_ABI_SIZE_CHECK(struct keel_blkif_request_discard, 32);
#define KEEL_BLKIF_DISCARD_SECURE 0x1   /* refused: discard-secure is 0 */

struct keel_blkif_response {
	uint64_t id;               /* OUT: the request's id                    */
	uint8_t  operation;        /* OUT: the request's operation             */
	uint8_t  pad;
	int16_t  status;           /* OUT: KEEL_BLKIF_RSP_*                    */
	uint32_t pad1;
};
KEEL_ABI_SIZE_CHECK(struct keel_blkif_response, 16);

union keel_blkif_slot {
	struct keel_blkif_request req;
	struct keel_blkif_request_discard discard;
	struct keel_blkif_response rsp;
};
KEEL_ABI_SIZE_CHECK(union keel_blkif_slot, 112);

/* The ring: header, then slots (count from keel_ring_slots()). */
struct keel_blkif_sring {
	struct keel_sring_header hdr;
	union keel_blkif_slot ring[];
};

/* Slots of a blkif ring of 2^order pages: 32 << order. */
static inline uint32_t keel_blkif_ring_slots(unsigned int order)
{
	return keel_ring_slots(4096u << order, sizeof(union keel_blkif_slot));
}

/* Xen's virtual-device numbers for xvd<letter>: (202 << 8) | (disk << 4). */
#define KEEL_XVD_MAJOR 202
#define KEEL_XVD_DEVID(disk) ((KEEL_XVD_MAJOR << 8) | ((disk) << 4))

#endif
