/*
 * collude: two of these work together against the hypervisor's isolation
 * (docs/guests.md).  Each learns the other's domid from its own store key
 * "peer" (the toolstack or a test writes it), then, symmetrically:
 *
 *   1. allocates an unbound port for the peer, and grants it two pages: M
 *      (read-only: its flags, which the peer polls) and W (writable);
 *   2. scans the peer's grant refs 0..63 by grant copy: exactly the two
 *      the peer made out to it succeed; every other ref is refused
 *      (EACCES: not granted to it; EINVAL: past the peer's table);
 *   3. scans the peer's ports 1..63 with bind_interdomain: exactly the one
 *      the peer allocated for it binds; the peer's kernel ports (console,
 *      store: bound to dom0), its timer and free ports are refused (EINVAL);
 *   4. writes into the peer's read-only M (EACCES) and its writable W (0);
 *   5. once the peer wrote into its own W, gives W back to the hypervisor
 *      (decrease_reservation) while the grant still names it;
 *   6. once the peer gave its W back: copies to and from the peer's W ref
 *      fail (EINVAL: the gfn is no longer the peer's RAM), and nothing of a
 *      page the pool may have handed on is read or written;
 *   7. once the peer is past 6: registers its shared info on a page the
 *      peer has a grant for (0), cannot give it back (EBUSY), and moves it
 *      back (0);
 *   8. sends the peer a storm of events, then checks it is alive itself
 *      (timer, store).
 *
 * One PASS:/FAIL: line per check, then "collude: N passed, N failed".
 * Each wait for the peer is bounded (30 s).  Then it idles.
 */
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#define MAGIC_M      0x4d45444f4c4c4f43ull   /* "COLLODEM" */
#define MAGIC_W      0x5745444f4c4c4f43ull
#define MARK         0x4b52414d52454550ull   /* the peer's mark in W */
#define SCAN         64
#define WAIT_NS      (30 * NS_PER_SEC)
#define STORM        2000

#define F_WROTE      (1u << 0)   /* I wrote my mark into your W */
#define F_FREED      (1u << 1)   /* I gave my W back */
#define F_CHECKED    (1u << 2)   /* I checked your W is gone */

/* The first bytes of M and W. */
struct page_head {
	uint64_t magic;
	uint64_t domid;
	uint64_t flags;              /* F_* (M only) */
	uint64_t mark;               /* the peer's mark (W only) */
};

static unsigned passed, failed;
static uint16_t self, peer;
static volatile struct page_head *m, *w;
static uint64_t m_gfn, w_gfn;
static long m_ref = -1, w_ref = -1;     /* mine, for the peer */
static long peer_m = -1, peer_w = -1;   /* the peer's, for me */
static long my_port = -1, bound_port = -1;
static uint8_t copybuf[4096] __attribute__((aligned(4096)));

static void result(const char *name, int ok, long got, const char *want)
{
	if (ok) {
		passed++;
		printk("PASS: %s\n", name);
	} else {
		failed++;
		printk("FAIL: %s (got %ld, expected %s)\n", name, got, want);
	}
}

/* One grant copy; its status (or the batch error). */
static long copy(uint16_t sdom, uint64_t sref, int sgref, uint16_t ddom,
		 uint64_t dref, int dgref, uint16_t len)
{
	struct keel_gnttab_copy c;
	long rc;

	memset(&c, 0, sizeof(c));
	c.source.domid = sdom;
	c.source.ref_or_gfn = sref;
	c.dest.domid = ddom;
	c.dest.ref_or_gfn = dref;
	c.len = len;
	c.flags = (uint16_t)((sgref ? KEEL_GNTCOPY_source_gref : 0) |
			     (dgref ? KEEL_GNTCOPY_dest_gref : 0));
	rc = hc_grant_table_op(KEEL_GNTTABOP_copy, &c, 1, sizeof(c));
	return rc < 0 ? rc : c.status;
}

/* The head of the peer's page behind ref, into copybuf: 0 or the error. */
static long read_peer(long ref)
{
	memset(copybuf, 0, sizeof(struct page_head));
	return copy(peer, (uint64_t)ref, 1, KEEL_DOMID_SELF,
		    gpa(copybuf) >> KEEL_PAGE_SHIFT, 0,
		    sizeof(struct page_head));
}

static const struct page_head *peer_head(void)
{
	return (const struct page_head *)copybuf;
}

/* Wait (bounded) until the peer's M has all of `flags`. */
static int wait_peer_flags(uint64_t flags)
{
	uint64_t end = time_now_ns() + WAIT_NS;

	while (time_now_ns() < end) {
		if (read_peer(peer_m) == 0 && peer_head()->magic == MAGIC_M &&
		    (peer_head()->flags & flags) == flags)
			return 1;
		kernel_wait(time_now_ns() + 10 * NS_PER_MS);
	}
	return 0;
}

