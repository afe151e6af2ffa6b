/* Guest frame bookkeeping: allocation, balloon picks, limits. */
#include <public/errno.h>

#include "mm.h"
#include "tests.h"

/* 4 MiB guest, 8 MiB max, kernel at 1 MiB, builder pages up to 0x140. */
static void setup(void)
{
	mm_init(1024, 2048, 0x100, 0x140);
}

START_TEST(test_init_counts)
{
	ck_assert_uint_eq(mm_nr_populated(), 1024);
	ck_assert_uint_eq(mm_nr_used(), 1 + 0x40);
	ck_assert_uint_eq(mm_limit(), 2048);
	ck_assert(mm_is_used(0));
	ck_assert(mm_is_used(0x13f));
	ck_assert(!mm_is_used(0x140));
	ck_assert(!mm_is_populated(1024));
}
END_TEST

START_TEST(test_alloc_from_first_free)
{
	ck_assert_int_eq(mm_alloc_page(), 0x140);
	ck_assert_int_eq(mm_alloc_page(), 0x141);
	mm_free_page(0x140);
	ck_assert_int_eq(mm_alloc_page(), 0x140);
}
END_TEST

START_TEST(test_alloc_exhausts_then_low_pages)
{
	long g;
	int n = 0, low = 0;

	while ((g = mm_alloc_page()) >= 0) {
		ck_assert(g != 0);
		ck_assert(g < 0x100 || g >= 0x140);
		if (g < 0x100)
			low++;
		n++;
	}
	ck_assert_int_eq(g, -KEEL_ENOMEM);
	ck_assert_int_eq(n, 1024 - 1 - 0x40);
	ck_assert_int_eq(low, 0xff);
}
END_TEST

START_TEST(test_free_ignores_bad)
{
	uint64_t used = mm_nr_used();

	mm_free_page(0);                /* never mapped: refused, stays used */
	mm_free_page(5000);             /* out of range */
	mm_free_page(0x200);            /* not in use */
	ck_assert_uint_eq(mm_nr_used(), used);
	ck_assert(mm_is_used(0));
}
END_TEST

START_TEST(test_balloon_release_highest_free)
{
	long g = mm_balloon_pick_release();

	ck_assert_int_eq(g, 1023);
	mm_set_unpopulated((uint64_t)g);
	ck_assert_uint_eq(mm_nr_populated(), 1023);
	ck_assert_int_eq(mm_balloon_pick_release(), 1022);
	/* An allocated page is never picked. */
	mm_init(1024, 2048, 0x100, 1024);
	ck_assert_int_eq(mm_balloon_pick_release(), 0xff);
}
END_TEST

START_TEST(test_balloon_populate_lowest_hole)
{
	ck_assert_int_eq(mm_balloon_pick_populate(), 1024);
	mm_set_unpopulated(500);
	ck_assert_int_eq(mm_balloon_pick_populate(), 500);
	mm_set_populated(500);
	mm_set_populated(500);          /* twice: counted once */
	ck_assert_uint_eq(mm_nr_populated(), 1024);
	for (uint64_t g = 1024; g < 2048; g++)
		mm_set_populated(g);
	ck_assert_int_eq(mm_balloon_pick_populate(), -KEEL_ENOSPC);
	ck_assert_uint_eq(mm_nr_populated(), 2048);
}
END_TEST

START_TEST(test_unpopulate_used_refused)
{
	long g = mm_alloc_page();

	mm_set_unpopulated((uint64_t)g);
	ck_assert(mm_is_populated((uint64_t)g));
	ck_assert_uint_eq(mm_nr_populated(), 1024);
}
END_TEST

START_TEST(test_limit_clamped)
{
	mm_init(1024, 1ull << 40, 0x100, 0x140);
	ck_assert_uint_eq(mm_limit(), MM_MAX_PAGES);
}
END_TEST

Suite *suite_mm(void)
{
	Suite *s = suite_create("mm");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_init_counts);
	tcase_add_test(tc, test_alloc_from_first_free);
	tcase_add_test(tc, test_alloc_exhausts_then_low_pages);
	tcase_add_test(tc, test_free_ignores_bad);
	tcase_add_test(tc, test_balloon_release_highest_free);
	tcase_add_test(tc, test_balloon_populate_lowest_hole);
	tcase_add_test(tc, test_unpopulate_used_refused);
	tcase_add_test(tc, test_limit_clamped);
	suite_add_tcase(s, tc);
	return s;
}
