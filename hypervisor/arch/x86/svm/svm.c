/*
 * SVM enablement and the dom0 vCPU (AMD APM vol. 2 sec. 15.4, 15.5).
 */
#include <asm/svm.h>
#include <asm/svm/vmcb.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/mm.h>

#define CPUID_SVM   (1u << 2)    /* 0x80000001 ECX */
#define SVM_NP      (1u << 0)    /* 0x8000000a EDX */

const char *svm_unsupported_reason(void)
{
	uint32_t a, b, c, d;

	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x8000000a)
		return "this CPU has no SVM (AMD-V): CPUID leaf 0x8000000a is missing";
	cpuid_count(0x80000001, 0, &a, &b, &c, &d);
	if (!(c & CPUID_SVM))
		return "this CPU has no SVM (AMD-V); with QEMU use -cpu max (TCG) on an AMD-capable model";
	if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
		return "SVM is disabled by the firmware (VM_CR.SVMDIS)";
	cpuid_count(0x8000000a, 0, &a, &b, &c, &d);
	if (!(d & SVM_NP))
		return "this CPU's SVM has no nested paging (NPT)";
	return NULL;
}

#define L7_ECX_PKU  (1u << 3)    /* leaf 7 ECX */

/* Guest pCPUs switch guests' FPU state with FXSAVE/FXRSTOR and XCR0 with
 * XSETBV: enable both (the hypervisor itself never uses the FPU).  With
 * PKU, CR4.PKE lets the host switch each guest's PKRU with RDPKRU/WRPKRU:
 * a guest can set its own CR4.PKE whatever CPUID says, and PKRU is in
 * neither the VMCB nor FXSAVE.  PKRU never limits the hypervisor: it
 * applies to user pages only and the host maps none (APM vol. 2,
 * "Memory Protection Keys").  pCPU0's control registers in this respect
 * are dom0's business. */
static void host_fpu_init(void)
{
	uint32_t a, b, c, d;
	uint64_t pke;

	cpuid_count(7, 0, &a, &b, &c, &d);
	pke = (c & L7_ECX_PKU) ? CR4_PKE : 0;
	cpuid_count(1, 0, &a, &b, &c, &d);
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT | pke |
		  ((c & (1u << 26)) ? CR4_OSXSAVE : 0));
}

/* ASIDs a guest pCPU hands out: 1 .. NASID-1 (CPUID 0x8000000a EBX; ASID 0
 * is the host's, APM vol. 2 sec. 15.16).  dom0's ASID 1 is on pCPU0 only,
 * where no guest runs. */
static void asid_init(struct pcpu *c)
{
	uint32_t a, b, cx, d;

	cpuid_count(0x8000000a, 0, &a, &b, &cx, &d);
	asid_pool_init(&c->asids, b);
}

void svm_cpu_init(struct pcpu *c)
{
	c->hsave_pa = alloc_pages(1, 1);
	c->host_state_pa = alloc_pages(1, 1);
	if (!c->hsave_pa || !c->host_state_pa)
		panic("svm: out of memory for CPU%u's host state", c->id);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	if (c->id != 0) {
		host_fpu_init();
		asid_init(c);
	}
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	/* FS/GS/TR/LDTR and the syscall MSRs as they are now: restored by
	 * VMLOAD after every #VMEXIT. */
	__asm__ volatile("vmsave %0" : : "a"(c->host_state_pa) : "memory");
}

static void flat_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attr)
{
	s->sel = sel;
	s->attr = attr;
	s->limit = 0xffffffff;
	s->base = 0;
}

