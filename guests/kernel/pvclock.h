/*
 * System time from a vCPU's time record (shared_info.h).  Pure
 * (pvclock.c), also built into the host unit tests.
 */
#ifndef GUEST_PVCLOCK_H
#define GUEST_PVCLOCK_H

#include <stdint.h>

#include <public/shared_info.h>

/* system_time + ((tsc - tsc_timestamp) scaled by tsc_shift, times
 * tsc_to_system_mul) >> 32.  A TSC before tsc_timestamp counts as 0. */
uint64_t pvclock_ns(const struct keel_vcpu_time_info *t, uint64_t tsc);

/* Consistent copy of a record the hypervisor may be updating: retry while
 * version is odd or changes.  read_tsc is called inside the window. */
uint64_t pvclock_read(const volatile struct keel_vcpu_time_info *t,
		      uint64_t (*read_tsc)(void));

#endif
