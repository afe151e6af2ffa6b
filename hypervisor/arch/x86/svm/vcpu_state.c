/*
 * A guest vCPU's whole state in and out (public/vcpu_state.h), for save,
 * restore and migration.  The vCPU is paused and off every pCPU (the
 * domctl checks), so its VMCB, registers and switched state
 * (svm_switch_out) are all in memory.  Times are converted between the
 * domain's system time and the hypervisor's (d->time_offset).
 */
#include <asm/domain.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/svm.h>
#include <asm/svm/vmcb.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <public/vcpu_state.h>

static void seg_out(struct keel_seg_state *o, const struct vmcb_seg *s)
{
	o->sel = s->sel;
	o->attr = s->attr;
	o->limit = s->limit;
	o->base = s->base;
}

static void seg_in(struct vmcb_seg *s, const struct keel_seg_state *o)
{
	s->sel = o->sel;
	s->attr = o->attr;
	s->limit = o->limit;
	s->base = o->base;
}

static uint64_t to_guest_time(const struct domain *d, uint64_t t)
{
	return t ? t + d->time_offset : 0;
}

static uint64_t to_host_time(const struct domain *d, uint64_t t)
{
	if (!t)
		return 0;
	return t > d->time_offset ? t - d->time_offset : 1;
}

void arch_vcpu_get_state(struct vcpu *v, struct keel_vcpu_state *o)
{
	const struct vmcb_save *s = &v->arch.vmcb->save;
	const struct guest_regs *r = &v->arch.regs;

	memset(o, 0, sizeof(*o));
	if (v->pause_flags & VPF_down)
		return;
	o->flags = KEEL_VCPU_STATE_up |
		   ((v->pause_flags & VPF_blocked) ? KEEL_VCPU_STATE_blocked : 0);
	o->pkru = v->arch.pkru;
	o->rax = s->rax; o->rsp = s->rsp;
	o->rbx = r->rbx; o->rcx = r->rcx; o->rdx = r->rdx; o->rsi = r->rsi;
	o->rdi = r->rdi; o->rbp = r->rbp; o->r8 = r->r8; o->r9 = r->r9;
	o->r10 = r->r10; o->r11 = r->r11; o->r12 = r->r12; o->r13 = r->r13;
	o->r14 = r->r14; o->r15 = r->r15;
	o->rip = s->rip; o->rflags = s->rflags;
	o->cr0 = s->cr0; o->cr2 = s->cr2; o->cr3 = s->cr3; o->cr4 = s->cr4;
	o->efer = s->efer; o->g_pat = s->g_pat; o->xcr0 = v->arch.xcr0;
	o->dr0 = v->arch.dr[0]; o->dr1 = v->arch.dr[1];
	o->dr2 = v->arch.dr[2]; o->dr3 = v->arch.dr[3];
	o->dr6 = s->dr6; o->dr7 = s->dr7;
	o->star = s->star; o->lstar = s->lstar; o->cstar = s->cstar;
	o->sfmask = s->sfmask; o->kernel_gs_base = s->kernel_gs_base;
	o->sysenter_cs = s->sysenter_cs; o->sysenter_esp = s->sysenter_esp;
	o->sysenter_eip = s->sysenter_eip;
	seg_out(&o->es, &s->es); seg_out(&o->cs, &s->cs);
	seg_out(&o->ss, &s->ss); seg_out(&o->ds, &s->ds);
	seg_out(&o->fs, &s->fs); seg_out(&o->gs, &s->gs);
	seg_out(&o->gdtr, &s->gdtr); seg_out(&o->ldtr, &s->ldtr);
	seg_out(&o->idtr, &s->idtr); seg_out(&o->tr, &s->tr);
	o->timer_deadline = to_guest_time(v->domain, v->timer_deadline);
	o->block_deadline = to_guest_time(v->domain, v->block_deadline);
	o->pending_event = v->arch.vmcb->ctrl.eventinj;
	o->interrupt_shadow = v->arch.vmcb->ctrl.interrupt_shadow & 1;
	o->cpl = s->cpl;
	memcpy(o->fxsave, v->arch.fpu->bytes, sizeof(o->fxsave));
}

/*
 * Checks what VMRUN would refuse (APM vol. 2, "VMRUN": canonicity aside,
 * a bad value there only fails that domain's next VMRUN, which crashes
 * it) and what the hypervisor's own switching relies on.
 */
