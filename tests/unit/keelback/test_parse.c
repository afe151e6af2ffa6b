/* Strict parsing of guest-written numbers (kb_parse.c). */
#include <errno.h>
#include <stddef.h>

#include "kb_parse.h"
#include "tests.h"

START_TEST(good_numbers)
{
	unsigned long v = 99;

	ck_assert_int_eq(kb_parse_uint("0", 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(kb_parse_uint("4095", 4095, &v), 0);
	ck_assert_uint_eq(v, 4095);
	ck_assert_int_eq(kb_parse_uint("4294967295", 0xffffffffUL, &v), 0);
	ck_assert_uint_eq(v, 0xffffffffUL);
}
END_TEST

START_TEST(hostile_strings_are_refused_and_leave_out_alone)
{
	const char *bad[] = { "", "-1", "+1", " 1", "1 ", "0x10", "1e3", "12a",
			      "4096", "99999999999", "00000000001", NULL };
	unsigned long v = 7;

	for (unsigned i = 0; bad[i]; i++)
		ck_assert_msg(kb_parse_uint(bad[i], 4095, &v) == -EINVAL, "%s", bad[i]);
	ck_assert_int_eq(kb_parse_uint(NULL, 4095, &v), -EINVAL);
	ck_assert_uint_eq(v, 7);
}
END_TEST

Suite *suite_parse(void)
{
	Suite *s = suite_create("parse");
	TCase *t = tcase_create("uint");

	tcase_add_test(t, good_numbers);
	tcase_add_test(t, hostile_strings_are_refused_and_leave_out_alone);
	suite_add_tcase(s, t);
	return s;
}
