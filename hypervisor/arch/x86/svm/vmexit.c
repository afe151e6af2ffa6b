/*
 * #VMEXIT dispatch: one named handler per exit code.
 */
#include <asm/svm.h>
#include <asm/svm/vmcb.h>
#include <asm/cpuid.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/hypercall.h>
#include <keel/perfc.h>
#include <public/keel.h>

#define VEC_DF 8
#define VEC_GP 13
#define VEC_UD 6

/* The CPU has no NRIP save under QEMU: lengths are known per exit. */
#define LEN_CPUID   2
#define LEN_VMMCALL 3

void svm_inject_exception(struct vcpu *v, unsigned vector, bool has_error,
			  uint32_t error)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t ev = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;

	/* A fault while delivering another exception is a double fault. */
	if ((vmcb->ctrl.eventinj & EVENT_VALID) &&
	    ((vmcb->ctrl.eventinj >> 8) & 7) == 3) {
		vector = VEC_DF;
		has_error = true;
		error = 0;
		ev = VEC_DF | EVENT_TYPE_EXCEPTION | EVENT_VALID;
	}
	if (has_error)
		ev |= EVENT_ERROR_VALID | ((uint64_t)error << 32);
	vmcb->ctrl.eventinj = ev;
}

/*
 * #DB and #AC are intercepted in every VMCB, dom0's included, only so that
 * no guest can make the CPU deliver one of them in an endless loop inside
 * guest mode, with no #VMEXIT for an interrupt to end (Xen's XSA-156: an
 * #AC or #DB raised while delivering itself, e.g. through an IDT or stack
 * that faults again).  With the intercept each delivery is one exit, and
 * the pCPU's timer and kicks still get through.  The exception goes
 * straight back to the guest as the CPU would have delivered it:
 *  - #DB: the CPU has written DR6 into the VMCB before the exit, and the
 *    saved RIP is where delivery would have pushed it (past the
 *    instruction for a trap, at it for a fault); no error code.
 *  - #AC: a fault at the saved RIP, error code 0 (APM vol. 2 sec. 8.2.17).
 * Both are "benign" for double-fault purposes (APM vol. 2 sec. 8.2.9): an
 * exception whose delivery they interrupted is dropped and they are
 * delivered instead, as hardware does (a fault re-occurs on return).  An
 * interrupted NMI or interrupt is kept instead and the #DB/#AC dropped: a
 * fault re-occurs, a lost single-step trap is the guest's loss only.
 */
void svm_reflect_exception(struct vcpu *v, unsigned vector)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t ev = vmcb->ctrl.eventinj;

	if ((ev & EVENT_VALID) && (ev & (7u << 8)) != EVENT_TYPE_EXCEPTION &&
	    (ev & (7u << 8)) != EVENT_TYPE_SOFT)
		return;
	ev = vector | EVENT_TYPE_EXCEPTION | EVENT_VALID;
	if (vector == VEC_AC)
		ev |= EVENT_ERROR_VALID;	/* error code 0 */
	vmcb->ctrl.eventinj = ev;
}

static void advance_rip(struct vcpu *v, unsigned len)
{
	v->arch.vmcb->save.rip += len;
}

void svm_handle_cpuid(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct cpuid_regs r;

	guest_cpuid((uint32_t)vmcb->save.rax, (uint32_t)v->arch.regs.rcx,
		    vmcb->save.cr4, &r);
	vmcb->save.rax = r.eax;
	v->arch.regs.rbx = r.ebx;
	v->arch.regs.rcx = r.ecx;
	v->arch.regs.rdx = r.edx;
	advance_rip(v, LEN_CPUID);
}

void svm_handle_vmmcall(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	struct guest_regs *r = &v->arch.regs;
	uint64_t args[HYPERCALL_NARGS] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8 };

	/* Only the guest kernel may call the hypervisor: a dom0 process
	 * must go through the module's root-only device. */
	if (vmcb->save.cpl != 0) {
		svm_inject_exception(v, VEC_UD, false, 0);
		return;
	}
	vmcb->save.rax = (uint64_t)hypercall_dispatch(v, vmcb->save.rax, args);
	advance_rip(v, LEN_VMMCALL);
}

/* The NMI that caused this exit is still pending (GIF is clear).  Open
 * GIF with IF clear so that only the NMI is taken, by the hypervisor's
 * handler: it stops the CPU on panic, consumes a kick, or marks the NMI
 * as the guest's, which is then injected. */
static void handle_nmi(struct vcpu *v)
{
	struct pcpu *c = this_cpu();

	__asm__ volatile("stgi; clgi" ::: "memory");
	if (c->nmi_for_guest) {
		c->nmi_for_guest = false;
		if (!(v->arch.vmcb->ctrl.eventinj & EVENT_VALID))
			v->arch.vmcb->ctrl.eventinj = 2 | EVENT_TYPE_NMI | EVENT_VALID;
	}
}

