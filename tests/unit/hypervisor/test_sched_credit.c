/* common/sched_credit.c: the credit scheduler's policy, driven with
 * simulated time (no real clock), against the fake hypervisor's domains
 * and its sched_kick_cpu recorder. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/sched.h>
#include <public/domctl.h>

#include "harness/fake_hv.h"

#define FIRST  1                        /* guest pCPUs are 1 .. n */
#define NCPU   4                        /* most a simulation drives */
#define MS     1000000ull
#define SEC    (1000 * MS)

static unsigned ncpu;
static struct vcpu *cur[NCPU];
static uint64_t next_at[NCPU];

static void setup_n(unsigned n)
{
	fake_reset();
	ncpu = n;
	sched_init(FIRST, n);
	for (unsigned i = 0; i < NCPU; i++) {
		cur[i] = NULL;
		next_at[i] = 0;
	}
}

static struct domain *dom(uint16_t id, unsigned nr_vcpus, uint32_t weight,
			  uint32_t cap)
{
	struct domain *d = fake_domain(id, nr_vcpus);

	sched_domain_init(d);
	sched_set_params(d, weight, cap);
	return d;
}

static void wake_all(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		sched_wake(d->vcpu[i]);
}

static void sleep_vcpu(struct vcpu *v)
{
	v->pause_flags |= VPF_blocked;
	sched_sleep(v);
}

static unsigned kicks_before[SCHED_MAX_PCPUS + 1];

/* A kicked pCPU reschedules at once. */
static void apply_kicks(uint64_t now)
{
	for (unsigned c = 0; c < ncpu; c++)
		if (fake_kick_count[FIRST + c] != kicks_before[FIRST + c] &&
		    next_at[c] > now)
			next_at[c] = now;
}

static void wake_vcpu(struct vcpu *v, uint64_t now)
{
	memcpy(kicks_before, fake_kick_count, sizeof(kicks_before));
	v->pause_flags &= ~VPF_blocked;
	sched_wake(v);
	apply_kicks(now);
}

/* The vCPU blocks at `now` in a running simulation. */
static void block_vcpu(struct vcpu *v, uint64_t now)
{
	memcpy(kicks_before, fake_kick_count, sizeof(kicks_before));
	sleep_vcpu(v);
	apply_kicks(now);
}

/* Run every pCPU from its next event until `end`, as the glue would:
 * each pick runs its vCPU until *until (or idles until then). */
static void run_until(uint64_t end)
{
	for (unsigned steps = 0;; steps++) {
		unsigned c = 0;
		uint64_t until;

		for (unsigned i = 1; i < ncpu; i++)
			if (next_at[i] < next_at[c])
				c = i;
		if (next_at[c] >= end)
			break;
		cur[c] = sched_pick(FIRST + c, next_at[c], cur[c], &until);
		ck_assert_uint_gt(until, next_at[c]);
		next_at[c] = until;
		ck_assert_uint_lt(steps, 10000000);
	}
}

/* Charge whatever runs up to `end`, and stop. */
static void finish(uint64_t end)
{
	for (unsigned c = 0; c < ncpu; c++) {
		uint64_t until;

		if (cur[c])
			cur[c] = sched_pick(FIRST + c, end, cur[c], &until);
	}
}

static uint64_t dom_time(struct domain *d)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < d->nr_vcpus; i++)
		t += d->vcpu[i]->sched.cpu_time_ns;
	return t;
}

/* ---- picking ------------------------------------------------------------ */

START_TEST(idle_system_picks_nothing)
{
	uint64_t until = 0;

	setup_n(1);
	ck_assert_ptr_null(sched_pick(FIRST, 5 * MS, NULL, &until));
	ck_assert_uint_eq(until, UINT64_MAX);
}
END_TEST

START_TEST(pick_on_a_pcpu_not_scheduled_here_is_idle)
{
	struct domain *d;
	uint64_t until = 0;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	wake_all(d);
	ck_assert_ptr_null(sched_pick(0, 0, NULL, &until));
	ck_assert_ptr_null(sched_pick(FIRST + 1, 0, NULL, &until));
	ck_assert_uint_eq(until, UINT64_MAX);
}
END_TEST

