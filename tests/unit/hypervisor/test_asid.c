/* arch/x86/asid.c: per-pCPU ASID generations (issue 11, finding 2). */
#include "harness.h"

#include <asm/asid.h>

#define NASID 16		/* QEMU 7.2's CPUID 0x8000000a EBX */

static struct asid_pool pool[2];

static void setup(void)
{
	asid_pool_init(&pool[0], NASID);
	asid_pool_init(&pool[1], NASID);
}

START_TEST(first_holders_get_1_then_2)
{
	struct asid_hold a = { 0 }, b = { 0 };

	ck_assert_uint_eq(asid_assign(&pool[0], 0, &a), 1);
	ck_assert_uint_eq(asid_assign(&pool[0], 0, &b), 2);
	ck_assert(!asid_take_flush(&pool[0]));
}
END_TEST

START_TEST(staying_keeps_its_asid_without_flush)
{
	struct asid_hold a = { 0 }, b = { 0 };

	asid_assign(&pool[0], 0, &a);
	asid_assign(&pool[0], 0, &b);
	for (int i = 0; i < 100; i++)
		ck_assert_uint_eq(asid_assign(&pool[0], 0, &a), 1);
	ck_assert(!asid_take_flush(&pool[0]));
}
END_TEST

/* A vCPU that moves away and comes back must not find the ASID it left
 * its translations under. */
START_TEST(moving_back_gets_a_fresh_asid)
{
	struct asid_hold a = { 0 };
	uint32_t first = asid_assign(&pool[0], 0, &a);

	asid_assign(&pool[1], 1, &a);
	ck_assert_uint_eq(a.cpu, 1);
	ck_assert_uint_ne(asid_assign(&pool[0], 0, &a), first);
}
END_TEST

/* A new vCPU (a new domain, whatever its id) never inherits an ASID. */
START_TEST(new_holder_never_shares_a_live_asid)
{
	struct asid_hold a = { 0 }, b = { 0 };

	asid_assign(&pool[0], 0, &a);
	ck_assert_uint_ne(asid_assign(&pool[0], 0, &b), a.asid);
}
END_TEST

START_TEST(running_out_starts_a_generation_with_a_flush)
{
	struct asid_hold h[NASID] = { { 0 } };

	for (int i = 0; i < NASID - 1; i++)
		ck_assert_uint_eq(asid_assign(&pool[0], 0, &h[i]), (uint32_t)i + 1);
	ck_assert(!asid_take_flush(&pool[0]));
	ck_assert_uint_eq(asid_assign(&pool[0], 0, &h[NASID - 1]), 1);
	ck_assert(asid_take_flush(&pool[0]));
	ck_assert(!asid_take_flush(&pool[0]));	/* once */
	/* The old generation's holders all get fresh ones. */
	ck_assert_uint_eq(asid_assign(&pool[0], 0, &h[0]), 2);
}
END_TEST

START_TEST(tiny_nasid_still_gives_asid_1)
{
	struct asid_hold a = { 0 }, b = { 0 };

	asid_pool_init(&pool[0], _i);	/* 0, 1 or 2 ASIDs */
	ck_assert_uint_eq(asid_assign(&pool[0], 0, &a), 1);
	ck_assert_uint_eq(asid_assign(&pool[0], 0, &b), 1);
	ck_assert(asid_take_flush(&pool[0]));	/* b took a's only ASID */
}
END_TEST

/*
 * The invariant, under a random schedule of 8 vCPUs over 2 pCPUs: each
 * time a vCPU runs with (pCPU, ASID), either it ran last with exactly
 * that pair, or no vCPU has run with that pair since the pCPU's last
 * whole-TLB flush.  "tagged[cpu][asid]" is who last ran there.
 */
START_TEST(no_asid_reused_without_a_flush)
{
	enum { VCPUS = 8, CPUS = 2 };
	struct asid_hold h[VCPUS] = { { 0 } };
	int tagged[CPUS][NASID];
	int last_cpu[VCPUS];
	unsigned seed = 12345;

	memset(tagged, -1, sizeof(tagged));
	for (int v = 0; v < VCPUS; v++)
		last_cpu[v] = -1;
	for (int step = 0; step < 100000; step++) {
		int v, cpu;
		uint32_t asid;

		seed = seed * 1103515245u + 12345u;
		v = (seed >> 16) % VCPUS;
		cpu = (seed >> 8) % CPUS;
		asid = asid_assign(&pool[cpu], (unsigned)cpu, &h[v]);
		ck_assert_uint_ge(asid, 1);
		ck_assert_uint_lt(asid, NASID);
		if (asid_take_flush(&pool[cpu]))
			memset(tagged[cpu], -1, sizeof(tagged[cpu]));
		if (tagged[cpu][asid] != -1)
			ck_assert_int_eq(tagged[cpu][asid], v);
		if (tagged[cpu][asid] == v)
			ck_assert_int_eq(last_cpu[v], cpu);
		tagged[cpu][asid] = v;
		last_cpu[v] = cpu;
	}
}
END_TEST

static Suite *asid_suite(void)
{
	Suite *s = suite_create("asid");
	TCase *tc = tcase_create("asid");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, first_holders_get_1_then_2);
	tcase_add_test(tc, staying_keeps_its_asid_without_flush);
	tcase_add_test(tc, moving_back_gets_a_fresh_asid);
	tcase_add_test(tc, new_holder_never_shares_a_live_asid);
	tcase_add_test(tc, running_out_starts_a_generation_with_a_flush);
	tcase_add_loop_test(tc, tiny_nasid_still_gives_asid_1, 0, 3);
	tcase_add_test(tc, no_asid_reused_without_a_flush);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(asid_suite)
