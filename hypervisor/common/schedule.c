/*
 * The scheduling glue: each guest pCPU's loop, vCPU blocking and waking,
 * per-vCPU one-shot timers, and the sched_op and set_timer hypercalls.
 * The policy -- who runs next, for how long -- is sched_credit.c's.
 */
#include <keel/domain.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/time.h>
#include <public/sched.h>

static volatile bool sched_started;

/* Fire due timers and deadlines of every guest vCPU; return the earliest
 * deadline still ahead (0: none). */
static uint64_t run_timers(uint64_t now)
{
	uint64_t next = 0;

	for (unsigned id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_get((uint16_t)id, NULL);

		if (!d)
			continue;
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];
			uint64_t t = __atomic_load_n(&v->timer_deadline, __ATOMIC_ACQUIRE);
			uint64_t b = __atomic_load_n(&v->block_deadline, __ATOMIC_ACQUIRE);

			/* The exchange makes one pCPU, not several, fire it. */
			if (t && t <= now &&
			    __atomic_compare_exchange_n(&v->timer_deadline, &t, 0, false,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				evtchn_send_virq(v, KEEL_VIRQ_TIMER);
			else if (t && (!next || t < next))
				next = t;
			if (b && b <= now && (v->pause_flags & VPF_blocked))
				vcpu_unblock(v);
			else if (b && (!next || b < next))
				next = b;
		}
		domain_put(d);
	}
	return next;
}

void schedule_loop(unsigned cpu)
{
	struct vcpu *prev = NULL;

	while (!sched_started)
		arch_idle_until(0);
	for (;;) {
		uint64_t now = now_ns(), until, next;
		struct vcpu *v;

		this_cpu_clear_resched();
		console_notify_dom0();
		next = run_timers(now);
		/* sched_pick publishes v (arch_set_picked) under its pCPU
		 * lock; prev stays published until it has been accounted
		 * there: a vCPU being destroyed is waited for until then. */
		v = sched_pick(cpu, now, prev, &until);
		if (next && next < until)
			until = next;
		prev = v;
		if (!v) {
			/* until is the policy's next look (a period boundary if
			 * work is queued elsewhere), UINT64_MAX if none. */
			arch_idle_until(until == UINT64_MAX ? 0 : until);
			continue;
		}
		/* Re-check after publishing: a pause or kill that set its flag
		 * before we published is not waiting for us. */
		if (!__atomic_load_n(&v->pause_flags, __ATOMIC_SEQ_CST))
			arch_run_vcpu(v, until);
	}
}

void schedule_start(void)
{
	__atomic_store_n(&sched_started, true, __ATOMIC_RELEASE);
}

void sched_kick_cpu(unsigned cpu)
{
	arch_kick_cpu(cpu);
}

/* Block v until an event is pending or system time `deadline` (0: none).
 * Returns at once, unblocked, if an event is already pending: setting the
 * flag first means an event that arrives in between unblocks it. */
/* A guest's deadline (its system time, docs/migration.md "Time") as the
 * hypervisor's: a restored domain's time runs time_offset ahead. */
static uint64_t guest_to_host_ns(const struct domain *d, uint64_t t)
{
	if (!t || !d->time_offset)
		return t;
	return t > d->time_offset ? t - d->time_offset : 1;
}

void vcpu_block(struct vcpu *v, uint64_t deadline)
{
	deadline = guest_to_host_ns(v->domain, deadline);
	__atomic_store_n(&v->block_deadline, deadline, __ATOMIC_RELEASE);
	vcpu_set_pause_flag(v, VPF_blocked);
	if (evtchn_upcall_pending(v) || (deadline && deadline <= now_ns()))
		vcpu_unblock(v);
}

void vcpu_notify_upcall(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (d->privileged) {
		arch_send_dom0_upcall(d->upcall_vector);
		return;
	}
	if (v->pause_flags & VPF_blocked)
		vcpu_unblock(v);
	/* A vCPU in guest mode elsewhere sees V_IRQ only at its next entry. */
	arch_vcpu_poke(v);
}

long do_sched_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	struct domain *d = v->domain;

	switch (args[0]) {
	case KEEL_SCHEDOP_yield:
		if (!d->privileged)
			this_cpu_request_resched();
		return 0;
	case KEEL_SCHEDOP_block:
		if (d->privileged)
			return -EINVAL;	/* CPU0 is dom0's: nothing to block on */
		vcpu_block(v, args[1]);
		return 0;
	case KEEL_SCHEDOP_shutdown:
		if (d->privileged)
			return -EINVAL;	/* dom0 powers the machine off via ACPI */
		if (args[1] > KEEL_SHUTDOWN_crash)
			return -EINVAL;
		domain_shutdown(d, (unsigned)args[1]);
		return 0;
	default:
		return -ENOSYS;
	}
}

long do_set_timer_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	uint64_t deadline = guest_to_host_ns(v->domain, args[0]);

	if (v->domain->privileged)
		return -EINVAL;
	if (deadline && deadline <= now_ns()) {
		__atomic_store_n(&v->timer_deadline, 0, __ATOMIC_RELEASE);
		evtchn_send_virq(v, KEEL_VIRQ_TIMER);
		return 0;
	}
	__atomic_store_n(&v->timer_deadline, deadline, __ATOMIC_RELEASE);
	return 0;
}
