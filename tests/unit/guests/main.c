/* Runs every guest-kernel unit-test suite and prints Check's summary. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_printf());
	int failed;

	srunner_add_suite(sr, suite_str());
	srunner_add_suite(sr, suite_ring());
	srunner_add_suite(sr, suite_xs());
	srunner_add_suite(sr, suite_time());
	srunner_add_suite(sr, suite_balloon());
	srunner_add_suite(sr, suite_gnttab());
	srunner_add_suite(sr, suite_mm());
	srunner_add_suite(sr, suite_blkfront());
	srunner_add_suite(sr, suite_disk());
	srunner_add_suite(sr, suite_netfront());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
