/* Balloon arithmetic: KiB <-> pages, clamping, step direction. */
#include "balloon_plan.h"
#include "tests.h"

START_TEST(test_units)
{
	ck_assert_uint_eq(balloon_kib_to_pages(4096), 1024);
	ck_assert_uint_eq(balloon_kib_to_pages(4099), 1024);   /* rounds down */
	ck_assert_uint_eq(balloon_pages_to_kib(2048), 8192);
}
END_TEST

START_TEST(test_clamp)
{
	ck_assert_uint_eq(balloon_clamp(1500, 300, 2048), 1500);
	ck_assert_uint_eq(balloon_clamp(9999, 300, 2048), 2048);
	ck_assert_uint_eq(balloon_clamp(10, 300, 2048), 300);
	ck_assert_uint_eq(balloon_clamp(10, 3000, 2048), 3000);  /* floor wins */
}
END_TEST

START_TEST(test_step_direction)
{
	ck_assert_int_eq(balloon_step(1024, 2048, 300, 2048), 1);
	ck_assert_int_eq(balloon_step(1024, 512, 300, 2048), -1);
	ck_assert_int_eq(balloon_step(1024, 1024, 300, 2048), 0);
}
END_TEST

START_TEST(test_step_converges_and_respects_limits)
{
	uint64_t cur = 1024;
	int steps = 0, s;

	while ((s = balloon_step(cur, 100, 300, 2048)) != 0) {
		ck_assert_int_eq(s, -1);
		cur--;
		steps++;
	}
	ck_assert_uint_eq(cur, 300);
	ck_assert_int_eq(steps, 724);
	while ((s = balloon_step(cur, 1u << 30, 300, 2048)) != 0)
		cur += (uint64_t)s;
	ck_assert_uint_eq(cur, 2048);
}
END_TEST

Suite *suite_balloon(void)
{
	Suite *s = suite_create("balloon");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_units);
	tcase_add_test(tc, test_clamp);
	tcase_add_test(tc, test_step_direction);
	tcase_add_test(tc, test_step_converges_and_respects_limits);
	suite_add_tcase(s, tc);
	return s;
}
