/*
 * Nested page faults.  dom0's nested table maps everything 1:1 except the
 * hypervisor's memory and the guest pool, so a fault from dom0 is an
 * access to memory it does not own: log it and give dom0 a #GP(0) at the
 * faulting instruction (a process gets SIGSEGV, the kernel oopses) --
 * never silent corruption and never a hypervisor crash.  The fault gives
 * a guest-physical address but no linear address (no decode assists), so
 * #GP, which needs neither, is the honest exception to raise.
 */
#include <asm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/console.h>
#include <keel/domain.h>

#define VEC_GP 13
#define NPF_LOG_BURST 20

void svm_handle_npf(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t err = vmcb->ctrl.exitinfo1, gpa = vmcb->ctrl.exitinfo2;

	/* Log the first few and then every 1000th: a process in a loop must
	 * not flood the log ring. */
	if (v->arch.npf_logged < NPF_LOG_BURST ||
	    v->arch.npf_logged % 1000 == 0)
		pr_warn("npt: dom%u denied access to memory it does not own: gpa 0x%lx (%s%s) at rip 0x%lx cpl %u; injecting #GP\n",
			v->domain->id, gpa,
			(err & NPF_FETCH) ? "fetch" : (err & NPF_WRITE) ? "write" : "read",
			(err & NPF_GUEST_PT) ? ", page walk" : "",
			vmcb->save.rip, vmcb->save.cpl);
	v->arch.npf_logged++;
	svm_inject_exception(v, VEC_GP, true, 0);
}
