/*
 * blkfront's pure parts (blkfront_req.c): building blkif requests, the
 * shadow table of requests the frontend owns, checking what the backend
 * answers, and the handshake decisions (which store state to move to on
 * a backend state change, when to replay).  No hypercalls, no store: also
 * compiled into the host unit tests (tests/unit/guests/).
 *
 * A shadow is the frontend's own copy of one request, from the moment it
 * is built until its response has been consumed:
 *
 *   FREE -> QUEUED (built, waiting for ring space or a connected backend)
 *        -> RING   (copied onto the shared ring; the backend owns it)
 *        -> FREE   (its response arrived and was checked)
 *
 * On a backend restart every RING shadow goes back to QUEUED and is put
 * on the new ring again, oldest first (blkfront_replay).  Shadow i always
 * uses the data pages of pool row i, so its grant refs never change.
 */
#ifndef BLKFRONT_REQ_H
#define BLKFRONT_REQ_H

#include <stdint.h>

#include <public/io/blkif.h>
#include <public/io/xenbus.h>

/* Largest ring we ask for: 2 pages, 64 slots (the backend offers up to
 * KEEL_RING_MAX_ORDER; more slots do not help one synchronous caller). */
#define BLKFRONT_MAX_RING_ORDER 1u
#define BLKFRONT_MAX_RING_PAGES (1u << BLKFRONT_MAX_RING_ORDER)
#define BLKFRONT_NR_SHADOWS     64u   /* keel_blkif_ring_slots(MAX_ORDER) */
/* 512-byte sectors one request moves: 11 segments of a whole page. */
#define BLKFRONT_SECTORS_PER_REQ \
	(KEEL_BLKIF_MAX_SEGMENTS * KEEL_BLKIF_SECTORS_PER_PAGE)

enum blkfront_shadow_state {
	BLKFRONT_SH_FREE = 0,
	BLKFRONT_SH_QUEUED,
	BLKFRONT_SH_RING,
};

struct blkfront_shadow {
	enum blkfront_shadow_state state;
	uint32_t seq;                   /* build order: replay follows it   */
	uint32_t nr_sectors;            /* data sectors (0 for a flush)     */
	uint64_t buf_off;               /* byte offset in the caller's I/O  */
	struct keel_blkif_request req;  /* exactly what goes on the ring    */
};

struct blkfront_shadows {
	struct blkfront_shadow sh[BLKFRONT_NR_SHADOWS];
	uint32_t next_seq;
	uint32_t nr_busy;               /* QUEUED + RING                    */
};

void blkfront_shadows_init(struct blkfront_shadows *t);
/* A FREE shadow, now QUEUED with the next sequence number: its id, or
 * -KEEL_ENOSPC when all are busy. */
long blkfront_shadow_get(struct blkfront_shadows *t);
/* Back to FREE (any state; an id out of range is ignored). */
void blkfront_shadow_put(struct blkfront_shadows *t, uint32_t id);
/* The QUEUED shadow built first (lowest seq, wrap-safe): id or -1. */
long blkfront_next_queued(const struct blkfront_shadows *t);
/* Backend restart: every RING shadow becomes QUEUED again (seq kept, so
 * they go out before anything built later).  Returns how many. */
uint32_t blkfront_replay(struct blkfront_shadows *t);
/* Shadows of any state but FREE back to FREE (device closed/broken). */
void blkfront_shadows_drop(struct blkfront_shadows *t);

/*
 * A READ or WRITE of up to BLKFRONT_SECTORS_PER_REQ sectors from `sector`
 * (count sectors wanted): segment i covers sectors 0..7 of the page
 * granted by grefs[i], the last one possibly fewer.  Returns the sectors
 * covered (min(count, BLKFRONT_SECTORS_PER_REQ)); 0 if count is 0.
 */
uint32_t blkfront_build_rw(struct keel_blkif_request *req, uint8_t op,
			   uint64_t id, uint64_t sector, uint64_t count,
			   const uint32_t grefs[KEEL_BLKIF_MAX_SEGMENTS]);
/* FLUSH_DISKCACHE: no segments, sector 0. */
void blkfront_build_flush(struct keel_blkif_request *req, uint64_t id);
/* DISCARD of count sectors from sector (no segments, not secure). */
void blkfront_build_discard(struct keel_blkif_request *req, uint64_t id,
			    uint64_t sector, uint64_t count);

/*
 * The backend's indices: how many responses wait (rsp_prod - rsp_cons),
 * or -KEEL_EIO if that is more than the ring holds or more than the
 * requests published and not yet answered (req_prod - rsp_cons).
 */
long blkfront_ring_check(uint32_t rsp_prod, uint32_t rsp_cons,
			 uint32_t req_prod, uint32_t ring_slots);
/*
 * A response copied out of the ring: the id of the RING shadow it answers
 * (same operation), or -KEEL_EIO for an id never issued, not on the ring
 * now (answered already, or only queued) or an operation that does not
 * match.
 */
long blkfront_rsp_check(const struct blkfront_shadows *t,
			const struct keel_blkif_response *rsp);
/* A response status as an error for the program: 0, -KEEL_EIO (ERROR or
 * any unknown status), -KEEL_ENOSYS (EOPNOTSUPP). */
int blkfront_rsp_errno(int16_t status);

/* Ring order to use: min(the backend's max-ring-page-order, ours);
 * have_key = 0 (no key): 0. */
unsigned int blkfront_ring_order(int have_key, uint64_t backend_max);

/* The frontend's life cycle (blkfront.c acts on the decisions). */
enum blkfront_phase {
	BLKFRONT_INIT = 0,       /* opened, nothing published              */
	BLKFRONT_INITIALISED,    /* ring-ref etc. written, state 3         */
	BLKFRONT_CONNECTED,      /* state 4 on both sides: I/O flows       */
	BLKFRONT_WAIT_BACKEND,   /* backend gone below 2: hold the I/O     */
	BLKFRONT_CLOSED,         /* state 6 written, resources given back  */
};

enum blkfront_action {
	BLKFRONT_ACT_NONE = 0,
	BLKFRONT_ACT_SETUP,      /* read the backend's keys, (re)init ring,
				  * new port, write keys, state 3; replay  */
	BLKFRONT_ACT_CONNECT,    /* state 4, push what is queued           */
	BLKFRONT_ACT_SUSPEND,    /* stop issuing, keep the in-flight ones  */
	BLKFRONT_ACT_CLOSE,      /* end grants, close port, state 6        */
};

/*
 * What to do now, from our phase, the backend state seen at the previous
 * event (prev_be), the one read now (be; a missing key counts as Closed)
 * and our own state key (fe_key: the toolstack writes 1 there to ask for
 * a new connection after a close).  docs/guests.md, "blkfront", has the
 * table.
 */
enum blkfront_action blkfront_decide(enum blkfront_phase phase, int prev_be,
				     int be, int fe_key);

#endif
