/*
 * What a guest sees through CPUID (a single intercept covers every leaf):
 * the host's values with SVM and 5-level paging hidden, OSXSAVE/OSPKE as
 * the guest's own CR4 implies, the hypervisor-present bit set, and the
 * hypervisor leaves 0x40000000.. answered by us.
 */
#ifndef ASM_CPUID_H
#define ASM_CPUID_H

#include <keel/types.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Pure: adjust the host's answer `r` for leaf/subleaf to what a guest
 * with control register 4 `guest_cr4` must see.  Unit-tested. */
void cpuid_policy(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
		  struct cpuid_regs *r);
/* Pure: the EFER bits a guest may set, from what leaf 0x80000001 shows it
 * (ECX `ext_ecx`, EDX `ext_edx`, after cpuid_policy): SCE with SYSCALL,
 * LME/LMA with long mode, NXE with NX, FFXSR with FFXSR, TCE with TCE.
 * LMSLE is never allowed: no CPUID bit announces it (newer CPUs and
 * QEMU 7.2's VMRUN treat it as reserved).  SVME is the hypervisor's and
 * is not in the mask.  APM vol. 2 sec. 3.1.7; CPUID bits: vol. 3 app. E.4.2. */
uint64_t cpuid_efer_allowed(uint32_t ext_ecx, uint32_t ext_edx);
/* Execute CPUID on this CPU and apply the policy. */
void guest_cpuid(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
		 struct cpuid_regs *r);

#endif
