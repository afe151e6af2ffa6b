/*
 * The credit scheduler's policy (keel/sched.h): proportional share with a
 * weight and an optional cap per domain, for guest vCPUs on pCPUs
 * first .. first+n-1.
 *
 * Credit is CPU time in nanoseconds.  At every SCHED_PERIOD_NS boundary
 * (noticed by whichever sched_pick() first sees `now` past it: the policy
 * owns no timer) each active domain -- one with a runnable or running
 * vCPU -- gets period * nr_pcpus * weight / total active weight, at most
 * cap% of one pCPU if capped, split evenly among its active vCPUs (each at
 * most one pCPU's worth).  Running burns credit by elapsed time.  A vCPU
 * with credit > 0 is UNDER and runs before OVER ones; within a priority
 * the queue is round-robin.  Unused credit does not pile up (a vCPU keeps
 * at most one period's share), and debt is forgiven beyond one period, so
 * a vCPU that was idle or starved converges back within a period or two.
 *
 * A capped domain also has a per-period budget (sched_domain.cap_credit):
 * its vCPUs run no longer than the budget left and are parked (skipped)
 * once it is spent, until the next period.  Several vCPUs of one capped
 * domain starting together on different pCPUs may overrun the budget by
 * up to one slice each.
 *
 * Weights and caps are read only at period boundaries: a change takes
 * effect at the next one.  Blocked vCPUs are outside the accounting: they
 * neither receive nor burn credit.
 *
 * Locks: each pCPU's lock guards its queue, what runs there, and the
 * sched_vcpu fields of the vCPUs queued or running there (a vCPU that is
 * neither is guarded by the lock of its last processor).  Two pCPU locks
 * are taken in ascending order, or the second with trylock (stealing).
 * Period accounting takes acct_lock, then every pCPU lock in order.
 * sched_kick_cpu() is called with no lock held.
 *
 * The glue's contract: a vCPU runs only when sched_pick() returned it;
 * sched_pick(cpu, now, prev, ...) is called with prev = the vCPU the
 * previous pick on that pCPU returned; a vCPU is freed only after
 * sched_sleep() and once no pCPU has it as its published pick.
 * sched_pick() publishes each pick (arch_set_picked) under the pCPU lock,
 * in the critical section that makes it current, so a pCPU's curr is
 * always its published pick, or it was (prev, until it is accounted).
 */
#include <keel/sched.h>
#include <keel/arch.h>
#include <keel/domain.h>
#include <public/domctl.h>

#define CAP_NONE INT64_MAX      /* cap_credit of an uncapped domain */

struct pcpu {
	spinlock_t lock;
	struct vcpu *head, *tail;   /* run queue, linked by sched.next */
	unsigned nr_queued;
	struct vcpu *curr;          /* running now, or NULL (idle) */
	uint64_t since;             /* when curr was last charged */
};

static struct pcpu pcpus[SCHED_MAX_PCPUS];
static unsigned first_cpu, nr_cpus;
static spinlock_t acct_lock;
static uint64_t next_period;    /* the next accounting boundary, ns */

/* Scratch for period accounting, under acct_lock. */
static unsigned active_vcpus[MAX_DOMAINS];
static struct domain *active_doms[MAX_DOMAINS];

static bool runnable(struct vcpu *v)
{
	return __atomic_load_n(&v->pause_flags, __ATOMIC_ACQUIRE) == 0;
}

static bool capped_out(struct vcpu *v)
{
	return __atomic_load_n(&v->domain->sched.cap_credit,
			       __ATOMIC_RELAXED) <= 0;
}

/* Index of v's last pCPU (a vCPU never placed counts as the first). */
static unsigned idx_of(struct vcpu *v)
{
	unsigned cpu = __atomic_load_n(&v->sched.processor, __ATOMIC_ACQUIRE);

	return cpu - first_cpu < nr_cpus ? cpu - first_cpu : 0;
}

