#include "kernel.h"
#include "net.h"
int guest_main(const char *cmdline)
{
	int rc = net_init(cmdline);
	if (rc < 0)
		return rc;
	for (;;)
		net_wait(0);
}
