/*
 * Hooks that common code calls and each architecture implements
 * (arch/x86/...).  Common code never uses inline assembly or hardware
 * structures directly.
 */
#ifndef KEEL_ARCH_H
#define KEEL_ARCH_H

#include <keel/types.h>

/* Console sinks. */
void arch_com1_putc(char c);
void arch_e9_putc(char c);

/* Stop every other pCPU (panic); never returns on them. */
void arch_stop_other_cpus(void);
__noreturn void arch_halt(void);
/* Print registers and a backtrace of the current context, if any. */
void arch_dump_stack(void);
unsigned arch_cpu_id(void);

/* Pointer through which the hypervisor reaches physical address pa. */
void *arch_phys_to_virt(paddr_t pa);

#endif
