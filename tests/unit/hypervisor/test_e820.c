/* arch/x86/e820.c: building the e820 map dom0 sees. */
#include "harness.h"

#include <asm/e820.h>
#include <keel/errno.h>

static struct e820_table t;

static void setup(void)
{
	memset(&t, 0xa5, sizeof(t));
	e820_init(&t);
}

#define ASSERT_MAP(...) do {							\
	const struct e820_entry want_[] = { __VA_ARGS__ };			\
	const unsigned n_ = sizeof(want_) / sizeof(want_[0]);			\
	ck_assert_uint_eq(t.nr, n_);						\
	for (unsigned i_ = 0; i_ < n_; i_++)					\
		ck_assert_msg(t.map[i_].addr == want_[i_].addr &&		\
			      t.map[i_].size == want_[i_].size &&		\
			      t.map[i_].type == want_[i_].type,			\
			      "entry %u is %#lx+%#lx type %u, want %#lx+%#lx type %u", \
			      i_, (unsigned long)t.map[i_].addr,		\
			      (unsigned long)t.map[i_].size, t.map[i_].type,	\
			      (unsigned long)want_[i_].addr,			\
			      (unsigned long)want_[i_].size, want_[i_].type);	\
} while (0)

/* E820_MAX entries: RAM [i*0x2000, i*0x2000 + 0x1000), gaps between. */
static void fill(void)
{
	for (unsigned i = 0; i < E820_MAX; i++)
		ck_assert_int_eq(e820_set(&t, i * 0x2000ull, 0x1000, E820_RAM), 0);
	ck_assert_uint_eq(t.nr, E820_MAX);
}

START_TEST(init_empties)
{
	ck_assert_uint_eq(t.nr, 0);
	ck_assert_uint_eq(e820_total(&t, E820_RAM), 0);
}
END_TEST

START_TEST(set_into_empty)
{
	ck_assert_int_eq(e820_set(&t, 0x100000, 0x7ff00000, E820_RAM), 0);
	ASSERT_MAP({ 0x100000, 0x7ff00000, E820_RAM });
}
END_TEST

START_TEST(set_size_zero_is_noop)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x800, 0, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0x1000, E820_RAM });
}
END_TEST

START_TEST(set_disjoint_keeps_order)
{
	e820_set(&t, 0x100000, 0x100000, E820_RAM);
	e820_set(&t, 0x0, 0x9f000, E820_RAM);
	e820_set(&t, 0xf0000, 0x10000, E820_RESERVED);
	ASSERT_MAP({ 0x0, 0x9f000, E820_RAM },
		   { 0xf0000, 0x10000, E820_RESERVED },
		   { 0x100000, 0x100000, E820_RAM });
}
END_TEST

START_TEST(overlay_splits_entry_in_three)
{
	e820_set(&t, 0x0, 0x100000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x40000, 0x10000, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0x40000, E820_RAM },
		   { 0x40000, 0x10000, E820_RESERVED },
		   { 0x50000, 0xb0000, E820_RAM });
}
END_TEST

START_TEST(overlay_at_start_edge)
{
	e820_set(&t, 0x0, 0x10000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x0, 0x1000, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0x1000, E820_RESERVED },
		   { 0x1000, 0xf000, E820_RAM });
}
END_TEST

START_TEST(overlay_at_end_edge)
{
	e820_set(&t, 0x0, 0x10000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0xf000, 0x1000, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0xf000, E820_RAM },
		   { 0xf000, 0x1000, E820_RESERVED });
}
END_TEST

START_TEST(overlay_replaces_whole_entry)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x1000, 0x1000, E820_ACPI);
	e820_set(&t, 0x2000, 0x1000, E820_NVS);
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_UNUSABLE), 0);
	ASSERT_MAP({ 0x0, 0x1000, E820_RAM },
		   { 0x1000, 0x1000, E820_UNUSABLE },
		   { 0x2000, 0x1000, E820_NVS });
}
END_TEST

START_TEST(overlay_across_several_entries)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x1000, 0x1000, E820_ACPI);
	e820_set(&t, 0x2000, 0x1000, E820_NVS);
	ck_assert_int_eq(e820_set(&t, 0x800, 0x2000, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0x800, E820_RAM },
		   { 0x800, 0x2000, E820_RESERVED },
		   { 0x2800, 0x800, E820_NVS });
}
END_TEST

START_TEST(overlay_spanning_a_hole)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x3000, 0x1000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x800, 0x3000, E820_RESERVED), 0);
	ASSERT_MAP({ 0x0, 0x800, E820_RAM },
		   { 0x800, 0x3000, E820_RESERVED },
		   { 0x3800, 0x800, E820_RAM });
}
END_TEST

START_TEST(touching_equal_neighbour_merges)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_RAM), 0);
	ASSERT_MAP({ 0x0, 0x2000, E820_RAM });
}
END_TEST

START_TEST(filling_a_gap_merges_both_sides)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x2000, 0x1000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_RAM), 0);
	ASSERT_MAP({ 0x0, 0x3000, E820_RAM });
}
END_TEST

START_TEST(overlay_of_same_type_stays_one_entry)
{
	e820_set(&t, 0x0, 0x3000, E820_RAM);
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_RAM), 0);
	ASSERT_MAP({ 0x0, 0x3000, E820_RAM });
}
END_TEST

START_TEST(restoring_type_merges_back)
{
	e820_set(&t, 0x0, 0x3000, E820_RAM);
	e820_set(&t, 0x1000, 0x1000, E820_RESERVED);
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_RAM), 0);
	ASSERT_MAP({ 0x0, 0x3000, E820_RAM });
}
END_TEST

