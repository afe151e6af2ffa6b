/*
 * common/lib.c and common/vsnprintf.c, built as hv_* (harness/hv_lib.c) so
 * the hypervisor's versions are tested, not the host libc's.
 */
#include "harness.h"
#include "hv_lib.h"

#include <limits.h>

/* --- memory and strings --- */

START_TEST(memcpy_copies_exactly_n)
{
	char dst[8] = "........";

	ck_assert_ptr_eq(hv_memcpy(dst, "abcdef", 3), dst);
	ck_assert_mem_eq(dst, "abc.....", 8);
}
END_TEST

START_TEST(memmove_overlap_dst_above_src)
{
	char buf[9] = "abcdefgh";

	ck_assert_ptr_eq(hv_memmove(buf + 2, buf, 6), buf + 2);
	ck_assert_str_eq(buf, "ababcdef");
}
END_TEST

START_TEST(memmove_overlap_dst_below_src)
{
	char buf[9] = "abcdefgh";

	ck_assert_ptr_eq(hv_memmove(buf, buf + 2, 6), buf);
	ck_assert_str_eq(buf, "cdefghgh");
}
END_TEST

START_TEST(memmove_overlap_by_one_byte)
{
	char buf[9] = "abcdefgh";

	hv_memmove(buf + 1, buf, 7);
	ck_assert_str_eq(buf, "aabcdefg");
}
END_TEST

START_TEST(memmove_disjoint)
{
	char buf[17] = "abcdefgh........";

	hv_memmove(buf + 8, buf, 8);
	ck_assert_str_eq(buf, "abcdefghabcdefgh");
}
END_TEST

START_TEST(memmove_same_or_empty_is_noop)
{
	char buf[5] = "abcd";

	ck_assert_ptr_eq(hv_memmove(buf, buf, 4), buf);
	ck_assert_ptr_eq(hv_memmove(buf + 1, buf, 0), buf + 1);
	ck_assert_str_eq(buf, "abcd");
}
END_TEST

START_TEST(memset_uses_low_byte)
{
	unsigned char buf[4] = { 1, 2, 3, 4 };

	ck_assert_ptr_eq(hv_memset(buf, 0x141, 3), buf);
	ck_assert_uint_eq(buf[0], 0x41);
	ck_assert_uint_eq(buf[2], 0x41);
	ck_assert_uint_eq(buf[3], 4);
}
END_TEST

START_TEST(memcmp_orders_as_unsigned_bytes)
{
	ck_assert_int_eq(hv_memcmp("abc", "abc", 3), 0);
	ck_assert_int_lt(hv_memcmp("abc", "abd", 3), 0);
	ck_assert_int_gt(hv_memcmp("\x80", "\x01", 1), 0);
	ck_assert_int_eq(hv_memcmp("abX", "abY", 2), 0);
	ck_assert_int_eq(hv_memcmp("a", "b", 0), 0);
}
END_TEST

START_TEST(strlen_and_strnlen)
{
	ck_assert_uint_eq(hv_strlen(""), 0);
	ck_assert_uint_eq(hv_strlen("hello"), 5);
	ck_assert_uint_eq(hv_strnlen("hello", 3), 3);
	ck_assert_uint_eq(hv_strnlen("hello", 10), 5);
	ck_assert_uint_eq(hv_strnlen("hello", 0), 0);
}
END_TEST

START_TEST(strnlen_reads_no_further_than_max)
{
	char *p = malloc(3);   /* no terminator: ASan catches an overread */

	memcpy(p, "abc", 3);
	ck_assert_uint_eq(hv_strnlen(p, 3), 3);
	free(p);
}
END_TEST

START_TEST(strcmp_orders)
{
	ck_assert_int_eq(hv_strcmp("abc", "abc"), 0);
	ck_assert_int_lt(hv_strcmp("abc", "abcd"), 0);
	ck_assert_int_gt(hv_strcmp("abd", "abc"), 0);
	ck_assert_int_gt(hv_strcmp("\xff", "a"), 0);
	ck_assert_int_lt(hv_strcmp("", "a"), 0);
}
END_TEST

