/* common/memory.c: populate and decrease reservation (the balloon), the
 * reservation queries, and the shared-info page's registration, against
 * the fake hypervisor (harness/fake_hv.c).  d1 is a guest with room for
 * MAX_PAGES pages, d2 another guest, d0 dom0. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/time.h>
#include <public/memory.h>
#include <public/shared_info.h>

#include "harness/fake_hv.h"

#define ARG_GFN   1             /* each domain's argument page */
#define LIST_GFN  2             /* each domain's gfn-list page */
#define SI_GFN    3             /* d1's shared-info candidate */
#define MAX_PAGES 8             /* d1's max_pages */

static struct domain *d0, *d1, *d2, *doms[3];

/* The allocator and p2m hooks memory.c calls, recording. */
static int pool_empty;          /* domain_page_alloc returns 0 */
static unsigned released[FAKE_NR_FRAMES];
static unsigned time_fills;

paddr_t domain_page_alloc(uint16_t owner)
{
	if (pool_empty)
		return 0;
	return FAKE_MFN(fake_new_frame(owner));
}

void domain_page_release(paddr_t mfn)
{
	int f = fake_frame_of(mfn);

	ck_assert_int_ge(f, 0);
	ck_assert(fake_page(f)->flags & PGF_allocated);
	fake_page(f)->flags = PGF_released;
	released[f]++;
}

/* Table pages each p2m_add costs (a sparse guest: up to 3, a PT, PD and
 * PDPT per page), and what each domain's table holds. */
static unsigned tables_per_page;
static uint64_t table_pages[FAKE_NR_DOMS];

int p2m_add(struct domain *d, uint64_t gfn, paddr_t mfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	if (gfn >= FAKE_NR_GFNS)
		return -EINVAL;
	if (fake_gfn_ptr(d, gfn))
		return -EEXIST;
	fake_p2m_set(d, gfn, fake_frame_of(mfn), true);
	table_pages[d->id] += tables_per_page;
	return 0;
}

int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	if (gfn >= FAKE_NR_GFNS || p2m_lookup(d, gfn, mfn, NULL))
		return -ENOENT;
	fake_p2m_clear(d, gfn);
	table_pages[d->id] -= MIN(table_pages[d->id], (uint64_t)tables_per_page);
	return 0;
}

uint64_t p2m_table_pages(struct domain *d)
{
	ck_assert_int_eq(d->lock.locked, 1);
	return table_pages[d->id];
}

void time_fill_shared_info(struct keel_shared_info *si, unsigned nr_vcpus,
			   uint64_t offset)
{
	(void)si;
	(void)nr_vcpus;
	time_fills++;
}

static void setup(void)
{
	fake_reset();
	pool_empty = 0;
	tables_per_page = 0;
	memset(table_pages, 0, sizeof(table_pages));
	memset(released, 0, sizeof(released));
	time_fills = 0;
	doms[0] = d0 = fake_domain(0, 1);
	doms[1] = d1 = fake_domain(1, 1);
	doms[2] = d2 = fake_domain(2, 1);
	for (unsigned i = 0; i < 3; i++) {
		fake_give(doms[i], ARG_GFN, true);
		fake_give(doms[i], LIST_GFN, true);
	}
	d1->max_pages = MAX_PAGES;
	d1->nr_pages = 2;
	d2->max_pages = MAX_PAGES;
	d2->nr_pages = 2;
}

static void teardown(void)
{
	ck_assert_int_eq(fake_refs_outstanding, 0);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(doms[i]->lock.locked, 0);
		ck_assert_int_eq(doms[i]->evtchn.lock.locked, 0);
	}
}

