/* The console socket's request line. */
#include <errno.h>
#include <string.h>

#include "cons_proto.h"
#include "tests.h"

static int parse(const char *s, struct cons_cmd *c)
{
	return cons_proto_parse(s, strlen(s), c);
}

START_TEST(attach_line)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse("attach 5\n", &c), 9);
	ck_assert_int_eq(c.type, CONS_CMD_ATTACH);
	ck_assert_uint_eq(c.domid, 5);
}
END_TEST

START_TEST(crlf_is_accepted)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse("attach 12\r\n", &c), 11);
	ck_assert_uint_eq(c.domid, 12);
}
END_TEST

START_TEST(bytes_after_the_line_are_left)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse("attach 3\nls\r", &c), 9);
	ck_assert_uint_eq(c.domid, 3);
}
END_TEST

START_TEST(incomplete_line_waits)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse("", &c), 0);
	ck_assert_int_eq(parse("attach 5", &c), 0);
}
END_TEST

START_TEST(largest_domid)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse("attach 32751\n", &c), 13);
	ck_assert_uint_eq(c.domid, 32751);
}
END_TEST

static const char *const bad_lines[] = {
	"\n", "attach\n", "attach \n", "attach 0\n", "attach 32752\n",
	"attach 65536\n", "attach 99999999999\n", "attach -1\n", "attach +3\n",
	"attach 05\n", "attach 5 6\n", "attach 5x\n", "ATTACH 5\n",
	"detach 5\n", "attach  5\n", "attach 5\r\r\n", "attach\t5\n",
};

START_TEST(bad_lines_are_rejected)
{
	struct cons_cmd c;

	ck_assert_int_eq(parse(bad_lines[_i], &c), -EINVAL);
}
END_TEST

START_TEST(nul_in_line_is_rejected)
{
	struct cons_cmd c;

	ck_assert_int_eq(cons_proto_parse("attach 5\0\n", 10, &c), -EINVAL);
}
END_TEST

START_TEST(long_line_is_rejected)
{
	char buf[CONS_LINE_MAX + 8];
	struct cons_cmd c;

	memset(buf, 'a', sizeof(buf));
	ck_assert_int_eq(cons_proto_parse(buf, CONS_LINE_MAX, &c), -E2BIG);
	ck_assert_int_eq(cons_proto_parse(buf, sizeof(buf), &c), -E2BIG);
	ck_assert_int_eq(cons_proto_parse(buf, CONS_LINE_MAX - 1, &c), 0);
}
END_TEST

Suite *suite_proto(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("proto");

	tcase_add_test(tc, attach_line);
	tcase_add_test(tc, crlf_is_accepted);
	tcase_add_test(tc, bytes_after_the_line_are_left);
	tcase_add_test(tc, incomplete_line_waits);
	tcase_add_test(tc, largest_domid);
	tcase_add_loop_test(tc, bad_lines_are_rejected, 0,
			    sizeof(bad_lines) / sizeof(bad_lines[0]));
	tcase_add_test(tc, nul_in_line_is_rejected);
	tcase_add_test(tc, long_line_is_rejected);
	suite_add_tcase(s, tc);
	return s;
}
