/* common/rangeset.c: sorted, disjoint, merged [start, end) sets. */
#include "harness.h"

#include <keel/rangeset.h>
#include <keel/errno.h>

static struct rangeset rs;

static void setup(void)
{
	rangeset_init(&rs);
}

/* Assert the set holds exactly the n ranges in `want`. */
#define ASSERT_RANGES(set, ...) do {						\
	const struct range want_[] = { __VA_ARGS__ };				\
	const unsigned n_ = sizeof(want_) / sizeof(want_[0]);			\
	ck_assert_uint_eq((set)->nr, n_);					\
	for (unsigned i_ = 0; i_ < n_; i_++) {					\
		ck_assert_msg((set)->r[i_].start == want_[i_].start &&		\
			      (set)->r[i_].end == want_[i_].end,		\
			      "range %u is [%#lx, %#lx), want [%#lx, %#lx)", i_, \
			      (unsigned long)(set)->r[i_].start,		\
			      (unsigned long)(set)->r[i_].end,			\
			      (unsigned long)want_[i_].start,			\
			      (unsigned long)want_[i_].end);			\
	}									\
} while (0)

/* RANGESET_MAX disjoint ranges [i*0x100, i*0x100 + 0x80). */
static void fill(struct rangeset *set)
{
	rangeset_init(set);
	for (unsigned i = 0; i < RANGESET_MAX; i++)
		ck_assert_int_eq(rangeset_add(set, i * 0x100, i * 0x100 + 0x80), 0);
	ck_assert_uint_eq(set->nr, RANGESET_MAX);
}

/* --- add --- */

START_TEST(add_to_empty)
{
	ck_assert_int_eq(rangeset_add(&rs, 0x1000, 0x2000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x2000 });
}
END_TEST

START_TEST(add_empty_range_is_ignored)
{
	ck_assert_int_eq(rangeset_add(&rs, 0x5000, 0x5000), 0);
	ck_assert_int_eq(rangeset_add(&rs, 0x6000, 0x5000), 0);
	ck_assert_uint_eq(rs.nr, 0);
}
END_TEST

START_TEST(add_disjoint_keeps_order)
{
	rangeset_add(&rs, 0x3000, 0x4000);
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, 0x5000, 0x6000);
	ASSERT_RANGES(&rs, { 0x1000, 0x2000 }, { 0x3000, 0x4000 },
		      { 0x5000, 0x6000 });
}
END_TEST

START_TEST(add_touching_below_merges)
{
	rangeset_add(&rs, 0x2000, 0x3000);
	ck_assert_int_eq(rangeset_add(&rs, 0x1000, 0x2000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 });
}
END_TEST

START_TEST(add_touching_above_merges)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert_int_eq(rangeset_add(&rs, 0x2000, 0x3000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 });
}
END_TEST

START_TEST(add_overlapping_merges)
{
	rangeset_add(&rs, 0x1000, 0x3000);
	ck_assert_int_eq(rangeset_add(&rs, 0x2000, 0x4000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x4000 });
}
END_TEST

START_TEST(add_overlapping_start_extends_down)
{
	rangeset_add(&rs, 0x2000, 0x4000);
	ck_assert_int_eq(rangeset_add(&rs, 0x1000, 0x3000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x4000 });
}
END_TEST

START_TEST(add_bridging_merges_several)
{
	rangeset_add(&rs, 0, 10);
	rangeset_add(&rs, 20, 30);
	rangeset_add(&rs, 40, 50);
	rangeset_add(&rs, 60, 70);
	ck_assert_int_eq(rangeset_add(&rs, 5, 40), 0);
	ASSERT_RANGES(&rs, { 0, 50 }, { 60, 70 });
}
END_TEST

START_TEST(add_inside_existing_changes_nothing)
{
	rangeset_add(&rs, 0x1000, 0x4000);
	ck_assert_int_eq(rangeset_add(&rs, 0x2000, 0x3000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x4000 });
}
END_TEST

START_TEST(add_enospc_when_full_leaves_set_unchanged)
{
	struct rangeset before;

	fill(&rs);
	before = rs;
	ck_assert_int_eq(rangeset_add(&rs, 0x100000, 0x100080), -ENOSPC);
	ck_assert_uint_eq(rs.nr, RANGESET_MAX);
	ck_assert_mem_eq(rs.r, before.r, sizeof(rs.r));
}
END_TEST