static void set_processor(struct vcpu *v, unsigned idx)
{
	__atomic_store_n(&v->sched.processor, first_cpu + idx, __ATOMIC_RELEASE);
}

static unsigned load_of(struct pcpu *pc)
{
	return __atomic_load_n(&pc->nr_queued, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&pc->curr, __ATOMIC_RELAXED) != NULL);
}

/* ---- run queues (pCPU lock held) ---------------------------------------- */

static void enqueue_tail(struct pcpu *pc, struct vcpu *v)
{
	v->sched.next = NULL;
	if (pc->tail)
		pc->tail->sched.next = v;
	else
		pc->head = v;
	pc->tail = v;
	v->sched.on_runq = true;
	__atomic_store_n(&pc->nr_queued, pc->nr_queued + 1, __ATOMIC_RELAXED);
}

static void dequeue(struct pcpu *pc, struct vcpu *v)
{
	struct vcpu **pp = &pc->head, *prev = NULL;

	while (*pp && *pp != v) {
		prev = *pp;
		pp = &(*pp)->sched.next;
	}
	if (!*pp)
		return;
	*pp = v->sched.next;
	if (pc->tail == v)
		pc->tail = prev;
	v->sched.next = NULL;
	v->sched.on_runq = false;
	__atomic_store_n(&pc->nr_queued, pc->nr_queued - 1, __ATOMIC_RELAXED);
}

/* Drop queued vCPUs that stopped being runnable without a sched_sleep()
 * (defensive: a paused or dead vCPU must never be picked). */
static void purge(struct pcpu *pc)
{
	struct vcpu *v = pc->head;

	while (v) {
		struct vcpu *next = v->sched.next;

		if (!runnable(v))
			dequeue(pc, v);
		v = next;
	}
}

/* The first UNDER vCPU on the queue, else (unless under_only) the first
 * OVER one; parked vCPUs are skipped. */
static struct vcpu *best_in(struct pcpu *pc, bool under_only)
{
	struct vcpu *over = NULL;

	for (struct vcpu *v = pc->head; v; v = v->sched.next) {
		v->sched.parked = capped_out(v);
		if (!runnable(v) || v->sched.parked)
			continue;
		if (v->sched.credit > 0)
			return v;
		if (!over)
			over = v;
	}
	return under_only ? NULL : over;
}

/* Charge what runs on pc for the time up to now. */
static void burn(struct pcpu *pc, uint64_t now)
{
	struct vcpu *v = pc->curr;
	uint64_t delta;

	if (now <= pc->since) {
		return;
	}
	delta = now - pc->since;
	pc->since = now;
	if (!v)
		return;
	v->sched.credit -= (int64_t)delta;
	v->sched.cpu_time_ns += delta;
	if (__atomic_load_n(&v->domain->sched.cap_credit, __ATOMIC_RELAXED) !=
	    CAP_NONE)
		__atomic_fetch_sub(&v->domain->sched.cap_credit, (int64_t)delta,
				   __ATOMIC_RELAXED);
}

/* ---- period accounting -------------------------------------------------- */

static void lock_all(void)
{
	for (unsigned i = 0; i < nr_cpus; i++)
		spin_lock(&pcpus[i].lock);
}

static void unlock_all(void)
{
	for (unsigned i = nr_cpus; i-- > 0;)
		spin_unlock(&pcpus[i].lock);
}

/* Call fn on every active vCPU (all pCPU locks held). */
static void for_each_active(void (*fn)(struct vcpu *v))
{
	for (unsigned i = 0; i < nr_cpus; i++) {
		if (pcpus[i].curr && runnable(pcpus[i].curr))
			fn(pcpus[i].curr);
		for (struct vcpu *v = pcpus[i].head; v; v = v->sched.next)
			if (runnable(v))
				fn(v);
	}
}

static void count_active(struct vcpu *v)
{
	struct domain *d = v->domain;

	if (d->id >= MAX_DOMAINS)
		return;
	active_vcpus[d->id]++;
	active_doms[d->id] = d;
}

