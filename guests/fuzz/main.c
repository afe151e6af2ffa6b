/*
 * fuzz: issues random and structure-aware hypercalls from a seed it prints,
 * so that any failure can be replayed with the same command line:
 *
 *   cmdline = "seed=N count=N"    (defaults: a seed from the clock, 100000)
 *
 * Every call gets arguments drawn mostly from the ranges that mean
 * something (sub-ops, ports, refs, gfns, domids of dom0, itself and its
 * neighbours, sizes around the limits), and buffers that are its own,
 * straddle a page, or point at unmapped memory, MMIO (LAPIC, IO-APIC, VGA,
 * HPET), machine addresses of other domains' memory or the hypervisor's,
 * page 0 and wild 64-bit values.  It stays clear only of what would kill
 * itself rather than test the hypervisor: giving back or moving its own
 * kernel's pages and shared info, closing its kernel's ports, a shutdown
 * with a valid reason, a new grant table over its kernel's.
 *
 * The replay is exact as far as the guest's choices go (the same seed
 * gives the same calls in the same order); results may differ where they
 * depend on time or on other domains.
 *
 * Checks (one PASS:/FAIL: line each, then "fuzz: N passed, N failed"):
 * every result is 0, a positive count, or a documented -errno; nothing
 * dom0-only ever succeeds; afterwards its own timer, event channels and
 * the store still work.  Then it idles (vmctl destroy ends it).
 */
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#include <public/domctl.h>
#include <public/mmu.h>
#include <public/sysctl.h>

#define FUZZ_GFN      (1ull << 27)      /* its own far gfns: populated and
					   given back by the fuzzer only */
#define FUZZ_GFNS     64
#define NEVER_GFN     (FUZZ_GFN + 0x100000) /* never populated: pick_gfn
					   stays below it, so shared info
					   and grant tables never land there */
#define MAX_PORTS     64
#define MAX_REFS      16
#define PROGRESS      20000

static uint64_t rng;
static uint64_t calls, oddities, errs[KEEL_EOVERFLOW + 2];
static unsigned passed, failed;
static uint64_t seed, count = 100000;

static uint8_t buf[3 * 4096] __attribute__((aligned(4096)));
static uint64_t list[1024] __attribute__((aligned(4096)));
static uint32_t ports[MAX_PORTS];       /* ports it made (closable) */
static unsigned nr_ports;
static uint32_t first_own_port;         /* kernel's ports are below */
static long refs[MAX_REFS];
static unsigned nr_refs;
static unsigned neighbours[4];          /* domids it aims at (>0) */

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

/* xorshift64*: small, fast, and the same sequence for the same seed. */
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint64_t below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static int one_in(unsigned n)
{
	return below(n) == 0;
}

/* ---- argument pickers ---------------------------------------------------- */

static uint16_t pick_dom(void)
{
	switch (below(8)) {
	case 0: return 0;
	case 1: return KEEL_DOMID_SELF;
	case 2: return (uint16_t)kernel_domid;
	case 3: return (uint16_t)(kernel_domid + 1);
	case 4: return (uint16_t)rnd();
	default: return (uint16_t)neighbours[below(4)];
	}
}

/* A buffer: its own (mostly), or somewhere it has no business. */
static uint64_t pick_ptr(void)
{
	static const uint64_t mmio[] = {
		0xfee00000ull, 0xfec00000ull, 0xa0000ull, 0xfed00000ull,
		0xfebf0000ull,
	};

	switch (below(16)) {
	case 0: return 0;                                 /* page 0 */
	case 1: return gpa(buf) + 4096 - 1 - below(16);   /* straddles */
	case 2: return 0x40000000ull + (below(4096) << 12); /* unmapped */
	case 3: return mmio[below(sizeof(mmio) / sizeof(mmio[0]))] +
		       below(4096);
	case 4: return 0xffff800000000000ull + (rnd() & 0xffffffffull);
	case 5: return 0xffffffff80000000ull + below(1 << 24); /* kernel-ish */
	case 6: return 0x80000000ull + (below(1 << 18) << 12); /* others' RAM */
	case 7: return 0x100000000ull + (below(1 << 20) << 12); /* above 4 GiB:
							   the hypervisor's */
	case 8: return rnd();
	case 9: return NEVER_GFN << 12;
	default: return gpa(buf) + below(2 * 4096);
	}
}

