/* String helpers: strlcpy/strlcat, decimal parsing, command-line words. */
#include <string.h>

#include <public/errno.h>

#include "str.h"
#include "tests.h"

START_TEST(test_strlcpy)
{
	char b[4];

	ck_assert_uint_eq(gk_strlcpy(b, "ab", sizeof(b)), 2);
	ck_assert_str_eq(b, "ab");
	ck_assert_uint_eq(gk_strlcpy(b, "abcdef", sizeof(b)), 6);
	ck_assert_str_eq(b, "abc");
}
END_TEST

START_TEST(test_strlcat)
{
	char b[8] = "ab";

	ck_assert_uint_eq(gk_strlcat(b, "cd", sizeof(b)), 4);
	ck_assert_str_eq(b, "abcd");
	ck_assert_uint_eq(gk_strlcat(b, "efghij", sizeof(b)), 10);
	ck_assert_str_eq(b, "abcdefg");
}
END_TEST

START_TEST(test_parse_ok)
{
	uint64_t v = 0;

	ck_assert_int_eq(gk_parse_u64("4096", 4, &v), 0);
	ck_assert_uint_eq(v, 4096);
	ck_assert_int_eq(gk_parse_u64(" 8192\n", 6, &v), 0);
	ck_assert_uint_eq(v, 8192);
	ck_assert_int_eq(gk_parse_u64("18446744073709551615", 20, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(gk_parse_u64("12\0junk", 7, &v), 0);   /* stops at NUL */
	ck_assert_uint_eq(v, 12);
}
END_TEST

START_TEST(test_parse_errors)
{
	uint64_t v = 77;

	ck_assert_int_eq(gk_parse_u64("", 0, &v), -KEEL_EINVAL);
	ck_assert_int_eq(gk_parse_u64("  ", 2, &v), -KEEL_EINVAL);
	ck_assert_int_eq(gk_parse_u64("12k", 3, &v), -KEEL_EINVAL);
	ck_assert_int_eq(gk_parse_u64("-1", 2, &v), -KEEL_EINVAL);
	ck_assert_int_eq(gk_parse_u64("1 2", 3, &v), -KEEL_EINVAL);
	ck_assert_int_eq(gk_parse_u64("18446744073709551616", 20, &v), -KEEL_ERANGE);
	ck_assert_uint_eq(v, 77);
}
END_TEST

START_TEST(test_has_word)
{
	ck_assert(gk_has_word("triple", "triple"));
	ck_assert(gk_has_word("  quiet triple ", "triple"));
	ck_assert(!gk_has_word("triplet", "triple"));
	ck_assert(!gk_has_word("", "triple"));
	ck_assert(!gk_has_word("triple", ""));
}
END_TEST

Suite *suite_str(void)
{
	Suite *s = suite_create("str");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strlcpy);
	tcase_add_test(tc, test_strlcat);
	tcase_add_test(tc, test_parse_ok);
	tcase_add_test(tc, test_parse_errors);
	tcase_add_test(tc, test_has_word);
	suite_add_tcase(s, tc);
	return s;
}
