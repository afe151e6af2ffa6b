/* Native CPUID plus the guest policy (kept apart so cpuid.c stays pure). */
#include <asm/cpuid.h>
#include <asm/x86.h>

void guest_cpuid(uint32_t leaf, uint32_t subleaf, uint64_t guest_cr4,
		 struct cpuid_regs *r)
{
	cpuid_count(leaf, subleaf, &r->eax, &r->ebx, &r->ecx, &r->edx);
	cpuid_policy(leaf, subleaf, guest_cr4, r);
}
