/*
 * System time: nanoseconds since the hypervisor booted, the same on every
 * pCPU (the TSC is invariant and synchronised under QEMU).  Guests see it
 * through their shared-info page.
 */
#ifndef KEEL_TIME_H
#define KEEL_TIME_H

#include <keel/types.h>

uint64_t now_ns(void);
/* Wall clock at system time 0 (from the RTC at boot). */
void wallclock_at_boot(uint64_t *sec, uint32_t *nsec);

struct keel_shared_info;
/* Write the time fields of a new shared-info page: each vCPU's
 * tsc-to-ns conversion and the wall clock. */
/* offset: the domain's system time minus the hypervisor's (>= 0). */
void time_fill_shared_info(struct keel_shared_info *si, unsigned nr_vcpus,
			   uint64_t offset);

#endif
