/* libkeelctl behind a fake hypervisor: argument checks and the call path. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"

int fake_backend(void *priv, struct keel_ioctl_hypercall *hc)
{
	struct fake_hv *f = priv;

	f->calls++;
	f->last = *hc;
	if (f->dev_err)
		return f->dev_err;
	if (f->fill) {
		int rc = f->fill(f, hc);

		if (rc)
			return rc;
	}
	else
		hc->result = f->result;
	return 0;
}

/* A logger that remembers the last message. */
struct test_logger {
	struct keel_logger base;
	int count;
	enum keel_log_level level;
	char msg[256];
};

static void test_log(struct keel_logger *self, enum keel_log_level level,
		     const char *fmt, va_list ap)
{
	struct test_logger *l = (struct test_logger *)self;

	l->count++;
	l->level = level;
	vsnprintf(l->msg, sizeof(l->msg), fmt, ap);
}

static struct fake_hv fake;
static struct test_logger logger;
static struct keel_ctl *h;

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(&logger, 0, sizeof(logger));
	logger.base.log = test_log;
	h = keel_ctl_open_backend(&logger.base, fake_backend, &fake);
	ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
	keel_ctl_close(h);
	h = NULL;
}

START_TEST(scalars_pass_through)
{
	struct keel_hc_arg a[] = { KEEL_HC_SCALAR(7), KEEL_HC_SCALAR(~0ull) };

	fake.result = 42;
	ck_assert_int_eq(keel_ctl_hypercall(h, 3, a, 2), 42);
	ck_assert_int_eq(fake.calls, 1);
	ck_assert_uint_eq(fake.last.op, 3);
	ck_assert_uint_eq(fake.last.arg[0], 7);
	ck_assert_uint_eq(fake.last.arg[1], ~0ull);
	ck_assert_uint_eq(fake.last.len[0], 0);
	ck_assert_uint_eq(fake.last.arg[2], 0);
	ck_assert_uint_eq(fake.last.pad, 0);
}
END_TEST

START_TEST(buffers_pass_pointer_and_length)
{
	char buf[32];
	struct keel_hc_arg a[] = { KEEL_HC_SCALAR(1), KEEL_HC_BUF(buf, sizeof(buf)) };

	ck_assert_int_eq(keel_ctl_hypercall(h, 0, a, 2), 0);
	ck_assert_uint_eq(fake.last.arg[1], (uintptr_t)buf);
	ck_assert_uint_eq(fake.last.len[1], sizeof(buf));
}
END_TEST

START_TEST(no_args_allowed)
{
	fake.result = 5;
	ck_assert_int_eq(keel_ctl_hypercall(h, 0, NULL, 0), 5);
	ck_assert_int_eq(fake.calls, 1);
}
END_TEST

