/*
 * Host-side, coverage-guided fuzzing of the hypercall families through the
 * REAL hypervisor common code (evtchn.c, gnttab.c, memory.c, mmu.c,
 * rangeset.c) on the unit suites' fake hypervisor
 * (tests/unit/hypervisor/harness/fake_hv.c).
 *
 * One libFuzzer input is a little program: a sequence of hypercalls by dom0
 * and three guests (d1..d3), with structure-aware arguments (domids, ports,
 * gfns and grant refs drawn mostly from the small ranges that mean
 * something, sometimes raw), plus guest writes into their own memory (grant
 * entries, argument pages).  Every input starts from a fresh world and ends
 * by destroying the guests the way domain.c's domain_kill() does, then dom0
 * letting go of what it still maps.
 *
 * After every hypercall the invariants are checked (a violation aborts, so
 * libFuzzer saves the input):
 *   - no lock held, no domain reference outstanding;
 *   - every page is owned once: a guest's p2m names only allocated, not
 *     released frames it owns, no frame sits at two gfns, and nr_pages is
 *     what the p2m holds;
 *   - frame reference counts balance: each frame's refs equal its foreign
 *     mappings + grant mappings + shared-info registrations + grant-table
 *     frames that name it; a released frame is still referenced, a free one
 *     is not mapped anywhere;
 *   - grant bookkeeping: dom0's maptrack matches the grant mappings in its
 *     p2m, each granter's maps_of_mine counts the handles naming it;
 *   - event channels: every interdomain port's peer points back.
 * After teardown: every frame is back in the pool (the pool figure returns),
 * no reference, mapping or allocation is left (no port or grant leaks).
 *
 * FUZZ_FAMILIES (a mask of FAM_*) selects which hypercalls a target issues.
 */
#include "harness.h"

#include <keel/domain.h>
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/hypercall.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/rangeset.h>
#include <keel/time.h>
#include <keel/console.h>
#include <public/console.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/mmu.h>
#include <public/shared_info.h>

#include "fake_hv.h"

#define FAM_EVTCHN 1u
#define FAM_GNTTAB 2u
#define FAM_MEMORY 4u
#define FAM_MMU    8u
#define FAM_CONSOLE 16u

#ifndef FUZZ_FAMILIES
#define FUZZ_FAMILIES (FAM_EVTCHN | FAM_GNTTAB | FAM_MEMORY | FAM_MMU | \
		       FAM_CONSOLE)
#endif

long do_mmu_update(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_console_io(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);

#define NDOMS      4             /* dom0, d1, d2, d3 */
#define ARG_GFN    0             /* each domain's argument page */
#define LIST_GFN   1             /* each domain's second page (lists) */
#define MAX_PAGES  12            /* each guest's max_pages */
#define DOM0_RAM0  56            /* dom0's own (1:1, non-pool) RAM frames */
#define DOM0_RAMN  4

/* ---- harness.c's pieces (no Check runner here) -------------------------- */

int harness_locks_held;

void harness_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, what);
	abort();
}

#define CHECK(cond, ...) do {                                              \
	if (!(cond)) {                                                     \
		fprintf(stderr, "INVARIANT %s:%d: %s: ", __FILE__, __LINE__, \
			#cond);                                            \
		fprintf(stderr, __VA_ARGS__);                              \
		fprintf(stderr, "\n");                                     \
		abort();                                                   \
	}                                                                  \
} while (0)

/* ---- the world ---------------------------------------------------------- */

static struct domain *doms[NDOMS];
static bool destroyed[NDOMS];           /* guests taken down mid-input */
static unsigned foreign[FAKE_NR_FRAMES], foreign_rw[FAKE_NR_FRAMES];
static unsigned pool_free_at_start, guest_pages_at_start;
static unsigned dom0_frame[2];          /* dom0's own two pool pages */

/* The pool: fake frames below DOM0_RAM0 that are not allocated. */
static unsigned pool_free(void)
{
	unsigned n = 0;

	for (unsigned f = 0; f < DOM0_RAM0; f++)
		if (fake_page(f)->flags == 0)
			n++;
	return n;
}

/* As common/page.c, on the fake's page_info array: a released frame is
 * freed when its last reference goes.  (fake_hv.c's own page_get_ref and
 * page_put_ref are renamed away when it is built for the fuzzers.) */
paddr_t domain_page_alloc(uint16_t owner)
{
	for (unsigned f = 0; f < DOM0_RAM0; f++) {
		struct page_info *pg = fake_page(f);

		if (pg->flags == 0) {
			CHECK(pg->refs == 0, "free frame %u has refs", f);
			pg->owner = owner;
			pg->flags = PGF_allocated;
			memset(fake_frame(f), 0, 4096);
			return FAKE_MFN(f);
		}
	}
	return 0;
}

static void free_frame(struct page_info *pg)
{
	pg->owner = PAGE_OWNER_NONE;
	pg->flags = 0;
}

