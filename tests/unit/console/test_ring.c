/* Console ring copy-out and copy-in, with a guest that lies about indices. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "cons_ring.h"
#include "tests.h"

static struct keel_console_ring r;

static void reset(void)
{
	memset(&r, 0, sizeof(r));
}

/* Guest side: appends @s to out[] and moves out_prod. */
static void guest_out(const char *s)
{
	size_t i, n = strlen(s);

	for (i = 0; i < n; i++)
		r.out[KEEL_CONS_OUT_MASK(r.out_prod + i)] = s[i];
	r.out_prod += (uint32_t)n;
}

START_TEST(layout)
{
	ck_assert_uint_eq(offsetof(struct keel_console_ring, out), 1024);
	ck_assert_uint_eq(offsetof(struct keel_console_ring, in_cons), 3072);
	ck_assert_uint_eq(offsetof(struct keel_console_ring, out_cons), 3080);
	ck_assert_uint_eq(offsetof(struct keel_console_ring, out_prod), 3084);
	ck_assert_uint_eq(sizeof(r), 3088);
}
END_TEST

START_TEST(empty_ring_gives_nothing)
{
	char buf[16];

	reset();
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(r.out_cons, 0);
}
END_TEST

START_TEST(takes_output_and_advances_cons)
{
	char buf[64] = { 0 };

	reset();
	guest_out("hello from hello\n");
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 17);
	ck_assert(memcmp(buf, "hello from hello\n", 17) == 0);
	ck_assert_uint_eq(r.out_cons, 17);
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(short_buffer_takes_part)
{
	char buf[4];

	reset();
	guest_out("abcdefgh");
	ck_assert_int_eq(cons_ring_take_output(&r, buf, 4), 4);
	ck_assert(memcmp(buf, "abcd", 4) == 0);
	ck_assert_int_eq(cons_ring_take_output(&r, buf, 4), 4);
	ck_assert(memcmp(buf, "efgh", 4) == 0);
}
END_TEST

START_TEST(wraps_around_the_array_end)
{
	char buf[32] = { 0 };

	reset();
	r.out_prod = r.out_cons = 2048 - 3;
	guest_out("wrapped!");
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 8);
	ck_assert(memcmp(buf, "wrapped!", 8) == 0);
}
END_TEST

START_TEST(wraps_around_the_index_end)
{
	char buf[32] = { 0 };

	reset();
	r.out_prod = r.out_cons = 0xfffffffcu;
	guest_out("overflow");
	ck_assert_uint_eq(r.out_prod, 4);
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 8);
	ck_assert(memcmp(buf, "overflow", 8) == 0);
	ck_assert_uint_eq(r.out_cons, 4);
}
END_TEST

START_TEST(full_ring_is_fine)
{
	static char buf[4096];

	reset();
	r.out_prod = 2048;
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), 2048);
}
END_TEST

START_TEST(prod_too_far_ahead_is_broken)
{
	static char buf[4096];

	reset();
	r.out_prod = 2049;
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), -EPROTO);
	ck_assert_uint_eq(r.out_cons, 0);   /* nothing touched */
}
END_TEST

START_TEST(prod_behind_cons_is_broken)
{
	char buf[16];

	reset();
	r.out_cons = 100;
	r.out_prod = 99;        /* "4 GiB ahead" */
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), -EPROTO);
	ck_assert_uint_eq(r.out_cons, 100);
}
END_TEST

START_TEST(scribbled_cons_is_checked_too)
{
	char buf[16];

	reset();
	r.out_prod = 10;
	r.out_cons = 0x80000000u;   /* the guest wrote our index */
	ck_assert_int_eq(cons_ring_take_output(&r, buf, sizeof(buf)), -EPROTO);
}
END_TEST

START_TEST(input_goes_into_in_ring)
{
	reset();
	ck_assert_int_eq(cons_ring_put_input(&r, "ls\r", 3), 3);
	ck_assert_uint_eq(r.in_prod, 3);
	ck_assert(memcmp(r.in, "ls\r", 3) == 0);
}
END_TEST

START_TEST(input_wraps_and_stops_when_full)
{
	static char big[2048];

	reset();
	memset(big, 'k', sizeof(big));
	r.in_prod = r.in_cons = 1020;
	ck_assert_int_eq(cons_ring_put_input(&r, "abcdefgh", 8), 8);
	ck_assert_int_eq(r.in[1023], 'd');
	ck_assert_int_eq(r.in[0], 'e');
	ck_assert_int_eq(cons_ring_put_input(&r, big, sizeof(big)), 1024 - 8);
	ck_assert_int_eq(cons_ring_put_input(&r, "x", 1), 0);
	r.in_cons += 1;
	ck_assert_int_eq(cons_ring_put_input(&r, "xy", 2), 1);
}
END_TEST

START_TEST(input_bad_indices_are_broken)
{
	reset();
	r.in_cons = 5;
	r.in_prod = 4;
	ck_assert_int_eq(cons_ring_put_input(&r, "x", 1), -EPROTO);
	r.in_cons = 0;
	r.in_prod = 1025;
	ck_assert_int_eq(cons_ring_put_input(&r, "x", 1), -EPROTO);
	ck_assert_uint_eq(r.in_prod, 1025);
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, layout);
	tcase_add_test(tc, empty_ring_gives_nothing);
	tcase_add_test(tc, takes_output_and_advances_cons);
	tcase_add_test(tc, short_buffer_takes_part);
	tcase_add_test(tc, wraps_around_the_array_end);
	tcase_add_test(tc, wraps_around_the_index_end);
	tcase_add_test(tc, full_ring_is_fine);
	tcase_add_test(tc, prod_too_far_ahead_is_broken);
	tcase_add_test(tc, prod_behind_cons_is_broken);
	tcase_add_test(tc, scribbled_cons_is_checked_too);
	tcase_add_test(tc, input_goes_into_in_ring);
	tcase_add_test(tc, input_wraps_and_stops_when_full);
	tcase_add_test(tc, input_bad_indices_are_broken);
	suite_add_tcase(s, tc);
	return s;
}