/* A reservation call by `caller` on `domid` for the gfns in list[]. */
static long reserve(struct domain *caller, uint64_t op, uint16_t domid,
		    const uint64_t *list, uint64_t n)
{
	struct keel_memory_reservation *r = fake_gfn_ptr(caller, ARG_GFN);
	uint64_t args[5] = { op, ARG_GFN * 4096ull, sizeof(*r),
			     LIST_GFN * 4096ull, n * 8 };

	memset(r, 0, sizeof(*r));
	r->nr_extents = n;
	r->domid = domid;
	memcpy(fake_gfn_ptr(caller, LIST_GFN), list, n * 8);
	return do_memory_op(caller->vcpu[0], args);
}

static long populate(struct domain *caller, uint16_t domid,
		     const uint64_t *list, uint64_t n)
{
	return reserve(caller, KEEL_MEMOP_populate_physmap, domid, list, n);
}

static long decrease(struct domain *caller, uint16_t domid,
		     const uint64_t *list, uint64_t n)
{
	return reserve(caller, KEEL_MEMOP_decrease_reservation, domid, list, n);
}

static long memop(struct domain *caller, uint64_t op, uint64_t arg)
{
	uint64_t args[5] = { op, arg, 0, 0, 0 };

	return do_memory_op(caller->vcpu[0], args);
}

/* The frame behind d's gfn, which must be populated. */
static unsigned frame_at(struct domain *d, uint64_t gfn)
{
	void *p = fake_gfn_ptr(d, gfn);

	ck_assert_ptr_nonnull(p);
	return (unsigned)fake_frame_of(arch_virt_to_phys(p));
}

/* ---- populate ----------------------------------------------------------- */

START_TEST(populate_adds_fresh_pages)
{
	uint64_t gfns[] = { 5, 7 };

	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns, 2), 2);
	ck_assert_uint_eq(d1->nr_pages, 4);
	ck_assert_uint_eq(d1->max_gfn, 8);
	ck_assert_uint_eq(fake_page(frame_at(d1, 5))->owner, 1);
	ck_assert_uint_eq(fake_page(frame_at(d1, 7))->owner, 1);
	ck_assert_ptr_null(fake_gfn_ptr(d1, 6));
}
END_TEST

START_TEST(populate_stops_at_max_pages)
{
	uint64_t gfns[] = { 10, 11, 12, 13, 14, 15, 16, 17 };

	/* 2 populated, 8 allowed: 6 more, the 7th is refused. */
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns, 8), 6);
	ck_assert_uint_eq(d1->nr_pages, MAX_PAGES);
	ck_assert_ptr_nonnull(fake_gfn_ptr(d1, 15));
	ck_assert_ptr_null(fake_gfn_ptr(d1, 16));
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns + 7, 1), -ENOSPC);
	ck_assert_uint_eq(d1->nr_pages, MAX_PAGES);
}
END_TEST

/*
 * Issue 11, finding 8: the nested table's pages count against the guest.
 * Populating sparse gfns costs up to three table pages per data page; the
 * guest's table may hold max_pages / 256 (twice what dense RAM needs) + a
 * small slack, so its
 * footprint stays near max_pages whatever gfns it picks.  Before, all 24
 * sparse pages below were populated (72 table pages for a 26-page guest).
 */
START_TEST(populate_sparse_stops_at_the_table_budget)
{
	uint64_t gfns[24];
	long rc;

	for (unsigned i = 0; i < 24; i++)
		gfns[i] = 4 + i;
	d1->max_pages = 26;	/* room for all 24 by max_pages alone */
	tables_per_page = 3;
	rc = populate(d1, KEEL_DOMID_SELF, gfns, 24);
	ck_assert_int_gt(rc, 0);
	ck_assert_int_lt(rc, 24);
	/* The check comes before each page: at most one page's tables over. */
	ck_assert_uint_le(table_pages[1], 26 / 256 + 16 + 3);
	ck_assert_uint_eq(d1->nr_pages, 2 + (uint64_t)rc);
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns + rc, 1), -ENOSPC);

	/* Giving pages back frees their tables: room again. */
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, gfns, 2), 2);
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns + rc, 1), 1);
}
END_TEST

