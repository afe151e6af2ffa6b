/* The disk program's pattern and command line (guests/disk/pattern.c). */
#include <string.h>

#include <public/errno.h>

#include "pattern.h"
#include "tests.h"

/* The documented formula, written out as dom0's Python test does it. */
START_TEST(test_pattern_formula)
{
	ck_assert_uint_eq(disk_pattern_word(0, 0, 0), 0);
	ck_assert_uint_eq(disk_pattern_word(0, 3, 5), (3u << 6) | 5);
	ck_assert_uint_eq(disk_pattern_word(1, 0, 0), 0x9E3779B97F4A7C15ull);
	ck_assert_uint_eq(disk_pattern_word(2, 1, 63),
			  (uint64_t)((1u << 6) | 63) ^ 0x3C6EF372FE94F82Aull);
}
END_TEST

START_TEST(test_pattern_fill_bytes)
{
	static uint8_t buf[2 * DISK_SECTOR_SIZE];
	uint64_t w;

	disk_pattern_fill(buf, 7, 100, 2);
	/* Sector 101, word 3, little-endian at byte 512 + 24. */
	memcpy(&w, buf + DISK_SECTOR_SIZE + 24, 8);
	ck_assert_uint_eq(w, disk_pattern_word(7, 101, 3));
	ck_assert_uint_eq(buf[DISK_SECTOR_SIZE + 24], (uint8_t)disk_pattern_word(7, 101, 3));
}
END_TEST

START_TEST(test_pattern_check)
{
	static uint8_t buf[4 * DISK_SECTOR_SIZE];

	disk_pattern_fill(buf, 9, 50, 4);
	ck_assert_int_eq(disk_pattern_check(buf, 9, 50, 4), -1);
	ck_assert_int_eq(disk_pattern_check(buf, 10, 50, 4), 0);   /* other seed */
	ck_assert_int_eq(disk_pattern_check(buf, 9, 51, 4), 0);    /* shifted */
	buf[2 * DISK_SECTOR_SIZE + 511] ^= 1;                      /* last byte of sector 52 */
	ck_assert_int_eq(disk_pattern_check(buf, 9, 50, 4), 2);
	ck_assert_int_eq(disk_pattern_check(buf, 9, 50, 2), -1);
}
END_TEST

START_TEST(test_cmd_verbs)
{
	struct disk_cmd c;

	ck_assert_int_eq(disk_parse_cmd("write 10 20 3", &c), 0);
	ck_assert_int_eq(c.verb, DISK_WRITE);
	ck_assert_uint_eq(c.start, 10);
	ck_assert_uint_eq(c.count, 20);
	ck_assert_uint_eq(c.seed, 3);
	ck_assert_int_eq(disk_parse_cmd("quiet verify 0 1 0", &c), 0);
	ck_assert_int_eq(c.verb, DISK_VERIFY);
	ck_assert_int_eq(disk_parse_cmd(" loop 0 4096 5 ", &c), 0);
	ck_assert_int_eq(c.verb, DISK_LOOP);
	ck_assert_uint_eq(c.passes, DISK_LOOP_PASSES);
	ck_assert_uint_eq(c.chunk, DISK_LOOP_CHUNK);
	ck_assert_int_eq(disk_parse_cmd("loop 0 4096 5 3 64", &c), 0);
	ck_assert_uint_eq(c.passes, 3);
	ck_assert_uint_eq(c.chunk, 64);
	ck_assert_int_eq(disk_parse_cmd("bench", &c), 0);
	ck_assert_int_eq(c.verb, DISK_BENCH);
	ck_assert_uint_eq(c.mib, DISK_BENCH_MIB);
	ck_assert_int_eq(disk_parse_cmd("bench 16", &c), 0);
	ck_assert_uint_eq(c.mib, 16);
	ck_assert_int_eq(disk_parse_cmd("discard 8 16", &c), 0);
	ck_assert_int_eq(c.verb, DISK_DISCARD);
	ck_assert_uint_eq(c.start, 8);
	ck_assert_uint_eq(c.count, 16);
	ck_assert_int_eq(disk_parse_cmd("discard 8", &c), -KEEL_EINVAL);
	ck_assert_int_eq(disk_parse_cmd("discard 8 16 3", &c), -KEEL_EINVAL);
	ck_assert_int_eq(disk_parse_cmd("discard 8 0", &c), -KEEL_EINVAL);
	ck_assert_int_eq(disk_parse_cmd("", &c), 0);
	ck_assert_int_eq(c.verb, DISK_NONE);
	ck_assert_int_eq(disk_parse_cmd("quiet", &c), 0);
	ck_assert_int_eq(c.verb, DISK_NONE);
	ck_assert_uint_eq(c.wait_s, 0);
	ck_assert_int_eq(disk_parse_cmd("wait=15 verify 0 8 2", &c), 0);
	ck_assert_uint_eq(c.wait_s, 15);
	ck_assert_int_eq(c.verb, DISK_VERIFY);
}
END_TEST

START_TEST(test_cmd_bad)
{
	static const char *const bad[] = {
		"write", "write 1 2", "write 1 2 3 4", "write a 2 3", "write 1 0 3",
		"verify 1 -2 3", "write 18446744073709551615 2 1",
		"write 1 2 99999999999999999999", "loop 0 1 1 0", "loop 0 1 1 1 0",
		"loop 0 1 1 1 1 1", "bench 0", "bench x", "bench 1 2",
		"a b c d e f g h i", "write 0123456789012345678901234 1 1",
		"wait=x write 0 1 1", "wait= bench", "writ 0 1 1 write",
	};
	struct disk_cmd c;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(disk_parse_cmd(bad[i], &c) == -KEEL_EINVAL, "\"%s\"", bad[i]);
}
END_TEST

Suite *suite_disk(void)
{
	Suite *s = suite_create("disk");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_pattern_formula);
	tcase_add_test(tc, test_pattern_fill_bytes);
	tcase_add_test(tc, test_pattern_check);
	tcase_add_test(tc, test_cmd_verbs);
	tcase_add_test(tc, test_cmd_bad);
	suite_add_tcase(s, tc);
	return s;
}