static int setup(void)
{
	long mg = mm_alloc_page(), wg = mm_alloc_page();

	my_port = evtchn_alloc_unbound(peer);
	if (mg < 0 || wg < 0 || my_port < 0) {
		result("collude_setup", 0, mg < 0 ? mg : wg < 0 ? wg : my_port,
		       "two pages and a port");
		return -1;
	}
	m_gfn = (uint64_t)mg;
	w_gfn = (uint64_t)wg;
	m = (volatile struct page_head *)(uintptr_t)(m_gfn << KEEL_PAGE_SHIFT);
	w = (volatile struct page_head *)(uintptr_t)(w_gfn << KEEL_PAGE_SHIFT);
	memset((void *)m, 0, 4096);
	memset((void *)w, 0, 4096);
	m->magic = MAGIC_M;
	m->domid = self;
	w->magic = MAGIC_W;
	w->domid = self;
	m_ref = gnttab_grant_access(peer, m_gfn, 1);
	w_ref = gnttab_grant_access(peer, w_gfn, 0);
	result("collude_setup", m_ref >= 0 && w_ref >= 0, m_ref < 0 ? m_ref : w_ref,
	       "two grants to the peer");
	return m_ref >= 0 && w_ref >= 0 ? 0 : -1;
}

/* 2: the peer's refs; only its two grants to us copy. */
static void scan_refs(void)
{
	uint64_t end = time_now_ns() + WAIT_NS;
	unsigned ok = 0, refused = 0, other = 0;
	long bad = 0;

	while (peer_m < 0 || peer_w < 0) {
		if (time_now_ns() > end)
			break;
		for (long r = 0; r < SCAN; r++) {
			long rc = read_peer(r);

			if (rc == 0 && peer_head()->domid == peer &&
			    peer_head()->magic == MAGIC_M)
				peer_m = r;
			else if (rc == 0 && peer_head()->domid == peer &&
				 peer_head()->magic == MAGIC_W)
				peer_w = r;
		}
		if (peer_m < 0 || peer_w < 0)
			kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	}
	result("collude_found_peer_grants", peer_m >= 0 && peer_w >= 0,
	       peer_m < 0 ? peer_m : peer_w, "the peer's two grants");
	for (long r = 0; r < SCAN; r++) {
		long rc = read_peer(r);

		if (r == peer_m || r == peer_w)
			ok += rc == 0;
		else if (rc == -KEEL_EACCES || rc == -KEEL_EINVAL)
			refused++;
		else {
			other++;
			bad = rc;
		}
	}
	result("collude_forged_refs_refused", ok == 2 && other == 0, other ? bad : (long)ok,
	       "the two grants read, every other ref EACCES or EINVAL");
	/* A ref far past the end of any table. */
	result("collude_ref_past_table_einval", read_peer(1 << 20) == -KEEL_EINVAL,
	       read_peer(1 << 20), "-22");
}

/* 3: the peer's ports; only the one it made for us binds. */
static void scan_ports(void)
{
	unsigned bound = 0, refused = 0, other = 0;
	long bad = 0;

	for (uint32_t p = 1; p < SCAN; p++) {
		struct keel_evtchn_bind_interdomain b;
		long rc;

		memset(&b, 0, sizeof(b));
		b.remote_dom = peer;
		b.remote_port = p;
		rc = hc_evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &b, sizeof(b));
		if (rc >= 0) {
			bound++;
			bound_port = b.local_port;
		} else if (rc == -KEEL_EINVAL) {
			refused++;
		} else {
			other++;
			bad = rc;
		}
	}
	result("collude_bind_peer_ports", bound == 1 && other == 0,
	       other ? bad : (long)bound,
	       "one port bound, every other port of the peer EINVAL");
	/* And a port of the peer's made out to dom0, bound on its behalf:
	 * a guest names only itself. */
	{
		struct keel_evtchn_alloc_unbound a = { .dom = peer, .remote_dom = self };

		long rc = hc_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &a, sizeof(a));

		result("collude_alloc_for_peer_eperm", rc == -KEEL_EPERM, rc, "-1");
	}
}

/* 4: write into the peer's pages. */
static void write_peer(void)
{
	struct page_head mark = { 0 };
	long rc;

	memcpy(copybuf, &mark, sizeof(mark));
	rc = copy(KEEL_DOMID_SELF, gpa(copybuf) >> KEEL_PAGE_SHIFT, 0, peer,
		  (uint64_t)peer_m, 1, 8);
	result("collude_write_readonly_grant_eacces", rc == -KEEL_EACCES, rc, "-13");
	/* Our mark into the `mark` field (offset 24) of its W. */
	mark.mark = MARK ^ self;
	memcpy(copybuf, &mark, sizeof(mark));
	{
		struct keel_gnttab_copy c;

		memset(&c, 0, sizeof(c));
		c.source.domid = KEEL_DOMID_SELF;
		c.source.ref_or_gfn = gpa(copybuf) >> KEEL_PAGE_SHIFT;
		c.source.offset = 24;
		c.dest.domid = peer;
		c.dest.ref_or_gfn = (uint64_t)peer_w;
		c.dest.offset = 24;
		c.len = 8;
		c.flags = KEEL_GNTCOPY_dest_gref;
		rc = hc_grant_table_op(KEEL_GNTTABOP_copy, &c, 1, sizeof(c));
		rc = rc < 0 ? rc : c.status;
	}
	result("collude_write_writable_grant", rc == 0, rc, "0");
	m->flags |= F_WROTE;
}