/* A dense guest never meets the budget: max_pages is its limit. */
START_TEST(populate_dense_is_limited_by_max_pages_only)
{
	uint64_t gfns[24];

	for (unsigned i = 0; i < 24; i++)
		gfns[i] = 4 + i;
	d1->max_pages = 26;
	tables_per_page = 0;
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns, 24), 24);
	ck_assert_uint_eq(d1->nr_pages, 26);
}
END_TEST

START_TEST(populate_gfn_beyond_max_gfn_einval)
{
	uint64_t gfn = KEEL_MAX_GFN;

	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, &gfn, 1), -EINVAL);
	ck_assert_uint_eq(d1->nr_pages, 2);
}
END_TEST

START_TEST(populate_used_gfn_eexist_gives_the_frame_back)
{
	uint64_t gfn = ARG_GFN;
	unsigned sum = 0;

	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, &gfn, 1), -EEXIST);
	ck_assert_uint_eq(d1->nr_pages, 2);
	/* The frame allocated for it went straight back. */
	for (unsigned f = 0; f < FAKE_NR_FRAMES; f++)
		sum += released[f];
	ck_assert_uint_eq(sum, 1);
}
END_TEST

START_TEST(populate_pool_empty_enomem)
{
	uint64_t gfn = 9;

	pool_empty = 1;
	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, &gfn, 1), -ENOMEM);
	ck_assert_uint_eq(d1->nr_pages, 2);
	ck_assert_ptr_null(fake_gfn_ptr(d1, 9));
}
END_TEST

START_TEST(dom0_populates_a_guest)
{
	uint64_t gfn = 9;

	ck_assert_int_eq(populate(d0, 1, &gfn, 1), 1);
	ck_assert_uint_eq(d1->nr_pages, 3);
	ck_assert_uint_eq(fake_page(frame_at(d1, 9))->owner, 1);
}
END_TEST

START_TEST(guest_populates_another_guest_eperm)
{
	uint64_t gfn = 9;

	ck_assert_int_eq(populate(d1, 2, &gfn, 1), -EPERM);
	ck_assert_uint_eq(d2->nr_pages, 2);
}
END_TEST

START_TEST(nobody_changes_dom0_eperm)
{
	uint64_t gfn = 9;

	ck_assert_int_eq(populate(d0, KEEL_DOMID_SELF, &gfn, 1), -EPERM);
	ck_assert_int_eq(decrease(d0, 0, &gfn, 1), -EPERM);
}
END_TEST

START_TEST(unknown_or_dying_domain_esrch)
{
	uint64_t gfn = 9;

	ck_assert_int_eq(populate(d0, 6, &gfn, 1), -ESRCH);
	fake_domain_dying(d2);
	ck_assert_int_eq(populate(d0, 2, &gfn, 1), -ESRCH);
}
END_TEST

/* ---- decrease ----------------------------------------------------------- */

START_TEST(decrease_gives_pages_back)
{
	uint64_t gfns[] = { 5, 6 };
	unsigned f5, f6;

	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns, 2), 2);
	f5 = frame_at(d1, 5);
	f6 = frame_at(d1, 6);
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, gfns, 2), 2);
	ck_assert_uint_eq(d1->nr_pages, 2);
	ck_assert_ptr_null(fake_gfn_ptr(d1, 5));
	ck_assert_uint_eq(released[f5], 1);
	ck_assert_uint_eq(released[f6], 1);
}
END_TEST

START_TEST(decrease_unpopulated_enoent_after_the_good_ones)
{
	uint64_t gfns[] = { 5, 20, 6 };

	ck_assert_int_eq(populate(d1, KEEL_DOMID_SELF, gfns, 1), 1);
	/* 5 is done, 20 fails: the count says how far it got. */
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, gfns, 3), 1);
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, gfns + 1, 1), -ENOENT);
	ck_assert_uint_eq(d1->nr_pages, 2);
}
END_TEST

