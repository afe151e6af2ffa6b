/*
 * Guest domains under SVM: their VMCBs, what they may and may not do, and
 * running a vCPU on a guest pCPU until the scheduler needs the CPU back.
 *
 * A guest is untrusted.  Everything that could reach beyond its own
 * memory and CPU time is intercepted: I/O ports (none exist for it), all
 * MSRs but those VMLOAD/VMSAVE switch anyway, the SVM instructions,
 * XSETBV, INVD, WBINVD, RDPMC, MONITOR/MWAIT, HLT (it blocks the vCPU),
 * #DB and #AC (XSA-156), physical interrupts and NMIs (the pCPU's), and
 * shutdown.  State no VMCB holds and no intercept hides -- DR0-DR3, PKRU --
 * is switched with the vCPU.  A nested page fault or a triple fault
 * crashes the domain, never the hypervisor.
 */
#include <asm/svm.h>
#include <asm/svm/vmcb.h>
#include <asm/lapic.h>
#include <asm/mm.h>
#include <asm/msr.h>
#include <asm/percpu.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/time.h>
#include <keel/xmalloc.h>

#define VEC_UD 6
#define VEC_GP 13

#define INTERCEPT_INVD    (1u << 22)
#define INTERCEPT_MONITOR (1u << 10)
#define INTERCEPT_MWAIT   (1u << 11)
#define VMEXIT_INVD       0x076
#define VMEXIT_MONITOR    0x08a
#define VMEXIT_MWAIT      0x08b
#define V_INTR_MASKING    (1ull << 24)
#define V_IRQ             (1ull << 8)
#define V_IGN_TPR         (1ull << 20)
#define V_INTR_VECTOR_SHIFT 32

static paddr_t guest_iopm, guest_msrpm;

/* MSRs that VMLOAD/VMSAVE switch with the vCPU: safe to pass through. */
static const uint32_t passthrough_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, 0xc0000102 /* KERNEL_GS_BASE */,
	0xc0000081 /* STAR */, 0xc0000082 /* LSTAR */, 0xc0000083 /* CSTAR */,
	0xc0000084 /* SFMASK */, 0x174, 0x175, 0x176 /* SYSENTER_* */,
};

/* Boot: the I/O and MSR permission maps all guests share, made once so
 * that creating and destroying guests leaves free memory as it was. */
void svm_guest_maps_init(void)
{
	uint8_t *pm;

	guest_iopm = alloc_pages(3, 1);
	guest_msrpm = alloc_pages(2, 1);
	if (!guest_iopm || !guest_msrpm)
		panic("svm: no memory for the guests' permission maps");
	memset(phys_to_virt(guest_iopm), 0xff, 3 * PAGE_SIZE);
	pm = phys_to_virt(guest_msrpm);
	memset(pm, 0xff, 2 * PAGE_SIZE);
	for (unsigned i = 0; i < ARRAY_SIZE(passthrough_msrs); i++)
		svm_msrpm_allow(pm, passthrough_msrs[i]);
}

int arch_domain_init(struct domain *d)
{
	d->arch.msrpm = guest_msrpm;
	return pt_init(&d->arch.npt, &hv_pt_mem);
}

void arch_domain_destroy(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (v && v->arch.vmcb_pa) {
			free_pages(v->arch.vmcb_pa, 1);
			v->arch.vmcb_pa = 0;
			v->arch.vmcb = NULL;
		}
		if (v && v->arch.fpu) {
			xfree_bytes(v->arch.fpu, sizeof(*v->arch.fpu));
			v->arch.fpu = NULL;
		}
	}
	if (d->arch.npt.root)
		pt_destroy(&d->arch.npt);
}

