/*
 * Block frontend (blkfront.h): the store handshake of docs/backends.md
 * and the blkif ring, on the guest kernel's grant table, event channels
 * and store client.  The pure parts -- building requests, the shadow
 * table, checking responses, the handshake decisions -- are in
 * blkfront_req.c.
 *
 * Data never leaves a fixed pool: every shadow (one per slot of the
 * largest ring) owns 11 pages granted writable to the backend once per
 * connection; a write is copied into them before it is queued, a read is
 * copied out when its response arrives.  The backend moves data with
 * grant copy, so nothing stays mapped (feature-persistent = 0).
 *
 * Everything runs in main context: the event-channel handler only counts
 * and kicks deferred work, and the state machine runs from store watch
 * callbacks, which kernel_poll() calls -- at the waits inside our own
 * calls, or while the program idles.
 */
#include "blkfront.h"
#include "blkfront_req.h"
#include "kernel.h"
#include "mm.h"
#include "xenbus.h"
#include "xs.h"

#define BF_PATH_MAX   96
#define BF_POLL_NS    (100 * NS_PER_MS)
#define BF_CLOSE_WAIT_NS (10 * NS_PER_SEC)

struct blkfront_io {
	uint8_t op;               /* KEEL_BLKIF_OP_READ/WRITE/FLUSH_DISKCACHE */
	uint64_t sector;
	uint64_t count;           /* sectors (1 for a flush)                  */
	uint8_t *buf;
	uint64_t next;            /* sectors already built into requests      */
	uint32_t outstanding;     /* its requests not answered yet            */
	int error;                /* the first error status, as -KEEL_E*      */
};

struct blkfront {
	int used;
	struct blkfront_info info;
	uint16_t backend_id;
	char fe_path[BF_PATH_MAX];
	char be_path[BF_PATH_MAX];
	struct xb_watch watch;    /* watch.active: both states watched */

	enum blkfront_phase phase;
	int prev_be;              /* backend state at the previous event      */
	int broken;
	uint64_t progress_ns;     /* last response or backend state change    */
	uint32_t replayed;        /* requests re-queued at the last setup     */

	struct keel_blkif_sring *sring;   /* BLKFRONT_MAX_RING_PAGES pages   */
	uint32_t ring_slots;
	keel_ring_idx_t req_prod_pvt, rsp_cons;
	long port;                /* ours, unbound for the backend; -1: none  */
	volatile uint64_t events;

	int pool_ready;
	uint32_t ring_ref[BLKFRONT_MAX_RING_PAGES];
	uint64_t pool_gfn[BLKFRONT_NR_SHADOWS][KEEL_BLKIF_MAX_SEGMENTS];
	uint32_t pool_ref[BLKFRONT_NR_SHADOWS][KEEL_BLKIF_MAX_SEGMENTS];
	unsigned long leaked;     /* pool pages still busy when ended         */

	struct blkfront_shadows shadows;
	struct blkfront_io *io;   /* the call in progress, or NULL            */
};

static struct blkfront devs[BLKFRONT_MAX_DEVS];
/* Ring pages must be contiguous (one mapping for the sring): from BSS. */
static uint8_t ring_mem[BLKFRONT_MAX_DEVS][BLKFRONT_MAX_RING_PAGES * KEEL_PAGE_SIZE]
	__attribute__((aligned(KEEL_PAGE_SIZE)));

static void *page_ptr(uint64_t gfn)
{
	return (void *)(uintptr_t)(gfn << KEEL_PAGE_SHIFT);
}

/* ---- store helpers (drivers/front/common/xenbus.h) -------------------------- */

static int read_key(const char *dir, const char *key, char *val, size_t len)
{
	return xb_read(XS_NO_TX, dir, key, val, len);
}

static int read_u64(const char *dir, const char *key, uint64_t *out)
{
	return xb_read_u64(dir, key, out);
}

/* A missing key or default: `def` when the key does not exist. */
static int read_u64_def(const char *dir, const char *key, uint64_t def,
			uint64_t *out)
{
	int rc = xb_read_u64(dir, key, out);

	if (rc == -KEEL_ENOENT) {
		*out = def;
		return 0;
	}
	return rc;
}

static int write_key(const char *dir, const char *key, const char *val)
{
	return xb_write(XS_NO_TX, dir, key, val);
}

