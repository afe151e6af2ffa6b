/* common/gnttab.c: grant tables (setup, map, unmap, copy) and their rules,
 * against the fake hypervisor (harness/fake_hv.c).  dom0 (d0) is the
 * grantee that maps; d1 grants; d2 is another guest. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/gnttab.h>
#include <public/grant_table.h>

#include "harness/fake_hv.h"

#define ARG_GFN   1             /* argument array page of each domain */
#define TABLE_GFN 2             /* d1's grant table (and 3 for a second frame) */
#define DATA_GFN  4             /* the page d1 grants */
#define OWN_GFN   5             /* a page of the caller's own for copies */
#define REF       7             /* the grant d1 uses */

static struct domain *d0, *d1, *d2;
static unsigned table_frame, data_frame;
static int race_left;           /* test_grant_race: rewrites left */
static bool race_revokes;       /* ... and the rewrite ends the grant */

/* gnttab.c calls this between reading an entry and its compare-and-swap
 * (GNTTAB_TEST_RACE): a hostile granter flips an unused flag bit, or
 * ends the grant. */
void test_grant_race(uint32_t *word);
void test_grant_race(uint32_t *word)
{
	if (race_left > 0) {
		race_left--;
		if (race_revokes)
			__atomic_fetch_and(word, ~(uint32_t)KEEL_GTF_permit_access,
					   __ATOMIC_SEQ_CST);
		else
			__atomic_fetch_xor(word, 1u << 15, __ATOMIC_SEQ_CST);
	}
}

static long call(struct domain *d, unsigned cmd, void *arr, size_t esize,
		 unsigned count, uint64_t size)
{
	uint64_t args[5] = { cmd, ARG_GFN * 4096ull, count, size, 0 };
	long rc;

	memcpy(fake_gfn_ptr(d, ARG_GFN), arr, esize * count);
	rc = do_grant_table_op(d->vcpu[0], args);
	memcpy(arr, fake_gfn_ptr(d, ARG_GFN), esize * count);
	return rc;
}

static int setup_table(struct domain *d, unsigned n, const uint64_t *gfns)
{
	struct keel_gnttab_setup_table st = { .nr_frames = n, .status = 99 };

	for (unsigned i = 0; i < n && i < KEEL_GNTTAB_MAX_FRAMES; i++)
		st.frames[i] = gfns[i];
	ck_assert_int_eq(call(d, KEEL_GNTTABOP_setup_table, &st, sizeof(st), 1,
			      sizeof(st)), 0);
	return st.status;
}

static struct keel_grant_entry_v1 *entry(unsigned ref)
{
	return (struct keel_grant_entry_v1 *)fake_frame(table_frame) + ref;
}

static void grant(unsigned ref, uint16_t domid, uint32_t gfn, uint16_t flags)
{
	entry(ref)->domid = domid;
	entry(ref)->frame = gfn;
	entry(ref)->flags = flags;
}

static int map(struct domain *d, uint16_t dom, uint32_t ref, uint16_t flags,
	       uint32_t *handle)
{
	struct keel_gnttab_map m = { .dom = dom, .ref = ref, .flags = flags,
				     .status = 99 };

	ck_assert_int_eq(call(d, KEEL_GNTTABOP_map_grant_ref, &m, sizeof(m), 1,
			      sizeof(m)), 0);
	if (handle)
		*handle = m.handle;
	return m.status;
}

static int unmap(struct domain *d, uint32_t handle)
{
	struct keel_gnttab_unmap u = { .handle = handle, .status = 99 };

	ck_assert_int_eq(call(d, KEEL_GNTTABOP_unmap_grant_ref, &u, sizeof(u),
			      1, sizeof(u)), 0);
	return u.status;
}

static int copy(struct domain *d, struct keel_gnttab_copy c)
{
	c.status = 99;
	ck_assert_int_eq(call(d, KEEL_GNTTABOP_copy, &c, sizeof(c), 1,
			      sizeof(c)), 0);
	return c.status;
}

static struct keel_gnttab_copy_ptr gref(uint16_t dom, uint64_t ref,
					uint16_t off)
{
	return (struct keel_gnttab_copy_ptr){ .ref_or_gfn = ref, .domid = dom,
					      .offset = off };
}

static struct keel_gnttab_copy_ptr gfn(uint64_t g, uint16_t off)
{
	return (struct keel_gnttab_copy_ptr){ .ref_or_gfn = g,
					      .domid = KEEL_DOMID_SELF,
					      .offset = off };
}

static uint8_t *gptr(struct domain *d, uint64_t g)
{
	return fake_gfn_ptr(d, g);
}