int arch_vcpu_init(struct vcpu *v)
{
	struct domain *d = v->domain;
	struct vmcb *vmcb;

	v->arch.running_on = -1;
	v->arch.xcr0 = 1;
	v->arch.fpu = xzalloc(struct fpu_area);
	v->arch.vmcb_pa = alloc_pages(1, 1);
	if (!v->arch.fpu || !v->arch.vmcb_pa)
		return -ENOMEM;
	/* FXSAVE image of a reset FPU: FCW 0x37f, MXCSR 0x1f80. */
	v->arch.fpu->bytes[0] = 0x7f;
	v->arch.fpu->bytes[1] = 0x03;
	v->arch.fpu->bytes[24] = 0x80;
	v->arch.fpu->bytes[25] = 0x1f;

	vmcb = v->arch.vmcb = phys_to_virt(v->arch.vmcb_pa);
	vmcb->ctrl.intercept_exceptions = INTERCEPT_EXC(VEC_DB) |
					  INTERCEPT_EXC(VEC_AC);
	/* RDPMC would read the host's counters (#GP: no PMU is offered);
	 * WBINVD would stall every CPU's caches at a guest's whim (a no-op:
	 * a guest has no device to be coherent with). */
	vmcb->ctrl.intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI |
		INTERCEPT_CPUID | INTERCEPT_HLT | INTERCEPT_INVLPGA |
		INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN |
		INTERCEPT_INVD | INTERCEPT_RDPMC;
	vmcb->ctrl.intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL |
		INTERCEPT_VMLOAD | INTERCEPT_VMSAVE | INTERCEPT_STGI |
		INTERCEPT_CLGI | INTERCEPT_SKINIT | INTERCEPT_XSETBV |
		INTERCEPT_MONITOR | INTERCEPT_MWAIT | INTERCEPT_WBINVD;
	vmcb->ctrl.iopm_base_pa = guest_iopm;
	vmcb->ctrl.msrpm_base_pa = d->arch.msrpm;
	/* The ASID is per pCPU, given at each run (svm_asid_assign). */
	v->arch.asid = (struct asid_hold){ 0 };
	/* Physical interrupts stay the host's: they exit (INTR intercept)
	 * and are masked by the host's IF, not the guest's. */
	vmcb->ctrl.vintr = V_INTR_MASKING;
	vmcb->ctrl.np_enable = 1;
	vmcb->ctrl.n_cr3 = d->arch.npt.root;
	vmcb->ctrl.tlb_control = TLB_CONTROL_FLUSH_ALL;
	return 0;
}

static void flat_seg(struct vmcb_seg *s, uint16_t sel, uint16_t attr)
{
	s->sel = sel;
	s->attr = attr;
	s->limit = 0xffffffff;
	s->base = 0;
}

void arch_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rbx)
{
	struct vmcb_save *s = &v->arch.vmcb->save;

	/* public/start_info.h: 32-bit flat protected mode, paging off. */
	flat_seg(&s->cs, 0x08, SEG_ATTR_CODE32);
	flat_seg(&s->ds, 0x10, SEG_ATTR_DATA32);
	flat_seg(&s->es, 0x10, SEG_ATTR_DATA32);
	flat_seg(&s->ss, 0x10, SEG_ATTR_DATA32);
	flat_seg(&s->fs, 0x10, SEG_ATTR_DATA32);
	flat_seg(&s->gs, 0x10, SEG_ATTR_DATA32);
	s->ldtr.attr = SEG_ATTR_LDT;
	s->ldtr.limit = 0xffff;
	s->tr.attr = SEG_ATTR_TSS32;
	s->tr.limit = 0xffff;
	s->cpl = 0;
	s->cr0 = CR0_PE | CR0_ET;
	s->efer = EFER_SVME;
	s->rflags = 0x2;
	s->rip = rip;
	s->dr6 = 0xffff0ff0;
	s->dr7 = 0x400;
	s->g_pat = PAT_DEFAULT;
	memset(&v->arch.regs, 0, sizeof(v->arch.regs));
	v->arch.regs.rbx = rbx;
}

/* I/O ports: a guest has none.  IN reads all ones, OUT is dropped, like
 * an empty bus; string and REP forms get #GP (APM vol. 2 sec. 15.10.2 for
 * EXITINFO1: bit 0 IN, bit 2 string, bit 3 REP, bits 4-6 size). */
static void handle_ioio(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t info = vmcb->ctrl.exitinfo1;

	if (info & ((1u << 2) | (1u << 3))) {
		svm_inject_exception(v, VEC_GP, true, 0);
		return;
	}
	if (info & 1) {
		uint64_t mask = (info & (1u << 4)) ? 0xff :
				(info & (1u << 5)) ? 0xffff : 0xffffffff;

		vmcb->save.rax = (vmcb->save.rax & ~mask) | mask;
	}
	vmcb->save.rip = vmcb->ctrl.exitinfo2;	/* next RIP */
}

