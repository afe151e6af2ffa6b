/* Runs every keel-consoled suite and prints Check's summary. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_ring());
	int failed;

	srunner_add_suite(sr, suite_logname());
	srunner_add_suite(sr, suite_proto());
	srunner_add_suite(sr, suite_backlog());
	srunner_add_suite(sr, suite_client());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