static void setup(void)
{
	uint64_t t = TABLE_GFN;

	fake_reset();
	race_left = 0;
	race_revokes = false;
	d0 = fake_domain(0, 1);
	d1 = fake_domain(1, 1);
	d2 = fake_domain(2, 1);
	ck_assert_int_eq(gnttab_domain_init(d0), 0);
	ck_assert_int_eq(gnttab_domain_init(d1), 0);
	ck_assert_int_eq(gnttab_domain_init(d2), 0);
	fake_give(d0, ARG_GFN, true);
	fake_give(d1, ARG_GFN, true);
	fake_give(d2, ARG_GFN, true);
	table_frame = fake_give(d1, TABLE_GFN, true);
	fake_give(d1, TABLE_GFN + 1, true);
	data_frame = fake_give(d1, DATA_GFN, true);
	fake_give(d0, OWN_GFN, true);
	fake_give(d1, OWN_GFN, true);
	fake_give(d2, OWN_GFN, true);
	ck_assert_int_eq(setup_table(d1, 1, &t), 0);
}

static void teardown(void)
{
	struct domain *all[] = { d0, d1, d2 };

	for (unsigned i = 0; i < 3; i++) {
		ck_assert_int_eq(all[i]->gnttab.lock.locked, 0);
		ck_assert_int_eq(all[i]->lock.locked, 0);
	}
	ck_assert_int_eq(fake_refs_outstanding, 0);
	for (unsigned i = 0; i < 3; i++)
		gnttab_domain_destroy(all[i]);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
	for (unsigned f = 0; f < FAKE_NR_FRAMES; f++)
		ck_assert_uint_eq(fake_page(f)->refs, 0);
}

/* ---- setup_table -------------------------------------------------------- */

START_TEST(setup_registers_frames_with_references)
{
	ck_assert_uint_eq(d1->gnttab.nr_frames, 1);
	ck_assert_uint_eq(d1->gnttab.gfn[0], TABLE_GFN);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame));
	ck_assert_uint_eq(fake_page(table_frame)->refs, 1);
}
END_TEST

START_TEST(setup_two_frames)
{
	uint64_t t[2] = { TABLE_GFN, TABLE_GFN + 1 };

	ck_assert_int_eq(setup_table(d1, 2, t), 0);
	ck_assert_uint_eq(d1->gnttab.nr_frames, 2);
	ck_assert_uint_eq(fake_page(table_frame)->refs, 1);
	ck_assert_uint_eq(fake_page(table_frame + 1)->refs, 1);
}
END_TEST

START_TEST(setup_frame_count_out_of_range_einval)
{
	uint64_t t[5] = { TABLE_GFN, TABLE_GFN, TABLE_GFN, TABLE_GFN, TABLE_GFN };

	ck_assert_int_eq(setup_table(d2, 0, t), -EINVAL);
	ck_assert_int_eq(setup_table(d2, 5, t), -EINVAL);
	ck_assert_uint_eq(d2->gnttab.nr_frames, 0);
}
END_TEST

START_TEST(setup_gfn_not_ram_einval_and_nothing_held)
{
	uint64_t t[2] = { TABLE_GFN + 1, 20 };

	ck_assert_int_eq(setup_table(d1, 2, t), -EINVAL);
	ck_assert_uint_eq(fake_page(table_frame + 1)->refs, 0);
	ck_assert_uint_eq(d1->gnttab.nr_frames, 1);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame));
}
END_TEST

START_TEST(setup_readonly_gfn_einval)
{
	uint64_t t = 9;

	fake_give(d2, 9, false);
	ck_assert_int_eq(setup_table(d2, 1, &t), -EINVAL);
}
END_TEST

START_TEST(setup_frame_of_another_domain_einval)
{
	uint64_t t = 9;

	fake_p2m_set(d2, 9, data_frame, true);	/* d1's page in d2's map */
	ck_assert_int_eq(setup_table(d2, 1, &t), -EINVAL);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(setup_replaces_table_and_drops_old_references)
{
	uint64_t t = TABLE_GFN + 1;

	ck_assert_int_eq(setup_table(d1, 1, &t), 0);
	ck_assert_uint_eq(fake_page(table_frame)->refs, 0);
	ck_assert_uint_eq(fake_page(table_frame + 1)->refs, 1);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame + 1));
}
END_TEST

START_TEST(setup_while_a_grant_is_mapped_ebusy)
{
	uint64_t t = TABLE_GFN + 1;
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_int_eq(setup_table(d1, 1, &t), -EBUSY);
	ck_assert_uint_eq(fake_page(table_frame + 1)->refs, 0);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame));
	ck_assert_int_eq(unmap(d0, h), 0);
}
END_TEST

/* ---- the batch ---------------------------------------------------------- */

START_TEST(unknown_command_enosys)
{
	struct keel_gnttab_unmap u = { 0 };

	ck_assert_int_eq(call(d1, 0, &u, sizeof(u), 1, sizeof(u)), -ENOSYS);
	ck_assert_int_eq(call(d1, 5, &u, sizeof(u), 1, sizeof(u)), -ENOSYS);
}
END_TEST