int svm_dom0_vcpu_init(struct vcpu *v, const struct dom0_entry *e)
{
	static paddr_t iopm;
	struct vmcb *vmcb;
	paddr_t msrpm;

	/* dom0 drives the hardware: no I/O port is intercepted, but VMRUN
	 * still needs a valid 12 KiB map. */
	if (!iopm)
		iopm = alloc_pages(3, 1);
	msrpm = svm_dom0_msrpm();
	v->arch.vmcb_pa = alloc_pages(1, 1);
	if (!iopm || !msrpm || !v->arch.vmcb_pa)
		return -ENOMEM;
	vmcb = v->arch.vmcb = phys_to_virt(v->arch.vmcb_pa);

	/* Intercept what safety needs: the SVM instructions (answered with
	 * #UD), CPUID, the MSRs in the permission map, nested page faults,
	 * shutdown, NMIs (how another pCPU reaches pCPU0), and #DB and #AC,
	 * which are given straight back (svm_reflect_exception: XSA-156). */
	vmcb->ctrl.intercept_exceptions = INTERCEPT_EXC(VEC_DB) |
					  INTERCEPT_EXC(VEC_AC);
	vmcb->ctrl.intercept_misc1 = INTERCEPT_NMI | INTERCEPT_CPUID |
				     INTERCEPT_MSR | INTERCEPT_SHUTDOWN |
				     INTERCEPT_INVLPGA;
	vmcb->ctrl.intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
				     INTERCEPT_VMLOAD | INTERCEPT_VMSAVE |
				     INTERCEPT_STGI | INTERCEPT_CLGI |
				     INTERCEPT_SKINIT;
	vmcb->ctrl.iopm_base_pa = iopm;
	vmcb->ctrl.msrpm_base_pa = msrpm;
	vmcb->ctrl.asid = 1;
	/* V_INTR_MASKING = 0 and no INTR intercept: physical interrupts go
	 * straight through dom0's IDT. */
	vmcb->ctrl.vintr = 0;
	vmcb->ctrl.np_enable = 1;
	vmcb->ctrl.n_cr3 = e->npt_root;
	vmcb->ctrl.tlb_control = TLB_CONTROL_FLUSH_ALL;

	/* Linux's 32-bit boot protocol entry: flat segments, __BOOT_CS 0x10,
	 * __BOOT_DS 0x18, paging off, interrupts off. */
	flat_seg(&vmcb->save.cs, 0x10, SEG_ATTR_CODE32);
	flat_seg(&vmcb->save.ds, 0x18, SEG_ATTR_DATA32);
	flat_seg(&vmcb->save.es, 0x18, SEG_ATTR_DATA32);
	flat_seg(&vmcb->save.ss, 0x18, SEG_ATTR_DATA32);
	flat_seg(&vmcb->save.fs, 0x18, SEG_ATTR_DATA32);
	flat_seg(&vmcb->save.gs, 0x18, SEG_ATTR_DATA32);
	vmcb->save.gdtr.base = e->gdt_pa;
	vmcb->save.gdtr.limit = 0x1f;
	vmcb->save.idtr.limit = 0;
	vmcb->save.ldtr.attr = SEG_ATTR_LDT;
	vmcb->save.ldtr.limit = 0xffff;
	vmcb->save.tr.attr = SEG_ATTR_TSS32;
	vmcb->save.tr.limit = 0xffff;
	vmcb->save.cpl = 0;	/* QEMU reads SS.DPL, hardware reads CPL */
	vmcb->save.cr0 = CR0_PE | CR0_ET;
	vmcb->save.cr4 = 0;
	/* VMRUN refuses a guest without EFER.SVME; it is kept set and hidden
	 * from the guest (svm/msr.c). */
	vmcb->save.efer = EFER_SVME;
	vmcb->save.rflags = 0x2;
	vmcb->save.rip = e->rip;
	vmcb->save.dr6 = 0xffff0ff0;
	vmcb->save.dr7 = 0x400;
	vmcb->save.g_pat = PAT_DEFAULT;
	v->arch.regs.rsi = e->rsi;
	return 0;
}

extern char __image_start[], __image_end[];

/* dom0's last entries and exits, for check_dom0_state's report: what was
 * injected and flushed at the entry, and what the exit was (with RAX, the
 * hypercall number after a VMMCALL). */
#define DOM0_TRACE 16
static struct {
	uint64_t eventinj, rip, tlbctl, exitcode, info1, info2, exitintinfo, rax;
} dom0_trace[DOM0_TRACE];
static unsigned dom0_trace_next;

static void trace_entry(const struct vmcb *vmcb)
{
	unsigned i = dom0_trace_next % DOM0_TRACE;

	dom0_trace[i].eventinj = vmcb->ctrl.eventinj;
	dom0_trace[i].rip = vmcb->save.rip;
	dom0_trace[i].tlbctl = vmcb->ctrl.tlb_control;
}

static void trace_exit(const struct vmcb *vmcb)
{
	unsigned i = dom0_trace_next++ % DOM0_TRACE;

	dom0_trace[i].exitcode = vmcb->ctrl.exitcode;
	dom0_trace[i].info1 = vmcb->ctrl.exitinfo1;
	dom0_trace[i].info2 = vmcb->ctrl.exitinfo2;
	dom0_trace[i].exitintinfo = vmcb->ctrl.exitintinfo;
	dom0_trace[i].rax = vmcb->save.rax;
}

