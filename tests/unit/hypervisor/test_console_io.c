/*
 * common/console_io.c (KEEL_HC_console_io) with its own small stubs: a
 * guest's bytes come from a host buffer, the clock is a variable, and the
 * log counts what it was given.  The rate limit must bound what a domain
 * puts into the hypervisor log (tags and line ends included), per domain
 * instance, under a lock.
 */
#include "harness.h"

#include <stdarg.h>

#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/time.h>
#include <public/console.h>

#define BUDGET 8192              /* docs/abi.md: bytes of log per second */

/* --- stubs --- */

static char guest[KEEL_CONSOLEIO_MAX];
static uint64_t clock_ns;
static size_t logged;            /* bytes handed to the log */
static size_t logged_lines;
static char last_line[256];

uint64_t now_ns(void)
{
	return clock_ns;
}

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	if (gpa != 0 || len > sizeof(guest))
		return -EFAULT;
	memcpy(dst, guest, len);
	return 0;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	char line[256];
	int n = vsnprintf(line, sizeof(line), fmt, ap);

	logged += n > 0 ? (size_t)n : 0;
	logged_lines++;
	strcpy(last_line, line);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

void printk_ring(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

/* --- helpers --- */

static struct domain dom;

static struct domain *fresh_domain(uint16_t id)
{
	memset(&dom, 0, sizeof(dom));
	dom.id = id;
	dom.vcpu0.domain = &dom;
	dom.vcpu[0] = &dom.vcpu0;
	dom.nr_vcpus = 1;
	return &dom;
}

static long write_bytes(struct domain *d, size_t len)
{
	uint64_t args[HYPERCALL_NARGS] = { KEEL_CONSOLEIO_write, 0, len };

	return do_console_io(d->vcpu[0], args);
}

static void setup(void)
{
	memset(guest, 'x', sizeof(guest));
	clock_ns = 5000000000ull;
	logged = logged_lines = 0;
	last_line[0] = '\0';
}

/* --- tests --- */

START_TEST(write_logs_tagged_line)
{
	struct domain *d = fresh_domain(3);

	memcpy(guest, "hello\n", 6);
	ck_assert_int_eq(write_bytes(d, 6), 6);
	ck_assert_str_eq(last_line, "(d3) hello\n");
}
END_TEST

START_TEST(write_bad_command_enosys)
{
	struct domain *d = fresh_domain(3);
	uint64_t args[HYPERCALL_NARGS] = { 1, 0, 1 };

	ck_assert_int_eq(do_console_io(d->vcpu[0], args), -ENOSYS);
}
END_TEST

START_TEST(write_len_out_of_range_einval)
{
	struct domain *d = fresh_domain(3);

	ck_assert_int_eq(write_bytes(d, 0), -EINVAL);
	ck_assert_int_eq(write_bytes(d, KEEL_CONSOLEIO_MAX + 1), -EINVAL);
}
END_TEST

START_TEST(plain_text_limited_to_budget)
{
	struct domain *d = fresh_domain(3);

	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(write_bytes(d, KEEL_CONSOLEIO_MAX),
				 KEEL_CONSOLEIO_MAX);
	ck_assert_uint_le(logged, BUDGET);
	ck_assert_uint_gt(logged, BUDGET / 2);
}
END_TEST

/* Each '\n' becomes a line of its own with a "(dN) " tag: the limit must
 * count what reaches the log, not what the guest passed (before: 8 calls
 * of 1,024 newlines went through, 49,152 bytes of log). */
START_TEST(newlines_charged_as_logged_lines)
{
	struct domain *d = fresh_domain(3);

	memset(guest, '\n', sizeof(guest));
	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(write_bytes(d, KEEL_CONSOLEIO_MAX),
				 KEEL_CONSOLEIO_MAX);
	ck_assert_uint_le(logged, BUDGET);
}
END_TEST

START_TEST(budget_returns_next_window)
{
	struct domain *d = fresh_domain(3);

	for (int i = 0; i < 64; i++)
		write_bytes(d, KEEL_CONSOLEIO_MAX);
	logged = 0;
	clock_ns += 1100000000ull;
	memcpy(guest, "again\n", 6);
	write_bytes(d, 6);
	ck_assert_str_eq(last_line, "(d3) again\n");
}
END_TEST

/* A domain created with the id of one that used up its budget starts with
 * a full one (before: the old domain's window carried over). */
START_TEST(reused_domid_starts_with_full_budget)
{
	struct domain *d = fresh_domain(3);

	for (int i = 0; i < 64; i++)
		write_bytes(d, KEEL_CONSOLEIO_MAX);
	d = fresh_domain(3);
	memcpy(guest, "new\n", 4);
	logged_lines = 0;
	write_bytes(d, 4);
	ck_assert_uint_eq(logged_lines, 1);
	ck_assert_str_eq(last_line, "(d3) new\n");
}
END_TEST

/* The window is checked and charged under the domain's console lock
 * (vCPUs of one domain on several pCPUs call at once). */
START_TEST(charge_taken_under_lock)
{
	struct domain *d = fresh_domain(3);

	write_bytes(d, 10);
	ck_assert_uint_eq(d->console_io.lock.acquired, 1);
	ck_assert_int_eq(d->console_io.lock.locked, 0);
}
END_TEST

static Suite *console_io_suite(void)
{
	Suite *s = suite_create("console_io");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, write_logs_tagged_line);
	tcase_add_test(tc, write_bad_command_enosys);
	tcase_add_test(tc, write_len_out_of_range_einval);
	tcase_add_test(tc, plain_text_limited_to_budget);
	tcase_add_test(tc, newlines_charged_as_logged_lines);
	tcase_add_test(tc, budget_returns_next_window);
	tcase_add_test(tc, reused_domid_starts_with_full_budget);
	tcase_add_test(tc, charge_taken_under_lock);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(console_io_suite)