START_TEST(decrease_shared_info_page_ebusy)
{
	uint64_t gfn = SI_GFN;

	fake_give(d1, SI_GFN, true);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, &gfn, 1), -EBUSY);
	ck_assert_ptr_nonnull(fake_gfn_ptr(d1, SI_GFN));
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
}
END_TEST

/* ---- argument checks ---------------------------------------------------- */

START_TEST(reservation_bad_arguments_einval)
{
	struct keel_memory_reservation *r = fake_gfn_ptr(d1, ARG_GFN);
	uint64_t args[5] = { KEEL_MEMOP_populate_physmap, ARG_GFN * 4096ull,
			     sizeof(*r), LIST_GFN * 4096ull, 8 };
	uint64_t *list = fake_gfn_ptr(d1, LIST_GFN);

	list[0] = 9;
	memset(r, 0, sizeof(*r));
	r->nr_extents = 1;
	r->domid = KEEL_DOMID_SELF;

	args[2] = sizeof(*r) - 1;			/* struct size */
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EINVAL);
	args[2] = sizeof(*r);
	args[4] = 16;					/* array size */
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EINVAL);
	args[4] = 8;
	r->pad[1] = 1;					/* padding */
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EINVAL);
	r->pad[1] = 0;
	r->nr_extents = 0;				/* no extents */
	args[4] = 0;
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EINVAL);
	r->nr_extents = KEEL_MEMOP_MAX_EXTENTS + 1;	/* too many */
	args[4] = r->nr_extents * 8;
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EINVAL);
	ck_assert_uint_eq(d1->nr_pages, 2);
	/* And the good call after all of them works. */
	r->nr_extents = 1;
	args[4] = 8;
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), 1);
}
END_TEST

START_TEST(reservation_unreadable_arrays_efault)
{
	uint64_t args[5] = { KEEL_MEMOP_populate_physmap, 30 * 4096ull,
			     sizeof(struct keel_memory_reservation),
			     LIST_GFN * 4096ull, 8 };
	struct keel_memory_reservation *r = fake_gfn_ptr(d1, ARG_GFN);

	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EFAULT);
	memset(r, 0, sizeof(*r));
	r->nr_extents = 1;
	r->domid = KEEL_DOMID_SELF;
	args[1] = ARG_GFN * 4096ull;
	args[3] = 30 * 4096ull;				/* the gfn list */
	ck_assert_int_eq(do_memory_op(d1->vcpu[0], args), -EFAULT);
	ck_assert_uint_eq(d1->nr_pages, 2);
}
END_TEST

START_TEST(unknown_op_enosys)
{
	ck_assert_int_eq(memop(d1, 99, 0), -ENOSYS);
}
END_TEST

/* ---- queries ------------------------------------------------------------ */

START_TEST(queries_report_current_and_maximum)
{
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_current_reservation, KEEL_DOMID_SELF), 2);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_maximum_reservation, 1), MAX_PAGES);
	ck_assert_int_eq(memop(d0, KEEL_MEMOP_current_reservation, 2), 2);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_current_reservation, 2), -EPERM);
	ck_assert_int_eq(memop(d0, KEEL_MEMOP_current_reservation, 6), -ESRCH);
	ck_assert_int_eq(memop(d0, KEEL_MEMOP_current_reservation, 1ull << 16), -EINVAL);
}
END_TEST

/* ---- shared info -------------------------------------------------------- */

START_TEST(shared_info_reference_follows_the_registration)
{
	unsigned a, b;

	fake_give(d1, SI_GFN, true);
	fake_give(d1, SI_GFN + 1, true);
	a = frame_at(d1, SI_GFN);
	b = frame_at(d1, SI_GFN + 1);
	memset(fake_frame(a), 0xaa, 4096);

	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_ptr_eq(d1->shared_info, fake_frame(a));
	ck_assert_uint_eq(((uint8_t *)fake_frame(a))[100], 0);	/* zeroed */
	ck_assert_uint_eq(time_fills, 1);
	ck_assert_uint_eq(fake_page(a)->refs, 1);

	/* Again at the same page: still one reference. */
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_uint_eq(fake_page(a)->refs, 1);

	/* Moved: the old page's reference goes, the new one's comes. */
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN + 1), 0);
	ck_assert_ptr_eq(d1->shared_info, fake_frame(b));
	ck_assert_uint_eq(d1->shared_info_gfn, SI_GFN + 1);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_uint_eq(fake_page(b)->refs, 1);

	/* Unregistered: no page, no reference. */
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
	ck_assert_ptr_null(d1->shared_info);
	ck_assert_uint_eq(fake_page(b)->refs, 0);
}
END_TEST

