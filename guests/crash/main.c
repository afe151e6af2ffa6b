/*
 * crash: faults on purpose.  Default: a write to guest-virtual address 8
 * (page 0 is never mapped) -> #PF, which the kernel's handler reports
 * before shutting down with reason crash.  Command line words pick other
 * faults: "ud2" (invalid opcode), "triple" (an empty IDT, then ud2: the
 * exception cannot be delivered, escalates to #DF and then to a triple
 * fault, which the hypervisor sees as a SHUTDOWN exit).
 */
#include "kernel.h"

int guest_main(const char *cmdline)
{
	if (gk_has_word(cmdline, "triple")) {
		printk("crash: domain %u triple-faulting on purpose\n", kernel_domid);
		irq_disable();
		traps_disable();
		__asm__ volatile("ud2");
	} else if (gk_has_word(cmdline, "ud2")) {
		printk("crash: domain %u executing ud2 on purpose\n", kernel_domid);
		__asm__ volatile("ud2");
	} else {
		printk("crash: domain %u writing to an unmapped address on purpose\n",
		       kernel_domid);
		/* Through a volatile address, so the compiler cannot see it. */
		volatile uintptr_t addr = 8;

		*(volatile uint64_t *)addr = 0xdead;
	}
	printk("crash: still alive?\n");
	return 1;
}
