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

struct vcpu;

/* Guest pCPUs (arch/x86/svm/guest.c).  Run v until the scheduler is
 * needed (it blocked, paused or died, a kick asked for a decision) or
 * system time `until`; idle until an interrupt or `until` (0: none). */
void arch_run_vcpu(struct vcpu *v, uint64_t until);
void arch_idle_until(uint64_t until);
/* Publish the scheduler's latest pick on this pCPU (or NULL).  Called by
 * sched_pick() with the pCPU's scheduler lock held: must not block. */
void arch_set_picked(struct vcpu *v);
/* Make pCPU cpu look at its scheduler soon. */
void arch_kick_cpu(unsigned cpu);
/* Make v leave guest mode once if it runs on another pCPU (a new upcall
 * to deliver at its next entry). */
void arch_vcpu_poke(struct vcpu *v);
/* True while v is on a pCPU (for domain info). */
bool arch_vcpu_is_running(const struct vcpu *v);
/* Raise dom0's upcall: a real interrupt with this vector on pCPU0. */
void arch_send_dom0_upcall(uint8_t vector);

/* Pointer through which the hypervisor reaches physical address pa. */
void *arch_phys_to_virt(paddr_t pa);
paddr_t arch_virt_to_phys(const void *va);

#endif