START_TEST(strncmp_stops_at_n_and_nul)
{
	ck_assert_int_eq(hv_strncmp("abcX", "abcY", 3), 0);
	ck_assert_int_lt(hv_strncmp("abcX", "abcY", 4), 0);
	ck_assert_int_eq(hv_strncmp("ab", "ab", 10), 0);
	ck_assert_int_lt(hv_strncmp("ab", "abc", 10), 0);
	ck_assert_int_eq(hv_strncmp("a", "b", 0), 0);
}
END_TEST

START_TEST(strchr_finds_first)
{
	const char *s = "a=b=c";

	ck_assert_ptr_eq(hv_strchr(s, '='), s + 1);
	ck_assert_ptr_eq(hv_strchr(s, 'c'), s + 4);
	ck_assert_ptr_null(hv_strchr(s, 'x'));
	ck_assert_ptr_eq(hv_strchr(s, '\0'), s + 5);
}
END_TEST

START_TEST(strlcpy_truncates_and_terminates)
{
	char dst[4] = "zzz";

	ck_assert_uint_eq(hv_strlcpy(dst, "abcdef", 3), 6);
	ck_assert_str_eq(dst, "ab");
	ck_assert_uint_eq((unsigned char)dst[3], 0);
}
END_TEST

START_TEST(strlcpy_fits)
{
	char dst[8];

	ck_assert_uint_eq(hv_strlcpy(dst, "abc", sizeof(dst)), 3);
	ck_assert_str_eq(dst, "abc");
}
END_TEST

START_TEST(strlcpy_size_zero_writes_nothing)
{
	char dst[2] = "q";

	ck_assert_uint_eq(hv_strlcpy(dst, "abc", 0), 3);
	ck_assert_str_eq(dst, "q");
}
END_TEST

/* --- parse_u64 --- */

START_TEST(parse_u64_decimal_stops_at_non_digit)
{
	const char *end = NULL, *s = "123abc";
	uint64_t v = 0;

	ck_assert(hv_parse_u64(s, &end, &v));
	ck_assert_uint_eq(v, 123);
	ck_assert_ptr_eq(end, s + 3);
}
END_TEST

START_TEST(parse_u64_hex)
{
	const char *end = NULL, *s = "0x1fZ";
	uint64_t v = 0;

	ck_assert(hv_parse_u64(s, &end, &v));
	ck_assert_uint_eq(v, 0x1f);
	ck_assert_ptr_eq(end, s + 4);
}
END_TEST

START_TEST(parse_u64_hex_mixed_case)
{
	const char *end = NULL;
	uint64_t v = 0;

	ck_assert(hv_parse_u64("0XaBcDeF", &end, &v));
	ck_assert_uint_eq(v, 0xabcdef);
	ck_assert_uint_eq(*end, '\0');
}
END_TEST

START_TEST(parse_u64_leading_zero_is_decimal)
{
	const char *end = NULL;
	uint64_t v = 0;

	ck_assert(hv_parse_u64("0", &end, &v));
	ck_assert_uint_eq(v, 0);
	ck_assert(hv_parse_u64("017", &end, &v));
	ck_assert_uint_eq(v, 17);
}
END_TEST

