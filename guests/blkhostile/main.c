/*
 * blkhostile: a block frontend that breaks the blkif rules on purpose
 * (docs/backends.md, "keel-blkback") and checks that keel-blkback answers
 * each bad request with the documented status, keeps serving good ones,
 * survives a flood, and disconnects -- only this device -- when the ring
 * itself is broken.  One "PASS: name" / "FAIL: name: why" line per check,
 * then "blkhostile: N passed, N failed".  Its disk is its first vbd
 * (guests/blkhostile.cfg); afterwards it idles.
 */
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#include <public/io/blkif.h>
#include <public/io/xenbus.h>

#define BOUND_NS   (30 * NS_PER_SEC)
#define SLOTS      32u
#define FLOOD      (10 * SLOTS)
#define NOT_GRANTED 400u           /* a ref this program never uses */

static char fe[64], be[96];
static unsigned int passed, failed;
static struct keel_sring_header *sr;
static union keel_blkif_slot *ring;
static keel_evtchn_port_t port;
static keel_ring_idx_t rsp_cons;

static void result(const char *name, int ok, const char *why)
{
	if (ok)
		passed++;
	else
		failed++;
	printk(ok ? "PASS: %s\n" : "FAIL: %s: %s\n", name, why);
}

static int wait_backend(long want)
{
	return xs_wait_num(be, "state", want, BOUND_NS);
}

/* Finds the first vbd and waits for the backend's offer. */
static int find_disk(void)
{
	char list[128], path[96];
	uint64_t deadline = time_now_ns() + BOUND_NS;

	xs_home_path(path, sizeof(path), "device/vbd");
	while (xs_directory(XS_NO_TX, path, list, sizeof(list)) <= 0) {
		if (time_now_ns() > deadline)
			return 0;
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	}
	gk_snprintf(fe, sizeof(fe), "%s/%s", path, list);
	gk_snprintf(path, sizeof(path), "%s/backend", fe);
	return xs_read(XS_NO_TX, path, be, sizeof(be)) > 0 &&
	       wait_backend(KEEL_XBS_INITWAIT);
}

