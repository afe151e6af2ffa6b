/* common/mmu.c: the page-table update queue's validation and per-entry
 * statuses, against the fake hypervisor (harness/fake_hv.c).  dom0 (d0)
 * maps pages of d1; d2 is another guest. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/p2m.h>
#include <public/mmu.h>

#include "harness/fake_hv.h"

#define ARG_GFN  1              /* argument array page of each domain */
#define DATA_GFN 4              /* a populated page of d1 */
#define HOLE_GFN 9              /* not populated in d1 */

static struct domain *d0, *d1, *d2;
static unsigned data_frame;

/* Fakes of the dom0 foreign-mapping and protection hooks, recording:
 * per frame, all foreign mappings and the writable ones among them (as
 * p2m.c counts them: an unmap names the kind it undoes). */
static unsigned foreign[FAKE_NR_FRAMES], foreign_rw[FAKE_NR_FRAMES];
static int map_fail;
static unsigned protect_calls;
static bool protect_ro;

int p2m_map_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	int f = fake_frame_of(mfn);

	ck_assert(d->privileged);
	ck_assert_int_eq(d->lock.locked, 1);
	if (map_fail) {
		int rc = map_fail;

		map_fail = 0;
		return rc;
	}
	ck_assert_int_ge(f, 0);
	foreign[f]++;
	if (!readonly)
		foreign_rw[f]++;
	return 0;
}

int p2m_unmap_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	int f = fake_frame_of(mfn);

	ck_assert_int_eq(d->lock.locked, 1);
	if (f < 0 || !foreign[f] ||
	    (readonly ? foreign[f] == foreign_rw[f] : !foreign_rw[f]))
		return -ENOENT;
	foreign[f]--;
	if (!readonly)
		foreign_rw[f]--;
	return 0;
}

int p2m_protect(struct domain *d, uint64_t gfn, bool readonly)
{
	paddr_t mfn;

	ck_assert_int_eq(d->lock.locked, 1);
	if (p2m_lookup(d, gfn, &mfn, NULL))
		return -ENOENT;
	protect_calls++;
	protect_ro = readonly;
	return 0;
}

static long call(struct domain *d, struct keel_mmu_update *u, unsigned count,
		 uint64_t size)
{
	uint64_t args[5] = { ARG_GFN * 4096ull, count, size, 0, 0 };
	long rc;

	memcpy(fake_gfn_ptr(d, ARG_GFN), u, sizeof(*u) * count);
	rc = do_mmu_update(d->vcpu[0], args);
	memcpy(u, fake_gfn_ptr(d, ARG_GFN), sizeof(*u) * count);
	return rc;
}

static struct keel_mmu_update op(uint32_t o, uint16_t dom, uint64_t gfn,
				 uint64_t value)
{
	return (struct keel_mmu_update){ .op = o, .domid = dom, .gfn = gfn,
					 .value = value, .status = 99 };
}

static void setup(void)
{
	fake_reset();
	memset(foreign, 0, sizeof(foreign));
	memset(foreign_rw, 0, sizeof(foreign_rw));
	map_fail = 0;
	protect_calls = 0;
	protect_ro = false;
	d0 = fake_domain(0, 1);
	d1 = fake_domain(1, 1);
	d2 = fake_domain(2, 1);
	fake_give(d0, ARG_GFN, true);
	fake_give(d1, ARG_GFN, true);
	data_frame = fake_give(d1, DATA_GFN, true);
}

static void teardown(void)
{
	ck_assert_int_eq(fake_refs_outstanding, 0);
	ck_assert_int_eq(d0->lock.locked, 0);
	ck_assert_int_eq(d1->lock.locked, 0);
}

/* --- the batch --- */

START_TEST(guest_caller_eperm)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 2, DATA_GFN, 0);

	ck_assert_int_eq(call(d1, &u, 1, sizeof(u)), -EPERM);
	ck_assert_int_eq(u.status, 99);
}
END_TEST

START_TEST(count_zero_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 0, sizeof(u)), -EINVAL);
}
END_TEST

START_TEST(count_too_big_einval)
{
	uint64_t args[5] = { ARG_GFN * 4096ull, KEEL_MMU_BATCH_MAX + 1,
			     sizeof(struct keel_mmu_update), 0, 0 };

	ck_assert_int_eq(do_mmu_update(d0->vcpu[0], args), -EINVAL);
}
END_TEST