START_TEST(count_out_of_range_einval)
{
	struct keel_gnttab_unmap u[KEEL_GNTTAB_BATCH_MAX + 1];

	memset(u, 0, sizeof(u));
	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_unmap_grant_ref, u, sizeof(u[0]),
			      0, sizeof(u[0])), -EINVAL);
	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_unmap_grant_ref, u, sizeof(u[0]),
			      KEEL_GNTTAB_BATCH_MAX + 1, sizeof(u[0])), -EINVAL);
}
END_TEST

START_TEST(setup_count_not_one_einval)
{
	struct keel_gnttab_setup_table st[2];

	memset(st, 0, sizeof(st));
	st[0].nr_frames = st[1].nr_frames = 1;
	st[0].frames[0] = st[1].frames[0] = TABLE_GFN + 1;
	ck_assert_int_eq(call(d1, KEEL_GNTTABOP_setup_table, st, sizeof(st[0]),
			      2, sizeof(st[0])), -EINVAL);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame));
}
END_TEST

START_TEST(element_size_mismatch_einval)
{
	struct keel_gnttab_copy c = { 0 };

	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_copy, &c, sizeof(c), 1, 24),
			 -EINVAL);
	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_map_grant_ref, &c, sizeof(c), 1,
			      40), -EINVAL);
}
END_TEST

START_TEST(map_by_a_guest_eperm)
{
	struct keel_gnttab_map m = { .dom = 1, .ref = REF, .status = 99 };

	grant(REF, 2, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(call(d2, KEEL_GNTTABOP_map_grant_ref, &m, sizeof(m), 1,
			      sizeof(m)), 0);
	ck_assert_int_eq(m.status, -EPERM);
	/* Nothing was left held: the flags are as the granter wrote them. */
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_by_a_guest_ungranted_eacces_first)
{
	struct keel_gnttab_map m = { .dom = 1, .ref = REF, .status = 99 };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);	/* for dom0 */
	ck_assert_int_eq(call(d2, KEEL_GNTTABOP_map_grant_ref, &m, sizeof(m), 1,
			      sizeof(m)), 0);
	ck_assert_int_eq(m.status, -EACCES);
}
END_TEST

START_TEST(array_outside_ram_efault)
{
	uint64_t args[5] = { KEEL_GNTTABOP_unmap_grant_ref, 30 * 4096ull, 1,
			     sizeof(struct keel_gnttab_unmap), 0 };

	ck_assert_int_eq(do_grant_table_op(d0->vcpu[0], args), -EFAULT);
}
END_TEST

START_TEST(readonly_array_efault_before_acting)
{
	struct keel_gnttab_setup_table st = { .nr_frames = 1,
					      .frames = { TABLE_GFN + 1 } };
	uint64_t args[5] = { KEEL_GNTTABOP_setup_table, 10 * 4096ull, 1,
			     sizeof(st), 0 };

	fake_give(d1, 10, false);
	memcpy(gptr(d1, 10), &st, sizeof(st));
	ck_assert_int_eq(do_grant_table_op(d1->vcpu[0], args), -EFAULT);
	ck_assert_uint_eq(d1->gnttab.mfn[0], FAKE_MFN(table_frame));
}
END_TEST

START_TEST(batch_gives_each_element_its_status)
{
	struct keel_gnttab_map m[3] = {
		{ .dom = 1, .ref = REF },
		{ .dom = 1, .ref = 600 },
		{ .dom = 1, .ref = REF, .flags = KEEL_GNTMAP_readonly },
	};

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_map_grant_ref, m, sizeof(m[0]),
			      3, sizeof(m[0])), 0);
	ck_assert_int_eq(m[0].status, 0);
	ck_assert_int_eq(m[1].status, -EINVAL);
	ck_assert_int_eq(m[2].status, 0);
	ck_assert_uint_ne(m[0].handle, m[2].handle);
	ck_assert_int_eq(unmap(d0, m[0].handle), 0);
	ck_assert_int_eq(unmap(d0, m[2].handle), 0);
}
END_TEST

/* ---- map ---------------------------------------------------------------- */

START_TEST(map_readonly_sets_reading_and_maps_into_dom0)
{
	struct keel_gnttab_map m = { .dom = 1, .ref = REF,
				     .flags = KEEL_GNTMAP_readonly };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(call(d0, KEEL_GNTTABOP_map_grant_ref, &m, sizeof(m), 1,
			      sizeof(m)), 0);
	ck_assert_int_eq(m.status, 0);
	ck_assert_uint_eq(m.dev_frame, FAKE_MFN(data_frame) >> 12);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_reading);
	ck_assert_uint_eq(fake_grant_maps[data_frame].all, 1);
	ck_assert_uint_eq(fake_grant_maps[data_frame].rw, 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 1);
	ck_assert_int_eq(unmap(d0, m.handle), 0);
}
END_TEST