START_TEST(woken_vcpu_is_picked)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	ck_assert(d->vcpu[0]->sched.on_runq);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), d->vcpu[0]);
	ck_assert(d->vcpu[0]->sched.running);
	ck_assert(!d->vcpu[0]->sched.on_runq);
	ck_assert_uint_eq(sched_cpu_of(d->vcpu[0]), FIRST);
}
END_TEST

START_TEST(wake_twice_queues_once)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	sched_wake(d->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), d->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, MS, d->vcpu[0], &until), d->vcpu[0]);
	sleep_vcpu(d->vcpu[0]);
	ck_assert_ptr_null(sched_pick(FIRST, 2 * MS, d->vcpu[0], &until));
}
END_TEST

START_TEST(wake_of_a_vcpu_that_cannot_run_is_ignored)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	d->vcpu[0]->pause_flags = VPF_paused;
	sched_wake(d->vcpu[0]);
	ck_assert(!d->vcpu[0]->sched.on_runq);
	ck_assert_ptr_null(sched_pick(FIRST, 0, NULL, &until));
}
END_TEST

START_TEST(sleep_takes_vcpu_off_its_queue)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	sleep_vcpu(d->vcpu[0]);
	ck_assert(!d->vcpu[0]->sched.on_runq);
	ck_assert_ptr_null(sched_pick(FIRST, 0, NULL, &until));
}
END_TEST

START_TEST(sleep_of_running_vcpu_kicks_and_is_not_requeued)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), d->vcpu[0]);
	fake_kick_count[FIRST] = 0;
	sleep_vcpu(d->vcpu[0]);
	ck_assert_uint_eq(fake_kick_count[FIRST], 1);
	ck_assert_ptr_null(sched_pick(FIRST, MS, d->vcpu[0], &until));
	ck_assert(!d->vcpu[0]->sched.running);
	ck_assert(!d->vcpu[0]->sched.on_runq);
}
END_TEST

START_TEST(wake_of_running_vcpu_leaves_it_running)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), d->vcpu[0]);
	sched_wake(d->vcpu[0]);
	ck_assert(!d->vcpu[0]->sched.on_runq);
	ck_assert_ptr_eq(sched_pick(FIRST, MS, d->vcpu[0], &until), d->vcpu[0]);
}
END_TEST

START_TEST(queued_vcpu_paused_without_sleep_is_not_picked)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	d->vcpu[0]->pause_flags = VPF_dead;
	ck_assert_ptr_null(sched_pick(FIRST, 0, NULL, &until));
	ck_assert(!d->vcpu[0]->sched.on_runq);
}
END_TEST

START_TEST(runnable_prev_goes_round_robin)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	sched_wake(b->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), a->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, until, a->vcpu[0], &until),
			 b->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, until, b->vcpu[0], &until),
			 a->vcpu[0]);
}
END_TEST

START_TEST(until_is_a_slice_or_the_period_boundary)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	sched_pick(FIRST, 0, NULL, &until);
	ck_assert_uint_eq(until, SCHED_TIMESLICE_NS);
	sched_pick(FIRST, 25 * MS, d->vcpu[0], &until);
	ck_assert_uint_eq(until, SCHED_PERIOD_NS);
}
END_TEST

START_TEST(running_time_is_accounted)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	sched_pick(FIRST, 0, NULL, &until);
	sched_pick(FIRST, 7 * MS, d->vcpu[0], &until);
	ck_assert_uint_eq(d->vcpu[0]->sched.cpu_time_ns, 7 * MS);
	sleep_vcpu(d->vcpu[0]);
	sched_pick(FIRST, 9 * MS, d->vcpu[0], &until);
	ck_assert_uint_eq(d->vcpu[0]->sched.cpu_time_ns, 9 * MS);
}
END_TEST

START_TEST(under_runs_before_over)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	sched_wake(b->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), a->vcpu[0]);
	b->vcpu[0]->sched.credit = -1;		/* b is OVER, first in queue */
	ck_assert_ptr_eq(sched_pick(FIRST, 1, a->vcpu[0], &until), a->vcpu[0]);
}
END_TEST

/* ---- waking and kicking ------------------------------------------------- */

START_TEST(wake_kicks_an_idle_pcpu)
{
	struct domain *d;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	sched_wake(d->vcpu[0]);
	ck_assert_uint_eq(fake_kick_count[FIRST], 1);
}
END_TEST