static void handle_hlt(struct vcpu *v)
{
	v->arch.vmcb->save.rip += 1;
	vcpu_block(v, 0);
}

/* Only x87 and SSE state may be enabled: the hypervisor switches guest
 * FPU state with FXSAVE, which holds nothing more. */
static void handle_xsetbv(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t val = (uint32_t)vmcb->save.rax | (v->arch.regs.rdx << 32);

	if (!(vmcb->save.cr4 & CR4_OSXSAVE)) {
		svm_inject_exception(v, VEC_UD, false, 0);
		return;
	}
	if ((uint32_t)v->arch.regs.rcx != 0 || (val != 1 && val != 3)) {
		svm_inject_exception(v, VEC_GP, true, 0);
		return;
	}
	v->arch.xcr0 = val;
	xcr0_load(val);
	vmcb->save.rip += 3;
}

/*
 * EXITINTINFO as EVENTINJ.  QEMU (7.2, svm_helper's do_interrupt record)
 * reports an interrupt whose delivery was cut short -- the upcall's V_IRQ
 * pushing onto a stack page log-dirty mode has write-protected -- as type
 * "exception" with the interrupt's vector, and then refuses that very
 * value in EVENTINJ at VMRUN (an exception vector must be below 32:
 * APM vol. 2 sec. 15.20), failing the guest with an invalid-state exit.
 * An "exception" above 31 can only be an interrupt: inject it as one.
 */
static uint64_t svm_reinject_info(uint64_t info)
{
	if ((info & (7u << 8)) == EVENT_TYPE_EXCEPTION &&
	    (info & EVENT_VECTOR_MASK) >= 32)
		info = (info & ~((uint64_t)(7u << 8) | EVENT_ERROR_VALID)) |
		       EVENT_TYPE_INTR;
	return info;
}

static void guest_vmexit(struct vcpu *v)
{
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t code = vmcb->ctrl.exitcode;
	char why[96];

	svm_count_exit(v);
	vmcb->ctrl.eventinj = 0;
	if (vmcb->ctrl.exitintinfo & EVENT_VALID)
		vmcb->ctrl.eventinj = svm_reinject_info(vmcb->ctrl.exitintinfo);
	vmcb->ctrl.tlb_control = TLB_CONTROL_NONE;

	switch (code) {
	case VMEXIT_INTR:
	case VMEXIT_NMI:
		break;		/* taken by the host once GIF is set */
	case VMEXIT_CPUID:
		svm_handle_cpuid(v);
		break;
	case VMEXIT_VMMCALL:
		svm_handle_vmmcall(v);
		break;
	case VMEXIT_MSR:
		svm_handle_msr(v);
		break;
	case VMEXIT_IOIO:
		handle_ioio(v);
		break;
	case VMEXIT_HLT:
		handle_hlt(v);
		break;
	case VMEXIT_XSETBV:
		handle_xsetbv(v);
		break;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		vmcb->save.rip += 2;	/* no caches to throw away */
		break;
	case VMEXIT_RDPMC:
		svm_inject_exception(v, VEC_GP, true, 0);
		break;
	case VMEXIT_EXCP_BASE + VEC_DB:
	case VMEXIT_EXCP_BASE + VEC_AC:
		svm_reflect_exception(v, (unsigned)(code - VMEXIT_EXCP_BASE));
		break;
	case VMEXIT_NPF:
		/* A write to a page log-dirty mode made read-only: recorded,
		 * writable again, and the guest retries. */
		if ((vmcb->ctrl.exitinfo1 & (NPF_PRESENT | NPF_WRITE)) ==
		    (NPF_PRESENT | NPF_WRITE) &&
		    logdirty_write_fault(v->domain,
					 vmcb->ctrl.exitinfo2 >> PAGE_SHIFT))
			break;
		snprintf(why, sizeof(why), "access to gpa 0x%lx outside its memory at rip 0x%lx",
			 vmcb->ctrl.exitinfo2, vmcb->save.rip);
		domain_crash(v->domain, why);
		break;
	case VMEXIT_SHUTDOWN:
		snprintf(why, sizeof(why), "triple fault at rip 0x%lx",
			 vmcb->save.rip);
		domain_crash(v->domain, why);
		break;
	case VMEXIT_VMRUN: case VMEXIT_VMLOAD: case VMEXIT_VMSAVE:
	case VMEXIT_STGI: case VMEXIT_CLGI: case VMEXIT_SKINIT:
	case VMEXIT_INVLPGA: case VMEXIT_MONITOR: case VMEXIT_MWAIT:
		svm_inject_exception(v, VEC_UD, false, 0);
		break;
	default:
		snprintf(why, sizeof(why), "unexpected #VMEXIT 0x%lx at rip 0x%lx",
			 code, vmcb->save.rip);
		domain_crash(v->domain, why);
		break;
	}
}