START_TEST(entry_size_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, 24), -EINVAL);
	ck_assert_uint_eq(foreign[data_frame], 0);
}
END_TEST

START_TEST(array_outside_ram_efault)
{
	uint64_t args[5] = { 30 * 4096ull, 1, sizeof(struct keel_mmu_update),
			     0, 0 };

	ck_assert_int_eq(do_mmu_update(d0->vcpu[0], args), -EFAULT);
}
END_TEST

/* --- map_foreign --- */

START_TEST(map_foreign_ok)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(u.value, FAKE_MFN(data_frame) >> 12);
	ck_assert_uint_eq(foreign[data_frame], 1);
	ck_assert_uint_eq(foreign_rw[data_frame], 1);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);
}
END_TEST

START_TEST(map_foreign_readonly_maps_readonly)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	u.flags = KEEL_MMU_READONLY;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(foreign[data_frame], 1);
	ck_assert_uint_eq(foreign_rw[data_frame], 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);
}
END_TEST

START_TEST(map_foreign_no_domain_esrch)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 5, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ESRCH);
}
END_TEST

START_TEST(map_foreign_dying_domain_esrch)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	fake_domain_dying(d1);
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ESRCH);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(map_foreign_unpopulated_enoent)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, HOLE_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOENT);
}
END_TEST

START_TEST(map_foreign_dom0_itself_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 0, ARG_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
}
END_TEST

START_TEST(map_foreign_failure_drops_the_reference)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	map_fail = -ENOMEM;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOMEM);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

/* --- malformed entries --- */

START_TEST(unknown_op_einval)
{
	struct keel_mmu_update u = op(77, 1, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
}
END_TEST

START_TEST(pad_not_zero_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	u.pad = 1;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
	ck_assert_uint_eq(foreign[data_frame], 0);
}
END_TEST

START_TEST(unknown_flag_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	u.flags = 0x8;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
}
END_TEST

/* --- unmap_foreign --- */

START_TEST(unmap_foreign_after_map)
{
	struct keel_mmu_update u = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	u = op(KEEL_MMU_unmap_foreign, 0, 0, u.value);
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(foreign[data_frame], 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

/* An unmap undoes a mapping of its own kind: a read-only unmap of the
 * read-only one leaves the writable one, and the wrong kind is ENOENT. */
START_TEST(unmap_foreign_readonly_undoes_the_readonly_mapping)
{
	struct keel_mmu_update rw = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);
	struct keel_mmu_update ro = op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0);
	struct keel_mmu_update u;

	ro.flags = KEEL_MMU_READONLY;
	ck_assert_int_eq(call(d0, &ro, 1, sizeof(ro)), 1);
	ck_assert_int_eq(ro.status, 0);
	/* Only a read-only mapping: a writable unmap has nothing to undo. */
	u = op(KEEL_MMU_unmap_foreign, 0, 0, ro.value);
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOENT);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);

	ck_assert_int_eq(call(d0, &rw, 1, sizeof(rw)), 1);
	ck_assert_int_eq(rw.status, 0);
	u = op(KEEL_MMU_unmap_foreign, 0, 0, ro.value);
	u.flags = KEEL_MMU_READONLY;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(foreign[data_frame], 1);
	ck_assert_uint_eq(foreign_rw[data_frame], 1);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 1);
	/* Now only the writable one: a read-only unmap is ENOENT. */
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOENT);
	u = op(KEEL_MMU_unmap_foreign, 0, 0, rw.value);
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(foreign[data_frame], 0);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(unmap_foreign_never_mapped_enoent)
{
	struct keel_mmu_update u = op(KEEL_MMU_unmap_foreign, 0, 0,
				      FAKE_MFN(data_frame) >> 12);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOENT);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(unmap_foreign_frame_out_of_range_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_unmap_foreign, 0, 0, 1ull << 40);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
}
END_TEST

/* --- protect --- */

START_TEST(protect_readonly)
{
	struct keel_mmu_update u = op(KEEL_MMU_protect, 1, DATA_GFN, 0);

	u.flags = KEEL_MMU_READONLY;
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(protect_calls, 1);
	ck_assert(protect_ro);
}
END_TEST