static int write_u64(const char *dir, const char *key, uint64_t v)
{
	return xb_write_u64(XS_NO_TX, dir, key, v);
}

static int write_state(struct blkfront *bf, int state)
{
	return xb_write_state(bf->fe_path, state);
}

static void mark_broken(struct blkfront *bf, const char *why, long val)
{
	if (bf->broken)
		return;
	bf->broken = 1;
	printk("blkfront: %s: %s (%ld): device broken, closing it\n",
	       bf->info.name, why, val);
	(void)write_state(bf, KEEL_XBS_CLOSING);
}

/* ---- data pool and ring grants --------------------------------------------- */

static void end_grant(struct blkfront *bf, uint32_t *ref, uint64_t *gfn)
{
	int rc = 0;

	if (*ref)
		rc = gnttab_end_access(*ref);
	if (rc < 0) {
		bf->leaked++;   /* the backend is copying: never reuse it */
	} else if (gfn && *gfn) {
		mm_free_page(*gfn);
	}
	*ref = 0;
	if (gfn)
		*gfn = 0;
}

static void pool_release(struct blkfront *bf)
{
	unsigned long leaked = bf->leaked;

	for (unsigned int i = 0; i < BLKFRONT_MAX_RING_PAGES; i++)
		end_grant(bf, &bf->ring_ref[i], NULL);
	for (unsigned int i = 0; i < BLKFRONT_NR_SHADOWS; i++)
		for (unsigned int j = 0; j < KEEL_BLKIF_MAX_SEGMENTS; j++)
			end_grant(bf, &bf->pool_ref[i][j], &bf->pool_gfn[i][j]);
	bf->pool_ready = 0;
	if (bf->leaked != leaked)
		printk("blkfront: %s: %lu pages still in use by the backend, kept aside\n",
		       bf->info.name, bf->leaked - leaked);
}

/* Grant the ring pages and one row of 11 data pages per shadow to the
 * backend: 0, or -KEEL_ENOMEM / -KEEL_ENOSPC with nothing left granted. */
static int pool_setup(struct blkfront *bf)
{
	uint64_t ring_gfn = (uint64_t)(uintptr_t)bf->sring >> KEEL_PAGE_SHIFT;
	long r;

	if (bf->pool_ready)
		return 0;
	for (unsigned int i = 0; i < BLKFRONT_MAX_RING_PAGES; i++) {
		r = gnttab_grant_access(bf->backend_id, ring_gfn + i, 0);
		if (r < 0)
			goto err_release;
		bf->ring_ref[i] = (uint32_t)r;
	}
	for (unsigned int i = 0; i < BLKFRONT_NR_SHADOWS; i++) {
		for (unsigned int j = 0; j < KEEL_BLKIF_MAX_SEGMENTS; j++) {
			long gfn = mm_alloc_page();

			r = gfn;
			if (gfn < 0)
				goto err_release;
			bf->pool_gfn[i][j] = (uint64_t)gfn;
			r = gnttab_grant_access(bf->backend_id, (uint64_t)gfn, 0);
			if (r < 0)
				goto err_release;
			bf->pool_ref[i][j] = (uint32_t)r;
		}
	}
	bf->pool_ready = 1;
	return 0;

err_release:
	pool_release(bf);
	return (int)r;
}

static void copy_to_pool(struct blkfront *bf, uint32_t id, const uint8_t *src,
			 uint32_t nr_sectors)
{
	for (unsigned int j = 0; nr_sectors; j++) {
		uint32_t n = nr_sectors < KEEL_BLKIF_SECTORS_PER_PAGE ?
			     nr_sectors : KEEL_BLKIF_SECTORS_PER_PAGE;

		memcpy(page_ptr(bf->pool_gfn[id][j]), src, n * KEEL_BLKIF_SECTOR_SIZE);
		src += KEEL_PAGE_SIZE;
		nr_sectors -= n;
	}
}

static void copy_from_pool(struct blkfront *bf, uint32_t id, uint8_t *dst,
			   uint32_t nr_sectors)
{
	for (unsigned int j = 0; nr_sectors; j++) {
		uint32_t n = nr_sectors < KEEL_BLKIF_SECTORS_PER_PAGE ?
			     nr_sectors : KEEL_BLKIF_SECTORS_PER_PAGE;

		memcpy(dst, page_ptr(bf->pool_gfn[id][j]), n * KEEL_BLKIF_SECTOR_SIZE);
		dst += KEEL_PAGE_SIZE;
		nr_sectors -= n;
	}
}