static int check_state(const struct keel_vcpu_state *i)
{
	static const uint8_t zero[sizeof(i->pad) + sizeof(i->reserved)];

	if (memcmp(i->pad, zero, sizeof(i->pad)) ||
	    memcmp(i->reserved, zero, sizeof(i->reserved)))
		return -EINVAL;
	if (i->flags & ~(KEEL_VCPU_STATE_up | KEEL_VCPU_STATE_blocked))
		return -EINVAL;
	if (!(i->flags & KEEL_VCPU_STATE_up))
		return 0;
	if (i->cpl > 3 || (i->xcr0 != 1 && i->xcr0 != 3) ||
	    (i->cr0 >> 32) || ((i->cr0 & CR0_NW) && !(i->cr0 & CR0_CD)) ||
	    (i->cr4 >> 23) || !(i->efer & EFER_SVME) ||
	    (i->efer & ~0x5d01ull) ||   /* SCE LME LMA NXE SVME FFXSR */
	    (i->dr6 >> 32) || (i->dr7 >> 32) ||
	    (i->interrupt_shadow & ~1ull) ||
	    ((i->pending_event & (1ull << 31)) &&
	     ((i->pending_event >> 8) & 7) == 1))   /* type 1 is reserved */
		return -EINVAL;
	return 0;
}

int arch_vcpu_set_state(struct vcpu *v, const struct keel_vcpu_state *i)
{
	struct vmcb_save *s = &v->arch.vmcb->save;
	struct guest_regs *r = &v->arch.regs;
	int rc = check_state(i);

	if (rc)
		return rc;
	if (!(i->flags & KEEL_VCPU_STATE_up))
		return 0;
	s->rax = i->rax; s->rsp = i->rsp;
	r->rbx = i->rbx; r->rcx = i->rcx; r->rdx = i->rdx; r->rsi = i->rsi;
	r->rdi = i->rdi; r->rbp = i->rbp; r->r8 = i->r8; r->r9 = i->r9;
	r->r10 = i->r10; r->r11 = i->r11; r->r12 = i->r12; r->r13 = i->r13;
	r->r14 = i->r14; r->r15 = i->r15;
	s->rip = i->rip; s->rflags = i->rflags | 2;
	s->cr0 = i->cr0; s->cr2 = i->cr2; s->cr3 = i->cr3; s->cr4 = i->cr4;
	s->efer = i->efer; s->g_pat = i->g_pat;
	v->arch.xcr0 = i->xcr0;
	v->arch.pkru = i->pkru;
	v->arch.dr[0] = i->dr0; v->arch.dr[1] = i->dr1;
	v->arch.dr[2] = i->dr2; v->arch.dr[3] = i->dr3;
	s->dr6 = i->dr6; s->dr7 = i->dr7;
	s->star = i->star; s->lstar = i->lstar; s->cstar = i->cstar;
	s->sfmask = i->sfmask; s->kernel_gs_base = i->kernel_gs_base;
	s->sysenter_cs = i->sysenter_cs; s->sysenter_esp = i->sysenter_esp;
	s->sysenter_eip = i->sysenter_eip;
	seg_in(&s->es, &i->es); seg_in(&s->cs, &i->cs);
	seg_in(&s->ss, &i->ss); seg_in(&s->ds, &i->ds);
	seg_in(&s->fs, &i->fs); seg_in(&s->gs, &i->gs);
	seg_in(&s->gdtr, &i->gdtr); seg_in(&s->ldtr, &i->ldtr);
	seg_in(&s->idtr, &i->idtr); seg_in(&s->tr, &i->tr);
	s->cpl = i->cpl;
	v->arch.vmcb->ctrl.eventinj = i->pending_event;
	v->arch.vmcb->ctrl.interrupt_shadow = i->interrupt_shadow;
	v->timer_deadline = to_host_time(v->domain, i->timer_deadline);
	v->block_deadline = to_host_time(v->domain, i->block_deadline);
	memcpy(v->arch.fpu->bytes, i->fxsave, sizeof(i->fxsave));
	/* MXCSR reserved bits would #GP the hypervisor's FXRSTOR. */
	{
		uint32_t mxcsr;

		memcpy(&mxcsr, &v->arch.fpu->bytes[24], sizeof(mxcsr));
		if (mxcsr & ~0xffffu) {
			mxcsr &= 0xffff;
			memcpy(&v->arch.fpu->bytes[24], &mxcsr, sizeof(mxcsr));
		}
	}
	v->arch.flush_tlb = true;
	return 0;
}

void arch_vcpu_set_result(struct vcpu *v, uint64_t rax)
{
	v->arch.vmcb->save.rax = rax;
}