static void dump_vmcb(const struct vmcb *vmcb)
{
	const struct vmcb_save *s = &vmcb->save;

	pr_err("  exitcode %lx info1 %lx info2 %lx exitintinfo %lx\n",
	       vmcb->ctrl.exitcode, vmcb->ctrl.exitinfo1, vmcb->ctrl.exitinfo2,
	       vmcb->ctrl.exitintinfo);
	pr_err("  rip %lx rsp %lx rflags %lx cpl %u\n", s->rip, s->rsp,
	       s->rflags, s->cpl);
	pr_err("  cr0 %lx cr3 %lx cr4 %lx efer %lx\n", s->cr0, s->cr3, s->cr4,
	       s->efer);
	pr_err("  cs %x/%x ss %x/%x\n", s->cs.sel, s->cs.attr, s->ss.sel,
	       s->ss.attr);
}

static void handle_shutdown(struct vcpu *v)
{
	pr_err("dom%u: triple fault (shutdown); its state cannot be resumed\n",
	       v->domain->id);
	dump_vmcb(v->arch.vmcb);
	if (v->domain->id == DOMID_DOM0)
		dom0_died("dom0 triple-faulted");
	panic("guest domains are not implemented yet");
}

void svm_count_exit(const struct vcpu *v)
{
	const struct vmcb *vmcb = v->arch.vmcb;
	uint64_t code = vmcb->ctrl.exitcode;
	unsigned r;

	switch (code) {
	case VMEXIT_CPUID: r = KEEL_PERFC_EXIT_CPUID; break;
	case VMEXIT_MSR:
		r = vmcb->ctrl.exitinfo1 ? KEEL_PERFC_EXIT_MSR_WRITE :
					   KEEL_PERFC_EXIT_MSR_READ;
		break;
	case VMEXIT_VMMCALL: r = KEEL_PERFC_EXIT_VMMCALL; break;
	case VMEXIT_NPF: r = KEEL_PERFC_EXIT_NPF; break;
	case VMEXIT_NMI: r = KEEL_PERFC_EXIT_NMI; break;
	case VMEXIT_INTR: r = KEEL_PERFC_EXIT_INTR; break;
	case VMEXIT_HLT: r = KEEL_PERFC_EXIT_HLT; break;
	case VMEXIT_EXCP_BASE + VEC_DB:
	case VMEXIT_EXCP_BASE + VEC_AC: r = KEEL_PERFC_EXIT_EXCP; break;
	case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE:
	case VMEXIT_STGI: case VMEXIT_CLGI: case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA: r = KEEL_PERFC_EXIT_SVM_INSN; break;
	default: r = KEEL_PERFC_EXIT_OTHER; break;
	}
	perfc_exit(v->domain, r);
}

void svm_vmexit(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t code = vmcb->ctrl.exitcode;

	svm_count_exit(v);

	/* An event whose delivery the exit interrupted must be delivered
	 * again (APM vol. 2 sec. 15.7.2). */
	vmcb->ctrl.eventinj = 0;
	if (vmcb->ctrl.exitintinfo & EVENT_VALID)
		vmcb->ctrl.eventinj = vmcb->ctrl.exitintinfo;
	vmcb->ctrl.tlb_control = TLB_CONTROL_NONE;

	switch (code) {
	case VMEXIT_CPUID:
		svm_handle_cpuid(v);
		break;
	case VMEXIT_MSR:
		svm_handle_msr(v);
		break;
	case VMEXIT_VMMCALL:
		svm_handle_vmmcall(v);
		break;
	case VMEXIT_NPF:
		svm_handle_npf(v);
		break;
	case VMEXIT_NMI:
		handle_nmi(v);
		break;
	case VMEXIT_EXCP_BASE + VEC_DB:
	case VMEXIT_EXCP_BASE + VEC_AC:
		svm_reflect_exception(v, (unsigned)(code - VMEXIT_EXCP_BASE));
		break;
	case VMEXIT_SHUTDOWN:
		handle_shutdown(v);
		break;
	case VMEXIT_VMRUN:
	case VMEXIT_VMLOAD:
	case VMEXIT_VMSAVE:
	case VMEXIT_STGI:
	case VMEXIT_CLGI:
	case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
		/* SVM is hidden from guests: behave as a CPU without it. */
		svm_inject_exception(v, VEC_UD, false, 0);
		break;
	case VMEXIT_INVALID:
		pr_err("svm: VMRUN refused dom%u's state (invalid guest state)\n",
		       v->domain->id);
		dump_vmcb(vmcb);
		panic("VMRUN consistency check failed");
	default:
		pr_err("svm: unexpected #VMEXIT %lx from dom%u\n", code,
		       v->domain->id);
		dump_vmcb(vmcb);
		panic("unexpected #VMEXIT");
	}
	console_notify_dom0();
}