START_TEST(wake_of_under_vcpu_kicks_pcpu_running_over)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	sched_pick(FIRST, 0, NULL, &until);
	a->vcpu[0]->sched.credit = -5;
	b->vcpu[0]->sched.credit = 5;
	fake_kick_count[FIRST] = 0;
	sched_wake(b->vcpu[0]);
	ck_assert_uint_eq(fake_kick_count[FIRST], 1);
}
END_TEST

START_TEST(wake_does_not_kick_pcpu_running_under)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	sched_pick(FIRST, 0, NULL, &until);
	ck_assert_int_gt(a->vcpu[0]->sched.credit, 0);
	fake_kick_count[FIRST] = 0;
	sched_wake(b->vcpu[0]);
	ck_assert_uint_eq(fake_kick_count[FIRST], 0);
}
END_TEST

START_TEST(wake_goes_to_least_loaded_pcpu)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(2);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	ck_assert_uint_eq(sched_cpu_of(a->vcpu[0]), FIRST);
	sched_pick(FIRST, 0, NULL, &until);
	sched_wake(b->vcpu[0]);
	ck_assert_uint_eq(sched_cpu_of(b->vcpu[0]), FIRST + 1);
	ck_assert_uint_eq(fake_kick_count[FIRST + 1], 1);
}
END_TEST

START_TEST(wake_prefers_last_pcpu_on_a_tie)
{
	struct domain *d;
	uint64_t until;

	setup_n(2);
	d = dom(1, 1, 256, 0);
	d->vcpu[0]->sched.processor = FIRST + 1;
	sched_wake(d->vcpu[0]);
	ck_assert_uint_eq(sched_cpu_of(d->vcpu[0]), FIRST + 1);
	ck_assert_ptr_eq(sched_pick(FIRST + 1, 0, NULL, &until), d->vcpu[0]);
}
END_TEST

START_TEST(idle_pcpu_steals_queued_work)
{
	struct domain *a, *b, *c;
	uint64_t until;

	setup_n(2);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	c = dom(3, 1, 256, 0);
	sched_wake(a->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST, 0, NULL, &until), a->vcpu[0]);
	sched_wake(b->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST + 1, 0, NULL, &until), b->vcpu[0]);
	sched_wake(c->vcpu[0]);			/* a tie: its last pCPU */
	ck_assert_uint_eq(sched_cpu_of(c->vcpu[0]), FIRST);
	sleep_vcpu(b->vcpu[0]);
	ck_assert_ptr_eq(sched_pick(FIRST + 1, MS, b->vcpu[0], &until),
			 c->vcpu[0]);
	ck_assert_uint_eq(sched_cpu_of(c->vcpu[0]), FIRST + 1);
}
END_TEST

/* ---- proportional share ------------------------------------------------- */

START_TEST(weights_256_and_512_get_one_to_two)
{
	struct domain *a, *b;
	uint64_t ta, tb;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 512, 0);
	wake_all(a);
	wake_all(b);
	run_until(10 * SEC);
	finish(10 * SEC);
	ta = dom_time(a);
	tb = dom_time(b);
	ck_assert_uint_eq(ta + tb, 10 * SEC);
	/* tb / ta within 2 +- 5% */
	ck_assert_uint_ge(tb * 100, ta * 190);
	ck_assert_uint_le(tb * 100, ta * 210);
}
END_TEST

START_TEST(cap_25_holds_a_busy_vcpu_at_a_quarter)
{
	struct domain *d;
	uint64_t t;

	setup_n(1);
	d = dom(1, 1, 256, 25);
	wake_all(d);
	run_until(10 * SEC);
	finish(10 * SEC);
	t = dom_time(d);
	ck_assert_uint_le(t, 10 * SEC * 26 / 100);
	ck_assert_uint_ge(t, 10 * SEC * 24 / 100);
}
END_TEST

/* Real runs stop a little after their deadline (exit and timer
 * latency): the overshoot is carried into the next period's budget, so the
 * cap still holds on average. */