/* ---- the ring ---------------------------------------------------------------- */

static void ring_handler(keel_evtchn_port_t port, void *arg)
{
	struct blkfront *bf = arg;

	(void)port;
	bf->events++;
	kernel_kick();
}

/* Put queued shadows (oldest first: replays before new ones) on the ring
 * while it has room; publish, and notify if the backend asked to be. */
static void push(struct blkfront *bf)
{
	keel_ring_idx_t old = bf->req_prod_pvt;
	long id;

	if (bf->phase != BLKFRONT_CONNECTED || bf->broken)
		return;
	while ((keel_ring_idx_t)(bf->req_prod_pvt - bf->rsp_cons) < bf->ring_slots &&
	       (id = blkfront_next_queued(&bf->shadows)) >= 0) {
		struct blkfront_shadow *s = &bf->shadows.sh[id];

		memcpy(&bf->sring->ring[bf->req_prod_pvt & (bf->ring_slots - 1)].req,
		       &s->req, sizeof(s->req));
		s->state = BLKFRONT_SH_RING;
		bf->req_prod_pvt++;
	}
	if (bf->req_prod_pvt == old)
		return;
	__atomic_store_n(&bf->sring->hdr.req_prod, bf->req_prod_pvt, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (keel_ring_need_notify(old, bf->req_prod_pvt,
				  __atomic_load_n(&bf->sring->hdr.req_event, __ATOMIC_ACQUIRE)))
		evtchn_send((keel_evtchn_port_t)bf->port);
}

static void complete(struct blkfront *bf, uint32_t id, int16_t status)
{
	struct blkfront_shadow *s = &bf->shadows.sh[id];
	struct blkfront_io *io = bf->io;
	int err = blkfront_rsp_errno(status);

	if (io) {
		if (err && !io->error) {
			io->error = err;
			printk("blkfront: %s: operation %u at sector %lu: status %d\n",
			       bf->info.name, s->req.operation,
			       (unsigned long)s->req.sector_number, status);
		}
		if (!err && s->req.operation == KEEL_BLKIF_OP_READ)
			copy_from_pool(bf, id, io->buf + s->buf_off, s->nr_sectors);
		io->outstanding--;
	}
	blkfront_shadow_put(&bf->shadows, id);
}

/* Take every response the backend published: how many, or -KEEL_EIO
 * when it broke the protocol (the device is then broken). */
static int consume(struct blkfront *bf)
{
	struct keel_sring_header *h = &bf->sring->hdr;
	int n = 0;

	if (bf->phase != BLKFRONT_CONNECTED || bf->broken)
		return 0;
	for (;;) {
		keel_ring_idx_t rp = __atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE);
		long avail = blkfront_ring_check(rp, bf->rsp_cons, bf->req_prod_pvt,
						 bf->ring_slots);

		if (avail < 0) {
			mark_broken(bf, "response index beyond the requests",
				    (long)(keel_ring_idx_t)(rp - bf->rsp_cons));
			return -KEEL_EIO;
		}
		for (; bf->rsp_cons != rp; bf->rsp_cons++) {
			struct keel_blkif_response rsp;
			long id;

			/* Copied out once: the backend may change the slot. */
			memcpy(&rsp, &bf->sring->ring[bf->rsp_cons & (bf->ring_slots - 1)].rsp,
			       sizeof(rsp));
			id = blkfront_rsp_check(&bf->shadows, &rsp);
			if (id < 0) {
				mark_broken(bf, "response for no request in flight, id",
					    (long)rsp.id);
				return -KEEL_EIO;
			}
			complete(bf, (uint32_t)id, rsp.status);
			n++;
		}
		/* Ask for an event at the next response, then look again
		 * (one published meanwhile would not notify). */
		__atomic_store_n(&h->rsp_event, bf->rsp_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE) == bf->rsp_cons)
			break;
	}
	if (n)
		bf->progress_ns = time_now_ns();
	return n;
}

/* ---- the handshake (docs/backends.md; decisions in blkfront_decide) ------ */

