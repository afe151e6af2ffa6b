/* pvclock: the shared-info time formula and the version retry. */
#include <stdint.h>

#include "pvclock.h"
#include "tests.h"

START_TEST(test_identity_scale)
{
	/* mul = 2^32 / 2 with shift +1: 1 TSC tick = 1 ns. */
	struct keel_vcpu_time_info t = {
		.tsc_timestamp = 1000, .system_time = 5000,
		.tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
	};

	ck_assert_uint_eq(pvclock_ns(&t, 1000), 5000);
	ck_assert_uint_eq(pvclock_ns(&t, 1001), 5001);
	ck_assert_uint_eq(pvclock_ns(&t, 2000000), 5000 + 1999000);
}
END_TEST

START_TEST(test_3ghz)
{
	/* 3 GHz: ns = ticks / 3, mul = 2^32/3 with shift 0. */
	struct keel_vcpu_time_info t = {
		.tsc_timestamp = 0, .system_time = 0,
		.tsc_to_system_mul = 1431655765u, .tsc_shift = 0,
	};

	ck_assert_uint_eq(pvclock_ns(&t, 3000000000ull), 999999999);  /* ~1 s */
}
END_TEST

START_TEST(test_negative_shift)
{
	/* 4 GHz TSC: shift -2 then mul 1.0 (just under 2^32). */
	struct keel_vcpu_time_info t = {
		.tsc_timestamp = 100, .system_time = 7,
		.tsc_to_system_mul = 0xffffffffu, .tsc_shift = -2,
	};

	ck_assert_uint_eq(pvclock_ns(&t, 100 + 4000), 7 + 999);
}
END_TEST

START_TEST(test_large_delta_no_overflow)
{
	/* One hour at 2 GHz: delta * mul needs more than 64 bits. */
	struct keel_vcpu_time_info t = {
		.tsc_timestamp = 0, .system_time = 0,
		.tsc_to_system_mul = 0x80000000u, .tsc_shift = 0,
	};
	uint64_t hour_ticks = 3600ull * 2000000000ull;

	ck_assert_uint_eq(pvclock_ns(&t, hour_ticks), 3600ull * 1000000000ull);
}
END_TEST

START_TEST(test_tsc_before_timestamp)
{
	struct keel_vcpu_time_info t = {
		.tsc_timestamp = 1000, .system_time = 42,
		.tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
	};

	ck_assert_uint_eq(pvclock_ns(&t, 999), 42);
}
END_TEST

static struct keel_vcpu_time_info shared;
static int reads;

/* The "hypervisor" finishes an update during the first read. */
static uint64_t tsc_during_update(void)
{
	if (reads++ == 0) {
		shared.system_time = 1000000;
		shared.version += 2;
	}
	return 500;
}

START_TEST(test_read_retries_on_version_change)
{
	shared = (struct keel_vcpu_time_info){
		.version = 2, .tsc_timestamp = 0, .system_time = 0,
		.tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
	};
	reads = 0;
	ck_assert_uint_eq(pvclock_read(&shared, tsc_during_update), 1000000 + 500);
	ck_assert_int_eq(reads, 2);
}
END_TEST

static uint64_t tsc_finish_odd(void)
{
	if (reads++ == 0)
		shared.version++;      /* update ends: odd -> even */
	return 10;
}

START_TEST(test_read_retries_while_odd)
{
	shared = (struct keel_vcpu_time_info){
		.version = 3, .tsc_to_system_mul = 0x80000000u, .tsc_shift = 1,
	};
	reads = 0;
	ck_assert_uint_eq(pvclock_read(&shared, tsc_finish_odd), 10);
	ck_assert_int_eq(reads, 2);
}
END_TEST

Suite *suite_time(void)
{
	Suite *s = suite_create("pvclock");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_identity_scale);
	tcase_add_test(tc, test_3ghz);
	tcase_add_test(tc, test_negative_shift);
	tcase_add_test(tc, test_large_delta_no_overflow);
	tcase_add_test(tc, test_tsc_before_timestamp);
	tcase_add_test(tc, test_read_retries_on_version_change);
	tcase_add_test(tc, test_read_retries_while_odd);
	suite_add_tcase(s, tc);
	return s;
}
