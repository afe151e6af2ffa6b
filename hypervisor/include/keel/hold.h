/*
 * How long each hypercall held its pCPU (KEEL_SYSCTL_HOLD_STATS): the
 * calls, the longest single call and the total per (hypercall, sub-op),
 * kept without a lock (atomic updates), read and reset by dom0.
 */
#ifndef KEEL_HOLD_H
#define KEEL_HOLD_H

#include <keel/types.h>

struct keel_hold_stat;

/* Record one call of hypercall nr, sub-op subop (clamped to
 * KEEL_HOLD_SUBOP_OTHER), by domain domid, that took ns.  Any context. */
void hold_record(uint64_t nr, uint64_t subop, uint16_t domid, uint64_t ns);

/* KEEL_SYSCTL_HOLD_STATS: copy the entries with calls (at most max of
 * them) to out; clear them all afterwards if reset.  Returns how many
 * were written.  out is hypervisor memory. */
unsigned hold_read(struct keel_hold_stat *out, unsigned max, bool reset);

#endif
