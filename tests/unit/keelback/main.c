/* Runs every libkeelback suite and prints Check's summary. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_state());
	int failed;

	srunner_add_suite(sr, suite_ring());
	srunner_add_suite(sr, suite_blk_req());
	srunner_add_suite(sr, suite_parse());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