START_TEST(add_enospc_in_a_gap_when_full)
{
	struct rangeset before;

	fill(&rs);
	before = rs;
	/* Strictly inside the gap between ranges 3 and 4. */
	ck_assert_int_eq(rangeset_add(&rs, 0x3a0, 0x3c0), -ENOSPC);
	ck_assert_mem_eq(rs.r, before.r, sizeof(rs.r));
}
END_TEST

START_TEST(add_merging_when_full_succeeds)
{
	fill(&rs);
	/* Touches ranges 0 and 1: needs no new slot, frees one. */
	ck_assert_int_eq(rangeset_add(&rs, 0x80, 0x100), 0);
	ck_assert_uint_eq(rs.nr, RANGESET_MAX - 1);
	ck_assert_uint_eq(rs.r[0].start, 0);
	ck_assert_uint_eq(rs.r[0].end, 0x180);
	ck_assert_uint_eq(rs.r[1].start, 0x200);
}
END_TEST

START_TEST(add_up_to_top_of_address_space)
{
	ck_assert_int_eq(rangeset_add(&rs, UINT64_MAX - 0xfff, UINT64_MAX), 0);
	ck_assert_int_eq(rangeset_add(&rs, 0, 0x1000), 0);
	ASSERT_RANGES(&rs, { 0, 0x1000 }, { UINT64_MAX - 0xfff, UINT64_MAX });
}
END_TEST

/* --- remove --- */

START_TEST(remove_whole_range)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, 0x3000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x1000, 0x2000), 0);
	ASSERT_RANGES(&rs, { 0x3000, 0x4000 });
}
END_TEST

START_TEST(remove_middle_splits)
{
	rangeset_add(&rs, 0x1000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x2000, 0x3000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x2000 }, { 0x3000, 0x4000 });
}
END_TEST

START_TEST(remove_head_trims)
{
	rangeset_add(&rs, 0x1000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x0, 0x2000), 0);
	ASSERT_RANGES(&rs, { 0x2000, 0x4000 });
}
END_TEST

START_TEST(remove_tail_trims)
{
	rangeset_add(&rs, 0x1000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x3000, 0x9000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 });
}
END_TEST

START_TEST(remove_across_several)
{
	rangeset_add(&rs, 0, 10);
	rangeset_add(&rs, 20, 30);
	rangeset_add(&rs, 40, 50);
	ck_assert_int_eq(rangeset_remove(&rs, 5, 45), 0);
	ASSERT_RANGES(&rs, { 0, 5 }, { 45, 50 });
}
END_TEST

START_TEST(remove_in_gap_changes_nothing)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, 0x3000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x2000, 0x3000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x2000 }, { 0x3000, 0x4000 });
}
END_TEST

START_TEST(remove_empty_range_is_ignored)
{
	rangeset_add(&rs, 0x1000, 0x4000);
	ck_assert_int_eq(rangeset_remove(&rs, 0x2000, 0x2000), 0);
	ck_assert_int_eq(rangeset_remove(&rs, 0x3000, 0x2000), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x4000 });
}
END_TEST

START_TEST(remove_split_enospc_when_full_leaves_set_unchanged)
{
	struct rangeset before;

	fill(&rs);
	before = rs;
	ck_assert_int_eq(rangeset_remove(&rs, 0x520, 0x540), -ENOSPC);
	ck_assert_uint_eq(rs.nr, RANGESET_MAX);
	ck_assert_mem_eq(rs.r, before.r, sizeof(rs.r));
}
END_TEST

START_TEST(remove_trim_when_full_succeeds)
{
	fill(&rs);
	ck_assert_int_eq(rangeset_remove(&rs, 0x500, 0x540), 0);
	ck_assert_uint_eq(rs.nr, RANGESET_MAX);
	ck_assert_uint_eq(rs.r[5].start, 0x540);
	ck_assert_uint_eq(rs.r[5].end, 0x580);
}
END_TEST

/* --- add_set / remove_set --- */

START_TEST(add_set_merges_every_range)
{
	struct rangeset other;

	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_init(&other);
	rangeset_add(&other, 0x2000, 0x3000);
	rangeset_add(&other, 0x5000, 0x6000);
	ck_assert_int_eq(rangeset_add_set(&rs, &other), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 }, { 0x5000, 0x6000 });
}
END_TEST

START_TEST(add_set_enospc)
{
	struct rangeset other;

	fill(&rs);
	rangeset_init(&other);
	rangeset_add(&other, 0x100000, 0x100010);
	ck_assert_int_eq(rangeset_add_set(&rs, &other), -ENOSPC);
}
END_TEST