/*
 * dom0 cannot run inside the hypervisor image: it is not in dom0's nested
 * table.  A saved RIP there means its VMCB holds the host's state.  That
 * is seen under QEMU's multi-threaded TCG only, with 60+ guests running
 * (docs/testing.md, "QEMU's multi-threaded TCG"): an exit saves pCPU0's
 * host registers -- its RSP, the RIP after VMRUN that only the #VMEXIT's
 * reload from the host-save area puts there, and the hypervisor's CR3 --
 * as dom0's, although the VMCB held a dom0 RIP just before VMRUN and
 * VMRUN saved the host's state where VM_HSAVE_PA says.  dom0's state is
 * then lost, so stop at the exit that shows it, before it is handled,
 * with what tells the causes apart, rather than fault on every entry.
 * (Only a #VMEXIT saves registers into the VMCB: one check per exit.)
 */
static void check_dom0_state(struct vcpu *v, struct pcpu *c)
{
	const struct vmcb *vmcb = v->arch.vmcb;
	uint64_t rip = vmcb->save.rip, rsp = vmcb->save.rsp;

	if (rip < (uint64_t)__image_start || rip >= (uint64_t)__image_end)
		return;
	pr_err("svm: dom0's VMCB holds hypervisor state: rip %lx rsp %lx cr3 %lx\n",
	       rip, rsp, vmcb->save.cr3);
	pr_err("svm: exit %lx info1 %lx info2 %lx exitintinfo %lx eventinj %lx\n",
	       vmcb->ctrl.exitcode, vmcb->ctrl.exitinfo1, vmcb->ctrl.exitinfo2,
	       vmcb->ctrl.exitintinfo, vmcb->ctrl.eventinj);
	pr_err("svm: vmcb %lx (free in the allocator: %d), hsave %lx (MSR %lx, free: %d), host state %lx (free: %d)\n",
	       v->arch.vmcb_pa, frame_is_free(&hv_frames, v->arch.vmcb_pa >> PAGE_SHIFT),
	       c->hsave_pa, rdmsr(MSR_VM_HSAVE_PA),
	       frame_is_free(&hv_frames, c->hsave_pa >> PAGE_SHIFT),
	       c->host_state_pa,
	       frame_is_free(&hv_frames, c->host_state_pa >> PAGE_SHIFT));
	for (unsigned i = 0; i < nr_cpus_online; i++) {
		struct vcpu *cur = pcpus[i].current;

		pr_err("svm: CPU%u stack %lx..%lx%s, hsave %lx, host state %lx, running dom%d (vmcb %lx)\n",
		       i, pcpus[i].stack_block, pcpus[i].stack_block + STACK_SIZE,
		       rsp - pcpus[i].stack_block < STACK_SIZE ? " (holds the saved rsp)" : "",
		       pcpus[i].hsave_pa, pcpus[i].host_state_pa,
		       cur ? (int)cur->domain->id : -1,
		       cur ? cur->arch.vmcb_pa : 0);
	}
	pr_err("svm: dom0's last entries, oldest first (injected, rip, tlb control -> exit, info1, info2, exitintinfo, rax):\n");
	for (unsigned n = 0; n < DOM0_TRACE; n++) {
		unsigned i = (dom0_trace_next + n) % DOM0_TRACE;

		pr_err("  %lx %lx tlb %lx -> %lx %lx %lx %lx rax %lx\n",
		       dom0_trace[i].eventinj,
		       dom0_trace[i].rip, dom0_trace[i].tlbctl, dom0_trace[i].exitcode,
		       dom0_trace[i].info1, dom0_trace[i].info2,
		       dom0_trace[i].exitintinfo, dom0_trace[i].rax);
	}
	panic("dom0's saved state was overwritten with the host's");
}

void svm_run(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	c->current = v;
	for (;;) {
		if (__atomic_exchange_n(&v->arch.flush_tlb, false, __ATOMIC_SEQ_CST))
			v->arch.vmcb->ctrl.tlb_control = TLB_CONTROL_FLUSH_ALL;
		trace_entry(v->arch.vmcb);
		svm_vmrun(&v->arch.regs, v->arch.vmcb_pa, c->host_state_pa);
		trace_exit(v->arch.vmcb);
		check_dom0_state(v, c);
		svm_vmexit(v);
	}
}