START_TEST(cap_25_holds_when_every_run_overshoots)
{
	struct domain *d;
	struct vcpu *prev = NULL;
	uint64_t now = 0, until, t;

	setup_n(1);
	d = dom(1, 1, 256, 25);
	wake_all(d);
	while (now < 10 * SEC) {
		prev = sched_pick(FIRST, now, prev, &until);
		now = prev ? until + SCHED_PERIOD_NS / 30 : until;	/* +1 ms */
	}
	if (prev)
		sched_pick(FIRST, now, prev, &until);
	t = dom_time(d);
	ck_assert_uint_le(t, now * 26 / 100);
	ck_assert_uint_ge(t, now * 22 / 100);
}
END_TEST

START_TEST(capped_domain_is_parked_until_next_period)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 25);
	wake_all(d);
	sched_pick(FIRST, 0, NULL, &until);	/* first period: budget */
	ck_assert_uint_eq(until, SCHED_PERIOD_NS / 4);
	ck_assert_ptr_null(sched_pick(FIRST, until, d->vcpu[0], &until));
	ck_assert(d->vcpu[0]->sched.parked);
	ck_assert_uint_eq(until, SCHED_PERIOD_NS);
	ck_assert_ptr_eq(sched_pick(FIRST, until, NULL, &until), d->vcpu[0]);
}
END_TEST

START_TEST(capped_domain_leaves_the_rest_to_others)
{
	struct domain *a, *b;

	setup_n(1);
	a = dom(1, 1, 512, 25);
	b = dom(2, 1, 256, 0);
	wake_all(a);
	wake_all(b);
	run_until(3 * SEC);
	finish(3 * SEC);
	ck_assert_uint_le(dom_time(a), 3 * SEC * 26 / 100);
	ck_assert_uint_eq(dom_time(a) + dom_time(b), 3 * SEC);
}
END_TEST

START_TEST(credit_is_split_among_a_domains_vcpus)
{
	struct domain *a, *b;
	uint64_t ta, tb;

	setup_n(1);
	a = dom(1, 2, 256, 0);
	b = dom(2, 1, 256, 0);
	wake_all(a);
	wake_all(b);
	run_until(3 * SEC);
	finish(3 * SEC);
	ta = dom_time(a);
	tb = dom_time(b);
	ck_assert_uint_ge(ta * 100, tb * 95);
	ck_assert_uint_le(ta * 100, tb * 105);
}
END_TEST

START_TEST(blocked_vcpu_uses_no_credit)
{
	struct domain *a, *b;
	int64_t credit;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	wake_all(a);
	wake_all(b);
	run_until(95 * MS);
	block_vcpu(a->vcpu[0], 95 * MS);
	run_until(95 * MS + 1);		/* a is taken off the pCPU */
	ck_assert(!a->vcpu[0]->sched.running);
	credit = a->vcpu[0]->sched.credit;
	uint64_t ta = dom_time(a);

	run_until(1 * SEC);
	finish(1 * SEC);
	ck_assert_int_eq(a->vcpu[0]->sched.credit, credit);
	ck_assert_uint_eq(dom_time(a), ta);
	ck_assert_uint_eq(dom_time(a) + dom_time(b), 1 * SEC);
}
END_TEST

START_TEST(woken_vcpu_rejoins_the_share)
{
	struct domain *a, *b;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	wake_all(a);
	wake_all(b);
	run_until(95 * MS);
	block_vcpu(a->vcpu[0], 95 * MS);
	run_until(1 * SEC);
	wake_vcpu(a->vcpu[0], 1 * SEC);
	uint64_t ta = dom_time(a), tb = dom_time(b);

	run_until(4 * SEC);
	finish(4 * SEC);
	ta = dom_time(a) - ta;
	tb = dom_time(b) - tb;
	ck_assert_uint_ge(ta * 100, tb * 95);
	ck_assert_uint_le(ta * 100, tb * 105);
}
END_TEST

START_TEST(weight_change_takes_effect_next_period)
{
	struct domain *a, *b;
	uint64_t until;

	setup_n(1);
	a = dom(1, 1, 256, 0);
	b = dom(2, 1, 256, 0);
	wake_all(a);
	wake_all(b);
	sched_pick(FIRST, 0, NULL, &until);
	ck_assert_int_eq(a->vcpu[0]->sched.credit, SCHED_PERIOD_NS / 2);
	sched_set_params(b, 512, 0);
	ck_assert_uint_eq(b->sched.weight, 512);
	/* same period: nothing handed out again */
	sched_pick(FIRST, 1, a->vcpu[0], &until);
	ck_assert_int_eq(b->vcpu[0]->sched.credit, SCHED_PERIOD_NS / 2);
	/* next period: 1:2 */
	a->vcpu[0]->sched.credit = 0;
	b->vcpu[0]->sched.credit = 0;
	sched_pick(FIRST, SCHED_PERIOD_NS, b->vcpu[0], &until);
	ck_assert_int_eq(a->vcpu[0]->sched.credit, SCHED_PERIOD_NS / 3);
	ck_assert_int_eq(b->vcpu[0]->sched.credit, 2 * SCHED_PERIOD_NS / 3 -
			 (SCHED_PERIOD_NS - 1));
}
END_TEST

