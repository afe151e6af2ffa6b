/* The live-migration round policy (mig_policy.h). */
#include <string.h>

#include "mig_policy.h"

static const unsigned int cap_steps[] = MIG_CAP_STEPS;
#define NR_STEPS (sizeof(cap_steps) / sizeof(cap_steps[0]))

void mig_policy_init(struct mig_policy_state *st)
{
	memset(st, 0, sizeof(*st));
}

static unsigned int current_cap(const struct mig_policy_state *st)
{
	return st->cap_step ? cap_steps[st->cap_step - 1] : 0;
}

enum mig_decision mig_policy_next(struct mig_policy_state *st,
				  const struct mig_policy *p,
				  const struct mig_round *r,
				  double *expected_ms, unsigned int *cap)
{
	unsigned int target = p->max_downtime_ms ? p->max_downtime_ms :
			      MIG_DOWNTIME_MS_DEFAULT;
	unsigned int max_rounds = p->max_rounds ? p->max_rounds :
				  MIG_MAX_ROUNDS_DEFAULT;
	double max_time = p->max_time_ms > 0 ? p->max_time_ms :
			  MIG_MAX_TIME_MS_DEFAULT;

	/* Bandwidth as measured over this round; a round too short to time
	 * keeps the last figure. */
	if (r->round_ms > 0 && r->pages_sent > 0)
		st->pages_per_ms = (double)r->pages_sent / r->round_ms;
	if (r->pages_dirty == 0)
		*expected_ms = 0;
	else if (st->pages_per_ms > 0)
		*expected_ms = (double)r->pages_dirty / st->pages_per_ms;
	else
		*expected_ms = 1e12;    /* nothing measured yet: unknown */
	*cap = current_cap(st);

	if (*expected_ms < (double)target)
		return MIG_STOP_CONVERGED;
	if (r->round >= max_rounds || r->elapsed_ms >= max_time)
		return MIG_STOP_FORCED;
	/* Dirtying faster than half the link: not converging on its own. */
	if (r->pages_dirty * 2 > r->pages_sent)
		st->hot_rounds++;
	else
		st->hot_rounds = 0;
	if (st->hot_rounds >= MIG_THROTTLE_AFTER && st->cap_step < NR_STEPS) {
		st->cap_step++;
		st->hot_rounds = 0;
		*cap = current_cap(st);
		return MIG_GO_ON_THROTTLED;
	}
	return MIG_GO_ON;
}

const char *mig_policy_how(const struct mig_policy_state *st,
			   enum mig_decision d)
{
	if (d == MIG_STOP_FORCED)
		return "forced-stop";
	return st->cap_step ? "auto-converge" : "converged";
}