void domain_page_release(paddr_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg)
		harness_bug(__FILE__, __LINE__, "release outside the pool");
	if (!(pg->flags & PGF_allocated) || (pg->flags & PGF_released))
		harness_bug(__FILE__, __LINE__, "double release");
	if (pg->refs == 0)
		free_frame(pg);
	else
		pg->flags |= PGF_released;
}

int page_get_ref(paddr_t mfn, uint16_t owner)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || !(pg->flags & PGF_allocated) || (pg->flags & PGF_released) ||
	    pg->owner != owner || pg->refs == UINT32_MAX)
		return -EINVAL;
	pg->refs++;
	return 0;
}

/* Does a live domain's shared info still point at frame f? */
static bool shared_info_names(unsigned f)
{
	for (unsigned i = 0; i < NDOMS; i++)
		if (doms[i] && doms[i]->shared_info == fake_frame(f))
			return true;
	return false;
}

void page_put_ref(paddr_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || pg->refs == 0)
		harness_bug(__FILE__, __LINE__, "page_put_ref: no reference");
	if (pg->refs == 1 && shared_info_names((unsigned)fake_frame_of(mfn)))
		harness_bug(__FILE__, __LINE__,
			    "page_put_ref: last reference of a shared-info page");
	if (--pg->refs == 0 && (pg->flags & PGF_released))
		free_frame(pg);
}

void domain_page_held(uint16_t owner, int delta)
{
	(void)owner;
	(void)delta;
}

/* p2m hooks (arch/x86/p2m.c's contract), on the fake p2m. */
static void need_lock(struct domain *d)
{
	if (!d->lock.locked)
		harness_bug(__FILE__, __LINE__, "p2m call without d->lock");
}

/* dom0's p2m is 1:1 up to 512 GiB (arch/x86/p2m.c): a lookup succeeds for
 * any gfn there, pool frames and holes included; callers must check what
 * they got (gnttab.c's own_frame: finding 5).  Guests: the fake p2m. */
int fake_hv_p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn,
		       bool *writable);

int p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *writable)
{
	if (!d->privileged)
		return fake_hv_p2m_lookup(d, gfn, mfn, writable);
	need_lock(d);
	if (gfn >= (1ull << 27))
		return -ENOENT;
	*mfn = gfn << 12;
	if (writable)
		*writable = true;
	return 0;
}

int p2m_add(struct domain *d, uint64_t gfn, paddr_t mfn)
{
	need_lock(d);
	if (gfn >= FAKE_NR_GFNS)
		return -EINVAL;
	if (fake_gfn_ptr(d, gfn))
		return -EEXIST;
	fake_p2m_set(d, gfn, (unsigned)fake_frame_of(mfn), true);
	return 0;
}

int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn)
{
	need_lock(d);
	if (gfn >= FAKE_NR_GFNS || p2m_lookup(d, gfn, mfn, NULL))
		return -ENOENT;
	fake_p2m_clear(d, gfn);
	return 0;
}

uint64_t p2m_table_pages(struct domain *d)
{
	need_lock(d);
	return 0;
}

int p2m_protect(struct domain *d, uint64_t gfn, bool readonly)
{
	paddr_t mfn;

	need_lock(d);
	if (p2m_lookup(d, gfn, &mfn, NULL))
		return -ENOENT;
	fake_p2m_set(d, gfn, (unsigned)fake_frame_of(mfn), !readonly);
	return 0;
}

int p2m_map_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	struct page_info *pg = mfn_to_page(mfn);
	int f = fake_frame_of(mfn);

	need_lock(d);
	if (!d->privileged)
		harness_bug(__FILE__, __LINE__, "p2m_map_foreign: not dom0");
	if (!pg || !(pg->flags & PGF_allocated))
		return -EINVAL;
	foreign[f]++;
	if (!readonly)
		foreign_rw[f]++;
	return 0;
}

int p2m_unmap_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	int f = fake_frame_of(mfn);

	need_lock(d);
	if (f < 0 || !foreign[f] ||
	    (readonly ? foreign[f] == foreign_rw[f] : !foreign_rw[f]))
		return -ENOENT;
	foreign[f]--;
	if (!readonly)
		foreign_rw[f]--;
	return 0;
}

void time_fill_shared_info(struct keel_shared_info *si, unsigned nr_vcpus,
			   uint64_t offset)
{
	(void)si;
	(void)nr_vcpus;
}

/* The log (fake_hv.c's printk is renamed away for the fuzzers): quiet
 * unless HVFUZZ_TRACE is set; counts what console_io puts in it (its
 * LOG_INFO lines) for the rate-limit check. */
static int trace = -1;
static uint64_t console_logged;
static uint64_t clock_ns;

