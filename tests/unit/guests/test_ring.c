/* Console and store ring arithmetic: fill, drain, wrap-around, index
 * wrap at 2^32, hostile indices. */
#include <stdint.h>
#include <string.h>

#include <public/errno.h>

#include "ring.h"
#include "tests.h"

static struct keel_console_ring cr;
static struct keel_xs_ring xr;

static void setup(void)
{
	memset(&cr, 0, sizeof(cr));
	memset(&xr, 0, sizeof(xr));
}

START_TEST(test_cons_put_basic)
{
	ck_assert_int_eq(cons_ring_put(&cr, "hello", 5), 5);
	ck_assert_uint_eq(cr.out_prod, 5);
	ck_assert_uint_eq(cr.out_cons, 0);
	ck_assert_mem_eq(cr.out, "hello", 5);
}
END_TEST

START_TEST(test_cons_put_full)
{
	char big[3000];

	memset(big, 'x', sizeof(big));
	ck_assert_int_eq(cons_ring_put(&cr, big, sizeof(big)), 2048);
	ck_assert_int_eq(cons_ring_put(&cr, "y", 1), 0);
	cr.out_cons = 100;              /* the backend drained 100 bytes */
	ck_assert_int_eq(cons_ring_put(&cr, big, sizeof(big)), 100);
	ck_assert_uint_eq(cr.out_prod, 2148);
}
END_TEST

START_TEST(test_cons_put_wraps)
{
	cr.out_prod = cr.out_cons = 2046;
	ck_assert_int_eq(cons_ring_put(&cr, "abcd", 4), 4);
	ck_assert_int_eq(cr.out[2046], 'a');
	ck_assert_int_eq(cr.out[2047], 'b');
	ck_assert_int_eq(cr.out[0], 'c');
	ck_assert_int_eq(cr.out[1], 'd');
	ck_assert_uint_eq(cr.out_prod, 2050);
}
END_TEST

START_TEST(test_cons_index_wraps_2_32)
{
	cr.out_prod = cr.out_cons = UINT32_MAX - 1;
	ck_assert_int_eq(cons_ring_put(&cr, "abcd", 4), 4);
	ck_assert_uint_eq(cr.out_prod, 2);
	ck_assert_int_eq(cr.out[KEEL_CONS_OUT_MASK(UINT32_MAX - 1)], 'a');
	ck_assert_int_eq(cr.out[KEEL_CONS_OUT_MASK(0u)], 'c');
	/* 4 bytes used across the wrap: 2044 still free. */
	{
		char big[4096] = { 0 };

		ck_assert_int_eq(cons_ring_put(&cr, big, sizeof(big)), 2044);
	}
}
END_TEST

START_TEST(test_cons_get_in)
{
	char b[8];

	cr.in_cons = 1022;
	memcpy(&cr.in[1022], "ab", 2);
	memcpy(&cr.in[0], "cd", 2);
	cr.in_prod = 1026;
	ck_assert_int_eq(cons_ring_get(&cr, b, 3), 3);
	ck_assert_mem_eq(b, "abc", 3);
	ck_assert_int_eq(cons_ring_get(&cr, b, 8), 1);
	ck_assert_int_eq(b[0], 'd');
	ck_assert_int_eq(cons_ring_get(&cr, b, 8), 0);
	ck_assert_uint_eq(cr.in_cons, 1026);
}
END_TEST

START_TEST(test_cons_hostile_indices)
{
	char b[8];

	cr.out_cons = 5000;             /* consumer ahead of producer */
	ck_assert_int_eq(cons_ring_put(&cr, "x", 1), -KEEL_EIO);
	ck_assert_uint_eq(cr.out_prod, 0);
	cr.in_prod = 2000;              /* more than 1024 unread */
	ck_assert_int_eq(cons_ring_get(&cr, b, 8), -KEEL_EIO);
	ck_assert_uint_eq(cr.in_cons, 0);
}
END_TEST

START_TEST(test_xs_put_get_wrap)
{
	char data[700], out[700];

	for (unsigned int i = 0; i < sizeof(data); i++)
		data[i] = (char)i;
	xr.req_prod = xr.req_cons = 1000;
	ck_assert_int_eq(xs_ring_put(&xr, data, sizeof(data)), 700);
	ck_assert_int_eq(xr.req[1000 % 1024], data[0]);
	ck_assert_int_eq(xr.req[(1000 + 699) % 1024], data[699]);
	ck_assert_int_eq(xs_ring_put(&xr, data, sizeof(data)), 324);

	/* Replies: the store produced 700 bytes across the wrap. */
	xr.rsp_cons = 900;
	for (unsigned int i = 0; i < 700; i++)
		xr.rsp[(900 + i) % 1024] = data[i];
	xr.rsp_prod = 1600;
	ck_assert_uint_eq(xs_ring_rsp_avail(&xr), 700);
	ck_assert_int_eq(xs_ring_get(&xr, out, 500), 500);
	ck_assert_int_eq(xs_ring_get(&xr, out + 500, 500), 200);
	ck_assert_mem_eq(out, data, 700);
	ck_assert_uint_eq(xs_ring_rsp_avail(&xr), 0);
}
END_TEST

START_TEST(test_xs_hostile_indices)
{
	char b[4];

	xr.rsp_prod = 1025;
	ck_assert_uint_eq(xs_ring_rsp_avail(&xr), 0);
	ck_assert_int_eq(xs_ring_get(&xr, b, 4), -KEEL_EIO);
	xr.req_cons = 7;                /* store claims to have read unwritten bytes */
	ck_assert_int_eq(xs_ring_put(&xr, "ab", 2), -KEEL_EIO);
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_cons_put_basic);
	tcase_add_test(tc, test_cons_put_full);
	tcase_add_test(tc, test_cons_put_wraps);
	tcase_add_test(tc, test_cons_index_wraps_2_32);
	tcase_add_test(tc, test_cons_get_in);
	tcase_add_test(tc, test_cons_hostile_indices);
	tcase_add_test(tc, test_xs_put_get_wrap);
	tcase_add_test(tc, test_xs_hostile_indices);
	suite_add_tcase(s, tc);
	return s;
}
