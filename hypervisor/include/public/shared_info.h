/*
 * The shared-info page: one page of the guest's own RAM (start_info's
 * shared_info_gfn) that the hypervisor writes while the domain lives.  It
 * holds the 2-level event-channel bitmaps, each vCPU's upcall flags and
 * time, and the wall clock.
 *
 * Events: the hypervisor sets a port's bit in evtchn_pending; if the port is
 * not masked in evtchn_mask it sets the word's bit in the vCPU's
 * evtchn_pending_sel and then evtchn_upcall_pending, and, unless
 * evtchn_upcall_mask is set, raises the vCPU's upcall vector (set with
 * KEEL_EVTCHNOP_set_upcall_vector) the next time it runs.  The guest clears
 * upcall_pending, exchanges pending_sel with 0, and clears and handles each
 * pending unmasked port.  Several sends before the guest runs become one
 * upcall: events are delivered in a batch.
 *
 * Time: system time is nanoseconds since the hypervisor booted.  A guest
 * computes it as
 *     system_time + ((rdtsc() - tsc_timestamp) * tsc_to_system_mul) >> 32
 * after shifting the TSC delta left (tsc_shift >= 0) or right (< 0), reading
 * version before and after: odd or changed means "being updated, retry".
 * Wall clock = wc_sec/wc_nsec (the time at system time 0) + system time.
 */
#ifndef KEEL_PUBLIC_SHARED_INFO_H
#define KEEL_PUBLIC_SHARED_INFO_H

#include "types.h"

#define KEEL_MAX_VCPUS       4
#define KEEL_NR_EVTCHN_WORDS 64
#define KEEL_NR_EVENT_CHANNELS (KEEL_NR_EVTCHN_WORDS * 64)   /* 4096 */

struct keel_vcpu_time_info {
	uint32_t version;           /* OUT: odd while being updated            */
	uint32_t pad0;
	uint64_t tsc_timestamp;     /* OUT: TSC at system_time                 */
	uint64_t system_time;       /* OUT: ns since boot at tsc_timestamp     */
	uint32_t tsc_to_system_mul; /* OUT: 32.32 fixed point                  */
	int8_t   tsc_shift;         /* OUT                                     */
	uint8_t  pad1[3];
};
KEEL_ABI_SIZE_CHECK(struct keel_vcpu_time_info, 32);

struct keel_vcpu_info {
	uint8_t  evtchn_upcall_pending;  /* set by the hypervisor, cleared by the guest */
	uint8_t  evtchn_upcall_mask;     /* set by the guest: no upcalls        */
	uint8_t  pad[6];
	uint64_t evtchn_pending_sel;     /* bit w: word w of evtchn_pending has news */
	struct keel_vcpu_time_info time;
	uint8_t  reserved[64 - 16 - 32];
};
KEEL_ABI_SIZE_CHECK(struct keel_vcpu_info, 64);

struct keel_shared_info {
	struct keel_vcpu_info vcpu_info[KEEL_MAX_VCPUS];      /* 0x000 */
	uint64_t evtchn_pending[KEEL_NR_EVTCHN_WORDS];        /* 0x100 */
	uint64_t evtchn_mask[KEEL_NR_EVTCHN_WORDS];           /* 0x300 */
	uint32_t wc_version;                                  /* 0x500 */
	uint32_t wc_nsec;
	uint64_t wc_sec;
	uint8_t  reserved[4096 - 0x510];
};
KEEL_ABI_SIZE_CHECK(struct keel_shared_info, 4096);

#endif