/* Senders read the pointer under d->evtchn.lock (evtchn.c), so it must
 * change while that lock is held: the lock records the pointer when it is
 * taken and released, and is taken once per change. */
START_TEST(shared_info_moves_under_the_event_channel_lock)
{
	spinlock_t *l = &d1->evtchn.lock;
	unsigned long before;
	unsigned a, b;

	fake_give(d1, SI_GFN, true);
	fake_give(d1, SI_GFN + 1, true);
	a = frame_at(d1, SI_GFN);
	b = frame_at(d1, SI_GFN + 1);
	l->watch = (void *const *)&d1->shared_info;
	before = l->acquired;

	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_uint_eq(l->acquired, before + 1);
	ck_assert_ptr_null(l->at_lock);
	ck_assert_ptr_eq(l->at_unlock, fake_frame(a));

	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN + 1), 0);
	ck_assert_uint_eq(l->acquired, before + 2);
	ck_assert_ptr_eq(l->at_lock, fake_frame(a));
	ck_assert_ptr_eq(l->at_unlock, fake_frame(b));

	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
	ck_assert_uint_eq(l->acquired, before + 3);
	ck_assert_ptr_eq(l->at_lock, fake_frame(b));
	ck_assert_ptr_null(l->at_unlock);
}
END_TEST

/* The old page's reference goes only once the pointer has moved off it:
 * the fake's page_put_ref() BUGs on a last reference the pointer still
 * names, so every move and unregistration here would abort otherwise. */
START_TEST(shared_info_old_reference_dropped_after_the_move)
{
	unsigned a, b;

	fake_give(d1, SI_GFN, true);
	fake_give(d1, SI_GFN + 1, true);
	a = frame_at(d1, SI_GFN);
	b = frame_at(d1, SI_GFN + 1);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN + 1), 0);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_uint_eq(fake_page(b)->refs, 0);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_ptr_null(d1->shared_info);
}
END_TEST

START_TEST(shared_info_not_own_ram_einval_changes_nothing)
{
	unsigned a;

	fake_give(d1, SI_GFN, true);
	a = frame_at(d1, SI_GFN);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);

	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, 20), -EINVAL);
	/* A page of another domain's is not the caller's RAM either. */
	fake_give(d2, 20, true);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, 21), -EINVAL);
	ck_assert_ptr_eq(d1->shared_info, fake_frame(a));
	ck_assert_uint_eq(d1->shared_info_gfn, SI_GFN);
	ck_assert_uint_eq(fake_page(a)->refs, 1);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
}
END_TEST