static uint64_t pick_gfn(void)
{
	switch (below(8)) {
	case 0: return rnd();
	case 1: return KEEL_MAX_GFN + below(16);
	case 2: return KEEL_MAX_GFN - 1 - below(4);
	case 3: return FUZZ_GFN + FUZZ_GFNS + below(1 << 16);	/* sparse */
	default: return FUZZ_GFN + below(FUZZ_GFNS);
	}
}

static uint64_t pick_size(uint64_t right)
{
	switch (below(16)) {
	case 0: return 0;
	case 1: return right + 1;
	case 2: return right - 1;
	case 3: return rnd();
	default: return right;
	}
}

static uint32_t pick_port(void)
{
	switch (below(8)) {
	case 0: return (uint32_t)rnd();
	case 1: return KEEL_NR_EVENT_CHANNELS - 1 + (uint32_t)below(3);
	case 2: return (uint32_t)below(first_own_port + 4);
	default:
		return nr_ports ? ports[below(nr_ports)] : (uint32_t)below(64);
	}
}

static void fill(void *p, size_t len)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)rnd();
}

/* ---- the calls ------------------------------------------------------------ */

/* Only these errors are documented (public/errno.h's set). */
static int documented(long rc)
{
	switch (-rc) {
	case KEEL_EPERM: case KEEL_ENOENT: case KEEL_ESRCH: case KEEL_EIO:
	case KEEL_E2BIG: case KEEL_EBADF: case KEEL_EAGAIN: case KEEL_ENOMEM:
	case KEEL_EACCES: case KEEL_EFAULT: case KEEL_EBUSY: case KEEL_EEXIST:
	case KEEL_ENODEV: case KEEL_EINVAL: case KEEL_ENOSPC: case KEEL_ERANGE:
	case KEEL_ENOSYS: case KEEL_EOVERFLOW:
		return 1;
	default:
		return 0;
	}
}

static long note(uint64_t nr, uint64_t a1, long rc)
{
	calls++;
	if (rc < 0) {
		if (documented(rc)) {
			errs[-rc]++;
		} else {
			errs[KEEL_EOVERFLOW + 1]++;
			if (oddities++ < 8)
				printk("fuzz: call %lu: hypercall %lu op %lu: "
				       "undocumented result %ld\n",
				       (unsigned long)calls, (unsigned long)nr,
				       (unsigned long)a1, rc);
		}
	}
	return rc;
}

static long hc(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
	       uint64_t a4, uint64_t a5)
{
	return note(nr, a1, hypercall5(nr, a1, a2, a3, a4, a5));
}

static unsigned priv_success;

/* dom0-only calls (sysctl, domctl, mmu_update) with anything: -EPERM. */
static void fuzz_privileged(void)
{
	static const uint64_t nrs[] = { KEEL_HC_sysctl, KEEL_HC_domctl,
					KEEL_HC_mmu_update };
	uint64_t nr = nrs[below(3)];
	struct keel_domctl *op = (struct keel_domctl *)buf;
	long rc;

	fill(buf, sizeof(struct keel_domctl));
	op->cmd = (uint32_t)below(12);
	op->domid = pick_dom();
	op->pad = 0;
	rc = hc(nr, nr == KEEL_HC_domctl ? gpa(buf) : below(4),
		nr == KEEL_HC_domctl ? sizeof(*op) : pick_ptr(), below(8) * 16,
		pick_ptr(), rnd());
	if (rc != -KEEL_EPERM && priv_success++ < 4)
		printk("fuzz: call %lu: dom0-only hypercall %lu answered %ld\n",
		       (unsigned long)calls, (unsigned long)nr, rc);
}