static bool tracing(void)
{
	if (trace < 0)
		trace = getenv("HVFUZZ_TRACE") != NULL;
	return trace;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[2048];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	if (lvl == LOG_INFO && n > 0)
		console_logged += (uint64_t)n;
	if (tracing())
		fprintf(stderr, "log: %s", line);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

/* console_io's lines (ring only, common/console.c). */
void printk_ring(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

uint64_t now_ns(void)
{
	return clock_ns;
}

/* ---- invariants --------------------------------------------------------- */

static bool is_guest(const struct domain *d)
{
	return d && !d->privileged;
}

static void check_locks(void)
{
	CHECK(harness_locks_held == 0, "%d locks held", harness_locks_held);
	CHECK(fake_refs_outstanding == 0, "%d domain refs",
	      fake_refs_outstanding);
	for (unsigned i = 0; i < NDOMS; i++) {
		if (!doms[i])
			continue;
		CHECK(!doms[i]->lock.locked && !doms[i]->evtchn.lock.locked &&
		      !doms[i]->gnttab.lock.locked, "d%u lock", i);
		CHECK(doms[i]->refcnt == 1, "d%u refcnt %d", i,
		      doms[i]->refcnt);
	}
}

static void check_pages(void)
{
	unsigned at[FAKE_NR_FRAMES] = { 0 }, expect[FAKE_NR_FRAMES] = { 0 };
	unsigned maps[FAKE_NR_FRAMES] = { 0 };
	unsigned mine[NDOMS] = { 0 };

	for (unsigned i = 0; i < NDOMS; i++) {
		struct domain *d = doms[i];
		uint64_t n = 0;

		if (!d)
			continue;
		if (is_guest(d)) {
			for (uint64_t gfn = 0; gfn < FAKE_NR_GFNS; gfn++) {
				void *p = fake_gfn_ptr(d, gfn);
				int f;

				if (!p)
					continue;
				f = fake_frame_of(arch_virt_to_phys(p));
				CHECK(fake_page(f)->flags == PGF_allocated &&
				      fake_page(f)->owner == d->id,
				      "d%u gfn %lu: frame %d flags %x owner %u",
				      i, (unsigned long)gfn, f,
				      fake_page(f)->flags, fake_page(f)->owner);
				CHECK(at[f]++ == 0, "frame %d at two gfns", f);
				n++;
			}
			CHECK(n == d->nr_pages, "d%u nr_pages %lu, p2m %lu", i,
			      (unsigned long)d->nr_pages, (unsigned long)n);
			CHECK(d->nr_pages <= d->max_pages, "d%u over max", i);
			if (d->shared_info)
				expect[fake_frame_of(
					arch_virt_to_phys(d->shared_info))]++;
		}
		for (unsigned k = 0; k < d->gnttab.nr_frames; k++) {
			int f = fake_frame_of(d->gnttab.mfn[k]);

			CHECK(f >= 0, "d%u table frame", i);
			expect[f]++;
		}
		/* Only dom0 can map grants (map_locked): a guest's maptrack
		 * stays empty, which teardown's leak checks would see. */
		for (unsigned h = 0; d->privileged && d->gnttab.maptrack &&
		     h < MAPTRACK_MAX; h++) {
			struct maptrack *mt = &d->gnttab.maptrack[h];
			int f;

			if (!mt->in_use)
				continue;
			CHECK(d->privileged, "d%u holds a grant map", i);
			f = fake_frame_of(mt->mfn);
			CHECK(f >= 0, "maptrack frame");
			expect[f]++;
			maps[f]++;
			if (mt->granter < NDOMS)
				mine[mt->granter]++;
		}
	}
	for (unsigned i = 0; i < NDOMS; i++)
		if (doms[i] && !doms[i]->dying)
			CHECK(doms[i]->gnttab.maps_of_mine == mine[i],
			      "d%u maps_of_mine %u, handles %u", i,
			      doms[i]->gnttab.maps_of_mine, mine[i]);
	for (unsigned f = 0; f < FAKE_NR_FRAMES; f++) {
		struct page_info *pg = fake_page(f);

		expect[f] += foreign[f];
		CHECK(fake_grant_maps[f].all == maps[f],
		      "frame %u: %u grant maps, %u handles", f,
		      fake_grant_maps[f].all, maps[f]);
		if (f >= DOM0_RAM0)
			continue;
		CHECK(pg->refs == expect[f], "frame %u: refs %u, expected %u "
		      "(foreign %u, grant %u)", f, pg->refs, expect[f],
		      foreign[f], maps[f]);
		if (pg->flags & PGF_released)
			CHECK(pg->refs > 0, "released frame %u unreferenced", f);
		if (pg->flags == 0)
			CHECK(!at[f] && !foreign[f] && !maps[f],
			      "free frame %u still mapped", f);
	}
}

/* Ports below `limit` (ports are handed out lowest first, and an input
 * makes at most 256 calls: the per-call check looks at the first 512, the
 * final one at all). */
static void check_evtchn(unsigned limit)
{
	for (unsigned i = 0; i < NDOMS; i++) {
		struct domain *d = doms[i];

		if (!d || !d->evtchn.ports)
			continue;
		CHECK(d->evtchn.ports[0].state == ECS_FREE ||
		      d->evtchn.ports[0].state != ECS_INTERDOMAIN,
		      "d%u port 0", i);
		for (unsigned p = 0; p < limit; p++) {
			struct evtchn *c = &d->evtchn.ports[p];
			struct domain *r;

			CHECK(c->state <= ECS_VIRQ, "d%u port %u state", i, p);
			if (c->state != ECS_INTERDOMAIN)
				continue;
			CHECK(c->remote_dom < NDOMS && doms[c->remote_dom] &&
			      doms[c->remote_dom]->evtchn.ports,
			      "d%u port %u: peer d%u gone", i, p,
			      c->remote_dom);
			r = doms[c->remote_dom];
			CHECK(c->remote_port < KEEL_NR_EVENT_CHANNELS &&
			      r->evtchn.ports[c->remote_port].state ==
				      ECS_INTERDOMAIN &&
			      r->evtchn.ports[c->remote_port].remote_dom ==
				      d->id &&
			      r->evtchn.ports[c->remote_port].remote_port == p,
			      "d%u port %u: peer d%u port %u does not point "
			      "back", i, p, c->remote_dom, c->remote_port);
		}
	}
}

static void check_all(void)
{
	check_locks();
	check_pages();
	check_evtchn(512);
}

/* ---- the input ---------------------------------------------------------- */

/* HVFUZZ_TRACE=1 in the environment: print each call and its result (to
 * read what a crash input does: ./fuzz_all crash-...), and the log. */
static long traced(const char *what, struct domain *d, const uint64_t *args,
		   long rc)
{
	if (tracing())
		fprintf(stderr, "d%u %s(%#lx, %#lx, %#lx, %#lx) = %ld\n", d->id,
			what, (unsigned long)args[0], (unsigned long)args[1],
			(unsigned long)args[2], (unsigned long)args[3], rc);
	return rc;
}

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) | (unsigned)u8(in) << 8);
}