START_TEST(map_writable_sets_reading_and_writing)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access |
			  KEEL_GTF_reading | KEEL_GTF_writing);
	ck_assert_uint_eq(fake_grant_maps[data_frame].rw, 1);
	ck_assert_int_eq(unmap(d0, h), 0);
}
END_TEST

START_TEST(map_writable_of_readonly_grant_eacces)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access | KEEL_GTF_readonly);
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_readonly);
}
END_TEST

START_TEST(map_readonly_of_readonly_grant_ok)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access | KEEL_GTF_readonly);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &h), 0);
	ck_assert_int_eq(unmap(d0, h), 0);
}
END_TEST

START_TEST(map_without_permit_eacces)
{
	grant(REF, 0, DATA_GFN, 0);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, NULL), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, 0);
}
END_TEST

START_TEST(map_grant_for_another_domain_eacces)
{
	grant(REF, 2, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, NULL), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_after_grant_ended_eacces)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_int_eq(unmap(d0, h), 0);
	/* the granter ends the grant: flags were clear, so it may */
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	entry(REF)->flags = 0;
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -EACCES);
}
END_TEST

START_TEST(map_ref_beyond_table_einval)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, 512, 0, NULL), -EINVAL);
	ck_assert_int_eq(map(d0, 1, 0xffffffffu, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(map_granter_without_table_einval)
{
	ck_assert_int_eq(map(d0, 2, 0, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(map_no_such_domain_esrch)
{
	ck_assert_int_eq(map(d0, 6, REF, 0, NULL), -ESRCH);
}
END_TEST

START_TEST(map_dying_granter_esrch)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	fake_domain_dying(d1);
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -ESRCH);
}
END_TEST

START_TEST(map_unknown_flags_einval)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 2, NULL), -EINVAL);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_maptrack_full_enospc)
{
	for (unsigned h = 0; h < MAPTRACK_MAX; h++)
		d0->gnttab.maptrack[h].in_use = 1;
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -ENOSPC);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	for (unsigned h = 0; h < MAPTRACK_MAX; h++)
		d0->gnttab.maptrack[h].in_use = 0;
}
END_TEST

START_TEST(map_frame_not_granter_ram_einval_flags_undone)
{
	grant(REF, 0, 20, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -EINVAL);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_frame_not_owned_by_granter_einval)
{
	unsigned f = fake_give(d2, 9, true);

	fake_p2m_set(d1, 9, f, true);		/* d2's page in d1's map */
	grant(REF, 0, 9, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, NULL), -EINVAL);
	ck_assert_uint_eq(fake_page(f)->refs, 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_writable_of_page_readonly_to_granter_eacces)
{
	fake_give(d1, 9, false);
	grant(REF, 0, 9, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(map_p2m_failure_undone)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	fake_map_grant_fail = -ENOMEM;
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -ENOMEM);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 0);
	ck_assert_uint_eq(d0->gnttab.maptrack[0].in_use, 0);
}
END_TEST

START_TEST(map_racing_granter_eagain)
{
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	race_left = 1000;
	ck_assert_int_eq(map(d0, 1, REF, 0, NULL), -EAGAIN);
	ck_assert_uint_eq(entry(REF)->flags & (KEEL_GTF_reading |
					       KEEL_GTF_writing), 0);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 0);
}
END_TEST

START_TEST(map_survives_a_brief_race)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	race_left = 3;
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_uint_eq(entry(REF)->flags & KEEL_GTF_writing, KEEL_GTF_writing);
	ck_assert_int_eq(unmap(d0, h), 0);
}
END_TEST

START_TEST(map_race_that_ends_the_grant_eacces)
{
	/* the granter ends the grant between our read and our CAS: the CAS
	 * fails, and the re-check sees the grant gone */
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	race_left = 1;
	race_revokes = true;
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, NULL), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

/* ---- unmap -------------------------------------------------------------- */

START_TEST(unmap_undoes_everything)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_int_eq(unmap(d0, h), 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(fake_grant_maps[data_frame].all, 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 0);
	ck_assert_uint_eq(d0->gnttab.maptrack[h].in_use, 0);
}
END_TEST

START_TEST(unmap_one_of_two_mappings_keeps_reading)
{
	uint32_t a, b;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &a), 0);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &b), 0);
	ck_assert_int_eq(unmap(d0, a), 0);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_reading);
	ck_assert_int_eq(unmap(d0, b), 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(unmap_writable_keeps_reading_for_readonly_mapping)
{
	uint32_t ro, rw;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &ro), 0);
	ck_assert_int_eq(map(d0, 1, REF, 0, &rw), 0);
	ck_assert_int_eq(unmap(d0, rw), 0);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_reading);
	ck_assert_uint_eq(fake_grant_maps[data_frame].all, 1);
	ck_assert_uint_eq(fake_grant_maps[data_frame].rw, 0);
	ck_assert_int_eq(unmap(d0, ro), 0);
}
END_TEST