static void fuzz_memory(void)
{
	struct keel_memory_reservation *r = (struct keel_memory_reservation *)buf;
	unsigned op = (unsigned)below(8);
	uint64_t n = one_in(16) ? below(KEEL_MEMOP_MAX_EXTENTS + 2)
				: 1 + below(16);
	uint64_t base = FUZZ_GFN + below(FUZZ_GFNS);

	switch (op) {
	case 0: case 1: case 2: case 3:	/* populate / decrease its far gfns */
		for (uint64_t i = 0; i < n && i < 1024; i++)
			list[i] = one_in(8) ? pick_gfn() : base + i % FUZZ_GFNS;
		memset(r, 0, sizeof(*r));
		r->nr_extents = n;
		r->domid = one_in(4) ? pick_dom() : KEEL_DOMID_SELF;
		if (r->domid == 0 || r->domid == kernel_domid)
			r->domid = KEEL_DOMID_SELF;	/* never its own low pages */
		if (one_in(32))
			r->pad[below(3)] = (uint16_t)rnd();
		hc(KEEL_HC_memory_op, op < 2 ? KEEL_MEMOP_populate_physmap
					    : KEEL_MEMOP_decrease_reservation,
		   one_in(16) ? pick_ptr() : gpa(r), pick_size(sizeof(*r)),
		   one_in(8) ? pick_ptr() : gpa(list),
		   one_in(16) ? rnd() : (n > 1024 ? 1024 : n) * 8);
		break;
	case 4: case 5:
		hc(KEEL_HC_memory_op, KEEL_MEMOP_current_reservation + below(2),
		   one_in(4) ? rnd() : pick_dom(), rnd(), 0, 0);
		break;
	case 6:	/* shared info on a page it does not have: EINVAL */
		hc(KEEL_HC_memory_op, KEEL_MEMOP_set_shared_info,
		   NEVER_GFN + below(1 << 16), 0, 0, 0);
		break;
	default:
		hc(KEEL_HC_memory_op, 6 + below(64), pick_ptr(), rnd(), rnd(),
		   rnd());
		break;
	}
}

static void remember_port(long rc)
{
	if (rc > 0 && nr_ports < MAX_PORTS)
		ports[nr_ports++] = (uint32_t)rc;
}

static void fuzz_evtchn(void)
{
	unsigned op = (unsigned)below(10);
	uint64_t ptr = one_in(8) ? pick_ptr() : gpa(buf);
	long rc;

	fill(buf, 64);
	switch (op) {
	case 0: {
		struct keel_evtchn_alloc_unbound *a = (void *)buf;

		a->dom = one_in(4) ? pick_dom() : KEEL_DOMID_SELF;
		a->remote_dom = pick_dom();
		rc = hc(KEEL_HC_event_channel, KEEL_EVTCHNOP_alloc_unbound, ptr,
			pick_size(sizeof(*a)), 0, 0);
		remember_port(rc >= 0 && ptr == gpa(buf) ? (long)a->port : -1);
		break;
	}
	case 1: {
		struct keel_evtchn_bind_interdomain *b = (void *)buf;

		b->remote_dom = pick_dom();
		b->remote_port = (uint32_t)below(16);
		if (!one_in(16))
			b->pad = b->pad2 = 0;
		rc = hc(KEEL_HC_event_channel, KEEL_EVTCHNOP_bind_interdomain,
			ptr, pick_size(sizeof(*b)), 0, 0);
		remember_port(rc >= 0 && ptr == gpa(buf) ? (long)b->local_port
							  : -1);
		break;
	}
	case 2: {
		struct keel_evtchn_bind_virq *b = (void *)buf;

		b->virq = (uint32_t)below(KEEL_NR_VIRQS + 2);
		b->vcpu = (uint32_t)below(KEEL_MAX_VCPUS + 1);
		rc = hc(KEEL_HC_event_channel, KEEL_EVTCHNOP_bind_virq, ptr,
			pick_size(sizeof(*b)), 0, 0);
		remember_port(rc >= 0 && ptr == gpa(buf) ? (long)b->port : -1);
		break;
	}
	case 3: {	/* close only what it made, or what is not there */
		struct keel_evtchn_port_op *p = (void *)buf;
		unsigned i = (unsigned)below(MAX_PORTS);

		memset(p, 0, sizeof(*p));
		if (i < nr_ports) {
			p->port = ports[i];
			ports[i] = ports[--nr_ports];
		} else {
			p->port = (uint32_t)(one_in(2) ? rnd()
				  : KEEL_NR_EVENT_CHANNELS + below(8));
		}
		hc(KEEL_HC_event_channel, KEEL_EVTCHNOP_close, gpa(p),
		   sizeof(*p), 0, 0);
		break;
	}
	case 4: case 5: case 6: {
		struct keel_evtchn_port_op *p = (void *)buf;
		static const uint64_t cmd[3] = { KEEL_EVTCHNOP_send,
						 KEEL_EVTCHNOP_unmask,
						 KEEL_EVTCHNOP_status };

		p->port = pick_port();
		if (op == 6) {
			struct keel_evtchn_status *s = (void *)buf;

			s->dom = pick_dom();
			s->pad = 0;
			s->port = pick_port();
		} else {
			p->pad = 0;
		}
		hc(KEEL_HC_event_channel, cmd[op - 4], ptr,
		   pick_size(op == 6 ? sizeof(struct keel_evtchn_status)
				     : sizeof(*p)), 0, 0);
		break;
	}
	case 7: {	/* set_upcall_vector: only to its own, or invalid */
		struct keel_evtchn_upcall_vector *u = (void *)buf;

		u->vector = one_in(2) ? 0xe0 : (uint8_t)(0xf0 + below(16));
		u->pad = 0;
		hc(KEEL_HC_event_channel, KEEL_EVTCHNOP_set_upcall_vector,
		   gpa(u), sizeof(*u), 0, 0);
		break;
	}
	default:
		hc(KEEL_HC_event_channel, one_in(2) ? 0 : 9 + below(64),
		   pick_ptr(), rnd(), rnd(), rnd());
		break;
	}
}

