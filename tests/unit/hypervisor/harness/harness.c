/* Suite runner and BUG() stand-in for the hypervisor unit suites. */
#include "harness.h"

int harness_locks_held;

int harness_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	/* Every test in its own process whatever CK_FORK says: hypervisor
	 * files keep static state (console.c's ring, a panic that never
	 * returns), and a BUG() stand-in aborts. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

void harness_skip(const char *suite, const char *test, const char *why)
{
	printf("SKIP: %s: %s (%s)\n", suite, test, why);
	fflush(stdout);
}

void harness_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, what);
	abort();
}