START_TEST(unmap_readonly_keeps_writing_for_writable_mapping)
{
	uint32_t ro, rw;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &rw), 0);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &ro), 0);
	ck_assert_int_eq(unmap(d0, ro), 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access |
			  KEEL_GTF_reading | KEEL_GTF_writing);
	ck_assert_int_eq(unmap(d0, rw), 0);
}
END_TEST

START_TEST(unmap_handle_out_of_range_einval)
{
	ck_assert_int_eq(unmap(d0, MAPTRACK_MAX), -EINVAL);
	ck_assert_int_eq(unmap(d0, 0xffffffffu), -EINVAL);
}
END_TEST

START_TEST(unmap_handle_not_in_use_einval)
{
	ck_assert_int_eq(unmap(d0, 0), -EINVAL);
}
END_TEST

START_TEST(unmap_twice_einval)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert_int_eq(unmap(d0, h), 0);
	ck_assert_int_eq(unmap(d0, h), -EINVAL);
}
END_TEST

START_TEST(unmap_by_guest_without_mappings_einval)
{
	ck_assert_int_eq(unmap(d2, 0), -EINVAL);
}
END_TEST

START_TEST(unmap_after_granter_died_works)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	fake_domain_dying(d1);
	ck_assert_int_eq(unmap(d0, h), 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 0);
}
END_TEST

START_TEST(unmap_after_granter_table_dropped_leaves_frame_alone)
{
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	fake_domain_dying(d1);
	gnttab_domain_destroy(d1);
	ck_assert_uint_eq(fake_page(table_frame)->refs, 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);
	ck_assert_int_eq(unmap(d0, h), 0);
	/* the table page is no longer a table: not written */
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access |
			  KEEL_GTF_reading | KEEL_GTF_writing);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

/* ---- copy --------------------------------------------------------------- */

START_TEST(copy_from_grant_to_own_page)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 100),
				      .dest = gfn(OWN_GFN, 8), .len = 5,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access | KEEL_GTF_readonly);
	memcpy(gptr(d1, DATA_GFN) + 100, "hello", 5);
	ck_assert_int_eq(copy(d0, c), 0);
	ck_assert_mem_eq(gptr(d0, OWN_GFN) + 8, "hello", 5);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_readonly);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(copy_from_own_page_to_grant)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gref(1, REF, 4090), .len = 6,
				      .flags = KEEL_GNTCOPY_dest_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	memcpy(gptr(d0, OWN_GFN), "world!", 6);
	ck_assert_int_eq(copy(d0, c), 0);
	ck_assert_mem_eq(gptr(d1, DATA_GFN) + 4090, "world!", 6);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

/* Log-dirty mode: pages written behind the granter's nested map (a
 * writable mapping dom0 drops, a copy into a grant or into a guest's own
 * page) are marked dirty, so a migration sends them again. */
static uint64_t ld_bits[2];

static void logdirty_on(struct domain *d)
{
	memset(ld_bits, 0, sizeof(ld_bits));
	d->logdirty.enabled = true;
	d->logdirty.nr_bits = 128;
	d->logdirty.bitmap = ld_bits;
}

static void logdirty_off(struct domain *d)
{
	d->logdirty.enabled = false;
	d->logdirty.bitmap = NULL;
	d->logdirty.nr_bits = 0;
}

static bool ld_bit(uint64_t g)
{
	return ld_bits[g / 64] & (1ull << (g % 64));
}

START_TEST(logdirty_writable_unmap_marks_the_page)
{
	uint32_t h;

	logdirty_on(d1);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &h), 0);
	ck_assert(!ld_bit(DATA_GFN));
	ck_assert_int_eq(unmap(d0, h), 0);
	ck_assert(ld_bit(DATA_GFN));
	logdirty_off(d1);
}
END_TEST

START_TEST(logdirty_readonly_unmap_marks_nothing)
{
	uint32_t h;

	logdirty_on(d1);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &h), 0);
	ck_assert_int_eq(unmap(d0, h), 0);
	ck_assert_uint_eq(ld_bits[0] | ld_bits[1], 0);
	logdirty_off(d1);
}
END_TEST

START_TEST(logdirty_copy_marks_its_destination)
{
	struct keel_gnttab_copy to_grant = { .source = gfn(OWN_GFN, 0),
					     .dest = gref(1, REF, 0), .len = 6,
					     .flags = KEEL_GNTCOPY_dest_gref };
	struct keel_gnttab_copy to_own = { .source = gref(1, REF, 0),
					   .dest = gfn(OWN_GFN, 0), .len = 4,
					   .flags = KEEL_GNTCOPY_source_gref };

	logdirty_on(d1);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(copy(d0, to_grant), 0);
	ck_assert(ld_bit(DATA_GFN));
	logdirty_off(d1);
	/* a guest copying into its own page */
	logdirty_on(d2);
	grant(REF, 2, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(copy(d2, to_own), 0);
	ck_assert(ld_bit(OWN_GFN));
	logdirty_off(d2);
}
END_TEST

START_TEST(copy_by_a_guest_through_its_grant)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 4096,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 2, DATA_GFN, KEEL_GTF_permit_access);
	memset(gptr(d1, DATA_GFN), 0x5a, 4096);
	ck_assert_int_eq(copy(d2, c), 0);
	ck_assert_uint_eq(gptr(d2, OWN_GFN)[4095], 0x5a);
}
END_TEST

