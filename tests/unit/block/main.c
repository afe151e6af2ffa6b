/* Runs the block image suites (raw, cow, blk_image_open). */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_raw());
	int failed;

	srunner_add_suite(sr, suite_cow());
	srunner_add_suite(sr, suite_open());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
