/* Runs every dom0-tools suite and prints Check's summary line. */
#include <stdlib.h>
#include <unistd.h>

#include "tests.h"

void add_test_needing_no_device(TCase *tc, const TTest *tf, const char *device)
{
	if (access(device, F_OK) == 0) {
		printf("SKIP: dom0-tools: %s (%s exists: this test needs a machine "
		       "without it)\n", tf->name, device);
		fflush(stdout);
		return;
	}
	tcase_add_test(tc, tf);
}

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
	srunner_add_suite(sr, vif_suite());
	srunner_add_suite(sr, migrate_suite());
	srunner_add_suite(sr, mig_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