START_TEST(copy_between_two_grants_of_one_page)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gref(1, REF, 1), .len = 3,
				      .flags = KEEL_GNTCOPY_source_gref |
					       KEEL_GNTCOPY_dest_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	memcpy(gptr(d1, DATA_GFN), "abc", 3);
	ck_assert_int_eq(copy(d0, c), 0);
	ck_assert_mem_eq(gptr(d1, DATA_GFN), "aabc", 4);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(copy_within_own_memory)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(ARG_GFN, 2048), .len = 2 };

	memcpy(gptr(d2, OWN_GFN), "ok", 2);
	ck_assert_int_eq(copy(d2, c), 0);
	ck_assert_mem_eq(gptr(d2, ARG_GFN) + 2048, "ok", 2);
}
END_TEST

START_TEST(copy_keeps_flags_of_a_live_mapping)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };
	uint32_t h;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &h), 0);
	ck_assert_int_eq(copy(d0, c), 0);
	ck_assert_uint_eq(entry(REF)->flags,
			  KEEL_GTF_permit_access | KEEL_GTF_reading);
	ck_assert_int_eq(unmap(d0, h), 0);
}
END_TEST

START_TEST(copy_into_readonly_grant_eacces)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gref(1, REF, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_dest_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access | KEEL_GTF_readonly);
	gptr(d1, DATA_GFN)[0] = 7;
	ck_assert_int_eq(copy(d0, c), -EACCES);
	ck_assert_uint_eq(gptr(d1, DATA_GFN)[0], 7);
}
END_TEST

START_TEST(copy_from_grant_not_for_caller_eacces)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 2, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(copy(d0, c), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
}
END_TEST

START_TEST(copy_failing_dest_releases_source)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gref(1, REF + 1, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref |
					       KEEL_GNTCOPY_dest_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	grant(REF + 1, 0, DATA_GFN, KEEL_GTF_permit_access | KEEL_GTF_readonly);
	ck_assert_int_eq(copy(d0, c), -EACCES);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(copy_ref_beyond_table_einval)
{
	struct keel_gnttab_copy c = { .source = gref(1, 512, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };

	ck_assert_int_eq(copy(d0, c), -EINVAL);
	c.source.ref_or_gfn = 1ull << 32 | REF;
	ck_assert_int_eq(copy(d0, c), -EINVAL);
}
END_TEST

START_TEST(copy_no_such_granter_esrch)
{
	struct keel_gnttab_copy c = { .source = gref(6, REF, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };

	ck_assert_int_eq(copy(d0, c), -ESRCH);
}
END_TEST

START_TEST(copy_range_crossing_a_page_einval)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 4000),
				      .dest = gfn(OWN_GFN, 0), .len = 97,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(copy(d0, c), -EINVAL);
	c.source.offset = 0;
	c.dest.offset = 4000;
	ck_assert_int_eq(copy(d0, c), -EINVAL);
}
END_TEST

START_TEST(copy_length_out_of_range_einval)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(ARG_GFN, 0), .len = 0 };

	ck_assert_int_eq(copy(d0, c), -EINVAL);
	c.len = 4097;
	ck_assert_int_eq(copy(d0, c), -EINVAL);
}
END_TEST

START_TEST(copy_unknown_flags_einval)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(ARG_GFN, 0), .len = 1,
				      .flags = 4 };

	ck_assert_int_eq(copy(d0, c), -EINVAL);
}
END_TEST

START_TEST(copy_pad_not_zero_einval)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(ARG_GFN, 0), .len = 1 };

	c.dest.pad = 1;
	ck_assert_int_eq(copy(d0, c), -EINVAL);
}
END_TEST

START_TEST(copy_gfn_side_naming_another_domain_einval)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1 };

	c.source.domid = 1;
	ck_assert_int_eq(copy(d2, c), -EINVAL);
}
END_TEST

START_TEST(copy_own_gfn_not_ram_efault)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(25, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(copy(d0, c), -EFAULT);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(copy_into_own_readonly_gfn_efault)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(9, 0), .len = 1 };

	fake_give(d2, 9, false);
	ck_assert_int_eq(copy(d2, c), -EFAULT);
}
END_TEST

