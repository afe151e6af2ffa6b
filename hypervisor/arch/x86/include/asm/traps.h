/* Exception/interrupt frames and handlers (arch/x86/traps.c). */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <keel/types.h>

struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};

/* Interrupt vectors the hypervisor uses on its own pCPUs (1..n). */
#define VEC_KICK      0xf0   /* wake a pCPU to look at its work */
#define VEC_TIMER     0xf1   /* a guest pCPU's one-shot LAPIC timer */
#define VEC_SPURIOUS  0xff

void do_trap(struct trap_frame *f);

#endif