START_TEST(cap_change_takes_effect_next_period)
{
	struct domain *d;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	wake_all(d);
	sched_pick(FIRST, 0, NULL, &until);
	ck_assert_uint_eq(until, SCHED_TIMESLICE_NS);
	sched_set_params(d, 256, 10);
	ck_assert_ptr_eq(sched_pick(FIRST, until, d->vcpu[0], &until), d->vcpu[0]);
	ck_assert_uint_eq(until, 2 * SCHED_TIMESLICE_NS);
	sched_pick(FIRST, SCHED_PERIOD_NS, d->vcpu[0], &until);
	ck_assert_uint_eq(until, SCHED_PERIOD_NS + SCHED_PERIOD_NS / 10);
}
END_TEST

START_TEST(set_params_clamps_out_of_range_values)
{
	struct domain *d;

	setup_n(1);
	d = dom(1, 1, 0, 500);
	ck_assert_uint_eq(d->sched.weight, KEEL_SCHED_WEIGHT_MIN);
	ck_assert_uint_eq(d->sched.cap, KEEL_SCHED_CAP_MAX);
}
END_TEST

START_TEST(domain_init_sets_defaults)
{
	struct domain *d;

	setup_n(1);
	d = fake_domain(1, 1);
	d->sched.weight = 7;
	d->sched.cap = 7;
	sched_domain_init(d);
	ck_assert_uint_eq(d->sched.weight, KEEL_SCHED_WEIGHT_DEFAULT);
	ck_assert_uint_eq(d->sched.cap, 0);
}
END_TEST

/* ---- several pCPUs ------------------------------------------------------ */

START_TEST(many_vcpus_spread_over_two_pcpus)
{
	struct domain *d[8];
	uint64_t total = 0;

	setup_n(2);
	for (unsigned i = 0; i < 8; i++) {
		d[i] = dom(i, 1, 256, 0);
		wake_all(d[i]);
	}
	run_until(10 * SEC);
	finish(10 * SEC);
	for (unsigned i = 0; i < 8; i++) {
		uint64_t t = dom_time(d[i]);

		total += t;
		/* each gets a quarter of one pCPU, +- 10% */
		ck_assert_uint_ge(t, 10 * SEC / 4 * 90 / 100);
		ck_assert_uint_le(t, 10 * SEC / 4 * 110 / 100);
	}
	ck_assert_uint_eq(total, 2 * 10 * SEC);
}
END_TEST

START_TEST(three_equal_vcpus_on_two_pcpus_share_fairly)
{
	struct domain *d[3];

	setup_n(2);
	for (unsigned i = 0; i < 3; i++) {
		d[i] = dom(i + 1, 1, 256, 0);
		wake_all(d[i]);
	}
	run_until(10 * SEC);
	finish(10 * SEC);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_uint_ge(dom_time(d[i]), 20 * SEC / 3 * 90 / 100);
		ck_assert_uint_le(dom_time(d[i]), 20 * SEC / 3 * 110 / 100);
	}
}
END_TEST

START_TEST(weights_hold_across_two_pcpus)
{
	struct domain *a, *b;
	uint64_t ta, tb;

	setup_n(2);
	a = dom(1, 2, 256, 0);
	b = dom(2, 2, 512, 0);
	wake_all(a);
	wake_all(b);
	run_until(10 * SEC);
	finish(10 * SEC);
	ta = dom_time(a);
	tb = dom_time(b);
	ck_assert_uint_eq(ta + tb, 20 * SEC);
	ck_assert_uint_ge(tb * 100, ta * 190);
	ck_assert_uint_le(tb * 100, ta * 210);
}
END_TEST