START_TEST(parse_u64_largest)
{
	const char *end = NULL;
	uint64_t v = 0;

	ck_assert(hv_parse_u64("18446744073709551615", &end, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert(hv_parse_u64("0xffffffffffffffff", &end, &v));
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

static const char *const bad_u64[] = {
	"18446744073709551616", "99999999999999999999",
	"0x10000000000000000", "", "abc", "0x", "0xg", "-1", "+1", " 1",
};

START_TEST(parse_u64_rejects)
{
	const char *end = NULL;
	uint64_t v = 7;

	ck_assert_msg(!hv_parse_u64(bad_u64[_i], &end, &v), "\"%s\"",
		      bad_u64[_i]);
}
END_TEST

/* --- snprintf --- */

static char buf[128];

#define ASSERT_FMT(want, ...) do {						\
	int n_ = hv_snprintf(buf, sizeof(buf), __VA_ARGS__);			\
	ck_assert_str_eq(buf, want);						\
	ck_assert_int_eq(n_, (int)strlen(want));				\
} while (0)

START_TEST(fmt_signed)
{
	ASSERT_FMT("-42 0 42", "%d %i %d", -42, 0, 42);
}
END_TEST

START_TEST(fmt_int_limits)
{
	ASSERT_FMT("-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
}
END_TEST

START_TEST(fmt_unsigned_and_bases)
{
	ASSERT_FMT("4294967295 deadbeef DEADBEEF 10",
		   "%u %x %X %o", 4294967295u, 0xdeadbeefu, 0xdeadbeefu, 8u);
}
END_TEST

START_TEST(fmt_long_lengths)
{
	ASSERT_FMT("123456789abcdef0 18446744073709551615 -9223372036854775808",
		   "%lx %llu %ld", 0x123456789abcdef0ul, ULLONG_MAX, LONG_MIN);
}
END_TEST

START_TEST(fmt_size_t)
{
	ASSERT_FMT("12345 ffffffffffffffff", "%zu %zx", (size_t)12345,
		   (size_t)-1);
}
END_TEST

START_TEST(fmt_width_right_aligned)
{
	ASSERT_FMT("   42|", "%5d|", 42);
}
END_TEST

START_TEST(fmt_width_left_aligned)
{
	ASSERT_FMT("42   |", "%-5d|", 42);
}
END_TEST

START_TEST(fmt_zero_pad)
{
	ASSERT_FMT("00042 0000beef", "%05d %08x", 42, 0xbeefu);
}
END_TEST

START_TEST(fmt_zero_pad_negative_sign_first)
{
	ASSERT_FMT("-0042", "%05d", -42);
}
END_TEST

START_TEST(fmt_minus_overrides_zero)
{
	ASSERT_FMT("-42  |", "%-05d|", -42);
}
END_TEST

START_TEST(fmt_width_narrower_than_number)
{
	ASSERT_FMT("123456", "%3d", 123456);
}
END_TEST

START_TEST(fmt_star_width)
{
	ASSERT_FMT("     7", "%*d", 6, 7);
}
END_TEST

START_TEST(fmt_negative_star_width_left_justifies)
{
	ASSERT_FMT("7     |", "%*d|", -6, 7);
}
END_TEST

START_TEST(fmt_char_width)
{
	ASSERT_FMT("  x|y  |", "%3c|%-3c|", 'x', 'y');
}
END_TEST

START_TEST(fmt_strings)
{
	ASSERT_FMT("hi|    hi|hi    |", "%s|%6s|%-6s|", "hi", "hi", "hi");
}
END_TEST

START_TEST(fmt_string_precision)
{
	ASSERT_FMT("he|hel|", "%.2s|%.*s|", "hello", 3, "hello");
}
END_TEST

START_TEST(fmt_string_precision_reads_no_further)
{
	char *p = malloc(3);   /* not terminated */

	memcpy(p, "abc", 3);
	ASSERT_FMT("abc", "%.3s", p);
	free(p);
}
END_TEST

START_TEST(fmt_null_string)
{
	ASSERT_FMT("(null)", "%s", (char *)NULL);
}
END_TEST

START_TEST(fmt_char_and_percent)
{
	ASSERT_FMT("A%B", "%c%%%c", 'A', 'B');
}
END_TEST

START_TEST(fmt_pointer)
{
	ASSERT_FMT("0x1234", "%p", (void *)0x1234);
}
END_TEST

START_TEST(fmt_unknown_conversion_printed)
{
	ASSERT_FMT("%q", "%q");
}
END_TEST

START_TEST(fmt_lone_percent_at_end)
{
	ASSERT_FMT("abc", "abc%");
}
END_TEST

START_TEST(snprintf_truncates_and_returns_full_length)
{
	ck_assert_int_eq(hv_snprintf(buf, 4, "abcdef"), 6);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(snprintf_exact_fit)
{
	ck_assert_int_eq(hv_snprintf(buf, 7, "abcdef"), 6);
	ck_assert_str_eq(buf, "abcdef");
}
END_TEST

START_TEST(snprintf_size_one_gives_empty_string)
{
	buf[0] = 'x';
	ck_assert_int_eq(hv_snprintf(buf, 1, "abc"), 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(snprintf_size_zero_writes_nothing)
{
	char b[2] = "q";

	ck_assert_int_eq(hv_snprintf(b, 0, "%d", 12345), 5);
	ck_assert_str_eq(b, "q");
}
END_TEST

START_TEST(snprintf_counts_padding_when_truncated)
{
	ck_assert_int_eq(hv_snprintf(buf, 4, "%10d", 5), 10);
	ck_assert_str_eq(buf, "   ");
}
END_TEST

START_TEST(snprintf_writes_inside_size)
{
	char *p = malloc(5);   /* ASan catches a write past it */

	ck_assert_int_eq(hv_snprintf(p, 5, "%s-%d", "abcdef", 123456), 13);
	ck_assert_str_eq(p, "abcd");
	free(p);
}
END_TEST

static Suite *lib_suite(void)
{
	Suite *s = suite_create("lib");
	TCase *mem = tcase_create("mem-str");
	TCase *num = tcase_create("parse_u64");
	TCase *fmt = tcase_create("vsnprintf");

	tcase_add_test(mem, memcpy_copies_exactly_n);
	tcase_add_test(mem, memmove_overlap_dst_above_src);
	tcase_add_test(mem, memmove_overlap_dst_below_src);
	tcase_add_test(mem, memmove_overlap_by_one_byte);
	tcase_add_test(mem, memmove_disjoint);
	tcase_add_test(mem, memmove_same_or_empty_is_noop);
	tcase_add_test(mem, memset_uses_low_byte);
	tcase_add_test(mem, memcmp_orders_as_unsigned_bytes);
	tcase_add_test(mem, strlen_and_strnlen);
	tcase_add_test(mem, strnlen_reads_no_further_than_max);
	tcase_add_test(mem, strcmp_orders);
	tcase_add_test(mem, strncmp_stops_at_n_and_nul);
	tcase_add_test(mem, strchr_finds_first);
	tcase_add_test(mem, strlcpy_truncates_and_terminates);
	tcase_add_test(mem, strlcpy_fits);
	tcase_add_test(mem, strlcpy_size_zero_writes_nothing);
	suite_add_tcase(s, mem);

	tcase_add_test(num, parse_u64_decimal_stops_at_non_digit);
	tcase_add_test(num, parse_u64_hex);
	tcase_add_test(num, parse_u64_hex_mixed_case);
	tcase_add_test(num, parse_u64_leading_zero_is_decimal);
	tcase_add_test(num, parse_u64_largest);
	tcase_add_loop_test(num, parse_u64_rejects, 0,
			    sizeof(bad_u64) / sizeof(bad_u64[0]));
	suite_add_tcase(s, num);

	tcase_add_test(fmt, fmt_signed);
	tcase_add_test(fmt, fmt_int_limits);
	tcase_add_test(fmt, fmt_unsigned_and_bases);
	tcase_add_test(fmt, fmt_long_lengths);
	tcase_add_test(fmt, fmt_size_t);
	tcase_add_test(fmt, fmt_width_right_aligned);
	tcase_add_test(fmt, fmt_width_left_aligned);
	tcase_add_test(fmt, fmt_zero_pad);
	tcase_add_test(fmt, fmt_zero_pad_negative_sign_first);
	tcase_add_test(fmt, fmt_minus_overrides_zero);
	tcase_add_test(fmt, fmt_width_narrower_than_number);
	tcase_add_test(fmt, fmt_star_width);
	tcase_add_test(fmt, fmt_negative_star_width_left_justifies);
	tcase_add_test(fmt, fmt_char_width);
	tcase_add_test(fmt, fmt_strings);
	tcase_add_test(fmt, fmt_string_precision);
	tcase_add_test(fmt, fmt_string_precision_reads_no_further);
	tcase_add_test(fmt, fmt_null_string);
	tcase_add_test(fmt, fmt_char_and_percent);
	tcase_add_test(fmt, fmt_pointer);
	tcase_add_test(fmt, fmt_unknown_conversion_printed);
	tcase_add_test(fmt, fmt_lone_percent_at_end);
	tcase_add_test(fmt, snprintf_truncates_and_returns_full_length);
	tcase_add_test(fmt, snprintf_exact_fit);
	tcase_add_test(fmt, snprintf_size_one_gives_empty_string);
	tcase_add_test(fmt, snprintf_size_zero_writes_nothing);
	tcase_add_test(fmt, snprintf_counts_padding_when_truncated);
	tcase_add_test(fmt, snprintf_writes_inside_size);
	suite_add_tcase(s, fmt);
	return s;
}

HARNESS_MAIN(lib_suite)