static void fuzz_grants(void)
{
	unsigned op = (unsigned)below(8);
	uint64_t count = one_in(8) ? below(KEEL_GNTTAB_BATCH_MAX + 2)
				   : 1 + below(4);

	switch (op) {
	case 0: {	/* a table it cannot have: too big, or on no RAM */
		struct keel_gnttab_setup_table *t = (void *)buf;

		memset(t, 0, sizeof(*t));
		t->nr_frames = one_in(2) ? KEEL_GNTTAB_MAX_FRAMES + 1 + below(8)
					 : 1 + below(KEEL_GNTTAB_MAX_FRAMES);
		for (unsigned i = 0; i < KEEL_GNTTAB_MAX_FRAMES; i++)
			t->frames[i] = NEVER_GFN + below(1 << 16);
		hc(KEEL_HC_grant_table, KEEL_GNTTABOP_setup_table, gpa(t), 1,
		   pick_size(sizeof(*t)), 0);
		break;
	}
	case 1: case 2: {	/* copies between anything */
		struct keel_gnttab_copy *c = (void *)buf;

		if (count > 4096 * 3 / sizeof(*c))
			count = 4096 * 3 / sizeof(*c);
		for (uint64_t i = 0; i < count; i++) {
			memset(&c[i], 0, sizeof(c[i]));
			c[i].flags = (uint16_t)below(one_in(16) ? 65536 : 4);
			c[i].source.domid = pick_dom();
			c[i].dest.domid = pick_dom();
			c[i].source.ref_or_gfn = c[i].flags & 1 ? below(64)
				: one_in(2) ? gpa(buf + 2 * 4096) >> 12
					    : pick_gfn();
			c[i].dest.ref_or_gfn = c[i].flags & 2 ? below(64)
				: one_in(2) ? gpa(buf + 2 * 4096) >> 12
					    : pick_gfn();
			c[i].source.offset = (uint16_t)below(4200);
			c[i].dest.offset = (uint16_t)below(4200);
			c[i].len = (uint16_t)below(4200);
		}
		hc(KEEL_HC_grant_table, KEEL_GNTTABOP_copy,
		   one_in(16) ? pick_ptr() : gpa(c), count,
		   pick_size(sizeof(*c)), 0);
		break;
	}
	case 3: {	/* map and unmap: dom0's business */
		struct keel_gnttab_map *m = (void *)buf;

		for (uint64_t i = 0; i < count && i < 64; i++) {
			m[i].dom = pick_dom();
			m[i].flags = (uint16_t)below(4);
			m[i].ref = (uint32_t)below(64);
		}
		hc(KEEL_HC_grant_table, one_in(2) ? KEEL_GNTTABOP_map_grant_ref
						  : KEEL_GNTTABOP_unmap_grant_ref,
		   gpa(m), count, pick_size(sizeof(*m)), 0);
		break;
	}
	case 4: case 5:	/* it grants its own pages (or none) to anyone */
		if (nr_refs == MAX_REFS) {
			unsigned i = (unsigned)below(MAX_REFS);

			if (refs[i] >= 0)
				gnttab_end_access((uint32_t)refs[i]);
			refs[i] = refs[--nr_refs];
		}
		refs[nr_refs++] = gnttab_grant_access(pick_dom(),
			one_in(2) ? gpa(buf + 2 * 4096) >> 12 : pick_gfn(),
			(int)below(2));
		break;
	default:
		hc(KEEL_HC_grant_table, one_in(2) ? 0 : 5 + below(64),
		   pick_ptr(), rnd(), rnd(), rnd());
		break;
	}
}