/* V_IRQ carries the upcall while one is pending and not masked; the
 * guest's own RFLAGS.IF decides when it is taken (V_IGN_TPR: the guest
 * has no TPR to consult). */
static void prepare_upcall(struct vcpu *v)
{
	struct keel_shared_info *si = v->domain->shared_info;
	struct vmcb *vmcb = v->arch.vmcb;
	uint64_t vintr = V_INTR_MASKING;

	if (si && v->domain->upcall_vector && v->id < KEEL_MAX_VCPUS) {
		struct keel_vcpu_info *vi = &si->vcpu_info[v->id];

		if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) &&
		    !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_ACQUIRE))
			vintr |= V_IRQ | V_IGN_TPR | (0xfull << 16) |
				 ((uint64_t)v->domain->upcall_vector << V_INTR_VECTOR_SHIFT);
	}
	vmcb->ctrl.vintr = vintr;
}

/*
 * The vCPU's state that VMRUN does not switch: FPU/SSE and XCR0, DR0-DR3
 * (DR6/DR7 are in the VMCB; DR0-DR3 are not, and are not intercepted),
 * and PKRU (a guest may set CR4.PKE, which is not intercepted; PKRU is in
 * neither the VMCB nor FXSAVE).  Each vCPU on a pCPU loads its own, so
 * nothing one guest leaves there reaches the next (APM vol. 2 sec. 15.5.1
 * lists what VMRUN saves and loads).  The hypervisor itself uses none of
 * them: after #VMEXIT the host's DR7 enables no breakpoint, and PKRU
 * applies to user pages only.  Once per run of the vCPU, not per exit.
 */
static void svm_switch_in(struct vcpu *v)
{
	__asm__ volatile("fxrstor64 %0" : : "m"(*v->arch.fpu));
	xcr0_load(v->arch.xcr0);
	__asm__ volatile("mov %0, %%dr0" : : "r"(v->arch.dr[0]));
	__asm__ volatile("mov %0, %%dr1" : : "r"(v->arch.dr[1]));
	__asm__ volatile("mov %0, %%dr2" : : "r"(v->arch.dr[2]));
	__asm__ volatile("mov %0, %%dr3" : : "r"(v->arch.dr[3]));
	if (read_cr4() & CR4_PKE)
		__asm__ volatile("wrpkru" : : "a"(v->arch.pkru), "c"(0), "d"(0));
}

static void svm_switch_out(struct vcpu *v)
{
	__asm__ volatile("fxsave64 %0" : "=m"(*v->arch.fpu));
	__asm__ volatile("mov %%dr0, %0" : "=r"(v->arch.dr[0]));
	__asm__ volatile("mov %%dr1, %0" : "=r"(v->arch.dr[1]));
	__asm__ volatile("mov %%dr2, %0" : "=r"(v->arch.dr[2]));
	__asm__ volatile("mov %%dr3, %0" : "=r"(v->arch.dr[3]));
	if (read_cr4() & CR4_PKE) {
		uint32_t edx;

		__asm__ volatile("rdpkru" : "=a"(v->arch.pkru), "=d"(edx) : "c"(0));
	}
}

/*
 * ASIDs are per pCPU and per generation (asm/asid.h; docs/design.md,
 * "ASIDs and stale translations"): a vCPU keeps its ASID only while it
 * stays on the pCPU that gave it, so translations it left on a pCPU it
 * moved away from, or a destroyed domain left anywhere, are never run
 * with again before that pCPU's next whole-TLB flush.  A vCPU that stays
 * put gets arch_p2m_flush's flush_tlb at its next entry.  Called on v's
 * pCPU before it runs v.
 */