/* dom0's RAM as the hypervisor knows it: [gfn, gfn + 1) pages. */
static void dom0_ram(uint64_t gfn)
{
	ck_assert_int_eq(rangeset_add(&d0->ram, gfn << 12, (gfn + 1) << 12), 0);
}

START_TEST(copy_dom0_own_ram_outside_pool_ok)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(9, 0), .len = 2,
				      .flags = KEEL_GNTCOPY_source_gref };
	unsigned f = fake_give(d0, 9, true);

	fake_frame_not_pool(f);
	dom0_ram(9);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	memcpy(gptr(d1, DATA_GFN), "hi", 2);
	ck_assert_int_eq(copy(d0, c), 0);
	ck_assert_mem_eq(gptr(d0, 9), "hi", 2);
}
END_TEST

/* A dom0 gfn that its table maps but that is not its RAM (MMIO, or the
 * 1:1 span above the hypervisor's own 1:1 map) is refused, both ways. */
START_TEST(copy_into_dom0_frame_outside_its_ram_efault)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(9, 0), .len = 2,
				      .flags = KEEL_GNTCOPY_source_gref };
	unsigned f = fake_give(d0, 9, true);

	fake_frame_not_pool(f);
	dom0_ram(8);
	dom0_ram(10);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	memcpy(gptr(d1, DATA_GFN), "hi", 2);
	ck_assert_int_eq(copy(d0, c), -EFAULT);
	ck_assert_mem_eq(gptr(d0, 9), "\0\0", 2);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(copy_from_dom0_frame_outside_its_ram_efault)
{
	struct keel_gnttab_copy c = { .source = gfn(9, 0),
				      .dest = gref(1, REF, 0), .len = 2,
				      .flags = KEEL_GNTCOPY_dest_gref };
	unsigned f = fake_give(d0, 9, true);

	fake_frame_not_pool(f);
	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	memcpy(gptr(d1, DATA_GFN), "hi", 2);
	ck_assert_int_eq(copy(d0, c), -EFAULT);
	ck_assert_mem_eq(gptr(d1, DATA_GFN), "hi", 2);
}
END_TEST

START_TEST(copy_guest_frame_outside_pool_efault)
{
	struct keel_gnttab_copy c = { .source = gfn(OWN_GFN, 0),
				      .dest = gfn(9, 0), .len = 2 };
	unsigned f = fake_give(d2, 9, true);

	fake_frame_not_pool(f);
	ck_assert_int_eq(copy(d2, c), -EFAULT);
}
END_TEST

START_TEST(copy_racing_granter_eagain)
{
	struct keel_gnttab_copy c = { .source = gref(1, REF, 0),
				      .dest = gfn(OWN_GFN, 0), .len = 1,
				      .flags = KEEL_GNTCOPY_source_gref };

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	race_left = 1000;
	ck_assert_int_eq(copy(d0, c), -EAGAIN);
}
END_TEST

/* ---- life cycle --------------------------------------------------------- */

START_TEST(init_out_of_memory_enomem)
{
	struct domain *d3 = fake_domain(3, 1);

	fake_alloc_fail = 1;
	ck_assert_int_eq(gnttab_domain_init(d3), -ENOMEM);
}
END_TEST