static void fuzz_sched(void)
{
	switch (below(6)) {
	case 0:
		hc(KEEL_HC_sched_op, KEEL_SCHEDOP_yield, rnd(), 0, 0, 0);
		break;
	case 1:	/* block, at most 1 ms */
		hc(KEEL_HC_sched_op, KEEL_SCHEDOP_block,
		   one_in(2) ? time_now_ns() + below(NS_PER_MS)
			     : time_now_ns() - below(NS_PER_SEC), 0, 0, 0);
		break;
	case 2:	/* shutdown with no valid reason: EINVAL */
		hc(KEEL_HC_sched_op, KEEL_SCHEDOP_shutdown,
		   KEEL_SHUTDOWN_crash + 1 + below(1000), 0, 0, 0);
		break;
	case 3:
		hc(KEEL_HC_set_timer, one_in(2) ? time_now_ns() + below(NS_PER_SEC)
					       : rnd(), 0, 0, 0, 0);
		break;
	case 4:
		hc(KEEL_HC_sched_op, 3 + below(64), rnd(), rnd(), 0, 0);
		break;
	default:
		hc(KEEL_HC_version, below(6), one_in(2) ? pick_ptr() : gpa(buf),
		   pick_size(64), 0, 0);
		break;
	}
}

static void fuzz_console(void)
{
	uint64_t len = one_in(2) ? below(KEEL_CONSOLEIO_MAX + 2) : rnd();

	for (unsigned i = 0; i < 64; i++)
		buf[i] = (uint8_t)(one_in(4) ? '\n' : 'a' + below(26));
	hc(KEEL_HC_console_io, one_in(8) ? rnd() : KEEL_CONSOLEIO_write,
	   one_in(4) ? pick_ptr() : gpa(buf), len, 0, 0);
}

static void fuzz_one(void)
{
	switch (below(32)) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		fuzz_memory();
		break;
	case 6: case 7: case 8: case 9: case 10: case 11: case 12:
		fuzz_evtchn();
		break;
	case 13: case 14: case 15: case 16: case 17: case 18:
		fuzz_grants();
		break;
	case 19: case 20: case 21: case 22:
		fuzz_privileged();
		break;
	case 23: case 24: case 25: case 26:
		fuzz_sched();
		break;
	case 27:
		fuzz_console();
		break;
	default:	/* no such hypercall */
		hc(KEEL_HC_MAX + below(one_in(2) ? 8 : 1u << 31), rnd(), rnd(),
		   rnd(), rnd(), rnd());
		break;
	}
}

/* ---- command line and checks ---------------------------------------------- */

/* "key=N" in the command line: 0 and *out set, or -1. */
static int cmdline_num(const char *line, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *p = line; *p; p++) {
		size_t n = 0;

		if ((p != line && p[-1] != ' ') || strncmp(p, key, klen) ||
		    p[klen] != '=')
			continue;
		p += klen + 1;
		while (p[n] && p[n] != ' ')
			n++;
		return gk_parse_u64(p, n, out) ? -1 : 0;
	}
	return -1;
}