static void svm_asid_assign(struct vcpu *v, struct pcpu *c)
{
	v->arch.vmcb->ctrl.asid = asid_assign(&c->asids, c->id, &v->arch.asid);
}

void arch_run_vcpu(struct vcpu *v, uint64_t until)
{
	struct pcpu *c = this_cpu();

	c->current = v;
	__atomic_store_n(&v->arch.running_on, (int)c->id, __ATOMIC_RELEASE);
	svm_asid_assign(v, c);
	svm_switch_in(v);
	while (!c->need_resched && !__atomic_load_n(&v->pause_flags, __ATOMIC_ACQUIRE)) {
		uint64_t now = now_ns();

		if (now >= until)
			break;
		/* The guest must never run without its deadline armed (a
		 * spinning guest exits for nothing else): arm it unless the
		 * timer already holds this deadline and has not fired (its
		 * interrupt clears timer_armed).  Re-arming on every entry
		 * would cost an emulated LAPIC write per exit. */
		if (c->timer_armed != until) {
			lapic_timer_oneshot(until - now);
			c->timer_armed = until;
		}
		prepare_upcall(v);
		/* Announce guest mode before looking for a flush request: a
		 * flusher either sees in_guest and waits, or we see its flag
		 * (arch_p2m_flush). */
		__atomic_store_n(&v->arch.in_guest, true, __ATOMIC_SEQ_CST);
		if (__atomic_exchange_n(&v->arch.flush_tlb, false, __ATOMIC_SEQ_CST) |
		    asid_take_flush(&c->asids))
			v->arch.vmcb->ctrl.tlb_control = TLB_CONTROL_FLUSH_ALL;
		/* IF must be set for physical interrupts to exit the guest
		 * (V_INTR_MASKING), but with GIF clear first: an interrupt that
		 * is already pending -- the deadline's own timer, say -- is then
		 * held until VMRUN and makes it exit at once, instead of being
		 * taken here, after the deadline check, leaving the guest to
		 * run with no deadline armed. */
		__asm__ volatile("clgi; sti" ::: "memory");
		svm_vmrun(&v->arch.regs, v->arch.vmcb_pa, c->host_state_pa);
		__atomic_add_fetch(&c->exits, 1, __ATOMIC_ACQ_REL);
		__atomic_store_n(&v->arch.in_guest, false, __ATOMIC_RELEASE);
		/* Take the interrupt or NMI that caused the exit, if any. */
		__asm__ volatile("stgi; cli" ::: "memory");
		c->nmi_for_guest = false;
		guest_vmexit(v);
	}
	lapic_timer_oneshot(0);
	c->timer_armed = 0;
	svm_switch_out(v);
	__atomic_store_n(&v->arch.running_on, -1, __ATOMIC_RELEASE);
	c->current = NULL;
}

void arch_idle_until(uint64_t until)
{
	uint64_t now = now_ns();

	lapic_timer_oneshot(until ? (until > now ? until - now : 1) : 0);
	this_cpu()->timer_armed = 0;	/* not a vCPU's deadline */
	if (!this_cpu()->need_resched)
		safe_halt();
	cli();
}

/*
 * A wait for another pCPU ends: that pCPU leaves guest mode at its next
 * exit, and every guest exits within its slice (its deadline timer is
 * armed before each entry, physical interrupts and NMIs exit, and #DB/#AC
 * -- which could otherwise be delivered in a loop without an exit,
 * XSA-156 -- are intercepted).  Each wait is still bounded: logged every
 * WAIT_LOG_NS, and a pCPU that has not answered for WAIT_PANIC_NS is
 * wedged.  The waiter cannot go on without it (it would free or reuse
 * memory that pCPU may still reach), so that is a panic naming the pCPU,
 * never a silent hang of pCPU0 and dom0.
 */
#define WAIT_LOG_NS   1000000000ull		/* 1 s */
#define WAIT_PANIC_NS 30000000000ull		/* 30 s */

struct bounded_wait {
	uint64_t start, next_log;
	const char *what;
	unsigned cpu;
};

static void wait_begin(struct bounded_wait *w, const char *what, unsigned cpu)
{
	w->start = now_ns();
	w->next_log = w->start + WAIT_LOG_NS;
	w->what = what;
	w->cpu = cpu;
}

