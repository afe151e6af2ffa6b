/* The rate limiter (nb_rate.c) with an injected clock, and the rate key's
 * parser. */
#include <errno.h>

#include "nb_rate.h"
#include "tests.h"

START_TEST(unlimited_always_goes)
{
	struct nb_rate r;

	nb_rate_init(&r, 0, 0, 0);
	for (int i = 0; i < 1000; i++)
		ck_assert(nb_rate_take(&r, 65535, 0));
	ck_assert_uint_eq(nb_rate_wait_us(&r, 0), 0);
}
END_TEST

START_TEST(credit_per_interval)
{
	struct nb_rate r;

	/* 100 000 bytes per 50 ms */
	nb_rate_init(&r, 100000, 50000, 1000);
	ck_assert(nb_rate_take(&r, 60000, 1000));
	ck_assert(nb_rate_take(&r, 40000, 1000));
	ck_assert(!nb_rate_take(&r, 1, 1000));
	ck_assert_uint_eq(nb_rate_wait_us(&r, 1000), 50000);
	ck_assert(!nb_rate_take(&r, 1, 50999));       /* not yet */
	ck_assert(nb_rate_take(&r, 100000, 51000));   /* refilled */
	ck_assert(!nb_rate_take(&r, 1, 51000));
}
END_TEST

START_TEST(credit_does_not_pile_up)
{
	struct nb_rate r;

	nb_rate_init(&r, 100000, 50000, 0);
	/* an hour idle: still one interval's worth (at least a packet) */
	ck_assert(nb_rate_take(&r, 100000, 3600000000ull));
	ck_assert(!nb_rate_take(&r, 1, 3600000000ull));
}
END_TEST

START_TEST(big_packet_passes_a_small_rate)
{
	struct nb_rate r;

	/* 1000 bytes per 10 ms: a 64 KiB packet waits for a full bucket */
	nb_rate_init(&r, 1000, 10000, 0);
	ck_assert(!nb_rate_take(&r, 65535, 0));
	ck_assert(!nb_rate_take(&r, 65535, 300000));
	ck_assert(nb_rate_take(&r, 65535, 700000));
}
END_TEST

START_TEST(throughput_matches_the_rate)
{
	struct nb_rate r;
	uint64_t now = 0, sent = 0;

	/* 12.5 MB/s (100 Mb/s) as 625 000 bytes per 50 ms, 1500-byte frames,
	 * for one simulated second */
	nb_rate_init(&r, 625000, 50000, 0);
	while (now < 1000000) {
		if (nb_rate_take(&r, 1500, now))
			sent += 1500;
		else
			now += nb_rate_wait_us(&r, now);
	}
	ck_assert_uint_ge(sent, 12500000 - 625000);
	ck_assert_uint_le(sent, 12500000 + 625000);
}
END_TEST

START_TEST(rate_key_parser)
{
	uint64_t b, us;

	ck_assert_int_eq(nb_rate_parse("625000,50000", &b, &us), 0);
	ck_assert_uint_eq(b, 625000);
	ck_assert_uint_eq(us, 50000);
	ck_assert_int_eq(nb_rate_parse("625000", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("0,50000", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("10,0", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("10,20000000", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("-1,5", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("1,5x", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse(",5", &b, &us), -EINVAL);
	ck_assert_int_eq(nb_rate_parse("99999999999999999999999,5", &b, &us), -EINVAL);
}
END_TEST

Suite *suite_rate(void)
{
	Suite *s = suite_create("rate");
	TCase *tc = tcase_create("credit");

	tcase_add_test(tc, unlimited_always_goes);
	tcase_add_test(tc, credit_per_interval);
	tcase_add_test(tc, credit_does_not_pile_up);
	tcase_add_test(tc, big_packet_passes_a_small_rate);
	tcase_add_test(tc, throughput_matches_the_rate);
	tcase_add_test(tc, rate_key_parser);
	suite_add_tcase(s, tc);
	return s;
}