START_TEST(too_many_args_einval_without_call)
{
	struct keel_hc_arg a[KEEL_PRIVCMD_NARGS + 1] = { 0 };

	ck_assert_int_eq(keel_ctl_hypercall(h, 0, a, KEEL_PRIVCMD_NARGS + 1), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(null_args_with_count_einval)
{
	ck_assert_int_eq(keel_ctl_hypercall(h, 0, NULL, 1), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(buffer_too_long_einval_without_call)
{
	static char big[KEEL_PRIVCMD_BUF_MAX + 1];
	struct keel_hc_arg a[] = { KEEL_HC_BUF(big, sizeof(big)) };

	ck_assert_int_eq(keel_ctl_hypercall(h, 0, a, 1), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(buffer_at_max_allowed)
{
	static char big[KEEL_PRIVCMD_BUF_MAX];
	struct keel_hc_arg a[] = { KEEL_HC_BUF(big, sizeof(big)) };

	ck_assert_int_eq(keel_ctl_hypercall(h, 0, a, 1), 0);
	ck_assert_int_eq(fake.calls, 1);
}
END_TEST

START_TEST(null_buffer_einval)
{
	struct keel_hc_arg a[] = { { .val = 0, .len = 8 } };

	ck_assert_int_eq(keel_ctl_hypercall(h, 0, a, 1), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(device_error_returned_and_logged)
{
	fake.dev_err = -EFAULT;
	ck_assert_int_eq(keel_ctl_hypercall(h, 1, NULL, 0), -EFAULT);
	ck_assert_int_eq(logger.count, 1);
	ck_assert_int_eq(logger.level, KEEL_LOG_ERROR);
	ck_assert_ptr_nonnull(strstr(logger.msg, "Bad address"));
}
END_TEST

START_TEST(hypervisor_error_returned)
{
	fake.result = -KEEL_ENOSYS;
	ck_assert_int_eq(keel_ctl_hypercall(h, 999, NULL, 0), -ENOSYS);
}
END_TEST

START_TEST(null_logger_is_silent)
{
	struct keel_ctl *q = keel_ctl_open_backend(NULL, fake_backend, &fake);

	fake.dev_err = -EIO;
	ck_assert_int_eq(keel_ctl_hypercall(q, 1, NULL, 0), -EIO);
	keel_ctl_close(q);
}
END_TEST

START_TEST(abi_version_uses_null_hypercall)
{
	fake.result = KEEL_ABI_VERSION;
	ck_assert_int_eq(keel_ctl_abi_version(h), KEEL_ABI_VERSION);
	ck_assert_uint_eq(fake.last.op, KEEL_HC_version);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_VERSION_ABI);
	ck_assert_uint_eq(fake.last.len[0], 0);
}
END_TEST

static int fill_unterminated(struct fake_hv *f, struct keel_ioctl_hypercall *hc)
{
	(void)f;
	memset((void *)(uintptr_t)hc->arg[1], 'x', hc->len[1]);
	hc->result = 0;
	return 0;
}

START_TEST(version_info_request_and_termination)
{
	struct keel_version_info vi;

	fake.fill = fill_unterminated;
	ck_assert_int_eq(keel_ctl_version_info(h, &vi), 0);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_VERSION_INFO);
	ck_assert_uint_eq(fake.last.len[1], sizeof(vi));
	ck_assert_uint_eq(fake.last.arg[2], sizeof(vi));
	ck_assert_uint_eq(fake.last.len[2], 0);
	ck_assert_uint_eq(strlen(vi.extra), sizeof(vi.extra) - 1);
	ck_assert_uint_eq(strlen(vi.build_id), sizeof(vi.build_id) - 1);
	ck_assert_uint_eq(strlen(vi.compiled), sizeof(vi.compiled) - 1);
}
END_TEST

START_TEST(version_info_error)
{
	struct keel_version_info vi;

	fake.result = -KEEL_EINVAL;
	ck_assert_int_eq(keel_ctl_version_info(h, &vi), -EINVAL);
}
END_TEST

START_TEST(physinfo_request)
{
	struct keel_physinfo pi;

	ck_assert_int_eq(keel_ctl_physinfo(h, &pi), 0);
	ck_assert_uint_eq(fake.last.op, KEEL_HC_sysctl);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_SYSCTL_PHYSINFO);
	ck_assert_uint_eq(fake.last.arg[1], (uintptr_t)&pi);
	ck_assert_uint_eq(fake.last.len[1], sizeof(pi));
	ck_assert_uint_eq(fake.last.arg[2], sizeof(pi));
}
END_TEST

START_TEST(physinfo_error)
{
	struct keel_physinfo pi;

	fake.result = -KEEL_EPERM;
	ck_assert_int_eq(keel_ctl_physinfo(h, &pi), -EPERM);
}
END_TEST

START_TEST(read_console_request)
{
	struct keel_console_cursor cur = { 100, 0 };
	char buf[64];

	fake.result = 10;
	ck_assert_int_eq(keel_ctl_read_console(h, &cur, buf, sizeof(buf)), 10);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_SYSCTL_READCONSOLE);
	ck_assert_uint_eq(fake.last.arg[1], (uintptr_t)buf);
	ck_assert_uint_eq(fake.last.len[1], sizeof(buf));
	ck_assert_uint_eq(fake.last.arg[2], sizeof(buf));
	ck_assert_uint_eq(fake.last.arg[3], (uintptr_t)&cur);
	ck_assert_uint_eq(fake.last.len[3], sizeof(cur));
}
END_TEST

START_TEST(read_console_zero_length_einval)
{
	struct keel_console_cursor cur = { 0, 0 };
	char buf[1];

	ck_assert_int_eq(keel_ctl_read_console(h, &cur, buf, 0), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(read_console_too_long_einval)
{
	struct keel_console_cursor cur = { 0, 0 };
	static char buf[KEEL_CONSOLE_READ_MAX + 1];

	ck_assert_int_eq(keel_ctl_read_console(h, &cur, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(read_console_overlong_result_eio)
{
	struct keel_console_cursor cur = { 0, 0 };
	char buf[16];

	fake.result = 17;
	ck_assert_int_eq(keel_ctl_read_console(h, &cur, buf, sizeof(buf)), -EIO);
}
END_TEST

START_TEST(read_console_error)
{
	struct keel_console_cursor cur = { 0, 0 };
	char buf[16];

	fake.result = -KEEL_EFAULT;
	ck_assert_int_eq(keel_ctl_read_console(h, &cur, buf, sizeof(buf)), -EFAULT);
}
END_TEST

START_TEST(open_missing_device_logs_hint)
{
	struct keel_ctl *q;

	/* Added only where the device is not there (lib_suite). */
	q = keel_ctl_open(&logger.base, 0);
	ck_assert_ptr_null(q);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(logger.count, 1);
	ck_assert_ptr_nonnull(strstr(logger.msg, KEEL_PRIVCMD_PATH));
}
END_TEST

START_TEST(open_quiet_does_not_log)
{
	struct keel_ctl *q = keel_ctl_open(&logger.base, KEEL_CTL_OPEN_QUIET);

	ck_assert_ptr_null(q);
	ck_assert_int_eq(logger.count, 0);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(close_null_ok)
{
	keel_ctl_close(NULL);
}
END_TEST

Suite *lib_suite(void)
{
	Suite *s = suite_create("libkeelctl");
	TCase *tc = tcase_create("hypercall");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, scalars_pass_through);
	tcase_add_test(tc, buffers_pass_pointer_and_length);
	tcase_add_test(tc, no_args_allowed);
	tcase_add_test(tc, too_many_args_einval_without_call);
	tcase_add_test(tc, null_args_with_count_einval);
	tcase_add_test(tc, buffer_too_long_einval_without_call);
	tcase_add_test(tc, buffer_at_max_allowed);
	tcase_add_test(tc, null_buffer_einval);
	tcase_add_test(tc, device_error_returned_and_logged);
	tcase_add_test(tc, hypervisor_error_returned);
	tcase_add_test(tc, null_logger_is_silent);
	tcase_add_test(tc, abi_version_uses_null_hypercall);
	tcase_add_test(tc, version_info_request_and_termination);
	tcase_add_test(tc, version_info_error);
	tcase_add_test(tc, physinfo_request);
	tcase_add_test(tc, physinfo_error);
	tcase_add_test(tc, read_console_request);
	tcase_add_test(tc, read_console_zero_length_einval);
	tcase_add_test(tc, read_console_too_long_einval);
	tcase_add_test(tc, read_console_overlong_result_eio);
	tcase_add_test(tc, read_console_error);
	tcase_add_test_no_device(tc, open_missing_device_logs_hint, KEEL_PRIVCMD_PATH);
	tcase_add_test_no_device(tc, open_quiet_does_not_log, KEEL_PRIVCMD_PATH);
	tcase_add_test(tc, close_null_ok);
	suite_add_tcase(s, tc);
	return s;
}
