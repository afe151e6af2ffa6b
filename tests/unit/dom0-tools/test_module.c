/* keel.ko's request checks, compiled from the module's own header. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tests.h"
#include "privcmd_check.h"

START_TEST(zero_request_ok)
{
	struct keel_ioctl_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(pad_nonzero_einval)
{
	struct keel_ioctl_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	hc.pad = 0x80000000u;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(len_at_max_ok_in_every_slot)
{
	struct keel_ioctl_hypercall hc;
	int i;

	memset(&hc, 0, sizeof(hc));
	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++)
		hc.len[i] = KEEL_PRIVCMD_BUF_MAX;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(len_over_max_einval_in_any_slot)
{
	struct keel_ioctl_hypercall hc;
	int i;

	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++) {
		memset(&hc, 0, sizeof(hc));
		hc.len[i] = KEEL_PRIVCMD_BUF_MAX + 1;
		ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
		hc.len[i] = UINT32_MAX;
		ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	}
}
END_TEST

START_TEST(ioctl_layout)
{
	/* The offsets privcmd.h documents by its field order; 32-bit and
	 * 64-bit callers share them, which compat_ptr_ioctl relies on. */
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, arg), 8);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, len), 48);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, pad), 68);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, result), 72);
}
END_TEST

Suite *module_suite(void)
{
	Suite *s = suite_create("keel.ko checks");
	TCase *tc = tcase_create("privcmd");

	tcase_add_test(tc, zero_request_ok);
	tcase_add_test(tc, pad_nonzero_einval);
	tcase_add_test(tc, len_at_max_ok_in_every_slot);
	tcase_add_test(tc, len_over_max_einval_in_any_slot);
	tcase_add_test(tc, ioctl_layout);
	suite_add_tcase(s, tc);
	return s;
}
