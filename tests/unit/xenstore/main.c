/* Runs every store unit-test suite and prints Check's summary. */
#include <stdlib.h>

#include "harness.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_basics());
	int failed;

	srunner_add_suite(sr, suite_tree());
	srunner_add_suite(sr, suite_perms());
	srunner_add_suite(sr, suite_watch());
	srunner_add_suite(sr, suite_txn());
	srunner_add_suite(sr, suite_quota());
	srunner_add_suite(sr, suite_msg());
	srunner_add_suite(sr, suite_ring());
	srunner_add_suite(sr, suite_db());
	srunner_add_suite(sr, suite_domring());
	srunner_add_suite(sr, suite_control());
	srunner_add_suite(sr, suite_dblog());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