/* The credit each active vCPU of d gets this period. */
static int64_t vcpu_share(struct domain *d, uint64_t total_weight)
{
	uint64_t credit = SCHED_PERIOD_NS * nr_cpus * d->sched.weight /
			  total_weight;

	if (d->sched.cap) {
		uint64_t budget = SCHED_PERIOD_NS * d->sched.cap / 100;
		int64_t left = __atomic_load_n(&d->sched.cap_credit,
					       __ATOMIC_RELAXED);

		credit = MIN(credit, budget);
		/* A run always overshoots its budget a little (the exit and
		 * the timer are not instantaneous): carry that debt into the
		 * next period, so the cap holds on average.  Unused budget is
		 * not carried, and debt beyond one budget is forgiven. */
		if (left == CAP_NONE || left > 0)
			left = 0;
		left = MAX(left, -(int64_t)budget);
		__atomic_store_n(&d->sched.cap_credit, (int64_t)budget + left,
				 __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&d->sched.cap_credit, CAP_NONE,
				 __ATOMIC_RELAXED);
	}
	credit /= active_vcpus[d->id];
	return (int64_t)MIN(credit, SCHED_PERIOD_NS);
}

static int64_t shares[MAX_DOMAINS];    /* under acct_lock */

static void give_credit(struct vcpu *v)
{
	int64_t share = v->domain->id < MAX_DOMAINS ? shares[v->domain->id] : 0;
	int64_t c = v->sched.credit + share;

	/* Keep at most one share, owe at most one period. */
	c = MIN(c, share);
	c = MAX(c, -(int64_t)SCHED_PERIOD_NS);
	v->sched.credit = c;
	v->sched.parked = false;
}

/* Hand out one period's credit (acct_lock and every pCPU lock held). */
static void refill(void)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < MAX_DOMAINS; i++) {
		active_vcpus[i] = 0;
		active_doms[i] = NULL;
	}
	for_each_active(count_active);
	for (unsigned i = 0; i < MAX_DOMAINS; i++)
		if (active_doms[i])
			total += MAX(active_doms[i]->sched.weight, 1u);
	for (unsigned i = 0; i < MAX_DOMAINS; i++)
		shares[i] = active_doms[i] ? vcpu_share(active_doms[i], total) : 0;
	for_each_active(give_credit);
}

/* If `now` has passed the period boundary, account the period.  Takes
 * acct_lock and every pCPU lock; called with none held. */
static void maybe_refill(uint64_t now)
{
	if (now < __atomic_load_n(&next_period, __ATOMIC_ACQUIRE))
		return;
	spin_lock(&acct_lock);
	if (now >= next_period) {
		lock_all();
		for (unsigned i = 0; i < nr_cpus; i++)
			burn(&pcpus[i], now);
		refill();
		__atomic_store_n(&next_period,
				 now - now % SCHED_PERIOD_NS + SCHED_PERIOD_NS,
				 __ATOMIC_RELEASE);
		unlock_all();
	}
	spin_unlock(&acct_lock);
}

/* ---- the interface ------------------------------------------------------ */

void sched_init(unsigned first_pcpu, unsigned nr_pcpus)
{
	first_cpu = first_pcpu;
	nr_cpus = MIN(nr_pcpus, SCHED_MAX_PCPUS);
	for (unsigned i = 0; i < SCHED_MAX_PCPUS; i++) {
		pcpus[i] = (struct pcpu){ .head = NULL };
		spin_lock_init(&pcpus[i].lock);
	}
	spin_lock_init(&acct_lock);
	next_period = 0;
}

void sched_domain_init(struct domain *d)
{
	d->sched.weight = KEEL_SCHED_WEIGHT_DEFAULT;
	d->sched.cap = 0;
	d->sched.cap_credit = CAP_NONE;
}

