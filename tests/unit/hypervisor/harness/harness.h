/*
 * Shared pieces of the hypervisor unit suites: each suite is one Check
 * binary built from its test file, the real hypervisor sources it covers,
 * and harness.c.  Include this before any hypervisor header: keel/types.h
 * defines short attribute macros (__packed, __unused) that host headers
 * must not see.
 */
#ifndef HARNESS_H
#define HARNESS_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Run one suite with Check's normal output (the summary line
 * "NN%: Checks: C, Failures: F, Errors: E" and each failure); returns the
 * process exit status: non-zero when any test failed. */
int harness_run(Suite *s);

#define HARNESS_MAIN(suite_fn) \
	int main(void) { return harness_run(suite_fn()); }

/* A test left out because what it needs is missing: printed as a SKIP
 * line, which the runner counts as skipped (tests/summarize.py), neither
 * a pass nor a failure. */
void harness_skip(const char *suite, const char *test, const char *why);

/* Stand-in for BUG(): report and abort the test (Check records an error). */
__attribute__((noreturn)) void harness_bug(const char *file, int line,
					   const char *what);

#endif