static int connect(void)
{
	long gfn = mm_alloc_page(), ref;

	if (gfn < 0)
		return 0;
	sr = (struct keel_sring_header *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
	memset(sr, 0, KEEL_PAGE_SIZE);
	sr->req_event = sr->rsp_event = 1;
	ring = (union keel_blkif_slot *)((uint8_t *)sr + KEEL_RING_HEADER_SIZE);
	ref = gnttab_grant_access(0, (uint64_t)gfn, 0);
	port = (keel_evtchn_port_t)evtchn_alloc_unbound(0);
	evtchn_bind(port, NULL, NULL);
	xs_write_num(fe, "ring-ref", ref);
	xs_write_num(fe, "event-channel", port);
	xs_write_num(fe, "state", KEEL_XBS_INITIALISED);
	if (!wait_backend(KEEL_XBS_CONNECTED))
		return 0;
	xs_write_num(fe, "state", KEEL_XBS_CONNECTED);
	return 1;
}

/* Puts n copies of *r on the ring (ids id, id+1, ...), notifies, waits
 * for all n responses; returns the status of the last, or 99 on timeout. */
static int submit(const struct keel_blkif_request *r, unsigned int n)
{
	uint64_t deadline = time_now_ns() + BOUND_NS;
	int status = 99;

	for (unsigned int i = 0; i < n; i++) {
		while (sr->req_prod - rsp_cons >= SLOTS) {    /* ring full */
			evtchn_send(port);
			if (time_now_ns() > deadline)
				return 99;
			kernel_block(time_now_ns() + NS_PER_MS);
			while (rsp_cons != __atomic_load_n(&sr->rsp_prod, __ATOMIC_ACQUIRE))
				status = ring[rsp_cons++ % SLOTS].rsp.status;
		}
		ring[sr->req_prod % SLOTS].req = *r;
		ring[sr->req_prod % SLOTS].req.id = r->id + i;
		__atomic_store_n(&sr->req_prod, sr->req_prod + 1, __ATOMIC_RELEASE);
	}
	evtchn_send(port);
	while (rsp_cons != sr->req_prod) {
		if (rsp_cons == __atomic_load_n(&sr->rsp_prod, __ATOMIC_ACQUIRE)) {
			if (time_now_ns() > deadline)
				return 99;
			kernel_block(time_now_ns() + NS_PER_MS);
			continue;
		}
		status = ring[rsp_cons++ % SLOTS].rsp.status;
	}
	return status;
}

static struct keel_blkif_request rd(uint32_t gref, uint64_t sector)
{
	struct keel_blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = KEEL_BLKIF_OP_READ;
	r.nr_segments = 1;
	r.id = 1;
	r.sector_number = sector;
	r.seg[0].gref = gref;
	r.seg[0].last_sect = 7;
	return r;
}

static void expect(const char *name, const struct keel_blkif_request *r,
		   int want)
{
	char why[48];
	int st = submit(r, 1);

	gk_snprintf(why, sizeof(why), "status %d, expected %d", st, want);
	result(name, st == want, why);
}

int guest_main(const char *cmdline)
{
	struct keel_blkif_request r;
	long sectors, data, ro, other, page;
	uint64_t deadline;

	(void)cmdline;
	if (!find_disk() || !connect()) {
		result("connect", 0, "no disk, or the backend did not connect");
		goto out;
	}
	sectors = xs_read_num(be, "sectors");
	data = mm_alloc_page();
	page = mm_alloc_page();
	ro = gnttab_grant_access(0, (uint64_t)data, 1);
	other = gnttab_grant_access(5, (uint64_t)data, 0);   /* not dom0's */
	data = gnttab_grant_access(0, (uint64_t)data, 0);

	r = rd((uint32_t)data, 0);
	expect("good_read", &r, KEEL_BLKIF_RSP_OKAY);
	r = rd((uint32_t)data, (uint64_t)sectors - 7);
	expect("read_past_the_end", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)data, UINT64_MAX - 3);
	expect("sector_number_wraps", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)data, 0);
	r.nr_segments = 0;
	expect("zero_segments", &r, KEEL_BLKIF_RSP_ERROR);
	r.nr_segments = KEEL_BLKIF_MAX_SEGMENTS + 1;
	expect("twelve_segments", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)data, 0);
	r.seg[0].first_sect = 5;
	r.seg[0].last_sect = 3;
	expect("first_sect_after_last", &r, KEEL_BLKIF_RSP_ERROR);
	r.seg[0].first_sect = 0;
	r.seg[0].last_sect = 8;
	expect("sector_past_the_page", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)data, 0);
	r.operation = 42;
	expect("unknown_operation", &r, KEEL_BLKIF_RSP_EOPNOTSUPP);
	r = rd((uint32_t)ro, 0);
	expect("read_into_readonly_grant", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd(NOT_GRANTED, 0);
	expect("read_into_ref_not_granted", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd(100000, 0);
	expect("ref_out_of_range", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)other, 0);
	r.operation = KEEL_BLKIF_OP_WRITE;
	expect("write_from_grant_for_another_domain", &r, KEEL_BLKIF_RSP_ERROR);
	/* A page taken back before the backend got to it. */
	r = rd((uint32_t)gnttab_grant_access(0, (uint64_t)page, 0), 0);
	gnttab_end_access(r.seg[0].gref);
	expect("grant_ended_before_service", &r, KEEL_BLKIF_RSP_ERROR);
	r = rd((uint32_t)data, 0);
	expect("flood_answered", &r, KEEL_BLKIF_RSP_OKAY);
	result("flood_of_requests", submit(&r, FLOOD) == KEEL_BLKIF_RSP_OKAY,
	       "a request of the flood failed or timed out");
	expect("good_read_after_all_that", &r, KEEL_BLKIF_RSP_OKAY);

	/* Last: a producer index far ahead.  Only this device is closed. */
	__atomic_store_n(&sr->req_prod, sr->req_prod + 1000, __ATOMIC_RELEASE);
	evtchn_send(port);
	deadline = time_now_ns() + BOUND_NS;
	while (xs_read_num(be, "state") != KEEL_XBS_CLOSED && time_now_ns() < deadline)
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	result("broken_ring_disconnects", xs_read_num(be, "state") == KEEL_XBS_CLOSED,
	       "backend not Closed");
	xs_write_num(fe, "state", KEEL_XBS_CLOSED);
out:
	printk("blkhostile: %u passed, %u failed\n", passed, failed);
	for (;;)
		kernel_wait(0);
}