/* Read what the backend offers into bf->info. */
static int read_backend(struct blkfront *bf, unsigned int *order)
{
	uint64_t sectors, ssize, info, flush, discard, max_order;
	int rc, have_order;

	rc = read_u64(bf->be_path, "sectors", &sectors);
	if (rc < 0)
		return rc;
	rc = read_u64_def(bf->be_path, "sector-size", KEEL_BLKIF_SECTOR_SIZE, &ssize);
	if (rc == 0 && ssize != KEEL_BLKIF_SECTOR_SIZE)
		rc = -KEEL_EINVAL;
	if (rc == 0)
		rc = read_u64_def(bf->be_path, "info", 0, &info);
	if (rc == 0)
		rc = read_u64_def(bf->be_path, "feature-flush-cache", 0, &flush);
	if (rc == 0)
		rc = read_u64_def(bf->be_path, "feature-discard", 0, &discard);
	if (rc < 0)
		return rc;
	have_order = read_u64(bf->be_path, "max-ring-page-order", &max_order) == 0;
	*order = blkfront_ring_order(have_order, max_order);
	bf->info.sectors = sectors;
	bf->info.sector_size = (uint32_t)ssize;
	bf->info.readonly = !!(info & KEEL_VDISK_READONLY);
	bf->info.flush = flush != 0;
	bf->info.discard = discard != 0;
	bf->info.ring_order = *order;
	bf->info.ring_slots = keel_blkif_ring_slots(*order);
	return 0;
}

/* Publish the ring keys, then state 3 (the backend acts on the state). */
static int publish(struct blkfront *bf, unsigned int order)
{
	char key[16];
	int rc = 0;

	if (order == 0) {
		xb_rm(bf->fe_path, "ring-page-order");
		rc = write_u64(bf->fe_path, "ring-ref", bf->ring_ref[0]);
	} else {
		xb_rm(bf->fe_path, "ring-ref");
		rc = write_u64(bf->fe_path, "ring-page-order", order);
		for (unsigned int i = 0; rc == 0 && i < (1u << order); i++) {
			gk_snprintf(key, sizeof(key), "ring-ref%u", i);
			rc = write_u64(bf->fe_path, key, bf->ring_ref[i]);
		}
	}
	if (rc == 0)
		rc = write_u64(bf->fe_path, "event-channel", (uint64_t)bf->port);
	if (rc == 0)
		rc = write_key(bf->fe_path, "protocol", "x86_64-abi");
	if (rc == 0)
		rc = write_key(bf->fe_path, "feature-persistent", "0");
	if (rc == 0)
		rc = write_state(bf, KEEL_XBS_INITIALISED);
	return rc;
}

/* Backend at InitWait: (re)initialise the ring, a new port, keys, state
 * 3.  Whatever was on the old ring is queued again for the new one. */
static void act_setup(struct blkfront *bf)
{
	unsigned int order;
	long port;
	int rc;

	if (bf->phase == BLKFRONT_CLOSED)
		bf->broken = 0;      /* a new connection after a close */
	rc = read_backend(bf, &order);
	if (rc < 0) {
		mark_broken(bf, "backend keys missing or unsupported, error", rc);
		return;
	}
	rc = pool_setup(bf);
	if (rc < 0) {
		mark_broken(bf, "no pages or grant refs for the data pool, error", rc);
		return;
	}
	bf->replayed = blkfront_replay(&bf->shadows);
	memset(bf->sring, 0, KEEL_PAGE_SIZE << order);
	bf->sring->hdr.req_event = 1;
	bf->sring->hdr.rsp_event = 1;
	bf->req_prod_pvt = 0;
	bf->rsp_cons = 0;
	bf->ring_slots = keel_blkif_ring_slots(order);

	/* The new port first, then close the old one: a different number,
	 * so nothing can mistake the old binding for the new. */
	port = evtchn_alloc_unbound(bf->backend_id);
	rc = port < 0 ? (int)port :
	     evtchn_bind((keel_evtchn_port_t)port, ring_handler, bf);
	if (port >= 0 && rc < 0)
		(void)evtchn_close((keel_evtchn_port_t)port);
	if (bf->port >= 0)
		(void)evtchn_close((keel_evtchn_port_t)bf->port);
	bf->port = rc < 0 ? -1 : port;
	if (rc == 0)
		rc = publish(bf, order);
	if (rc < 0) {
		mark_broken(bf, "cannot publish the ring, error", rc);
		return;
	}
	bf->phase = BLKFRONT_INITIALISED;
}

