/* gk_vsnprintf: conversions, flags, truncation.  Some formats here are
 * deliberately invalid (unknown conversion, NULL %s): GCC's format
 * checks are off for this file. */
#include <stdint.h>
#include <string.h>

#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

#include "printf.h"
#include "tests.h"

static char buf[128];

#define FMT(expect, ...) do { \
	int n_ = gk_snprintf(buf, sizeof(buf), __VA_ARGS__); \
	ck_assert_str_eq(buf, expect); \
	ck_assert_int_eq(n_, (int)strlen(expect)); \
} while (0)

START_TEST(test_plain) { FMT("hello", "hello"); FMT("100%", "100%%"); }
END_TEST

START_TEST(test_decimal)
{
	FMT("42 -7 0", "%d %i %u", 42, -7, 0u);
	FMT("-2147483648", "%d", INT32_MIN);
	FMT("-9223372036854775808", "%lld", (long long)INT64_MIN);
	FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	FMT("4294967295", "%u", UINT32_MAX);
	FMT("-1 255", "%hhd %hhu", (signed char)-1, (unsigned char)255);
	FMT("123", "%zu", (size_t)123);
}
END_TEST

START_TEST(test_hex)
{
	FMT("ff FF 0xff 0", "%x %X %#x %#x", 255u, 255u, 255u, 0u);
	FMT("deadbeefcafe", "%lx", 0xdeadbeefcafeul);
	FMT("0x1000", "%p", (void *)0x1000);
	FMT("17", "%o", 15u);
}
END_TEST

START_TEST(test_width_flags)
{
	FMT("   42", "%5d", 42);
	FMT("42   |", "%-5d|", 42);
	FMT("00042", "%05d", 42);
	FMT("-0042", "%05d", -42);
	FMT("+42| 42", "%+d|% d", 42, 42);
	FMT("0000000000001000", "%016lx", 0x1000ul);
	FMT("   ab", "%*s", 5, "ab");
	FMT("ab   |", "%*s|", -5, "ab");
	FMT("  007", "%5.3d", 7);
	FMT("", "%.0d", 0);
}
END_TEST

START_TEST(test_strings)
{
	FMT("abc", "%s", "abc");
	FMT("(null)", "%s", (char *)NULL);
	FMT("ab", "%.2s", "abcdef");
	FMT("abc", "%.*s", 3, "abcdef");
	FMT("x  y", "%-3cy", 'x');
	FMT("  x", "%3c", 'x');
}
END_TEST

START_TEST(test_unknown_conversion)
{
	FMT("%q", "%q");
	FMT("a", "a%");
}
END_TEST

START_TEST(test_truncation)
{
	char small[6];
	int n = gk_snprintf(small, sizeof(small), "hello world %d", 12345);

	ck_assert_str_eq(small, "hello");
	ck_assert_int_eq(n, 17);
	n = gk_snprintf(small, 1, "abc");
	ck_assert_str_eq(small, "");
	ck_assert_int_eq(n, 3);
	memset(small, 'Z', sizeof(small));
	n = gk_snprintf(small, 0, "abc");
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(small[0], 'Z');
}
END_TEST

Suite *suite_printf(void)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_plain);
	tcase_add_test(tc, test_decimal);
	tcase_add_test(tc, test_hex);
	tcase_add_test(tc, test_width_flags);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_unknown_conversion);
	tcase_add_test(tc, test_truncation);
	suite_add_tcase(s, tc);
	return s;
}
