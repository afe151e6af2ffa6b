/* Runs every dom0-tools suite and prints Check's summary line. */
#include <stdlib.h>

#include "tests.h"

int main(void)
{
	SRunner *sr = srunner_create(lib_suite());
	int failed;

	srunner_add_suite(sr, vmctl_suite());
	srunner_add_suite(sr, format_suite());
	srunner_add_suite(sr, module_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, elf_suite());
	srunner_add_suite(sr, domain_suite());
	srunner_add_suite(sr, libdom_suite());
	srunner_add_suite(sr, vbd_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