START_TEST(remove_set_removes_every_range)
{
	struct rangeset other;

	rangeset_add(&rs, 0x0, 0x10000);
	rangeset_init(&other);
	rangeset_add(&other, 0x0, 0x1000);
	rangeset_add(&other, 0x4000, 0x5000);
	ck_assert_int_eq(rangeset_remove_set(&rs, &other), 0);
	ASSERT_RANGES(&rs, { 0x1000, 0x4000 }, { 0x5000, 0x10000 });
}
END_TEST

START_TEST(remove_set_enospc)
{
	struct rangeset other;

	fill(&rs);
	rangeset_init(&other);
	rangeset_add(&other, 0x10, 0x20);
	ck_assert_int_eq(rangeset_remove_set(&rs, &other), -ENOSPC);
}
END_TEST

/* --- contains / overlaps / size --- */

START_TEST(contains_exact_range)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(rangeset_contains(&rs, 0x1000, 0x2000));
}
END_TEST

START_TEST(contains_rejects_one_byte_below)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(!rangeset_contains(&rs, 0xfff, 0x2000));
}
END_TEST

START_TEST(contains_rejects_one_byte_above)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(!rangeset_contains(&rs, 0x1000, 0x2001));
}
END_TEST

START_TEST(contains_rejects_empty_range)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(!rangeset_contains(&rs, 0x1800, 0x1800));
}
END_TEST

START_TEST(contains_rejects_range_across_gap)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, 0x2001, 0x3000);
	ck_assert(!rangeset_contains(&rs, 0x1800, 0x2800));
}
END_TEST

START_TEST(overlaps_ignores_touching_ranges)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(!rangeset_overlaps(&rs, 0x0, 0x1000));
	ck_assert(!rangeset_overlaps(&rs, 0x2000, 0x3000));
}
END_TEST

START_TEST(overlaps_sees_one_byte)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	ck_assert(rangeset_overlaps(&rs, 0xfff, 0x1001));
	ck_assert(rangeset_overlaps(&rs, 0x1fff, 0x2000));
	ck_assert(rangeset_overlaps(&rs, 0x0, 0x10000));
}
END_TEST

START_TEST(size_sums_ranges)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, 0x5000, 0x5800);
	ck_assert_uint_eq(rangeset_size(&rs), 0x1800);
}
END_TEST

/* --- truncate --- */

START_TEST(truncate_inside_a_range)
{
	rangeset_add(&rs, 0x0, 0x1000);
	rangeset_add(&rs, 0x2000, 0x4000);
	rangeset_add(&rs, 0x5000, 0x6000);
	rangeset_truncate(&rs, 0x1800);
	ASSERT_RANGES(&rs, { 0x0, 0x1000 }, { 0x2000, 0x2800 });
}
END_TEST

START_TEST(truncate_at_range_boundary)
{
	rangeset_add(&rs, 0x0, 0x1000);
	rangeset_add(&rs, 0x2000, 0x4000);
	rangeset_truncate(&rs, 0x1000);
	ASSERT_RANGES(&rs, { 0x0, 0x1000 });
}
END_TEST

START_TEST(truncate_to_zero_empties)
{
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_truncate(&rs, 0);
	ck_assert_uint_eq(rs.nr, 0);
}
END_TEST

START_TEST(truncate_beyond_size_changes_nothing)
{
	rangeset_add(&rs, 0x0, 0x1000);
	rangeset_add(&rs, 0x2000, 0x4000);
	rangeset_truncate(&rs, 0x100000);
	ASSERT_RANGES(&rs, { 0x0, 0x1000 }, { 0x2000, 0x4000 });
}
END_TEST

/* --- align_inward --- */

START_TEST(align_inward_shrinks_to_boundaries)
{
	rangeset_add(&rs, 0x800, 0x3800);
	rangeset_align_inward(&rs, 0x1000);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 });
}
END_TEST

START_TEST(align_inward_keeps_aligned_ranges)
{
	rangeset_add(&rs, 0x1000, 0x3000);
	rangeset_align_inward(&rs, 0x1000);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 });
}
END_TEST

