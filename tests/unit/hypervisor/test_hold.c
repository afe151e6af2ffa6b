/*
 * common/hold.c: the hold statistics KEEL_SYSCTL_HOLD_STATS returns (the
 * calls, the longest and the total per hypercall and sub-op).
 */
#include "harness.h"

#include <keel/hold.h>
#include <public/sysctl.h>

static struct keel_hold_stat out[KEEL_HOLD_MAX_ENTRIES];

static void setup(void)
{
	hold_read(out, KEEL_HOLD_MAX_ENTRIES, true);	/* start from zero */
}

START_TEST(longest_count_and_total_per_subop)
{
	hold_record(KEEL_HC_memory_op, 1, 3, 500);
	hold_record(KEEL_HC_memory_op, 1, 4, 9000);
	hold_record(KEEL_HC_memory_op, 1, 5, 700);
	hold_record(KEEL_HC_memory_op, 1, 5, 1000000);	/* 1 ms: not over */
	hold_record(KEEL_HC_memory_op, 1, 5, 1000001);
	hold_record(KEEL_HC_memory_op, 1, 6, 10000001);
	hold_record(KEEL_HC_memory_op, 2, 3, 100);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 2);
	ck_assert_uint_eq(out[0].hypercall, KEEL_HC_memory_op);
	ck_assert_uint_eq(out[0].subop, 1);
	ck_assert_uint_eq(out[0].count, 6);
	ck_assert_uint_eq(out[0].max_ns, 10000001);
	ck_assert_uint_eq(out[0].total_ns, 10200 + 1000000 + 1000001 + 10000001);
	ck_assert_uint_eq(out[0].max_domid, 6);
	ck_assert_uint_eq(out[0].over_1ms, 2);
	ck_assert_uint_eq(out[0].over_10ms, 1);
	ck_assert_uint_eq(out[1].subop, 2);
	ck_assert_uint_eq(out[1].count, 1);
}
END_TEST

START_TEST(ordered_by_hypercall_then_subop)
{
	hold_record(KEEL_HC_sched_op, 0, 1, 1);
	hold_record(KEEL_HC_domctl, 2, 0, 1);
	hold_record(KEEL_HC_domctl, 1, 0, 1);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 3);
	ck_assert_uint_eq(out[0].hypercall, KEEL_HC_domctl);
	ck_assert_uint_eq(out[0].subop, 1);
	ck_assert_uint_eq(out[1].subop, 2);
	ck_assert_uint_eq(out[2].hypercall, KEEL_HC_sched_op);
}
END_TEST

/* A guest's wild sub-op lands in the last slot; a wild number nowhere. */
START_TEST(large_subop_clamped_bad_number_ignored)
{
	hold_record(KEEL_HC_event_channel, ~0ull, 2, 10);
	hold_record(KEEL_HC_event_channel, KEEL_HOLD_SUBOP_OTHER + 1, 2, 20);
	hold_record(KEEL_HC_MAX, 0, 2, 30);
	hold_record(~0ull, 0, 2, 30);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 1);
	ck_assert_uint_eq(out[0].subop, KEEL_HOLD_SUBOP_OTHER);
	ck_assert_uint_eq(out[0].count, 2);
	ck_assert_uint_eq(out[0].max_ns, 20);
}
END_TEST

START_TEST(reset_clears_after_reading)
{
	hold_record(KEEL_HC_domctl, 2, 0, 77000000);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, true), 1);
	ck_assert_uint_eq(out[0].max_ns, 77000000);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 0);
	hold_record(KEEL_HC_domctl, 2, 0, 5);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 1);
	ck_assert_uint_eq(out[0].max_ns, 5);
	ck_assert_uint_eq(out[0].count, 1);
	ck_assert_uint_eq(out[0].over_1ms, 0);
	ck_assert_uint_eq(out[0].over_10ms, 0);
}
END_TEST

/* Only as many as asked for are written; a reset still clears them all. */
START_TEST(truncated_to_max)
{
	for (unsigned sub = 0; sub < 5; sub++)
		hold_record(KEEL_HC_grant_table, sub, 0, 1);
	memset(out, 0xaa, sizeof(out));
	ck_assert_uint_eq(hold_read(out, 2, true), 2);
	ck_assert_uint_eq(out[1].subop, 1);
	ck_assert_uint_eq(out[2].hypercall, 0xaaaa);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false), 0);
}
END_TEST

/* Every (hypercall, sub-op) fits in KEEL_HOLD_MAX_ENTRIES. */
START_TEST(all_slots_fit)
{
	for (unsigned nr = 0; nr < KEEL_HC_MAX; nr++)
		for (unsigned sub = 0; sub < KEEL_HOLD_SUBOPS; sub++)
			hold_record(nr, sub, 0, 1);
	ck_assert_uint_eq(hold_read(out, KEEL_HOLD_MAX_ENTRIES, false),
			  KEEL_HOLD_MAX_ENTRIES);
}
END_TEST

static Suite *hold_suite(void)
{
	Suite *s = suite_create("hold");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, longest_count_and_total_per_subop);
	tcase_add_test(tc, ordered_by_hypercall_then_subop);
	tcase_add_test(tc, large_subop_clamped_bad_number_ignored);
	tcase_add_test(tc, reset_clears_after_reading);
	tcase_add_test(tc, truncated_to_max);
	tcase_add_test(tc, all_slots_fit);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(hold_suite)
