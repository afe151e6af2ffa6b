/*
 * Scheduling guest vCPUs on pCPUs 1..n: a proportional-share (credit)
 * scheduler with a weight and an optional cap per domain.  dom0 keeps
 * pCPU0 and is not scheduled here.
 *
 * The policy (common/sched_credit.c) is pure: it is told when vCPUs wake,
 * sleep and run, and picks what runs next; the glue (common/schedule.c)
 * owns the clock, the timers and the pCPU loop.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <keel/types.h>
#include <keel/spinlock.h>

struct vcpu;
struct domain;

#define SCHED_MAX_PCPUS 16

struct sched_vcpu {
	struct vcpu *next;          /* run queue link */
	int64_t credit;             /* ns of CPU it may still use this period */
	uint64_t cpu_time_ns;       /* total run time */
	unsigned processor;         /* pCPU whose queue it is on / runs on */
	bool on_runq;
	bool running;
	bool parked;                /* capped and out of credit */
};

struct sched_domain {
	uint32_t weight;            /* 1 .. 65535 */
	uint32_t cap;               /* percent of one pCPU, 0 = none */
	int64_t cap_credit;         /* ns it may still use this period if capped */
};

/* Called once with the guest pCPUs (ids first .. first+n-1). */
void sched_init(unsigned first_pcpu, unsigned nr_pcpus);
void sched_domain_init(struct domain *d);
void sched_set_params(struct domain *d, uint32_t weight, uint32_t cap);
/* v becomes runnable / stops being runnable.  Locks internally. */
void sched_wake(struct vcpu *v);
void sched_sleep(struct vcpu *v);
/* On pCPU cpu at time now: account prev (which ran since it was picked; it
 * stays runnable unless it went to sleep), and return the vCPU to run
 * next (NULL: idle) and until when (*until, ns).  The pick is published
 * (arch_set_picked) before the pCPU lock is dropped. */
struct vcpu *sched_pick(unsigned cpu, uint64_t now, struct vcpu *prev,
			uint64_t *until);
/* The pCPU a vCPU should run on (for kicks). */
unsigned sched_cpu_of(struct vcpu *v);

/* Hook the policy calls: make pCPU cpu reschedule soon (IPI). */
void sched_kick_cpu(unsigned cpu);

/* schedule.c: a guest pCPU's loop (never returns); start them all. */
__noreturn void schedule_loop(unsigned cpu);
void schedule_start(void);
/* Block v until an event is pending or `deadline` ns (0: none). */
void vcpu_block(struct vcpu *v, uint64_t deadline);
/* Arch: this pCPU's need_resched flag. */
void this_cpu_request_resched(void);
void this_cpu_clear_resched(void);

#define SCHED_TIMESLICE_NS  (10ull * 1000 * 1000)   /* 10 ms */
#define SCHED_PERIOD_NS     (30ull * 1000 * 1000)   /* accounting period */

#endif
