/*
 * busy: burns CPU for ever.  Upcalls still arrive (interrupts stay on);
 * the loop runs the kernel's deferred work when an upcall left some, so
 * shutdown and balloon requests are still honoured.
 */
#include "kernel.h"

int guest_main(const char *cmdline)
{
	volatile uint64_t spins = 0;

	(void)cmdline;
	printk("busy: domain %u spinning\n", kernel_domid);
	for (;;) {
		spins++;
		if (kernel_work_pending())
			kernel_poll();
	}
}
