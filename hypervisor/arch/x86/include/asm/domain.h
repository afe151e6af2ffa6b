/* x86 parts of domains and vCPUs. */
#ifndef ASM_DOMAIN_H
#define ASM_DOMAIN_H

#include <keel/types.h>
#include <asm/asid.h>
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
	uint64_t npt_pages;           /* guests: npt's table pages, root aside
				         (p2m_table_pages; under d->lock) */
	paddr_t msrpm;                /* MSR permission map (guests: shared) */
};

/* FXSAVE area (APM vol. 4, FXSAVE): guests' x87/SSE state. */
struct fpu_area {
	uint8_t bytes[512];
} __aligned(16);

struct arch_vcpu {
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	struct guest_regs regs;
	uint64_t npf_logged;          /* denied accesses logged so far */
	struct fpu_area *fpu;         /* guests only */
	uint64_t xcr0;                /* guests only */
	volatile bool flush_tlb;      /* flush nested TLB at next VMRUN */
	volatile int running_on;      /* pCPU running it (arch_run_vcpu), or -1 */
	volatile bool in_guest;       /* in guest mode right now */
	/* Guests only: state no VMCB holds, switched with the vCPU on its
	 * pCPU (svm/guest.c, svm_switch_in/out). */
	uint64_t dr[4];               /* DR0-DR3 */
	uint32_t pkru;
	struct asid_hold asid;        /* guests only: its ASID (asm/asid.h) */
};

#endif