/* New weight and cap (domctl has checked the ranges; clamped here all the
 * same).  Read at the next period boundary. */
void sched_set_params(struct domain *d, uint32_t weight, uint32_t cap)
{
	spin_lock(&acct_lock);
	d->sched.weight = MIN(MAX(weight, (uint32_t)KEEL_SCHED_WEIGHT_MIN),
			      (uint32_t)KEEL_SCHED_WEIGHT_MAX);
	d->sched.cap = MIN(cap, (uint32_t)KEEL_SCHED_CAP_MAX);
	spin_unlock(&acct_lock);
}

/* Where a waking vCPU goes: the least-loaded pCPU, its last one on a tie.
 * A racy snapshot: only a hint. */
static unsigned wake_target(unsigned last)
{
	unsigned best = last, best_load = load_of(&pcpus[last]);

	for (unsigned i = 0; i < nr_cpus; i++)
		if (load_of(&pcpus[i]) < best_load) {
			best = i;
			best_load = load_of(&pcpus[i]);
		}
	return best;
}

static void lock_two(unsigned a, unsigned b)
{
	spin_lock(&pcpus[MIN(a, b)].lock);
	if (a != b)
		spin_lock(&pcpus[MAX(a, b)].lock);
}

static void unlock_two(unsigned a, unsigned b)
{
	if (a != b)
		spin_unlock(&pcpus[MAX(a, b)].lock);
	spin_unlock(&pcpus[MIN(a, b)].lock);
}

/* Preempt what runs on pc for v?  Idle pCPUs always; a running OVER vCPU
 * when v is UNDER (an OVER v would only reorder the round-robin). */
static bool should_kick(struct pcpu *pc, struct vcpu *v)
{
	return !pc->curr || (pc->curr->sched.credit <= 0 && v->sched.credit > 0);
}

/*
 * v became runnable: queue it on the least-loaded pCPU (or its last one),
 * and kick that pCPU if it is idle or runs an OVER vCPU.  A vCPU already
 * queued or running is left alone (sched_pick requeues a running vCPU
 * that is still runnable).  Takes the pCPU locks itself.
 */
void sched_wake(struct vcpu *v)
{
	unsigned a, b;
	bool kick;

	if (!nr_cpus || !runnable(v))
		return;
	for (;;) {
		a = idx_of(v);
		b = wake_target(a);
		lock_two(a, b);
		if (idx_of(v) == a)
			break;
		unlock_two(a, b);	/* moved meanwhile: look again */
	}
	if (v->sched.on_runq || v->sched.running) {
		unlock_two(a, b);
		return;
	}
	set_processor(v, b);
	enqueue_tail(&pcpus[b], v);
	kick = should_kick(&pcpus[b], v);
	unlock_two(a, b);
	if (kick)
		sched_kick_cpu(first_cpu + b);
}

/* Lock the pCPU that v belongs to. */
static struct pcpu *lock_vcpu(struct vcpu *v)
{
	for (;;) {
		unsigned i = idx_of(v);

		spin_lock(&pcpus[i].lock);
		if (idx_of(v) == i)
			return &pcpus[i];
		spin_unlock(&pcpus[i].lock);
	}
}

/*
 * v stopped being runnable (the glue set a pause flag first): take it off
 * its queue; if it is running, kick its pCPU so it is descheduled soon.
 */
void sched_sleep(struct vcpu *v)
{
	struct pcpu *pc;
	bool kick;

	if (!nr_cpus)
		return;
	pc = lock_vcpu(v);
	if (v->sched.on_runq)
		dequeue(pc, v);
	kick = v->sched.running;
	spin_unlock(&pc->lock);
	if (kick)
		sched_kick_cpu(sched_cpu_of(v));
}

/* Take an UNDER vCPU (any runnable one if !under_only) from another
 * pCPU's queue.  Called with self's lock held: the others are only
 * try-locked. */
