/* Runs every keel-netback suite and prints Check's summary. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_tx());
	int failed;

	srunner_add_suite(sr, suite_filter());
	srunner_add_suite(sr, suite_rate());
	srunner_add_suite(sr, suite_csum());
	srunner_add_suite(sr, suite_io());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
