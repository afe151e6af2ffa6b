/* x86 parts of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <keel/types.h>
#include <asm/pagetable.h>

struct vmcb;

/* Guest general registers that VMRUN does not switch (all but RAX and
 * RSP, which live in the VMCB).  Layout known to svm/entry.S. */
struct guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct arch_domain {
	struct pagetable npt;         /* guest-physical -> machine */
};

struct arch_vcpu {
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct guest_regs regs;
	uint64_t npf_logged;          /* denied accesses logged so far */
};

#endif