/* 5, 6: free our W under the peer's grant; the peer's W is gone for us. */
static void free_under_grant(void)
{
	uint64_t end = time_now_ns() + WAIT_NS;
	uint64_t g = w_gfn;
	long rc;

	while (w->mark != (MARK ^ peer) && time_now_ns() < end)
		kernel_wait(time_now_ns() + 10 * NS_PER_MS);
	result("collude_peer_wrote_our_page", w->mark == (MARK ^ peer),
	       (long)w->mark, "the peer's mark");
	result("collude_peer_wrote", wait_peer_flags(F_WROTE), 0, "the peer's flag");
	/* The grant entry still permits access: the page goes all the same
	 * (nobody maps it), and the grant names a gfn we no longer have. */
	rc = hc_memory_op(KEEL_MEMOP_decrease_reservation, &g, 1, KEEL_DOMID_SELF);
	result("collude_free_granted_page", rc == 1, rc, "1");
	if (rc == 1)
		mm_set_unpopulated(w_gfn);
	m->flags |= F_FREED;

	result("collude_peer_freed", wait_peer_flags(F_FREED), 0, "the peer's flag");
	rc = read_peer(peer_w);
	result("collude_read_freed_page_einval", rc == -KEEL_EINVAL, rc, "-22");
	memset(copybuf, 0x5a, 64);
	rc = copy(KEEL_DOMID_SELF, gpa(copybuf) >> KEEL_PAGE_SHIFT, 0, peer,
		  (uint64_t)peer_w, 1, 64);
	result("collude_write_freed_page_einval", rc == -KEEL_EINVAL, rc, "-22");
	m->flags |= F_CHECKED;
}

/* 7: shared info on a page the peer holds a grant for (a third one: M
 * keeps the flags the peer may still be polling). */
static void shared_info_on_granted(void)
{
	uint64_t orig = start_info->shared_info_gfn;
	long sg = mm_alloc_page(), ref;
	uint64_t g;
	long rc;

	result("collude_peer_checked", wait_peer_flags(F_CHECKED), 0,
	       "the peer's flag");
	ref = sg < 0 ? sg : gnttab_grant_access(peer, (uint64_t)sg, 0);
	if (ref < 0) {
		result("collude_shared_info_on_granted_page", 0, ref,
		       "a page granted to the peer");
		return;
	}
	g = (uint64_t)sg;
	rc = hypercall3(KEEL_HC_memory_op, KEEL_MEMOP_set_shared_info, g, 0);
	result("collude_shared_info_on_granted_page", rc == 0, rc, "0");
	if (rc == 0) {
		long back = hc_memory_op(KEEL_MEMOP_decrease_reservation, &g, 1,
					 KEEL_DOMID_SELF);

		result("collude_free_shared_info_ebusy", back == -KEEL_EBUSY,
		       back, "-16");
	}
	rc = hypercall3(KEEL_HC_memory_op, KEEL_MEMOP_set_shared_info, orig, 0);
	result("collude_shared_info_moved_back", rc == 0, rc, "0");
	gnttab_end_access((uint32_t)ref);
}

static void storm_and_alive(void)
{
	uint64_t before = time_timer_events(), start;
	char path[96], name[64];
	unsigned sent = 0;
	long rc;

	for (unsigned i = 0; bound_port > 0 && i < STORM; i++)
		sent += evtchn_send((keel_evtchn_port_t)bound_port) == 0;
	result("collude_event_storm_sent", sent == STORM, sent, "every send");
	start = time_now_ns();
	hc_set_timer(start + 10 * NS_PER_MS);
	while (time_timer_events() == before && time_now_ns() < start + NS_PER_SEC)
		kernel_wait(start + NS_PER_SEC);
	result("collude_alive_timer_upcall", time_timer_events() > before,
	       (long)(time_timer_events() - before), "a timer event");
	xs_home_path(path, sizeof(path), "name");
	rc = xs_read(XS_NO_TX, path, name, sizeof(name));
	result("collude_alive_store_read", rc > 0, rc, "our name");
}

int guest_main(const char *cmdline)
{
	long p = -1;
	uint64_t end;

	(void)cmdline;
	self = (uint16_t)kernel_domid;
	end = time_now_ns() + 60 * NS_PER_SEC;
	while ((p = xs_read_num(kernel_home, "peer")) < 0 && time_now_ns() < end)
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	printk("collude: domain %u, peer %ld\n", self, p);
	if (p <= 0 || p == self) {
		result("collude_peer_known", 0, p, "the peer's domid in <home>/peer");
	} else {
		peer = (uint16_t)p;
		if (setup() == 0) {
			scan_refs();
			if (peer_m >= 0 && peer_w >= 0) {
				scan_ports();
				write_peer();
				free_under_grant();
				shared_info_on_granted();
			}
			storm_and_alive();
		}
	}
	printk("collude: %u passed, %u failed\n", passed, failed);
	for (;;)
		kernel_wait(0);
}
