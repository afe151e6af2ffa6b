/*
 * AMD SVM (AMD APM vol. 2 chapter 15): per-CPU enablement, VMCB set-up,
 * the run loop and #VMEXIT handling.  Everything that touches a VMCB
 * lives under arch/x86/svm/.
 */
#ifndef ASM_SVM_H
#define ASM_SVM_H

#include <keel/types.h>

struct pcpu;
struct vcpu;
struct guest_regs;

/* NULL if this CPU can run the hypervisor (SVM, nested paging, not
 * disabled by firmware), else a sentence saying what is missing. */
const char *svm_unsupported_reason(void);
/* Set EFER.SVME and VM_HSAVE_PA on this CPU and save its host state. */
void svm_cpu_init(struct pcpu *c);

struct dom0_entry {
	uint64_t rip;         /* 32-bit entry point */
	uint64_t rsi;         /* boot_params */
	uint64_t gdt_pa;      /* a GDT with flat code at 0x10, data at 0x18 */
	paddr_t npt_root;
};
/* Give dom0's vCPU a VMCB that starts it in 32-bit protected mode,
 * paging off, on its nested page table.  0 or -ENOMEM. */
int svm_dom0_vcpu_init(struct vcpu *v, const struct dom0_entry *e);
/* Run v on this pCPU for ever. */
__noreturn void svm_run(struct vcpu *v);

/* svm/entry.S: enter the guest until the next #VMEXIT.  Returns with
 * GIF = 0 and the host's FS/GS/TR/LDTR and syscall MSRs restored. */
void svm_vmrun(struct guest_regs *regs, paddr_t vmcb_pa, paddr_t host_state_pa);

/* In svm/vmexit.c. */
void svm_vmexit(struct vcpu *v);
/* Counts the exit just taken by @v (keel/perfc.h). */
void svm_count_exit(const struct vcpu *v);
void svm_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			  uint32_t error);
/* Give an intercepted #DB or #AC (vector) back to the guest as the CPU
 * would have delivered it (svm/vmexit.c; why they are intercepted). */
void svm_reflect_exception(struct vcpu *v, unsigned vector);
void svm_handle_cpuid(struct vcpu *v);
void svm_handle_vmmcall(struct vcpu *v);
/* In svm/msr.c: build the MSR permission map for dom0; handle one exit. */
paddr_t svm_dom0_msrpm(void);
void svm_handle_msr(struct vcpu *v);
void svm_msrpm_allow(uint8_t *map, uint32_t msr);
/* In svm/guest.c (the arch_* hooks it implements are in keel/arch.h). */
void svm_guest_maps_init(void);
void svm_kick_and_wait(struct vcpu *v, unsigned cpu);
/* In svm/npf.c. */
void svm_handle_npf(struct vcpu *v);

#endif