static uint32_t u32(struct input *in)
{
	return u16(in) | (uint32_t)u16(in) << 16;
}

static uint64_t u64(struct input *in)
{
	return u32(in) | (uint64_t)u32(in) << 32;
}

/* A domid: mostly one of ours or SELF, sometimes a missing one or raw. */
static uint16_t pick_dom(struct input *in)
{
	uint8_t b = u8(in);

	switch (b & 7) {
	case 4: return KEEL_DOMID_SELF;
	case 5: return 4 + (b >> 3) % 4;	/* no such domain (< FAKE_NR_DOMS) */
	case 6: return (b & 0x80) ? u16(in) : NDOMS - 1;
	case 7: return (b >> 3) % NDOMS;
	default: return b & 3;
	}
}

static uint32_t pick_port(struct input *in)
{
	uint8_t b = u8(in);

	if (b == 0xff)
		return u32(in);
	if (b == 0xfe)
		return KEEL_NR_EVENT_CHANNELS - 1 + (b & 1);
	return b % 12;
}

static uint64_t pick_gfn(struct input *in)
{
	uint8_t b = u8(in);

	if (b == 0xff)
		return u64(in);
	if (b == 0xfe)
		return KEEL_MAX_GFN - 1;
	return b % (FAKE_NR_GFNS + 2);
}

static uint32_t pick_ref(struct input *in)
{
	uint8_t b = u8(in);

	if (b == 0xff)
		return u32(in);
	return b % 20;
}

/* The argument page of domain d, and its guest address. */
static void *arg_page(struct domain *d)
{
	return fake_gfn_ptr(d, ARG_GFN);
}

#define ARG_GPA (ARG_GFN * 4096ull)
#define LIST_GPA (LIST_GFN * 4096ull)

/* Usually the argument page; sometimes a fuzzed address. */
static uint64_t arg_gpa(struct input *in, struct domain *d)
{
	uint8_t b = u8(in);

	if (b < 0xf0)
		return ARG_GPA;
	if (b < 0xf8)
		return LIST_GPA + 4096 - (b & 7);	/* straddles a page */
	return u64(in);
}

