/* System time from the shared-info time record (pvclock.h). */
#include "pvclock.h"

uint64_t pvclock_ns(const struct keel_vcpu_time_info *t, uint64_t tsc)
{
	uint64_t delta = tsc - t->tsc_timestamp;

	if ((int64_t)delta < 0)
		delta = 0;
	if (t->tsc_shift >= 0)
		delta <<= t->tsc_shift;
	else
		delta >>= -t->tsc_shift;
	return t->system_time +
	       (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

uint64_t pvclock_read(const volatile struct keel_vcpu_time_info *t,
		      uint64_t (*read_tsc)(void))
{
	struct keel_vcpu_time_info copy;
	uint32_t v1, v2;
	uint64_t tsc;

	do {
		v1 = __atomic_load_n(&t->version, __ATOMIC_ACQUIRE);
		copy.tsc_timestamp = t->tsc_timestamp;
		copy.system_time = t->system_time;
		copy.tsc_to_system_mul = t->tsc_to_system_mul;
		copy.tsc_shift = t->tsc_shift;
		tsc = read_tsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		v2 = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
	} while ((v1 & 1) || v1 != v2);
	return pvclock_ns(&copy, tsc);
}
