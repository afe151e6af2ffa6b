/* common/cmdline.c: parse_size() and cmdline_parse() against a table. */
#include "harness.h"

#include <keel/cmdline.h>
#include <keel/errno.h>

/* --- parse_size --- */

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

START_TEST(size_plain_decimal)
{
	uint64_t v = SENTINEL;

	ck_assert_int_eq(parse_size("4096", &v), 0);
	ck_assert_uint_eq(v, 4096);
}
END_TEST

START_TEST(size_hex)
{
	uint64_t v = SENTINEL;

	ck_assert_int_eq(parse_size("0x30000000", &v), 0);
	ck_assert_uint_eq(v, 0x30000000);
}
END_TEST

START_TEST(size_hex_upper_prefix_and_digits)
{
	uint64_t v = SENTINEL;

	ck_assert_int_eq(parse_size("0XaBc", &v), 0);
	ck_assert_uint_eq(v, 0xabc);
}
END_TEST

static const struct {
	const char *s;
	uint64_t v;
} suffixes[] = {
	{ "64K", 64ull << 10 }, { "64k", 64ull << 10 },
	{ "768M", 768ull << 20 }, { "768m", 768ull << 20 },
	{ "2G", 2ull << 30 }, { "2g", 2ull << 30 },
	{ "3T", 3ull << 40 }, { "3t", 3ull << 40 },
	{ "0x10M", 16ull << 20 }, { "0K", 0 },
	{ "0x1g", 1ull << 30 },   /* 'g' is no hex digit: it is the suffix */
};

START_TEST(size_suffix)
{
	uint64_t v = SENTINEL;

	ck_assert_int_eq(parse_size(suffixes[_i].s, &v), 0);
	ck_assert_msg(v == suffixes[_i].v, "%s gave %#lx", suffixes[_i].s,
		      (unsigned long)v);
}
END_TEST