static void op_evtchn(struct input *in, struct domain *d)
{
	uint8_t op = u8(in) % 9;
	uint64_t args[5] = { 0 };
	uint8_t *a = arg_page(d);
	uint32_t w[8];

	if (!a)
		return;
	memset(a, 0, 64);
	args[0] = op == 0 ? u8(in) : op;
	args[1] = arg_gpa(in, d);
	switch (op) {
	case KEEL_EVTCHNOP_alloc_unbound: {
		struct keel_evtchn_alloc_unbound x = { pick_dom(in),
						       pick_dom(in), 0 };
		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_EVTCHNOP_bind_interdomain: {
		struct keel_evtchn_bind_interdomain x = { 0 };

		x.remote_dom = pick_dom(in);
		x.remote_port = pick_port(in);
		if (u8(in) == 0xff)
			x.pad = 1;
		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_EVTCHNOP_bind_virq: {
		struct keel_evtchn_bind_virq x = { 0 };
		uint8_t b = u8(in);

		x.virq = b & 0x80 ? u32(in) : b % (KEEL_NR_VIRQS + 1);
		x.vcpu = u8(in) % (KEEL_MAX_VCPUS + 1);
		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_EVTCHNOP_close:
	case KEEL_EVTCHNOP_send:
	case KEEL_EVTCHNOP_unmask: {
		struct keel_evtchn_port_op x = { pick_port(in), 0 };

		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_EVTCHNOP_status: {
		struct keel_evtchn_status x = { 0 };

		x.dom = pick_dom(in);
		x.port = pick_port(in);
		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_EVTCHNOP_set_upcall_vector: {
		struct keel_evtchn_upcall_vector x = { u8(in), 0 };

		memcpy(a, &x, sizeof(x));
		break;
	}
	default:	/* raw */
		for (unsigned i = 0; i < 8; i++)
			w[i] = u32(in);
		memcpy(a, w, sizeof(w));
		break;
	}
	{
		static const uint8_t size[9] = { 0, 8, 16, 16, 8, 8, 32, 8, 8 };

		args[2] = op ? size[op] : u8(in);
	}
	traced("evtchn", d, args, do_event_channel_op(d->vcpu[0], args));
}

static void op_gnttab(struct input *in, struct domain *d)
{
	uint8_t op = u8(in) % 6;
	uint8_t *a = arg_page(d);
	uint64_t args[5] = { 0 };
	unsigned count = 1 + u8(in) % 3;

	if (!a)
		return;
	memset(a, 0, 256);
	args[0] = op;
	args[1] = arg_gpa(in, d);
	args[2] = count;
	switch (op) {
	case KEEL_GNTTABOP_setup_table: {
		struct keel_gnttab_setup_table x = { 0 };

		args[2] = 1;
		args[3] = sizeof(x);
		x.nr_frames = u8(in) % (KEEL_GNTTAB_MAX_FRAMES + 2);
		for (unsigned i = 0; i < KEEL_GNTTAB_MAX_FRAMES; i++)
			x.frames[i] = pick_gfn(in);
		memcpy(a, &x, sizeof(x));
		break;
	}
	case KEEL_GNTTABOP_map_grant_ref:
		args[3] = sizeof(struct keel_gnttab_map);
		for (unsigned i = 0; i < count; i++) {
			struct keel_gnttab_map x = { 0 };

			x.dom = pick_dom(in);
			x.flags = u8(in) % 3;
			x.ref = pick_ref(in);
			memcpy(a + i * sizeof(x), &x, sizeof(x));
		}
		break;
	case KEEL_GNTTABOP_unmap_grant_ref:
		args[3] = sizeof(struct keel_gnttab_unmap);
		for (unsigned i = 0; i < count; i++) {
			struct keel_gnttab_unmap x = { 0 };
			uint8_t b = u8(in);

			x.handle = b == 0xff ? u32(in) : b % 8;
			memcpy(a + i * sizeof(x), &x, sizeof(x));
		}
		break;
	case KEEL_GNTTABOP_copy:
		args[3] = sizeof(struct keel_gnttab_copy);
		for (unsigned i = 0; i < count; i++) {
			struct keel_gnttab_copy x = { 0 };
			uint8_t f = u8(in);

			x.flags = f & 3;
			x.source.domid = pick_dom(in);
			x.source.ref_or_gfn = f & 1 ? pick_ref(in)
						    : pick_gfn(in);
			x.dest.domid = pick_dom(in);
			x.dest.ref_or_gfn = f & 2 ? pick_ref(in) : pick_gfn(in);
			if (f & 4)	/* dom0's own RAM, or past it */
				x.dest.ref_or_gfn = FAKE_MFN(DOM0_RAM0) / 4096 +
						    (f >> 5);
			if (f & 8)	/* any frame by its 1:1 number */
				x.source.ref_or_gfn = FAKE_MFN(0) / 4096 +
						      u8(in) % (FAKE_NR_FRAMES + 2);
			x.source.offset = u16(in) % 4200;
			x.dest.offset = u16(in) % 4200;
			x.len = u16(in) % 4200;
			memcpy(a + i * sizeof(x), &x, sizeof(x));
		}
		break;
	default:
		args[0] = u8(in);
		args[3] = u8(in);
		break;
	}
	traced("gnttab", d, args, do_grant_table_op(d->vcpu[0], args));
}

/* The guest writes its own grant entry `ref`: permit access to domid for
 * one of its gfns (or anything). */
static void op_grant_entry(struct input *in, struct domain *d)
{
	uint32_t ref = u8(in) % 16;
	struct keel_grant_entry_v1 *e;
	uint8_t b = u8(in);

	if (!d->gnttab.nr_frames)
		return;
	e = fake_gfn_ptr(d, d->gnttab.gfn[0]);
	if (!e)
		return;
	e[ref].flags = b & 0x80 ? u8(in)
				: KEEL_GTF_permit_access |
					  (b & 1 ? KEEL_GTF_readonly : 0);
	e[ref].domid = b & 0x40 ? pick_dom(in) : 0;
	e[ref].frame = (uint32_t)pick_gfn(in);
}

static void op_memory(struct input *in, struct domain *d)
{
	uint8_t op = u8(in) % 7;
	uint64_t args[5] = { 0 };
	struct keel_memory_reservation *r = arg_page(d);
	uint64_t *list = fake_gfn_ptr(d, LIST_GFN);

	if (!r)
		return;
	args[0] = op;
	switch (op) {
	case KEEL_MEMOP_populate_physmap:
	case KEEL_MEMOP_decrease_reservation: {
		unsigned n = 1 + u8(in) % 4;

		memset(r, 0, sizeof(*r));
		r->nr_extents = n;
		r->domid = pick_dom(in);
		if (list)
			for (unsigned i = 0; i < n; i++)
				list[i] = pick_gfn(in);
		args[1] = arg_gpa(in, d);
		args[2] = sizeof(*r);
		args[3] = LIST_GPA;
		args[4] = n * 8;
		if (u8(in) == 0xff)
			args[4] = u8(in);
		break;
	}
	case KEEL_MEMOP_current_reservation:
	case KEEL_MEMOP_maximum_reservation:
		args[1] = pick_dom(in);
		break;
	case KEEL_MEMOP_set_shared_info: {
		uint8_t b = u8(in);

		args[1] = b == 0xff ? KEEL_GFN_INVALID
			: d->privileged ? FAKE_MFN(DOM0_RAM0) / 4096 + b % 5
					: pick_gfn(in);
		break;
	}
	default:
		args[0] = u64(in);
		args[1] = u64(in);
		break;
	}
	traced("memory", d, args, do_memory_op(d->vcpu[0], args));
}

static void op_mmu(struct input *in, struct domain *d)
{
	struct keel_mmu_update *u = arg_page(d);
	uint64_t args[5] = { 0 };
	unsigned count = 1 + u8(in) % 3;

	if (!u)
		return;
	for (unsigned i = 0; i < count; i++) {
		uint8_t b = u8(in);

		memset(&u[i], 0, sizeof(u[i]));
		u[i].op = b % 4;
		u[i].domid = pick_dom(in);
		u[i].flags = (b >> 2) & 1;
		u[i].gfn = pick_gfn(in);
		/* unmap: a frame we know (a fake frame number), or raw */
		u[i].value = b & 0x80 ? u64(in)
				      : FAKE_MFN(u8(in) % FAKE_NR_FRAMES) >> 12;
		if ((b & 0x70) == 0x70)
			u[i].pad = 1;
	}
	args[0] = arg_gpa(in, d);
	args[1] = count;
	args[2] = sizeof(*u);
	if (u8(in) == 0xff)
		args[1] = u16(in);
	traced("mmu", d, args, do_mmu_update(d->vcpu[0], args));
}

/*
 * console_io: bytes (newline-heavy or not) from the argument page, the
 * clock moved on by a fuzzed step.  What reaches the log in a call must
 * not exceed what the rate limit charged for it, and nothing a domain
 * logs in one window exceeds the burst (8192 bytes of log a second).
 */
#define CONSOLE_BURST 8192
static uint64_t window_logged[NDOMS];

static void op_console(struct input *in, struct domain *d)
{
	char *a = arg_page(d);
	uint64_t args[5] = { KEEL_CONSOLEIO_write, ARG_GPA, 0, 0, 0 };
	uint8_t b = u8(in);
	uint64_t before_bytes, before_start, logged;
	long rc;

	if (!a)
		return;
	switch (b & 3) {
	case 0: clock_ns += 1; break;
	case 1: clock_ns += 1000000000ull + 1; break;
	case 2: clock_ns += (uint64_t)u8(in) * 10000000ull; break;
	default: break;
	}
	args[2] = b & 0x80 ? u16(in) : (b & 4 ? KEEL_CONSOLEIO_MAX : u8(in));
	/* fill: all newlines, all text, or fuzzed bytes repeated */
	{
		uint8_t fill = u8(in), pat[4] = { u8(in), u8(in), u8(in),
						  u8(in) };

		for (unsigned i = 0; i < KEEL_CONSOLEIO_MAX; i++)
			a[i] = fill < 0x40 ? '\n' : fill < 0x80 ? 'x'
						   : (char)pat[i & 3];
	}
	if (b & 0x40)
		args[1] = arg_gpa(in, d);
	before_bytes = d->console_io.bytes;
	before_start = d->console_io.window_start;
	logged = console_logged;
	rc = traced("console_io", d, args, do_console_io(d->vcpu[0], args));
	logged = console_logged - logged;
	if (d->console_io.window_start != before_start) {
		before_bytes = 0;
		window_logged[d->id] = 0;
	}
	window_logged[d->id] += logged;
	CHECK(logged <= d->console_io.bytes - before_bytes,
	      "d%u logged %lu bytes, charged %lu", d->id,
	      (unsigned long)logged,
	      (unsigned long)(d->console_io.bytes - before_bytes));
	CHECK(d->console_io.bytes <= CONSOLE_BURST &&
	      window_logged[d->id] <= CONSOLE_BURST,
	      "d%u: %lu bytes of log in one window", d->id,
	      (unsigned long)window_logged[d->id]);
	CHECK(rc < 0 || (uint64_t)rc == args[2], "rc %ld", rc);
}

/* A guest scribbles on one of its pages (grant entries, lists, ...), or
 * the hypervisor raises a virq, or the next allocation, grant mapping or
 * copy to the guest fails (cleared after the next call). */
static void op_scribble(struct input *in, struct domain *d)
{
	uint8_t k = u8(in);

	if (k >= 0xf0) {
		switch (k & 3) {
		case 0: fake_alloc_fail = 1; break;
		case 1: fake_map_grant_fail = -ENOMEM; break;
		case 2: fake_copy_to_fail = 1; break;
		default: evtchn_notify_dom0_exc(); break;
		}
		return;
	}
	if (k >= 0xe0) {
		struct vcpu *v = d->vcpu[u8(in) % d->nr_vcpus];

		if (d->evtchn.ports)
			evtchn_send_virq(v, u8(in) % (KEEL_NR_VIRQS + 1));
		return;
	}
	{
	uint8_t *p = fake_gfn_ptr(d, pick_gfn(in));
	uint16_t off = u16(in) % 4096;
	uint32_t v = u32(in);

	if (p && off <= 4092)
		memcpy(p + off, &v, 4);
	}
}

/* ---- setup and teardown ------------------------------------------------- */

static void setup(void)
{
	fake_reset();
	memset(foreign, 0, sizeof(foreign));
	memset(foreign_rw, 0, sizeof(foreign_rw));
	memset(doms, 0, sizeof(doms));
	memset(destroyed, 0, sizeof(destroyed));
	memset(window_logged, 0, sizeof(window_logged));
	clock_ns = 5000000000ull;
	harness_locks_held = 0;
	for (unsigned f = 0; f < DOM0_RAM0; f++)
		fake_page(f)->owner = PAGE_OWNER_NONE;
	for (unsigned i = 0; i < NDOMS; i++) {
		struct domain *d = fake_domain(i, 1 + (i == 1));

		doms[i] = d;
		if (evtchn_domain_init(d) || gnttab_domain_init(d))
			harness_bug(__FILE__, __LINE__, "init");
		if (i == 0) {
			dom0_frame[0] = fake_give(d, ARG_GFN, true);
			dom0_frame[1] = fake_give(d, LIST_GFN, true);
		}
		if (i) {
			fake_give(d, ARG_GFN, true);
			fake_give(d, LIST_GFN, true);
			d->max_pages = MAX_PAGES;
			d->nr_pages = 2;
		}
	}
	/* d1's second vCPU has not started (set_shared_info may move). */
	doms[1]->vcpu[1]->pause_flags |= VPF_down;
	rangeset_init(&doms[0]->ram);
	for (unsigned f = DOM0_RAM0; f < DOM0_RAM0 + DOM0_RAMN; f++) {
		fake_frame_not_pool(f);
		fake_page(f)->owner = 0;
		fake_page(f)->flags = PGF_allocated;
	}
	rangeset_add(&doms[0]->ram, FAKE_MFN(DOM0_RAM0),
		     FAKE_MFN(DOM0_RAM0 + DOM0_RAMN));
	pool_free_at_start = pool_free();
	guest_pages_at_start = 2 * (NDOMS - 1);
}

/* As domain_kill(): ports, grants, shared info, then memory. */
static void destroy(struct domain *d)
{
	if (destroyed[d->id])
		return;
	destroyed[d->id] = true;
	d->dying = true;
	evtchn_domain_destroy(d);
	gnttab_domain_destroy(d);
	if (d->shared_info) {
		void *si = d->shared_info;

		d->shared_info = NULL;
		page_put_ref(arch_virt_to_phys(si));
	}
	spin_lock(&d->lock);
	for (uint64_t gfn = 0; gfn < FAKE_NR_GFNS; gfn++) {
		paddr_t mfn;

		if (p2m_remove(d, gfn, &mfn))
			continue;
		domain_page_release(mfn);
		d->nr_pages--;
	}
	spin_unlock(&d->lock);
	check_locks();
}

/* Frames of `owner` not yet back in the pool (domain.c's pages_held of a
 * destroyed domain). */
static unsigned pages_held(uint16_t owner)
{
	unsigned n = 0;

	for (unsigned f = 0; f < DOM0_RAM0; f++)
		if (fake_page(f)->flags && fake_page(f)->owner == owner)
			n++;
	return n;
}

/* The domid is reused: a fresh guest with its two pages (from the pool). */
static void recreate(uint16_t id)
{
	struct domain *d = fake_domain(id, 1);

	doms[id] = d;
	destroyed[id] = false;
	if (evtchn_domain_init(d) || gnttab_domain_init(d))
		harness_bug(__FILE__, __LINE__, "init");
	for (uint64_t gfn = ARG_GFN; gfn <= LIST_GFN; gfn++) {
		paddr_t mfn = domain_page_alloc(id);

		if (!mfn)
			harness_bug(__FILE__, __LINE__, "pool empty");
		fake_p2m_set(d, gfn, (unsigned)fake_frame_of(mfn), true);
	}
	d->max_pages = MAX_PAGES;
	d->nr_pages = 2;	/* from the pool, and back to it at teardown */
}

static void teardown(void)
{
	struct domain *d0 = doms[0];

	for (unsigned i = 1; i < NDOMS; i++)
		destroy(doms[i]);
	/* dom0 lets go of its foreign mappings through the update queue. */
	for (unsigned f = 0; f < FAKE_NR_FRAMES; f++) {
		while (foreign[f]) {
			struct keel_mmu_update *u = arg_page(d0);
			uint64_t args[5] = { ARG_GPA, 1, sizeof(*u), 0, 0 };

			memset(u, 0, sizeof(*u));
			u->op = KEEL_MMU_unmap_foreign;
			u->flags = foreign_rw[f] ? 0 : KEEL_MMU_READONLY;
			u->value = FAKE_MFN(f) >> 12;
			CHECK(do_mmu_update(d0->vcpu[0], args) == 1 &&
			      u->status == 0, "unmap_foreign frame %u: %d", f,
			      u->status);
		}
	}
	gnttab_domain_destroy(d0);
	evtchn_domain_destroy(d0);
	check_locks();
	for (unsigned f = 0; f < DOM0_RAM0; f++) {
		struct page_info *pg = fake_page(f);

		if (f == dom0_frame[0] || f == dom0_frame[1])
			continue;
		CHECK(pg->flags == 0 && pg->refs == 0,
		      "frame %u not back in the pool (flags %x refs %u owner "
		      "%u)", f, pg->flags, pg->refs, pg->owner);
		CHECK(!fake_grant_maps[f].all, "frame %u grant-mapped", f);
	}
	CHECK(pool_free() == pool_free_at_start + guest_pages_at_start,
	      "pool %u, expected %u", pool_free(),
	      pool_free_at_start + guest_pages_at_start);
	CHECK(fake_alloc_outstanding == 0, "%ld bytes leaked (ports, "
	      "maptrack)", fake_alloc_outstanding);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned steps = 0;

	setup();
	check_all();
	while (in.n && steps++ < 256) {
		struct domain *d = doms[u8(&in) % NDOMS];
		uint8_t fam = u8(&in) % 8;

		switch (fam) {
		case 0:
			if (FUZZ_FAMILIES & FAM_EVTCHN)
				op_evtchn(&in, d);
			break;
		case 1:
			if (FUZZ_FAMILIES & FAM_GNTTAB)
				op_gnttab(&in, d);
			break;
		case 2:
			if (FUZZ_FAMILIES & FAM_GNTTAB)
				op_grant_entry(&in, d);
			break;
		case 3:
			/* memory_op supports every target: pages come and go
			 * under mappings, shared info moves under ports. */
			op_memory(&in, d);
			break;
		case 4:
			if (FUZZ_FAMILIES & FAM_MMU)
				op_mmu(&in, d);
			break;
		case 5:
			op_scribble(&in, d);
			break;
		case 6:
			if (FUZZ_FAMILIES & FAM_CONSOLE)
				op_console(&in, d);
			break;
		default:
			/* A guest dies mid-input: dom0 still maps its pages,
			 * its peers' ports and grants must cope.  A dead one
			 * comes back under the same domid once none of its
			 * pages is held (as domain.c reaps it). */
			if (!d->privileged && u8(&in) >= 0xc0) {
				if (!destroyed[d->id])
					destroy(d);
				else if (!pages_held(d->id))
					recreate(d->id);
			}
			break;
		}
		fake_alloc_fail = fake_map_grant_fail = fake_copy_to_fail = 0;
		check_all();
	}
	check_evtchn(KEEL_NR_EVENT_CHANNELS);
	teardown();
	return 0;
}
