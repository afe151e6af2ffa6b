/*
 * MSR intercepts (AMD APM vol. 2 sec. 15.11).  dom0 reaches every MSR
 * directly except the few through which it could undo the hypervisor:
 * EFER (SVME must stay set, and hidden), VM_CR and VM_HSAVE_PA (SVM's
 * own), PAT (under nested paging the guest's PAT is the VMCB's G_PAT),
 * and writes to APIC_BASE (the hypervisor sends IPIs through pCPU0's
 * LAPIC at its current address).
 */
#include <asm/svm.h>
#include <asm/cpuid.h>
#include <asm/svm/vmcb.h>
#include <asm/msr.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/mm.h>

#define VEC_GP 13
#define LEN_MSR 2
#define MSRPM_PAGES 2

/* Bit offset of an MSR's read bit in the permission map, or -1 for MSRs
 * the map does not cover (those always exit). */
static long msrpm_bit(uint32_t msr)
{
	if (msr <= 0x1fff)
		return msr * 2;
	if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		return 0x800 * 8 + (msr - 0xc0000000) * 2;
	if (msr >= 0xc0010000 && msr <= 0xc0011fff)
		return 0x1000 * 8 + (msr - 0xc0010000) * 2;
	return -1;
}

void svm_msrpm_allow(uint8_t *map, uint32_t msr)
{
	long bit = msrpm_bit(msr);

	map[bit / 8] &= ~(1u << (bit % 8));
	map[(bit + 1) / 8] &= ~(1u << ((bit + 1) % 8));
}

static void intercept(uint8_t *map, uint32_t msr, bool read, bool write)
{
	long bit = msrpm_bit(msr);

	if (read)
		map[bit / 8] |= 1u << (bit % 8);
	if (write)
		map[(bit + 1) / 8] |= 1u << ((bit + 1) % 8);
}

paddr_t svm_dom0_msrpm(void)
{
	static paddr_t pa;
	uint8_t *map;

	if (pa)
		return pa;
	pa = alloc_pages(MSRPM_PAGES, 1);
	if (!pa)
		return 0;
	map = phys_to_virt(pa);
	intercept(map, MSR_EFER, true, true);
	intercept(map, MSR_VM_CR, true, true);
	intercept(map, MSR_VM_HSAVE_PA, true, true);
	intercept(map, MSR_PAT, true, true);
	intercept(map, MSR_APIC_BASE, false, true);
	return pa;
}

/* Returns false to make the access #GP, as hardware would.  Only the bits
 * whose feature the guest's own CPUID shows may be set (a reserved bit
 * #GPs on hardware: APM vol. 2 sec. 3.1.7); anything more would make the
 * next VMRUN fail its consistency check (sec. 15.5.1) or enable a
 * feature the guest was not offered.  SVME is accepted as written and
 * kept set either way. */
static bool efer_write(struct vmcb *vmcb, uint64_t val)
{
	uint64_t cur = vmcb->save.efer;
	struct cpuid_regs r;

	guest_cpuid(0x80000001, 0, vmcb->save.cr4, &r);
	if (val & ~(cpuid_efer_allowed(r.ecx, r.edx) | EFER_SVME))
		return false;
	/* LME may not change while paging is on (APM vol. 2 sec. 14.6). */
	if ((vmcb->save.cr0 & (1ull << 31)) && ((val ^ cur) & EFER_LME))
		return false;
	/* LMA is the CPU's to set; SVME stays set for VMRUN's sake. */
	vmcb->save.efer = (val & ~(EFER_LMA | EFER_SVME)) | (cur & EFER_LMA) |
			  EFER_SVME;
	return true;
}

static bool pat_valid(uint64_t pat)
{
	for (int i = 0; i < 8; i++) {
		uint8_t t = (pat >> (i * 8)) & 0xff;

		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

static bool msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
	struct vmcb *vmcb = v->arch.vmcb;

	switch (msr) {
	case MSR_EFER:
		*val = vmcb->save.efer & ~EFER_SVME;
		return true;
	case MSR_VM_CR:
		/* As on a CPU whose firmware disabled and locked SVM. */
		*val = VM_CR_LOCK | VM_CR_SVMDIS;
		return true;
	case MSR_PAT:
		*val = vmcb->save.g_pat;
		return true;
	default:
		return false;
	}
}

static bool msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
	struct vmcb *vmcb = v->arch.vmcb;

	switch (msr) {
	case MSR_EFER:
		return efer_write(vmcb, val);
	case MSR_PAT:
		if (!pat_valid(val))
			return false;
		vmcb->save.g_pat = val;
		return true;
	case MSR_APIC_BASE: {
		uint64_t cur;

		if (!v->domain->privileged)
			return false;	/* guests have no local APIC */
		cur = rdmsr(MSR_APIC_BASE);

		/* Keep the address and the enable bit; nothing else is
		 * writable on this machine (no x2APIC). */
		if ((val ^ cur) & ~APIC_BASE_BSP) {
			pr_warn("msr: dom0 tried to change APIC_BASE %lx -> %lx; refused\n",
				cur, val);
			return false;
		}
		return true;
	}
	default:
		return false;
	}
}

void svm_handle_msr(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint32_t msr = (uint32_t)v->arch.regs.rcx;
	bool ok;

	if (vmcb->ctrl.exitinfo1 == 0) {	/* RDMSR */
		uint64_t val = 0;

		ok = msr_read(v, msr, &val);
		if (ok) {
			vmcb->save.rax = (uint32_t)val;
			v->arch.regs.rdx = val >> 32;
		}
	} else {
		uint64_t val = (uint32_t)vmcb->save.rax |
			       (v->arch.regs.rdx << 32);

		ok = msr_write(v, msr, val);
	}
	if (!ok) {
		pr_debug("msr: dom%u %s of MSR %x refused with #GP\n",
			 v->domain->id, vmcb->ctrl.exitinfo1 ? "write" : "read",
			 msr);
		svm_inject_exception(v, VEC_GP, true, 0);
		return;
	}
	vmcb->save.rip += LEN_MSR;
}
