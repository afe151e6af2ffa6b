/*
 * Hold statistics (keel/hold.h, KEEL_SYSCTL_HOLD_STATS).  One slot per
 * (hypercall, sub-op); each field is updated atomically, and the longest
 * call by a compare-and-swap loop, so pCPUs record at once without a lock.
 * A read racing a record may see its count without its time: figures for
 * people, not for accounting.
 */
#include <keel/hold.h>
#include <keel/lib.h>
#include <public/sysctl.h>

struct hold_slot {
	uint64_t count;
	uint64_t max_ns;
	uint64_t total_ns;
	uint64_t over_1ms, over_10ms;
	uint16_t max_domid;
};

#define NS_1MS  1000000ull

static struct hold_slot slots[KEEL_HC_MAX][KEEL_HOLD_SUBOPS];

void hold_record(uint64_t nr, uint64_t subop, uint16_t domid, uint64_t ns)
{
	struct hold_slot *s;
	uint64_t old;

	if (nr >= KEEL_HC_MAX)
		return;
	s = &slots[nr][subop < KEEL_HOLD_SUBOP_OTHER ? subop
						     : KEEL_HOLD_SUBOP_OTHER];
	__atomic_add_fetch(&s->count, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&s->total_ns, ns, __ATOMIC_RELAXED);
	if (ns > NS_1MS)
		__atomic_add_fetch(&s->over_1ms, 1, __ATOMIC_RELAXED);
	if (ns > 10 * NS_1MS)
		__atomic_add_fetch(&s->over_10ms, 1, __ATOMIC_RELAXED);
	old = __atomic_load_n(&s->max_ns, __ATOMIC_RELAXED);
	while (ns > old) {
		if (__atomic_compare_exchange_n(&s->max_ns, &old, ns, false,
						__ATOMIC_RELAXED,
						__ATOMIC_RELAXED)) {
			__atomic_store_n(&s->max_domid, domid, __ATOMIC_RELAXED);
			break;
		}
	}
}

unsigned hold_read(struct keel_hold_stat *out, unsigned max, bool reset)
{
	unsigned n = 0;

	for (unsigned nr = 0; nr < KEEL_HC_MAX; nr++) {
		for (unsigned sub = 0; sub < KEEL_HOLD_SUBOPS; sub++) {
			struct hold_slot *s = &slots[nr][sub];
			uint64_t count = __atomic_load_n(&s->count,
							 __ATOMIC_RELAXED);

			if (count && n < max) {
				memset(&out[n], 0, sizeof(out[n]));
				out[n].hypercall = (uint16_t)nr;
				out[n].subop = (uint16_t)sub;
				out[n].count = count;
				out[n].max_ns = __atomic_load_n(
					&s->max_ns, __ATOMIC_RELAXED);
				out[n].total_ns = __atomic_load_n(
					&s->total_ns, __ATOMIC_RELAXED);
				out[n].max_domid = __atomic_load_n(
					&s->max_domid, __ATOMIC_RELAXED);
				out[n].over_1ms = __atomic_load_n(
					&s->over_1ms, __ATOMIC_RELAXED);
				out[n].over_10ms = __atomic_load_n(
					&s->over_10ms, __ATOMIC_RELAXED);
				n++;
			}
			if (reset) {
				__atomic_store_n(&s->count, 0, __ATOMIC_RELAXED);
				__atomic_store_n(&s->max_ns, 0, __ATOMIC_RELAXED);
				__atomic_store_n(&s->total_ns, 0,
						 __ATOMIC_RELAXED);
				__atomic_store_n(&s->over_1ms, 0,
						 __ATOMIC_RELAXED);
				__atomic_store_n(&s->over_10ms, 0,
						 __ATOMIC_RELAXED);
			}
		}
	}
	return n;
}
