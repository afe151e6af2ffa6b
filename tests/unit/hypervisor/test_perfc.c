/* common/perfc.c: exit and hypercall counters, dom0 apart from guests
 * (KEEL_SYSCTL_PERFC, issue 12). */
#include "harness.h"

#include <keel/domain.h>
#include <keel/perfc.h>

START_TEST(dom0_and_guests_counted_apart)
{
	struct domain d0 = { .id = DOMID_DOM0 }, d1 = { .id = 1 }, d7 = { .id = 7 };
	struct keel_perfc a, b;

	perfc_read(&a);
	perfc_exit(&d0, KEEL_PERFC_EXIT_CPUID);
	perfc_exit(&d0, KEEL_PERFC_EXIT_CPUID);
	perfc_exit(&d1, KEEL_PERFC_EXIT_HLT);
	perfc_exit(&d7, KEEL_PERFC_EXIT_HLT);
	perfc_hypercall(&d0, KEEL_HC_sysctl);
	perfc_hypercall(&d7, KEEL_HC_sched_op);
	perfc_read(&b);
	ck_assert_uint_eq(b.dom0.exits[KEEL_PERFC_EXIT_CPUID] -
			  a.dom0.exits[KEEL_PERFC_EXIT_CPUID], 2);
	ck_assert_uint_eq(b.dom0.exits[KEEL_PERFC_EXIT_HLT] -
			  a.dom0.exits[KEEL_PERFC_EXIT_HLT], 0);
	ck_assert_uint_eq(b.guests.exits[KEEL_PERFC_EXIT_HLT] -
			  a.guests.exits[KEEL_PERFC_EXIT_HLT], 2);
	ck_assert_uint_eq(b.dom0.hypercalls[KEEL_HC_sysctl] -
			  a.dom0.hypercalls[KEEL_HC_sysctl], 1);
	ck_assert_uint_eq(b.guests.hypercalls[KEEL_HC_sched_op] -
			  a.guests.hypercalls[KEEL_HC_sched_op], 1);
}
END_TEST

/* A reason past the array counts as "other"; a hypercall number past it
 * is not counted (nothing is written out of bounds: ASan). */
START_TEST(out_of_range_is_safe)
{
	struct domain d0 = { .id = DOMID_DOM0 };
	struct keel_perfc a, b;

	perfc_read(&a);
	perfc_exit(&d0, 1000);
	perfc_hypercall(&d0, KEEL_PERFC_HYPERCALLS);
	perfc_hypercall(&d0, ~0ull);
	perfc_read(&b);
	ck_assert_uint_eq(b.dom0.exits[KEEL_PERFC_EXIT_OTHER] -
			  a.dom0.exits[KEEL_PERFC_EXIT_OTHER], 1);
	for (unsigned i = 0; i < KEEL_PERFC_HYPERCALLS; i++)
		ck_assert_uint_eq(b.dom0.hypercalls[i], a.dom0.hypercalls[i]);
}
END_TEST

static Suite *perfc_suite(void)
{
	Suite *s = suite_create("perfc");
	TCase *tc = tcase_create("perfc");

	tcase_add_test(tc, dom0_and_guests_counted_apart);
	tcase_add_test(tc, out_of_range_is_safe);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(perfc_suite)
