/* Log file names from (guest-writable) domain names. */
#include <errno.h>
#include <string.h>

#include "cons_logname.h"
#include "tests.h"

START_TEST(plain_name)
{
	char buf[128];

	ck_assert_int_eq(cons_log_path("/var/log/keel/console", "hello", 3,
				       buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/var/log/keel/console/hello.log");
}
END_TEST

START_TEST(allowed_characters)
{
	ck_assert(cons_name_ok("web-01_a.b"));
	ck_assert(cons_name_ok("A"));
}
END_TEST

static const char *const bad_names[] = {
	"", ".", "..", ".hidden", "../../etc/passwd", "a/b", "sp ace",
	"tab\t", "new\nline", "semi;colon", "star*", "é",
	"12345678901234567890123456789012345678901234567890123456789012345",
};

START_TEST(bad_names_fall_back_to_domid)
{
	char buf[128];
	const char *n = bad_names[_i];

	ck_assert(!cons_name_ok(n));
	ck_assert_int_eq(cons_log_path("/logs", n, 42, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/logs/dom42.log");
}
END_TEST

START_TEST(missing_name_falls_back)
{
	char buf[64];

	ck_assert_int_eq(cons_log_path("/logs", NULL, 7, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/logs/dom7.log");
}
END_TEST

START_TEST(longest_name_is_kept)
{
	char name[CONS_NAME_MAX + 1], buf[128];

	memset(name, 'n', CONS_NAME_MAX);
	name[CONS_NAME_MAX] = '\0';
	ck_assert(cons_name_ok(name));
	ck_assert_int_eq(cons_log_path("/l", name, 1, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(strlen(buf), 3 + CONS_NAME_MAX + 4);
}
END_TEST

START_TEST(small_buffer_is_an_error)
{
	char buf[10];

	ck_assert_int_eq(cons_log_path("/var/log", "hello", 1, buf, sizeof(buf)),
			 -ENAMETOOLONG);
}
END_TEST

START_TEST(separator_is_dated)
{
	char buf[128];

	/* 2026-12-04 18:25:01 UTC */
	ck_assert_int_eq(cons_log_separator(buf, sizeof(buf), "hello", 3, 1796408701),
			 (int)strlen(buf));
	ck_assert_str_eq(buf, "==== 2026-12-04 18:25:01 UTC: hello (domain 3) started ====\n");
	cons_log_separator(buf, sizeof(buf), "../x", 7, 0);
	ck_assert_str_eq(buf, "==== 1970-01-01 00:00:00 UTC: domain 7 started ====\n");
	ck_assert_int_eq(cons_log_separator(buf, 10, "hello", 3, 0), -ENAMETOOLONG);
}
END_TEST

Suite *suite_logname(void)
{
	Suite *s = suite_create("logname");
	TCase *tc = tcase_create("logname");

	tcase_add_test(tc, plain_name);
	tcase_add_test(tc, separator_is_dated);
	tcase_add_test(tc, allowed_characters);
	tcase_add_loop_test(tc, bad_names_fall_back_to_domid, 0,
			    sizeof(bad_names) / sizeof(bad_names[0]));
	tcase_add_test(tc, missing_name_falls_back);
	tcase_add_test(tc, longest_name_is_kept);
	tcase_add_test(tc, small_buffer_is_an_error);
	suite_add_tcase(s, tc);
	return s;
}
