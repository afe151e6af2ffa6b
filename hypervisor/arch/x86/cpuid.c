/*
 * Guest CPUID policy (bit positions: AMD CPUID Specification #25481 and
 * APM vol. 3 appendix E).
 */
#include <asm/cpuid.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <public/keel.h>

#define L1_ECX_MONITOR    (1u << 3)
#define L1_ECX_VMX        (1u << 5)
#define L1_ECX_X2APIC     (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_OSXSAVE    (1u << 27)
#define L1_ECX_HYPERVISOR (1u << 31)
#define L7_ECX_OSPKE      (1u << 4)
#define L7_ECX_LA57       (1u << 16)
#define LX1_ECX_SVM       (1u << 2)
#define LX1_ECX_MONITORX  (1u << 29)
#define LX1_ECX_TCE       (1u << 17)
#define LX1_EDX_SYSCALL   (1u << 11)
#define LX1_EDX_NX        (1u << 20)
#define LX1_EDX_FFXSR     (1u << 25)
#define LX1_EDX_LM        (1u << 29)

void cpuid_policy(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
		  struct cpuid_regs *r)
{
	if ((leaf & 0xffff0000u) == KEEL_CPUID_BASE) {
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		if (leaf == KEEL_CPUID_BASE) {
			r->eax = KEEL_CPUID_BASE + 1;
			r->ebx = KEEL_CPUID_SIG_EBX;
			r->ecx = KEEL_CPUID_SIG_ECX;
			r->edx = KEEL_CPUID_SIG_EDX;
		} else if (leaf == KEEL_CPUID_BASE + 1) {
			r->eax = KEEL_ABI_VERSION;
		}
		return;
	}
	switch (leaf) {
	case 1:
		/* No MONITOR/MWAIT: QEMU's MWAIT spins a host core; guests
		 * idle with HLT.  No x2APIC or TSC-deadline: not emulated. */
		r->ecx &= ~(L1_ECX_MONITOR | L1_ECX_VMX | L1_ECX_X2APIC |
			    L1_ECX_TSC_DEADLINE | L1_ECX_OSXSAVE);
		r->ecx |= L1_ECX_HYPERVISOR;
		if (guest_cr4 & CR4_OSXSAVE)
			r->ecx |= L1_ECX_OSXSAVE;
		break;
	case 5:		/* MONITOR/MWAIT leaf: hidden with the feature */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	case 7:
		if (subleaf == 0) {
			r->ecx &= ~(L7_ECX_LA57 | L7_ECX_OSPKE);
			if (guest_cr4 & CR4_PKE)
				r->ecx |= L7_ECX_OSPKE;
		}
		break;
	case 0x80000001:
		/* MONITORX/MWAITX go with MONITOR/MWAIT (Linux would use
		 * MWAITX for delays, which QEMU spins on). */
		r->ecx &= ~(LX1_ECX_SVM | LX1_ECX_MONITORX);
		break;
	case 0x8000000a:	/* SVM features */
		*r = (struct cpuid_regs){ 0, 0, 0, 0 };
		break;
	default:
		break;
	}
}

uint64_t cpuid_efer_allowed(uint32_t ext_ecx, uint32_t ext_edx)
{
	uint64_t mask = 0;

	if (ext_edx & LX1_EDX_SYSCALL)
		mask |= EFER_SCE;
	if (ext_edx & LX1_EDX_LM)
		mask |= EFER_LME | EFER_LMA;
	if (ext_edx & LX1_EDX_NX)
		mask |= EFER_NXE;
	if (ext_edx & LX1_EDX_FFXSR)
		mask |= EFER_FFXSR;
	if (ext_ecx & LX1_ECX_TCE)
		mask |= EFER_TCE;
	return mask;
}
