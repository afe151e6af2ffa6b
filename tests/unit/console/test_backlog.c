/* The 16 KiB output backlog. */
#include <string.h>

#include "cons_backlog.h"
#include "tests.h"

static struct cons_backlog b;
static char out[CONS_BACKLOG_SIZE];

START_TEST(holds_everything_until_full)
{
	memset(&b, 0, sizeof(b));
	cons_backlog_append(&b, "abc", 3);
	cons_backlog_append(&b, "def", 3);
	ck_assert_uint_eq(cons_backlog_copy(&b, out), 6);
	ck_assert(memcmp(out, "abcdef", 6) == 0);
}
END_TEST

START_TEST(keeps_the_last_16k_in_order)
{
	static char chunk[1000];
	unsigned i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < 40; i++) {
		memset(chunk, 'a' + (char)(i % 26), sizeof(chunk));
		cons_backlog_append(&b, chunk, sizeof(chunk));
	}
	ck_assert_uint_eq(cons_backlog_copy(&b, out), CONS_BACKLOG_SIZE);
	/* 40000 bytes written: the last 16384 start 616 bytes into chunk 23 */
	ck_assert_int_eq(out[0], 'a' + 23);
	ck_assert_int_eq(out[CONS_BACKLOG_SIZE - 1], 'a' + 39 % 26);
	ck_assert_int_eq(out[CONS_BACKLOG_SIZE - 1000], 'a' + 39 % 26);
	ck_assert_int_eq(out[CONS_BACKLOG_SIZE - 1001], 'a' + 38 % 26);
}
END_TEST

START_TEST(one_huge_append_keeps_its_tail)
{
	static char big[CONS_BACKLOG_SIZE * 2 + 5];
	size_t i;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i % 251);
	cons_backlog_append(&b, "xy", 2);
	cons_backlog_append(&b, big, sizeof(big));
	ck_assert_uint_eq(cons_backlog_copy(&b, out), CONS_BACKLOG_SIZE);
	ck_assert(memcmp(out, big + sizeof(big) - CONS_BACKLOG_SIZE,
			 CONS_BACKLOG_SIZE) == 0);
}
END_TEST

Suite *suite_backlog(void)
{
	Suite *s = suite_create("backlog");
	TCase *tc = tcase_create("backlog");

	tcase_add_test(tc, holds_everything_until_full);
	tcase_add_test(tc, keeps_the_last_16k_in_order);
	tcase_add_test(tc, one_huge_append_keeps_its_tail);
	suite_add_tcase(s, tc);
	return s;
}