START_TEST(protect_writable)
{
	struct keel_mmu_update u = op(KEEL_MMU_protect, 1, DATA_GFN, 0);

	protect_ro = true;		/* as a read-only protect left it */
	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, 0);
	ck_assert_uint_eq(protect_calls, 1);
	ck_assert(!protect_ro);
}
END_TEST

START_TEST(protect_unpopulated_enoent)
{
	struct keel_mmu_update u = op(KEEL_MMU_protect, 1, HOLE_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -ENOENT);
	ck_assert_uint_eq(protect_calls, 0);
}
END_TEST

START_TEST(protect_dom0_einval)
{
	struct keel_mmu_update u = op(KEEL_MMU_protect, 0, ARG_GFN, 0);

	ck_assert_int_eq(call(d0, &u, 1, sizeof(u)), 1);
	ck_assert_int_eq(u.status, -EINVAL);
}
END_TEST

/* --- batches --- */

START_TEST(batch_statuses_are_per_entry)
{
	struct keel_mmu_update u[4] = {
		op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0),
		op(KEEL_MMU_map_foreign, 1, HOLE_GFN, 0),
		op(KEEL_MMU_map_foreign, 6, DATA_GFN, 0),
		op(KEEL_MMU_map_foreign, 1, DATA_GFN, 0),
	};

	ck_assert_int_eq(call(d0, u, 4, sizeof(u[0])), 4);
	ck_assert_int_eq(u[0].status, 0);
	ck_assert_int_eq(u[1].status, -ENOENT);
	ck_assert_int_eq(u[2].status, -ESRCH);
	ck_assert_int_eq(u[3].status, 0);
	ck_assert_uint_eq(foreign[data_frame], 2);
	ck_assert_uint_eq(fake_page(data_frame)->refs, 2);
	/* Leave no references behind for the teardown's checks. */
	for (int i = 0; i < 4; i += 3) {
		struct keel_mmu_update x = op(KEEL_MMU_unmap_foreign, 0, 0,
					      u[i].value);

		ck_assert_int_eq(call(d0, &x, 1, sizeof(x)), 1);
		ck_assert_int_eq(x.status, 0);
	}
	ck_assert_uint_eq(fake_page(data_frame)->refs, 0);
}
END_TEST

START_TEST(batch_longer_than_one_chunk)
{
	static struct keel_mmu_update u[100];

	for (unsigned i = 0; i < 100; i++)
		u[i] = op(KEEL_MMU_protect, 1, i % 2 ? DATA_GFN : HOLE_GFN, 0);
	ck_assert_int_eq(call(d0, u, 100, sizeof(u[0])), 100);
	for (unsigned i = 0; i < 100; i++)
		ck_assert_int_eq(u[i].status, i % 2 ? 0 : -ENOENT);
	ck_assert_uint_eq(protect_calls, 50);
}
END_TEST

static Suite *mmu_suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, guest_caller_eperm);
	tcase_add_test(tc, count_zero_einval);
	tcase_add_test(tc, count_too_big_einval);
	tcase_add_test(tc, entry_size_einval);
	tcase_add_test(tc, array_outside_ram_efault);
	tcase_add_test(tc, map_foreign_ok);
	tcase_add_test(tc, map_foreign_readonly_maps_readonly);
	tcase_add_test(tc, map_foreign_no_domain_esrch);
	tcase_add_test(tc, map_foreign_dying_domain_esrch);
	tcase_add_test(tc, map_foreign_unpopulated_enoent);
	tcase_add_test(tc, map_foreign_dom0_itself_einval);
	tcase_add_test(tc, map_foreign_failure_drops_the_reference);
	tcase_add_test(tc, unknown_op_einval);
	tcase_add_test(tc, pad_not_zero_einval);
	tcase_add_test(tc, unknown_flag_einval);
	tcase_add_test(tc, unmap_foreign_after_map);
	tcase_add_test(tc, unmap_foreign_readonly_undoes_the_readonly_mapping);
	tcase_add_test(tc, unmap_foreign_never_mapped_enoent);
	tcase_add_test(tc, unmap_foreign_frame_out_of_range_einval);
	tcase_add_test(tc, protect_readonly);
	tcase_add_test(tc, protect_writable);
	tcase_add_test(tc, protect_unpopulated_enoent);
	tcase_add_test(tc, protect_dom0_einval);
	tcase_add_test(tc, batch_statuses_are_per_entry);
	tcase_add_test(tc, batch_longer_than_one_chunk);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(mmu_suite)