START_TEST(destroy_unmaps_everything_the_grantee_mapped)
{
	uint32_t a, b;

	grant(REF, 0, DATA_GFN, KEEL_GTF_permit_access);
	ck_assert_int_eq(map(d0, 1, REF, 0, &a), 0);
	ck_assert_int_eq(map(d0, 1, REF, KEEL_GNTMAP_readonly, &b), 0);
	gnttab_domain_destroy(d0);
	ck_assert_uint_eq(fake_grant_maps[data_frame].all, 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
	ck_assert_uint_eq(entry(REF)->flags, KEEL_GTF_permit_access);
	ck_assert_uint_eq(d1->gnttab.maps_of_mine, 0);
	ck_assert_ptr_null(d0->gnttab.maptrack);
}
END_TEST

START_TEST(destroy_drops_the_table)
{
	gnttab_domain_destroy(d1);
	ck_assert_uint_eq(d1->gnttab.nr_frames, 0);
	ck_assert_uint_eq(fake_page(table_frame)->refs, 0);
}
END_TEST

static Suite *gnttab_suite(void)
{
	Suite *s = suite_create("gnttab");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, setup_registers_frames_with_references);
	tcase_add_test(tc, setup_two_frames);
	tcase_add_test(tc, setup_frame_count_out_of_range_einval);
	tcase_add_test(tc, setup_gfn_not_ram_einval_and_nothing_held);
	tcase_add_test(tc, setup_readonly_gfn_einval);
	tcase_add_test(tc, setup_frame_of_another_domain_einval);
	tcase_add_test(tc, setup_replaces_table_and_drops_old_references);
	tcase_add_test(tc, setup_while_a_grant_is_mapped_ebusy);
	tcase_add_test(tc, unknown_command_enosys);
	tcase_add_test(tc, count_out_of_range_einval);
	tcase_add_test(tc, setup_count_not_one_einval);
	tcase_add_test(tc, element_size_mismatch_einval);
	tcase_add_test(tc, map_by_a_guest_eperm);
	tcase_add_test(tc, map_by_a_guest_ungranted_eacces_first);
	tcase_add_test(tc, array_outside_ram_efault);
	tcase_add_test(tc, readonly_array_efault_before_acting);
	tcase_add_test(tc, batch_gives_each_element_its_status);
	tcase_add_test(tc, map_readonly_sets_reading_and_maps_into_dom0);
	tcase_add_test(tc, map_writable_sets_reading_and_writing);
	tcase_add_test(tc, map_writable_of_readonly_grant_eacces);
	tcase_add_test(tc, map_readonly_of_readonly_grant_ok);
	tcase_add_test(tc, map_without_permit_eacces);
	tcase_add_test(tc, map_grant_for_another_domain_eacces);
	tcase_add_test(tc, map_after_grant_ended_eacces);
	tcase_add_test(tc, map_ref_beyond_table_einval);
	tcase_add_test(tc, map_granter_without_table_einval);
	tcase_add_test(tc, map_no_such_domain_esrch);
	tcase_add_test(tc, map_dying_granter_esrch);
	tcase_add_test(tc, map_unknown_flags_einval);
	tcase_add_test(tc, map_maptrack_full_enospc);
	tcase_add_test(tc, map_frame_not_granter_ram_einval_flags_undone);
	tcase_add_test(tc, map_frame_not_owned_by_granter_einval);
	tcase_add_test(tc, map_writable_of_page_readonly_to_granter_eacces);
	tcase_add_test(tc, map_p2m_failure_undone);
	tcase_add_test(tc, map_racing_granter_eagain);
	tcase_add_test(tc, map_survives_a_brief_race);
	tcase_add_test(tc, map_race_that_ends_the_grant_eacces);
	tcase_add_test(tc, unmap_undoes_everything);
	tcase_add_test(tc, unmap_one_of_two_mappings_keeps_reading);
	tcase_add_test(tc, unmap_writable_keeps_reading_for_readonly_mapping);
	tcase_add_test(tc, unmap_readonly_keeps_writing_for_writable_mapping);
	tcase_add_test(tc, unmap_handle_out_of_range_einval);
	tcase_add_test(tc, unmap_handle_not_in_use_einval);
	tcase_add_test(tc, unmap_twice_einval);
	tcase_add_test(tc, unmap_by_guest_without_mappings_einval);
	tcase_add_test(tc, unmap_after_granter_died_works);
	tcase_add_test(tc, unmap_after_granter_table_dropped_leaves_frame_alone);
	tcase_add_test(tc, copy_from_grant_to_own_page);
	tcase_add_test(tc, copy_from_own_page_to_grant);
	tcase_add_test(tc, logdirty_writable_unmap_marks_the_page);
	tcase_add_test(tc, logdirty_readonly_unmap_marks_nothing);
	tcase_add_test(tc, logdirty_copy_marks_its_destination);
	tcase_add_test(tc, copy_by_a_guest_through_its_grant);
	tcase_add_test(tc, copy_between_two_grants_of_one_page);
	tcase_add_test(tc, copy_within_own_memory);
	tcase_add_test(tc, copy_keeps_flags_of_a_live_mapping);
	tcase_add_test(tc, copy_into_readonly_grant_eacces);
	tcase_add_test(tc, copy_from_grant_not_for_caller_eacces);
	tcase_add_test(tc, copy_failing_dest_releases_source);
	tcase_add_test(tc, copy_ref_beyond_table_einval);
	tcase_add_test(tc, copy_no_such_granter_esrch);
	tcase_add_test(tc, copy_range_crossing_a_page_einval);
	tcase_add_test(tc, copy_length_out_of_range_einval);
	tcase_add_test(tc, copy_unknown_flags_einval);
	tcase_add_test(tc, copy_pad_not_zero_einval);
	tcase_add_test(tc, copy_gfn_side_naming_another_domain_einval);
	tcase_add_test(tc, copy_own_gfn_not_ram_efault);
	tcase_add_test(tc, copy_into_own_readonly_gfn_efault);
	tcase_add_test(tc, copy_dom0_own_ram_outside_pool_ok);
	tcase_add_test(tc, copy_into_dom0_frame_outside_its_ram_efault);
	tcase_add_test(tc, copy_from_dom0_frame_outside_its_ram_efault);
	tcase_add_test(tc, copy_guest_frame_outside_pool_efault);
	tcase_add_test(tc, copy_racing_granter_eagain);
	tcase_add_test(tc, init_out_of_memory_enomem);
	tcase_add_test(tc, destroy_unmaps_everything_the_grantee_mapped);
	tcase_add_test(tc, destroy_drops_the_table);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(gnttab_suite)