static void check_alive(void)
{
	uint64_t before = time_timer_events();
	uint64_t start = time_now_ns();
	char path[96], name[64];
	long port, rc;

	hc_set_timer(start + 10 * NS_PER_MS);
	while (time_timer_events() == before && time_now_ns() < start + NS_PER_SEC)
		kernel_wait(start + NS_PER_SEC);
	result("fuzz_alive_timer_upcall", time_timer_events() > before,
	       (long)(time_timer_events() - before), "a timer event");
	xs_home_path(path, sizeof(path), "name");
	rc = xs_read(XS_NO_TX, path, name, sizeof(name));
	result("fuzz_alive_store_read", rc > 0, rc, "its name");
	port = evtchn_alloc_unbound(0);
	result("fuzz_alive_evtchn", port > 0, port, "a new port");
	if (port > 0)
		evtchn_close((keel_evtchn_port_t)port);
	rc = hc_memory_query(KEEL_MEMOP_current_reservation, KEEL_DOMID_SELF);
	result("fuzz_alive_reservation", rc > 0, rc, "its pages");
}

int guest_main(const char *cmdline)
{
	uint64_t t0;
	long p;

	if (cmdline_num(cmdline, "seed", &seed))
		seed = time_now_ns() ^ ((uint64_t)kernel_domid << 48);
	if (!seed)
		seed = 1;
	cmdline_num(cmdline, "count", &count);
	rng = seed;
	for (unsigned i = 0; i < 4; i++)
		neighbours[i] = kernel_domid > 1 + i ? kernel_domid - 1 - i
						     : kernel_domid + 2 + i;
	/* Ports below its first own one are the kernel's (console, store,
	 * timer): never closed, only poked. */
	p = evtchn_alloc_unbound(0);
	first_own_port = p > 0 ? (uint32_t)p : 8;
	remember_port(p);
	printk("fuzz: domain %u seed=%lu count=%lu (replay: cmdline = "
	       "\"seed=%lu count=%lu\")\n", kernel_domid, (unsigned long)seed,
	       (unsigned long)count, (unsigned long)seed, (unsigned long)count);
	t0 = time_now_ns();
	while (calls < count) {
		uint64_t before = calls;

		fuzz_one();
		if (calls != before && calls % PROGRESS == 0)
			printk("fuzz: %lu calls\n", (unsigned long)calls);
		/* Its kernel's deferred work (store, console) keeps going. */
		if (calls != before && calls % 256 == 0)
			kernel_poll();
	}
	printk("fuzz: %lu hypercalls in %lu ms, seed=%lu\n",
	       (unsigned long)calls, (unsigned long)((time_now_ns() - t0) /
						     NS_PER_MS),
	       (unsigned long)seed);
	printk("fuzz: errors EPERM %lu EINVAL %lu EFAULT %lu EACCES %lu "
	       "ENOSYS %lu ENOENT %lu EBADF %lu ESRCH %lu ENOSPC %lu other %lu\n",
	       (unsigned long)errs[KEEL_EPERM], (unsigned long)errs[KEEL_EINVAL],
	       (unsigned long)errs[KEEL_EFAULT], (unsigned long)errs[KEEL_EACCES],
	       (unsigned long)errs[KEEL_ENOSYS], (unsigned long)errs[KEEL_ENOENT],
	       (unsigned long)errs[KEEL_EBADF], (unsigned long)errs[KEEL_ESRCH],
	       (unsigned long)errs[KEEL_ENOSPC],
	       (unsigned long)errs[KEEL_EOVERFLOW + 1]);
	result("fuzz_all_calls_made", calls >= count, (long)calls, "count");
	result("fuzz_results_documented", oddities == 0, (long)oddities,
	       "0 undocumented results");
	result("fuzz_dom0_only_refused", priv_success == 0, (long)priv_success,
	       "-EPERM for every dom0-only call");
	for (unsigned i = 0; i < nr_refs; i++)
		if (refs[i] >= 0)
			gnttab_end_access((uint32_t)refs[i]);
	check_alive();
	printk("fuzz: %u passed, %u failed\n", passed, failed);
	for (;;)
		kernel_wait(0);
}