START_TEST(shared_info_of_a_moved_page_can_be_given_back)
{
	uint64_t gfn = SI_GFN;
	unsigned a;

	fake_give(d1, SI_GFN, true);
	fake_give(d1, SI_GFN + 1, true);
	a = frame_at(d1, SI_GFN);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, SI_GFN + 1), 0);
	ck_assert_int_eq(decrease(d1, KEEL_DOMID_SELF, &gfn, 1), 1);
	ck_assert_uint_eq(released[a], 1);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_int_eq(memop(d1, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
}
END_TEST

/*
 * Issue 11, finding 11: the upcall path (prepare_upcall on a vCPU's own
 * pCPU, evtchn_upcall_pending in its hypercalls) reads d->shared_info
 * without a lock, so the old page's reference may be dropped only when no
 * other vCPU of the domain can be running: a guest may move or unregister
 * its shared info only while its other vCPUs have not started (dom0's
 * set_vcpu_context does it on a paused domain).  Before, the move below
 * succeeded with vCPU 1 running, and the old page could go back to the
 * pool under its reader.
 */
START_TEST(shared_info_moves_only_while_other_vcpus_are_down)
{
	struct domain *d3 = fake_domain(3, 2);
	unsigned a, b;

	d3->max_pages = MAX_PAGES;
	fake_give(d3, SI_GFN, true);
	fake_give(d3, SI_GFN + 1, true);
	a = frame_at(d3, SI_GFN);
	b = frame_at(d3, SI_GFN + 1);
	d3->vcpu[1]->pause_flags = VPF_down | VPF_paused;

	/* Alone: registered and moved as before. */
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, SI_GFN), 0);
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, SI_GFN + 1), 0);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_uint_eq(fake_page(b)->refs, 1);

	/* vCPU 1 started: moving or unregistering would drop a page it may
	 * be reading. */
	d3->vcpu[1]->pause_flags = 0;
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, SI_GFN), -EBUSY);
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID),
			 -EBUSY);
	ck_assert_ptr_eq(d3->shared_info, fake_frame(b));
	ck_assert_uint_eq(d3->shared_info_gfn, SI_GFN + 1);
	ck_assert_uint_eq(fake_page(b)->refs, 1);
	ck_assert_uint_eq(fake_page(a)->refs, 0);
	ck_assert_int_eq(d3->lock.locked, 0);

	/* Blocked or paused is not enough (it may be on its way in or out);
	 * down again (never run) is. */
	d3->vcpu[1]->pause_flags = VPF_blocked;
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, SI_GFN), -EBUSY);
	d3->vcpu[1]->pause_flags = VPF_down;
	ck_assert_int_eq(memop(d3, KEEL_MEMOP_set_shared_info, KEEL_GFN_INVALID), 0);
	ck_assert_uint_eq(fake_page(b)->refs, 0);
}
END_TEST

static Suite *memory_suite(void)
{
	Suite *s = suite_create("memory");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, populate_adds_fresh_pages);
	tcase_add_test(tc, populate_stops_at_max_pages);
	tcase_add_test(tc, populate_sparse_stops_at_the_table_budget);
	tcase_add_test(tc, populate_dense_is_limited_by_max_pages_only);
	tcase_add_test(tc, populate_gfn_beyond_max_gfn_einval);
	tcase_add_test(tc, populate_used_gfn_eexist_gives_the_frame_back);
	tcase_add_test(tc, populate_pool_empty_enomem);
	tcase_add_test(tc, dom0_populates_a_guest);
	tcase_add_test(tc, guest_populates_another_guest_eperm);
	tcase_add_test(tc, nobody_changes_dom0_eperm);
	tcase_add_test(tc, unknown_or_dying_domain_esrch);
	tcase_add_test(tc, decrease_gives_pages_back);
	tcase_add_test(tc, decrease_unpopulated_enoent_after_the_good_ones);
	tcase_add_test(tc, decrease_shared_info_page_ebusy);
	tcase_add_test(tc, reservation_bad_arguments_einval);
	tcase_add_test(tc, reservation_unreadable_arrays_efault);
	tcase_add_test(tc, unknown_op_enosys);
	tcase_add_test(tc, queries_report_current_and_maximum);
	tcase_add_test(tc, shared_info_reference_follows_the_registration);
	tcase_add_test(tc, shared_info_moves_under_the_event_channel_lock);
	tcase_add_test(tc, shared_info_old_reference_dropped_after_the_move);
	tcase_add_test(tc, shared_info_not_own_ram_einval_changes_nothing);
	tcase_add_test(tc, shared_info_of_a_moved_page_can_be_given_back);
	tcase_add_test(tc, shared_info_moves_only_while_other_vcpus_are_down);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(memory_suite)