static void wait_check(struct bounded_wait *w)
{
	uint64_t now = now_ns();

	if (now < w->next_log)
		return;
	if (now - w->start >= WAIT_PANIC_NS)
		panic("svm: pCPU%u did not %s within %llu s", w->cpu, w->what,
		      WAIT_PANIC_NS / 1000000000ull);
	pr_warn("svm: still waiting for pCPU%u to %s (%lu ms)\n", w->cpu, w->what,
		(now - w->start) / 1000000);
	w->next_log = now + WAIT_LOG_NS;
}

/* Wait until v, if it is in guest mode on pCPU cpu, has left it.  Only
 * guest mode is waited for: a vCPU in the hypervisor may be waiting for a
 * lock our caller holds, and it sees flush_tlb before it enters again. */
void svm_kick_and_wait(struct vcpu *v, unsigned cpu)
{
	struct pcpu *c = &pcpus[cpu];
	uint64_t seen = __atomic_load_n(&c->exits, __ATOMIC_SEQ_CST);
	struct bounded_wait w;

	if (!__atomic_load_n(&v->arch.in_guest, __ATOMIC_SEQ_CST))
		return;
	wait_begin(&w, "leave guest mode for a TLB flush", cpu);
	lapic_send_ipi(c->apic_id, ICR_FIXED | VEC_KICK);
	while (__atomic_load_n(&v->arch.in_guest, __ATOMIC_ACQUIRE) &&
	       __atomic_load_n(&c->exits, __ATOMIC_ACQUIRE) == seen) {
		cpu_relax();
		wait_check(&w);
	}
}

void arch_set_picked(struct vcpu *v)
{
	__atomic_store_n(&this_cpu()->picked, v, __ATOMIC_SEQ_CST);
}

/* Wait until no pCPU runs v or still holds it as its last pick.  Callers
 * have set a pause flag first and hold no lock that v's pCPU could be
 * waiting for; v's run loop ends at its next exit, and its pCPU moves on at
 * its next scheduling decision. */
void arch_vcpu_wait_descheduled(struct vcpu *v)
{
	unsigned self = this_cpu()->id;
	struct bounded_wait w;

	for (unsigned cpu = 1; cpu < nr_cpus_online; cpu++) {
		if (cpu == self)
			continue;	/* we are in v's own hypercall */
		wait_begin(&w, "deschedule a vCPU", cpu);
		while (__atomic_load_n(&pcpus[cpu].picked, __ATOMIC_SEQ_CST) == v) {
			wait_check(&w);
			pcpus[cpu].need_resched = true;
			lapic_send_ipi(pcpus[cpu].apic_id, ICR_FIXED | VEC_KICK);
			for (int i = 0; i < 10000 &&
			     __atomic_load_n(&pcpus[cpu].picked, __ATOMIC_ACQUIRE) == v; i++)
				cpu_relax();
		}
	}
}

/* The policy asks for a new decision on cpu (a vCPU woke that should run
 * there now): flag it, then interrupt whatever it is doing. */
void arch_kick_cpu(unsigned cpu)
{
	__atomic_store_n(&pcpus[cpu].need_resched, true, __ATOMIC_SEQ_CST);
	if (cpu != this_cpu()->id)
		lapic_send_ipi(pcpus[cpu].apic_id, ICR_FIXED | VEC_KICK);
}

/* Make v's pCPU leave guest mode so that v sees a new upcall at its next
 * entry; no new scheduling decision is asked for. */
void arch_vcpu_poke(struct vcpu *v)
{
	int cpu = __atomic_load_n(&v->arch.running_on, __ATOMIC_ACQUIRE);

	if (cpu >= 0 && (unsigned)cpu != this_cpu()->id)
		lapic_send_ipi(pcpus[cpu].apic_id, ICR_FIXED | VEC_KICK);
}

bool arch_vcpu_is_running(const struct vcpu *v)
{
	return __atomic_load_n(&v->arch.running_on, __ATOMIC_ACQUIRE) >= 0;
}

void arch_send_dom0_upcall(uint8_t vector)
{
	if (!vector)
		return;
	if (this_cpu()->id == 0)
		lapic_send_shorthand(ICR_SELF | ICR_FIXED | vector);
	else
		lapic_send_ipi(pcpus[0].apic_id, ICR_FIXED | vector);
}
