/*
 * When live migration stops pre-copying (docs/migration.md, "Rounds"):
 * pure logic, unit-tested.  After each round the saver reports what it
 * sent and what is dirty; the policy answers go on, go on with the guest
 * throttled harder (auto-converge: its scheduler cap lowered a step), or
 * stop and copy the rest with the guest paused -- because the expected
 * downtime (dirty pages / measured bandwidth) is under the target
 * ("converged", or "auto-converge" once it was throttled), or because a
 * bound on rounds or time was reached ("forced-stop").
 */
#ifndef KEEL_MIG_POLICY_H
#define KEEL_MIG_POLICY_H

#include <stdint.h>

#define MIG_MAX_ROUNDS_DEFAULT   30
#define MIG_MAX_TIME_MS_DEFAULT  60000.0
#define MIG_DOWNTIME_MS_DEFAULT  100
/* Auto-converge: the caps tried in turn (percent of one CPU). */
#define MIG_CAP_STEPS { 80, 60, 40, 20, 10, 5 }
/* Throttle after this many rounds in a row in which the guest dirtied
 * more than half of what the link carried (QEMU's rule of thumb). */
#define MIG_THROTTLE_AFTER 2

struct mig_policy {
	unsigned int max_downtime_ms;   /* 0: MIG_DOWNTIME_MS_DEFAULT */
	unsigned int max_rounds;        /* 0: MIG_MAX_ROUNDS_DEFAULT */
	double max_time_ms;             /* 0: MIG_MAX_TIME_MS_DEFAULT */
};

struct mig_round {
	unsigned int round;             /* 1 .. */
	uint64_t pages_sent;            /* in this round */
	uint64_t pages_dirty;           /* dirty when it ended */
	double round_ms;                /* how long it took */
	double elapsed_ms;              /* since the migration began */
};

enum mig_decision {
	MIG_GO_ON,
	MIG_GO_ON_THROTTLED,            /* set the cap to *cap first */
	MIG_STOP_CONVERGED,
	MIG_STOP_FORCED,
};

struct mig_policy_state {
	unsigned int hot_rounds;        /* consecutive rounds dirtying > half */
	unsigned int cap_step;          /* steps taken (0: not throttled) */
	double pages_per_ms;            /* last measured bandwidth */
};

void mig_policy_init(struct mig_policy_state *st);
/* Decide after round r; *expected_ms gets the expected downtime (dirty /
 * bandwidth), *cap the cap to set for MIG_GO_ON_THROTTLED (and the cap
 * now in force otherwise, 0 = untouched). */
enum mig_decision mig_policy_next(struct mig_policy_state *st,
				  const struct mig_policy *p,
				  const struct mig_round *r,
				  double *expected_ms, unsigned int *cap);
/* The report's word for how it ended: "converged", "auto-converge",
 * "forced-stop". */
const char *mig_policy_how(const struct mig_policy_state *st,
			   enum mig_decision d);

#endif