START_TEST(align_inward_drops_ranges_left_empty)
{
	rangeset_add(&rs, 0x800, 0x3800);
	rangeset_add(&rs, 0x4100, 0x4f00);   /* inside one page */
	rangeset_add(&rs, 0x5800, 0x6800);   /* straddles, less than a page */
	rangeset_add(&rs, 0x8000, 0x9000);
	rangeset_align_inward(&rs, 0x1000);
	ASSERT_RANGES(&rs, { 0x1000, 0x3000 }, { 0x8000, 0x9000 });
}
END_TEST

START_TEST(align_inward_drops_range_at_top_of_address_space)
{
	/* ALIGN_UP of the start wraps to 0: the range must go, not become
	 * [0, 2^64 - 4K). */
	rangeset_add(&rs, 0x1000, 0x2000);
	rangeset_add(&rs, UINT64_MAX - 0xffe, UINT64_MAX);
	rangeset_align_inward(&rs, 0x1000);
	ASSERT_RANGES(&rs, { 0x1000, 0x2000 });
}
END_TEST

static Suite *rangeset_suite(void)
{
	Suite *s = suite_create("rangeset");
	TCase *add = tcase_create("add");
	TCase *rem = tcase_create("remove");
	TCase *set = tcase_create("sets");
	TCase *query = tcase_create("query");
	TCase *shrink = tcase_create("shrink");

	tcase_add_checked_fixture(add, setup, NULL);
	tcase_add_test(add, add_to_empty);
	tcase_add_test(add, add_empty_range_is_ignored);
	tcase_add_test(add, add_disjoint_keeps_order);
	tcase_add_test(add, add_touching_below_merges);
	tcase_add_test(add, add_touching_above_merges);
	tcase_add_test(add, add_overlapping_merges);
	tcase_add_test(add, add_overlapping_start_extends_down);
	tcase_add_test(add, add_bridging_merges_several);
	tcase_add_test(add, add_inside_existing_changes_nothing);
	tcase_add_test(add, add_enospc_when_full_leaves_set_unchanged);
	tcase_add_test(add, add_enospc_in_a_gap_when_full);
	tcase_add_test(add, add_merging_when_full_succeeds);
	tcase_add_test(add, add_up_to_top_of_address_space);
	suite_add_tcase(s, add);

	tcase_add_checked_fixture(rem, setup, NULL);
	tcase_add_test(rem, remove_whole_range);
	tcase_add_test(rem, remove_middle_splits);
	tcase_add_test(rem, remove_head_trims);
	tcase_add_test(rem, remove_tail_trims);
	tcase_add_test(rem, remove_across_several);
	tcase_add_test(rem, remove_in_gap_changes_nothing);
	tcase_add_test(rem, remove_empty_range_is_ignored);
	tcase_add_test(rem, remove_split_enospc_when_full_leaves_set_unchanged);
	tcase_add_test(rem, remove_trim_when_full_succeeds);
	suite_add_tcase(s, rem);

	tcase_add_checked_fixture(set, setup, NULL);
	tcase_add_test(set, add_set_merges_every_range);
	tcase_add_test(set, add_set_enospc);
	tcase_add_test(set, remove_set_removes_every_range);
	tcase_add_test(set, remove_set_enospc);
	suite_add_tcase(s, set);

	tcase_add_checked_fixture(query, setup, NULL);
	tcase_add_test(query, contains_exact_range);
	tcase_add_test(query, contains_rejects_one_byte_below);
	tcase_add_test(query, contains_rejects_one_byte_above);
	tcase_add_test(query, contains_rejects_empty_range);
	tcase_add_test(query, contains_rejects_range_across_gap);
	tcase_add_test(query, overlaps_ignores_touching_ranges);
	tcase_add_test(query, overlaps_sees_one_byte);
	tcase_add_test(query, size_sums_ranges);
	suite_add_tcase(s, query);

	tcase_add_checked_fixture(shrink, setup, NULL);
	tcase_add_test(shrink, truncate_inside_a_range);
	tcase_add_test(shrink, truncate_at_range_boundary);
	tcase_add_test(shrink, truncate_to_zero_empties);
	tcase_add_test(shrink, truncate_beyond_size_changes_nothing);
	tcase_add_test(shrink, align_inward_shrinks_to_boundaries);
	tcase_add_test(shrink, align_inward_keeps_aligned_ranges);
	tcase_add_test(shrink, align_inward_drops_ranges_left_empty);
	tcase_add_test(shrink, align_inward_drops_range_at_top_of_address_space);
	suite_add_tcase(s, shrink);
	return s;
}

HARNESS_MAIN(rangeset_suite)