static void act_connect(struct blkfront *bf)
{
	const struct blkfront_info *i = &bf->info;
	char replay[40] = "";
	int rc = write_state(bf, KEEL_XBS_CONNECTED);

	if (rc < 0) {
		mark_broken(bf, "cannot write state 4, error", rc);
		return;
	}
	bf->phase = BLKFRONT_CONNECTED;
	bf->progress_ns = time_now_ns();
	if (bf->replayed)
		gk_snprintf(replay, sizeof(replay), ", %u requests replayed", bf->replayed);
	printk("blkfront: %s: connected, %lu sectors of %u bytes (%lu MiB), %s, flush %s, discard %s, ring order %u (%u slots)%s\n",
	       i->name, (unsigned long)i->sectors, i->sector_size,
	       (unsigned long)(i->sectors / 2048), i->readonly ? "ro" : "rw",
	       i->flush ? "yes" : "no", i->discard ? "yes" : "no",
	       i->ring_order, i->ring_slots, replay);
	bf->replayed = 0;
	push(bf);
}

static void act_close(struct blkfront *bf, int be)
{
	blkfront_shadows_drop(&bf->shadows);
	pool_release(bf);
	if (bf->port >= 0)
		(void)evtchn_close((keel_evtchn_port_t)bf->port);
	bf->port = -1;
	(void)write_state(bf, KEEL_XBS_CLOSED);
	bf->phase = BLKFRONT_CLOSED;
	printk("blkfront: %s: closed (backend state %d)\n", bf->info.name, be);
}

/* Re-read both states and take at most one step. */
static void blkfront_update(struct blkfront *bf)
{
	int be, fe;

	if (!bf->used)
		return;
	be = xb_read_state(bf->be_path);
	fe = xb_read_state(bf->fe_path);
	if (be != bf->prev_be)
		bf->progress_ns = time_now_ns();
	switch (blkfront_decide(bf->phase, bf->prev_be, be, fe)) {
	case BLKFRONT_ACT_NONE:
		break;
	case BLKFRONT_ACT_SETUP:
		if (bf->phase == BLKFRONT_CONNECTED || bf->phase == BLKFRONT_INITIALISED ||
		    bf->phase == BLKFRONT_WAIT_BACKEND)
			printk("blkfront: %s: backend restarted (state %d after %d): reconnecting\n",
			       bf->info.name, be, bf->prev_be);
		act_setup(bf);
		break;
	case BLKFRONT_ACT_CONNECT:
		act_connect(bf);
		break;
	case BLKFRONT_ACT_SUSPEND:
		printk("blkfront: %s: backend left (state %d): holding I/O\n",
		       bf->info.name, be);
		bf->phase = BLKFRONT_WAIT_BACKEND;
		break;
	case BLKFRONT_ACT_CLOSE:
		act_close(bf, be);
		break;
	}
	bf->prev_be = be;
}

static void watch_fn(const char *path, const char *token, void *arg)
{
	(void)path;
	(void)token;
	blkfront_update(arg);
}

/* ---- the I/O calls -------------------------------------------------------------- */

/* Build requests for the rest of io while shadows are free. */
static void queue_more(struct blkfront *bf, struct blkfront_io *io)
{
	while (io->next < io->count && bf->pool_ready) {
		long id = blkfront_shadow_get(&bf->shadows);
		struct blkfront_shadow *s;

		if (id < 0)
			return;
		s = &bf->shadows.sh[id];
		if (io->op == KEEL_BLKIF_OP_FLUSH_DISKCACHE) {
			blkfront_build_flush(&s->req, (uint64_t)id);
			io->next = io->count;
		} else if (io->op == KEEL_BLKIF_OP_DISCARD) {
			blkfront_build_discard(&s->req, (uint64_t)id, io->sector,
					       io->count);
			io->next = io->count;
		} else {
			s->nr_sectors = blkfront_build_rw(&s->req, io->op, (uint64_t)id,
							  io->sector + io->next,
							  io->count - io->next,
							  bf->pool_ref[id]);
			s->buf_off = io->next * KEEL_BLKIF_SECTOR_SIZE;
			if (io->op == KEEL_BLKIF_OP_WRITE)
				copy_to_pool(bf, (uint32_t)id, io->buf + s->buf_off,
					     s->nr_sectors);
			io->next += s->nr_sectors;
		}
		io->outstanding++;
	}
}