/*
 * Issue 11, finding 4: a destroyer waits only for the pCPU's published
 * pick (arch_set_picked), so the pick must be published in the same
 * critical section that makes the vCPU the pCPU's current one: were it
 * published after sched_pick() returned, a destroyer could see neither
 * and free the vCPU that burn() and put_prev() still charge.  Likewise
 * the pick that replaces it is published before the lock is dropped.
 */
START_TEST(pick_is_published_under_the_pcpu_lock)
{
	struct domain *d;
	struct vcpu *v;
	uint64_t until;

	setup_n(1);
	d = dom(1, 1, 256, 0);
	wake_all(d);
	v = sched_pick(FIRST, 0, NULL, &until);
	ck_assert_ptr_eq(v, d->vcpu[0]);
	ck_assert_uint_eq(fake_picked_count, 1);
	ck_assert_ptr_eq(fake_picked, v);
	ck_assert_int_ge(fake_picked_locks, 1);

	/* It dies while running: the next pick accounts it, then publishes
	 * idle, still under the lock; nothing references it after. */
	v->pause_flags |= VPF_dead;
	sched_sleep(v);
	ck_assert_ptr_null(sched_pick(FIRST, 1 * MS, v, &until));
	ck_assert_uint_eq(fake_picked_count, 2);
	ck_assert_ptr_null(fake_picked);
	ck_assert_int_ge(fake_picked_locks, 1);
	ck_assert_int_eq(harness_locks_held, 0);
}
END_TEST

static Suite *sched_suite(void)
{
	Suite *s = suite_create("sched_credit");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, idle_system_picks_nothing);
	tcase_add_test(tc, pick_on_a_pcpu_not_scheduled_here_is_idle);
	tcase_add_test(tc, woken_vcpu_is_picked);
	tcase_add_test(tc, wake_twice_queues_once);
	tcase_add_test(tc, wake_of_a_vcpu_that_cannot_run_is_ignored);
	tcase_add_test(tc, sleep_takes_vcpu_off_its_queue);
	tcase_add_test(tc, sleep_of_running_vcpu_kicks_and_is_not_requeued);
	tcase_add_test(tc, wake_of_running_vcpu_leaves_it_running);
	tcase_add_test(tc, queued_vcpu_paused_without_sleep_is_not_picked);
	tcase_add_test(tc, runnable_prev_goes_round_robin);
	tcase_add_test(tc, until_is_a_slice_or_the_period_boundary);
	tcase_add_test(tc, running_time_is_accounted);
	tcase_add_test(tc, under_runs_before_over);
	tcase_add_test(tc, wake_kicks_an_idle_pcpu);
	tcase_add_test(tc, wake_of_under_vcpu_kicks_pcpu_running_over);
	tcase_add_test(tc, wake_does_not_kick_pcpu_running_under);
	tcase_add_test(tc, wake_goes_to_least_loaded_pcpu);
	tcase_add_test(tc, wake_prefers_last_pcpu_on_a_tie);
	tcase_add_test(tc, idle_pcpu_steals_queued_work);
	tcase_add_test(tc, weights_256_and_512_get_one_to_two);
	tcase_add_test(tc, cap_25_holds_a_busy_vcpu_at_a_quarter);
	tcase_add_test(tc, cap_25_holds_when_every_run_overshoots);
	tcase_add_test(tc, capped_domain_is_parked_until_next_period);
	tcase_add_test(tc, capped_domain_leaves_the_rest_to_others);
	tcase_add_test(tc, credit_is_split_among_a_domains_vcpus);
	tcase_add_test(tc, blocked_vcpu_uses_no_credit);
	tcase_add_test(tc, woken_vcpu_rejoins_the_share);
	tcase_add_test(tc, weight_change_takes_effect_next_period);
	tcase_add_test(tc, cap_change_takes_effect_next_period);
	tcase_add_test(tc, set_params_clamps_out_of_range_values);
	tcase_add_test(tc, domain_init_sets_defaults);
	tcase_add_test(tc, many_vcpus_spread_over_two_pcpus);
	tcase_add_test(tc, three_equal_vcpus_on_two_pcpus_share_fairly);
	tcase_add_test(tc, weights_hold_across_two_pcpus);
	tcase_add_test(tc, pick_is_published_under_the_pcpu_lock);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(sched_suite)