START_TEST(size_largest_values)
{
	uint64_t v = SENTINEL;

	ck_assert_int_eq(parse_size("18446744073709551615", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(parse_size("16777215T", &v), 0);
	ck_assert_uint_eq(v, 0xffffff0000000000ull);
	ck_assert_int_eq(parse_size("0xffffffffffffffff", &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

static const char *const bad_sizes[] = {
	"18446744073709551616",    /* 2^64 */
	"0x10000000000000000",     /* 2^64 */
	"16777216T",               /* 2^24 TiB = 2^64 */
	"17179869184G",            /* 2^34 GiB = 2^64 */
	"",                        /* no digits */
	"M",                       /* suffix only */
	"0x",                      /* prefix only */
	"12Q",                     /* unknown suffix */
	"12MB",                    /* junk after the suffix */
	"-1",                      /* sign */
	" 12",                     /* leading space */
	"12 ",                     /* trailing space */
	"1.5G",                    /* fraction */
};

START_TEST(size_rejected_leaves_output)
{
	uint64_t v = SENTINEL;
	int rc = parse_size(bad_sizes[_i], &v);

	ck_assert_msg(rc == -EINVAL, "\"%s\" gave %d", bad_sizes[_i], rc);
	ck_assert_uint_eq(v, SENTINEL);
}
END_TEST

/* --- cmdline_parse --- */

static uint64_t opt_mem;
static bool opt_flag;
static char opt_name[8];
static int custom_calls;
static char custom_seen[64];

static int parse_mode(const char *v)
{
	custom_calls++;
	snprintf(custom_seen, sizeof(custom_seen), "%s", v);
	return strcmp(v, "good") ? -EINVAL : 0;
}

static const struct param table[] = {
	{ "mem",  PARAM_SIZE,   &opt_mem,  0, NULL },
	{ "flag", PARAM_BOOL,   &opt_flag, 0, NULL },
	{ "name", PARAM_STR,    opt_name,  sizeof(opt_name), NULL },
	{ "mode", PARAM_CUSTOM, NULL,      0, parse_mode },
};

#define MAX_WARN 8
static unsigned nwarn;
static char warned_word[MAX_WARN][300];
static const char *warned_why[MAX_WARN];

static void warn(const char *word, const char *why)
{
	if (nwarn < MAX_WARN) {
		snprintf(warned_word[nwarn], sizeof(warned_word[0]), "%s", word);
		warned_why[nwarn] = why;
	}
	nwarn++;
}

static void setup(void)
{
	opt_mem = SENTINEL;
	opt_flag = false;
	strcpy(opt_name, "init");
	custom_calls = 0;
	custom_seen[0] = '\0';
	nwarn = 0;
}

static int parse(const char *cmdline)
{
	return cmdline_parse(cmdline, table, sizeof(table) / sizeof(table[0]),
			     warn);
}

#define ASSERT_WARNED(i, word, why) do {				\
	ck_assert_uint_gt(nwarn, (i));					\
	ck_assert_str_eq(warned_word[i], (word));			\
	ck_assert_str_eq(warned_why[i], (why));				\
} while (0)

#define WHY_SIZE "expects a size such as 512M or 2G"
#define WHY_BOOL "expects no value, or 0/1, yes/no, on/off"

START_TEST(null_cmdline_is_empty)
{
	ck_assert_int_eq(parse(NULL), 0);
	ck_assert_uint_eq(nwarn, 0);
	ck_assert_uint_eq(opt_mem, SENTINEL);
}
END_TEST

START_TEST(empty_cmdline)
{
	ck_assert_int_eq(parse(""), 0);
	ck_assert_uint_eq(nwarn, 0);
}
END_TEST

START_TEST(blank_cmdline)
{
	ck_assert_int_eq(parse("  \t \t  "), 0);
	ck_assert_uint_eq(nwarn, 0);
}
END_TEST

START_TEST(size_param_set)
{
	ck_assert_int_eq(parse("mem=512M"), 0);
	ck_assert_uint_eq(opt_mem, 512ull << 20);
	ck_assert_uint_eq(nwarn, 0);
}
END_TEST

START_TEST(size_param_without_value_rejected)
{
	ck_assert_int_eq(parse("mem"), 1);
	ASSERT_WARNED(0, "mem", WHY_SIZE);
	ck_assert_uint_eq(opt_mem, SENTINEL);
}
END_TEST

START_TEST(size_param_garbage_rejected)
{
	ck_assert_int_eq(parse("mem=lots"), 1);
	ASSERT_WARNED(0, "mem=lots", WHY_SIZE);
	ck_assert_uint_eq(opt_mem, SENTINEL);
}
END_TEST

START_TEST(size_param_overflow_rejected)
{
	ck_assert_int_eq(parse("mem=16777216T"), 1);
	ASSERT_WARNED(0, "mem=16777216T", WHY_SIZE);
	ck_assert_uint_eq(opt_mem, SENTINEL);
}
END_TEST

START_TEST(later_word_wins)
{
	ck_assert_int_eq(parse("mem=1G mem=2G"), 0);
	ck_assert_uint_eq(opt_mem, 2ull << 30);
}
END_TEST

START_TEST(bad_later_word_keeps_earlier_value)
{
	ck_assert_int_eq(parse("mem=1G mem=bad"), 1);
	ck_assert_uint_eq(opt_mem, 1ull << 30);
}
END_TEST

START_TEST(bool_bare_word_is_true)
{
	ck_assert_int_eq(parse("flag"), 0);
	ck_assert(opt_flag);
}
END_TEST

static const struct {
	const char *word;
	bool v;
} bools[] = {
	{ "flag=1", true }, { "flag=yes", true }, { "flag=on", true },
	{ "flag=true", true }, { "flag=0", false }, { "flag=no", false },
	{ "flag=off", false }, { "flag=false", false },
};

START_TEST(bool_spelling)
{
	opt_flag = !bools[_i].v;
	ck_assert_int_eq(parse(bools[_i].word), 0);
	ck_assert_msg(opt_flag == bools[_i].v, "%s", bools[_i].word);
}
END_TEST

START_TEST(bool_bad_value_rejected)
{
	opt_flag = true;
	ck_assert_int_eq(parse("flag=maybe"), 1);
	ASSERT_WARNED(0, "flag=maybe", WHY_BOOL);
	ck_assert(opt_flag);
}
END_TEST

START_TEST(bool_empty_value_rejected)
{
	ck_assert_int_eq(parse("flag="), 1);
	ASSERT_WARNED(0, "flag=", WHY_BOOL);
	ck_assert(!opt_flag);
}
END_TEST

START_TEST(str_param_copied)
{
	ck_assert_int_eq(parse("name=abc"), 0);
	ck_assert_str_eq(opt_name, "abc");
}
END_TEST

START_TEST(str_param_filling_buffer)
{
	ck_assert_int_eq(parse("name=1234567"), 0);   /* 7 + NUL = 8 */
	ck_assert_str_eq(opt_name, "1234567");
}
END_TEST

START_TEST(str_param_too_long_rejected)
{
	ck_assert_int_eq(parse("name=12345678"), 1);
	ASSERT_WARNED(0, "name=12345678", "value too long");
	ck_assert_str_eq(opt_name, "init");
}
END_TEST

START_TEST(str_param_without_value_rejected)
{
	ck_assert_int_eq(parse("name"), 1);
	ASSERT_WARNED(0, "name", "expects a value");
	ck_assert_str_eq(opt_name, "init");
}
END_TEST

START_TEST(str_value_may_hold_equals)
{
	ck_assert_int_eq(parse("name=a=b"), 0);
	ck_assert_str_eq(opt_name, "a=b");
}
END_TEST

START_TEST(custom_param_parsed)
{
	ck_assert_int_eq(parse("mode=good"), 0);
	ck_assert_int_eq(custom_calls, 1);
	ck_assert_str_eq(custom_seen, "good");
}
END_TEST

START_TEST(custom_parse_error_rejected)
{
	ck_assert_int_eq(parse("mode=bad"), 1);
	ck_assert_int_eq(custom_calls, 1);
	ASSERT_WARNED(0, "mode=bad", "invalid value");
}
END_TEST

START_TEST(custom_without_value_rejected_unparsed)
{
	ck_assert_int_eq(parse("mode"), 1);
	ck_assert_int_eq(custom_calls, 0);
	ASSERT_WARNED(0, "mode", "invalid value");
}
END_TEST

START_TEST(unknown_word_reported_as_written)
{
	/* The parser cuts the word at '=': the warning must not. */
	ck_assert_int_eq(parse("bogus=1"), 1);
	ASSERT_WARNED(0, "bogus=1", "unknown parameter");
}
END_TEST

START_TEST(unknown_bare_word_reported)
{
	ck_assert_int_eq(parse("quiet"), 1);
	ASSERT_WARNED(0, "quiet", "unknown parameter");
}
END_TEST

START_TEST(names_match_exactly)
{
	ck_assert_int_eq(parse("memx=1G me=1G MEM=1G =1G"), 4);
	ASSERT_WARNED(0, "memx=1G", "unknown parameter");
	ASSERT_WARNED(1, "me=1G", "unknown parameter");
	ASSERT_WARNED(2, "MEM=1G", "unknown parameter");
	ASSERT_WARNED(3, "=1G", "unknown parameter");
	ck_assert_uint_eq(opt_mem, SENTINEL);
}
END_TEST

START_TEST(spaces_and_tabs_separate_words)
{
	ck_assert_int_eq(parse("  mem=1G\t\tflag   name=x \t"), 0);
	ck_assert_uint_eq(opt_mem, 1ull << 30);
	ck_assert(opt_flag);
	ck_assert_str_eq(opt_name, "x");
	ck_assert_uint_eq(nwarn, 0);
}
END_TEST

START_TEST(count_and_order_of_rejections)
{
	ck_assert_int_eq(parse("a mem=4K b flag=2 c"), 4);
	ck_assert_uint_eq(nwarn, 4);
	ASSERT_WARNED(0, "a", "unknown parameter");
	ASSERT_WARNED(1, "b", "unknown parameter");
	ASSERT_WARNED(2, "flag=2", WHY_BOOL);
	ASSERT_WARNED(3, "c", "unknown parameter");
	ck_assert_uint_eq(opt_mem, 4096);
}
END_TEST

START_TEST(no_warn_callback)
{
	ck_assert_int_eq(cmdline_parse("bogus mem=8K", table,
				       sizeof(table) / sizeof(table[0]), NULL), 1);
	ck_assert_uint_eq(opt_mem, 8192);
}
END_TEST

START_TEST(word_of_255_chars_is_parsed)
{
	char line[300];

	memset(line, 'x', 255);
	line[255] = '\0';
	ck_assert_int_eq(parse(line), 1);
	ASSERT_WARNED(0, line, "unknown parameter");
}
END_TEST

START_TEST(word_of_256_chars_too_long)
{
	char line[300], want[256];

	memset(line, 'y', 256);
	line[256] = '\0';
	memset(want, 'y', 255);
	want[255] = '\0';
	ck_assert_int_eq(parse(line), 1);
	ASSERT_WARNED(0, want, "word too long");
}
END_TEST

START_TEST(long_word_skipped_whole)
{
	char line[600];

	/* name=<400 chars> flag: the long word is rejected whole and the
	 * next word still applies. */
	strcpy(line, "name=");
	memset(line + 5, 'z', 400);
	strcpy(line + 405, " flag");
	ck_assert_int_eq(parse(line), 1);
	ck_assert_str_eq(warned_why[0], "word too long");
	ck_assert_uint_eq(strlen(warned_word[0]), 255);
	ck_assert_str_eq(opt_name, "init");
	ck_assert(opt_flag);
}
END_TEST

static Suite *cmdline_suite(void)
{
	Suite *s = suite_create("cmdline");
	TCase *size = tcase_create("parse_size");
	TCase *params = tcase_create("params");
	TCase *words = tcase_create("words");

	tcase_add_test(size, size_plain_decimal);
	tcase_add_test(size, size_hex);
	tcase_add_test(size, size_hex_upper_prefix_and_digits);
	tcase_add_loop_test(size, size_suffix, 0,
			    sizeof(suffixes) / sizeof(suffixes[0]));
	tcase_add_test(size, size_largest_values);
	tcase_add_loop_test(size, size_rejected_leaves_output, 0,
			    sizeof(bad_sizes) / sizeof(bad_sizes[0]));
	suite_add_tcase(s, size);

	tcase_add_checked_fixture(params, setup, NULL);
	tcase_add_test(params, size_param_set);
	tcase_add_test(params, size_param_without_value_rejected);
	tcase_add_test(params, size_param_garbage_rejected);
	tcase_add_test(params, size_param_overflow_rejected);
	tcase_add_test(params, later_word_wins);
	tcase_add_test(params, bad_later_word_keeps_earlier_value);
	tcase_add_test(params, bool_bare_word_is_true);
	tcase_add_loop_test(params, bool_spelling, 0,
			    sizeof(bools) / sizeof(bools[0]));
	tcase_add_test(params, bool_bad_value_rejected);
	tcase_add_test(params, bool_empty_value_rejected);
	tcase_add_test(params, str_param_copied);
	tcase_add_test(params, str_param_filling_buffer);
	tcase_add_test(params, str_param_too_long_rejected);
	tcase_add_test(params, str_param_without_value_rejected);
	tcase_add_test(params, str_value_may_hold_equals);
	tcase_add_test(params, custom_param_parsed);
	tcase_add_test(params, custom_parse_error_rejected);
	tcase_add_test(params, custom_without_value_rejected_unparsed);
	suite_add_tcase(s, params);

	tcase_add_checked_fixture(words, setup, NULL);
	tcase_add_test(words, null_cmdline_is_empty);
	tcase_add_test(words, empty_cmdline);
	tcase_add_test(words, blank_cmdline);
	tcase_add_test(words, unknown_word_reported_as_written);
	tcase_add_test(words, unknown_bare_word_reported);
	tcase_add_test(words, names_match_exactly);
	tcase_add_test(words, spaces_and_tabs_separate_words);
	tcase_add_test(words, count_and_order_of_rejections);
	tcase_add_test(words, no_warn_callback);
	tcase_add_test(words, word_of_255_chars_is_parsed);
	tcase_add_test(words, word_of_256_chars_too_long);
	tcase_add_test(words, long_word_skipped_whole);
	suite_add_tcase(s, words);
	return s;
}

HARNESS_MAIN(cmdline_suite)