static int run_io(struct blkfront *bf, struct blkfront_io *io)
{
	int rc;

	bf->io = io;
	bf->progress_ns = time_now_ns();
	for (;;) {
		int got;

		if (bf->broken) {
			rc = -KEEL_EIO;
			break;
		}
		if (bf->phase == BLKFRONT_CLOSED) {
			rc = -KEEL_ENODEV;
			break;
		}
		queue_more(bf, io);
		push(bf);
		got = consume(bf);
		if (io->next == io->count && io->outstanding == 0) {
			rc = io->error;
			break;
		}
		if (got != 0)
			continue;
		if (time_now_ns() - bf->progress_ns > BLKFRONT_IO_TIMEOUT_NS) {
			mark_broken(bf, "no progress for 30 s, backend state",
				    bf->prev_be);
			rc = -KEEL_EIO;
			break;
		}
		kernel_wait(time_now_ns() + BF_POLL_NS);
		if (!bf->watch.active)
			blkfront_update(bf);
	}
	if (bf->shadows.nr_busy)
		blkfront_shadows_drop(&bf->shadows);    /* failed: forget them */
	bf->io = NULL;
	return rc;
}

/* Can the device take a call: 0, -KEEL_ENODEV (closed), -KEEL_EIO (broken). */
static int usable(const struct blkfront *bf)
{
	if (!bf || !bf->used || bf->phase == BLKFRONT_CLOSED)
		return -KEEL_ENODEV;
	return bf->broken ? -KEEL_EIO : 0;
}

static int check_io(struct blkfront *bf, uint64_t sector, const void *buf,
		    uint64_t count)
{
	int rc = usable(bf);

	if (rc < 0)
		return rc;
	if (!buf || count == 0 || sector > bf->info.sectors ||
	    count > bf->info.sectors - sector)
		return -KEEL_EINVAL;
	return 0;
}

int blkfront_read(struct blkfront *bf, uint64_t sector, void *buf,
		  uint64_t count)
{
	struct blkfront_io io = {
		.op = KEEL_BLKIF_OP_READ, .sector = sector, .count = count, .buf = buf,
	};
	int rc = check_io(bf, sector, buf, count);

	return rc < 0 ? rc : run_io(bf, &io);
}

int blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf,
		   uint64_t count)
{
	struct blkfront_io io = {
		.op = KEEL_BLKIF_OP_WRITE, .sector = sector, .count = count,
		.buf = (uint8_t *)(uintptr_t)buf,     /* only read from */
	};
	int rc = check_io(bf, sector, buf, count);

	if (rc == 0 && bf->info.readonly)
		rc = -KEEL_EACCES;
	return rc < 0 ? rc : run_io(bf, &io);
}

int blkfront_flush(struct blkfront *bf)
{
	struct blkfront_io io = { .op = KEEL_BLKIF_OP_FLUSH_DISKCACHE, .count = 1 };
	int rc = usable(bf);

	if (rc < 0)
		return rc;
	if (!bf->info.flush)
		return 0;       /* writes are durable when answered */
	return run_io(bf, &io);
}

int blkfront_discard(struct blkfront *bf, uint64_t sector, uint64_t count)
{
	struct blkfront_io io = {
		.op = KEEL_BLKIF_OP_DISCARD, .sector = sector, .count = count,
	};
	int rc = check_io(bf, sector, &io, count);   /* no buffer: any non-NULL */

	if (rc == 0 && !bf->info.discard)
		rc = -KEEL_ENOSYS;
	if (rc == 0 && bf->info.readonly)
		rc = -KEEL_EACCES;
	return rc < 0 ? rc : run_io(bf, &io);
}

const struct blkfront_info *blkfront_info(const struct blkfront *bf)
{
	return &bf->info;
}

/* ---- open and close ---------------------------------------------------------------- */

static void name_of(unsigned int devid, char *name, size_t len)
{
	if ((devid >> 8) == KEEL_XVD_MAJOR)
		gk_snprintf(name, len, "xvd%c", 'a' + ((devid >> 4) & 0xf));
	else
		gk_snprintf(name, len, "vbd%u", devid);
}

static int watch_both(struct blkfront *bf)
{
	return xb_watch_states(&bf->watch, "blkfront", bf->info.devid, bf->be_path,
			       bf->fe_path, watch_fn, bf);
}

