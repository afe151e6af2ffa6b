/* vmctl's process entry point; the program itself is vmctl_main(). */
#include "vmctl.h"

int main(int argc, char **argv)
{
	struct vmctl v;
	int rc;

	vmctl_init(&v, stdout);
	rc = vmctl_main(&v, argc, argv);
	vmctl_fini(&v);
	if (fflush(stdout) != 0)
		rc = VMCTL_FAIL;
	return rc;
}