START_TEST(no_merge_across_gap)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x1001, 0x1000, E820_RAM);
	ASSERT_MAP({ 0x0, 0x1000, E820_RAM }, { 0x1001, 0x1000, E820_RAM });
}
END_TEST

START_TEST(no_merge_of_different_types)
{
	e820_set(&t, 0x0, 0x1000, E820_RAM);
	e820_set(&t, 0x1000, 0x1000, E820_RESERVED);
	ASSERT_MAP({ 0x0, 0x1000, E820_RAM },
		   { 0x1000, 0x1000, E820_RESERVED });
}
END_TEST

START_TEST(full_table_accepted)
{
	fill();
	ck_assert_uint_eq(t.map[E820_MAX - 1].addr, (E820_MAX - 1) * 0x2000ull);
}
END_TEST

START_TEST(enospc_for_new_entry_leaves_table)
{
	struct e820_table before;

	fill();
	before = t;
	ck_assert_int_eq(e820_set(&t, 0x10000000, 0x1000, E820_RESERVED),
			 -ENOSPC);
	ck_assert_mem_eq(&t, &before, sizeof(t));
}
END_TEST

START_TEST(enospc_for_new_first_entry_leaves_table)
{
	struct e820_table before;

	for (unsigned i = 0; i < E820_MAX; i++)
		e820_set(&t, 0x100000 + i * 0x2000ull, 0x1000, E820_RAM);
	before = t;
	ck_assert_int_eq(e820_set(&t, 0x0, 0x1000, E820_RESERVED), -ENOSPC);
	ck_assert_mem_eq(&t, &before, sizeof(t));
}
END_TEST

START_TEST(enospc_for_split_leaves_table)
{
	struct e820_table before;

	fill();
	before = t;
	/* A hole punched inside entry 5 needs two more entries. */
	ck_assert_int_eq(e820_set(&t, 5 * 0x2000 + 0x400, 0x400, E820_RESERVED),
			 -ENOSPC);
	ck_assert_mem_eq(&t, &before, sizeof(t));
}
END_TEST

START_TEST(full_table_merge_succeeds)
{
	fill();
	ck_assert_int_eq(e820_set(&t, 0x1000, 0x1000, E820_RAM), 0);
	ck_assert_uint_eq(t.nr, E820_MAX - 1);
	ck_assert_uint_eq(t.map[0].addr, 0);
	ck_assert_uint_eq(t.map[0].size, 0x3000);
}
END_TEST

START_TEST(full_table_retype_in_place_succeeds)
{
	fill();
	ck_assert_int_eq(e820_set(&t, 0x4000, 0x1000, E820_RESERVED), 0);
	ck_assert_uint_eq(t.nr, E820_MAX);
	ck_assert_uint_eq(t.map[2].type, E820_RESERVED);
}
END_TEST

START_TEST(totals_by_type)
{
	e820_set(&t, 0x0, 0x9f000, E820_RAM);
	e820_set(&t, 0xf0000, 0x10000, E820_RESERVED);
	e820_set(&t, 0x100000, 0x7ff00000, E820_RAM);
	e820_set(&t, 0xfec00000, 0x1000, E820_RESERVED);
	ck_assert_uint_eq(e820_total(&t, E820_RAM), 0x9f000 + 0x7ff00000);
	ck_assert_uint_eq(e820_total(&t, E820_RESERVED), 0x11000);
	ck_assert_uint_eq(e820_total(&t, E820_NVS), 0);
}
END_TEST

static Suite *e820_suite(void)
{
	Suite *s = suite_create("e820");
	TCase *set = tcase_create("set");
	TCase *merge = tcase_create("merge");
	TCase *full = tcase_create("full");

	tcase_add_checked_fixture(set, setup, NULL);
	tcase_add_test(set, init_empties);
	tcase_add_test(set, set_into_empty);
	tcase_add_test(set, set_size_zero_is_noop);
	tcase_add_test(set, set_disjoint_keeps_order);
	tcase_add_test(set, overlay_splits_entry_in_three);
	tcase_add_test(set, overlay_at_start_edge);
	tcase_add_test(set, overlay_at_end_edge);
	tcase_add_test(set, overlay_replaces_whole_entry);
	tcase_add_test(set, overlay_across_several_entries);
	tcase_add_test(set, overlay_spanning_a_hole);
	tcase_add_test(set, totals_by_type);
	suite_add_tcase(s, set);

	tcase_add_checked_fixture(merge, setup, NULL);
	tcase_add_test(merge, touching_equal_neighbour_merges);
	tcase_add_test(merge, filling_a_gap_merges_both_sides);
	tcase_add_test(merge, overlay_of_same_type_stays_one_entry);
	tcase_add_test(merge, restoring_type_merges_back);
	tcase_add_test(merge, no_merge_across_gap);
	tcase_add_test(merge, no_merge_of_different_types);
	suite_add_tcase(s, merge);

	tcase_add_checked_fixture(full, setup, NULL);
	tcase_add_test(full, full_table_accepted);
	tcase_add_test(full, enospc_for_new_entry_leaves_table);
	tcase_add_test(full, enospc_for_new_first_entry_leaves_table);
	tcase_add_test(full, enospc_for_split_leaves_table);
	tcase_add_test(full, full_table_merge_succeeds);
	tcase_add_test(full, full_table_retype_in_place_succeeds);
	suite_add_tcase(s, full);
	return s;
}

HARNESS_MAIN(e820_suite)