static void unwatch_both(struct blkfront *bf)
{
	xb_unwatch_states(&bf->watch, bf->be_path, bf->fe_path);
}

/* Find the store paths: 0, -KEEL_ENODEV (no such disk), store errors. */
static int find_paths(struct blkfront *bf, unsigned int devid)
{
	char rel[48];
	uint64_t backend_id;
	int rc;

	gk_snprintf(rel, sizeof(rel), "device/vbd/%u", devid);
	if (xs_home_path(bf->fe_path, sizeof(bf->fe_path), rel) < 0)
		return -KEEL_ENODEV;
	rc = read_key(bf->fe_path, "backend", bf->be_path, sizeof(bf->be_path));
	if (rc == -KEEL_ENOENT)
		return -KEEL_ENODEV;
	if (rc < 0)
		return rc;
	rc = read_u64_def(bf->fe_path, "backend-id", 0, &backend_id);
	if (rc == 0 && backend_id >= KEEL_DOMID_SELF)
		rc = -KEEL_EINVAL;
	bf->backend_id = (uint16_t)backend_id;
	return rc;
}

int blkfront_open(int devid, struct blkfront **out)
{
	struct blkfront *bf = NULL;
	uint64_t deadline;
	unsigned int idx;
	long id = devid;
	int rc;

	if (devid < 0)
		id = xb_lowest_id("device/vbd");
	if (id < 0 || id > 0xffff)
		return id < 0 ? (int)id : -KEEL_EINVAL;
	for (idx = 0; idx < BLKFRONT_MAX_DEVS; idx++) {
		if (devs[idx].used && devs[idx].info.devid == (unsigned int)id)
			return -KEEL_EBUSY;
		if (!devs[idx].used && !bf)
			bf = &devs[idx];
	}
	if (!bf)
		return -KEEL_ENOSPC;
	memset(bf, 0, sizeof(*bf));
	bf->sring = (struct keel_blkif_sring *)ring_mem[bf - devs];
	bf->port = -1;
	bf->info.devid = (unsigned int)id;
	name_of(bf->info.devid, bf->info.name, sizeof(bf->info.name));
	blkfront_shadows_init(&bf->shadows);
	rc = find_paths(bf, bf->info.devid);
	if (rc < 0)
		return rc;
	bf->used = 1;
	rc = pool_setup(bf);
	if (rc < 0)
		goto err_unuse;
	(void)watch_both(bf);
	blkfront_update(bf);

	deadline = time_now_ns() + BLKFRONT_CONNECT_TIMEOUT_NS;
	while (bf->phase != BLKFRONT_CONNECTED) {
		uint64_t now = time_now_ns();

		if (bf->broken || bf->phase == BLKFRONT_CLOSED) {
			rc = bf->broken ? -KEEL_EIO : -KEEL_ENODEV;
			goto err_close;
		}
		if (now >= deadline) {
			printk("blkfront: %s: backend not connected after %llu s (backend state %d)\n",
			       bf->info.name, BLKFRONT_CONNECT_TIMEOUT_NS / NS_PER_SEC,
			       bf->prev_be);
			rc = -KEEL_EIO;
			goto err_close;
		}
		kernel_wait(now + BF_POLL_NS < deadline ? now + BF_POLL_NS : deadline);
		if (!bf->watch.active)
			blkfront_update(bf);
	}
	*out = bf;
	return 0;

err_close:
	unwatch_both(bf);
	if (bf->phase != BLKFRONT_CLOSED)
		act_close(bf, bf->prev_be);
err_unuse:
	pool_release(bf);
	bf->used = 0;
	return rc;
}

void blkfront_close(struct blkfront *bf)
{
	uint64_t deadline = time_now_ns() + BF_CLOSE_WAIT_NS;

	if (!bf || !bf->used)
		return;
	if (bf->phase != BLKFRONT_CLOSED && write_state(bf, KEEL_XBS_CLOSING) == 0) {
		while (bf->phase != BLKFRONT_CLOSED && time_now_ns() < deadline) {
			kernel_wait(time_now_ns() + BF_POLL_NS);
			if (!bf->watch.active)
				blkfront_update(bf);
		}
	}
	unwatch_both(bf);
	if (bf->phase != BLKFRONT_CLOSED)
		act_close(bf, bf->prev_be);
	bf->used = 0;
}