static struct vcpu *steal(unsigned self, bool under_only)
{
	for (unsigned k = 1; k < nr_cpus; k++) {
		unsigned i = (self + k) % nr_cpus;
		struct pcpu *o = &pcpus[i];
		struct vcpu *v;

		if (!__atomic_load_n(&o->nr_queued, __ATOMIC_RELAXED) ||
		    !spin_trylock(&o->lock))
			continue;
		v = best_in(o, under_only);
		if (v) {
			dequeue(o, v);
			set_processor(v, self);
		}
		spin_unlock(&o->lock);
		if (v)
			return v;
	}
	return NULL;
}

/* Account prev's run and put it back on the queue if still runnable. */
static void put_prev(struct pcpu *pc, struct vcpu *prev, uint64_t now)
{
	burn(pc, now);
	if (!prev || prev != pc->curr)
		return;
	prev->sched.running = false;
	__atomic_store_n(&pc->curr, NULL, __ATOMIC_RELAXED);
	if (runnable(prev))
		enqueue_tail(pc, prev);
}

/* Choose what pc runs next: its best, unless another pCPU has better. */
static struct vcpu *choose(struct pcpu *pc, unsigned idx)
{
	struct vcpu *v, *s;

	purge(pc);
	v = best_in(pc, false);
	if (v && v->sched.credit > 0)
		return v;
	s = steal(idx, v != NULL);
	if (s) {
		enqueue_tail(pc, s);	/* now ours; taken off just below */
		return s;
	}
	return v;
}

/* True if any pCPU has queued vCPUs (parked ones wait for a period). */
static bool any_queued(void)
{
	for (unsigned i = 0; i < nr_cpus; i++)
		if (__atomic_load_n(&pcpus[i].nr_queued, __ATOMIC_RELAXED))
			return true;
	return false;
}

/*
 * On pCPU cpu at time now: charge prev (what the last pick here returned)
 * and requeue it if it is still runnable; account the period if one ended;
 * return what runs next (NULL: idle) and until when.  An idle pCPU is
 * woken at the next period boundary if work is queued anywhere (parked
 * vCPUs, or a queue it may steal from), else *until = UINT64_MAX: it
 * sleeps until kicked.  Takes its locks itself.
 */
struct vcpu *sched_pick(unsigned cpu, uint64_t now, struct vcpu *prev,
			uint64_t *until)
{
	unsigned idx = cpu - first_cpu;
	struct pcpu *pc;
	struct vcpu *v;
	uint64_t end;

	*until = UINT64_MAX;
	if (idx >= nr_cpus) {
		arch_set_picked(NULL);
		return NULL;
	}
	pc = &pcpus[idx];
	spin_lock(&pc->lock);
	put_prev(pc, prev, now);
	spin_unlock(&pc->lock);
	maybe_refill(now);
	spin_lock(&pc->lock);
	v = choose(pc, idx);
	end = __atomic_load_n(&next_period, __ATOMIC_ACQUIRE);
	if (v) {
		int64_t budget = __atomic_load_n(&v->domain->sched.cap_credit,
						 __ATOMIC_RELAXED);

		dequeue(pc, v);
		v->sched.running = true;
		__atomic_store_n(&pc->curr, v, __ATOMIC_RELAXED);
		end = MIN(end, now + SCHED_TIMESLICE_NS);
		if (budget != CAP_NONE)
			end = MIN(end, now + (uint64_t)MAX(budget, (int64_t)1));
		*until = end;
	} else if (any_queued()) {
		*until = end;
	}
	pc->since = now;
	/* Published in the critical section that made v current: a destroyer
	 * that set v's pause flag (sched_sleep() takes this lock) and then
	 * waits for the published pick to change cannot miss a v that
	 * burn() or put_prev() will still touch. */
	arch_set_picked(v);
	spin_unlock(&pc->lock);
	return v;
}

unsigned sched_cpu_of(struct vcpu *v)
{
	return __atomic_load_n(&v->sched.processor, __ATOMIC_ACQUIRE);
}
