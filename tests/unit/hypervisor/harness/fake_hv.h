/*
 * A small fake of the hypervisor around the event-channel, grant-table,
 * update-queue, memory and scheduler suites (fake_hv.c): domains in a
 * table, machine memory as a host array of frames, a p2m per domain, page
 * ownership and references, grant mappings into dom0, an allocator that
 * can be told to fail, and recorders for the notification hooks
 * (vcpu_notify_upcall, sched_kick_cpu).  The fakes check the hooks'
 * locking contract: p2m_* calls must come with the domain's lock held;
 * and page_put_ref() BUGs when it drops the last reference of a frame
 * that a domain's shared-info pointer still names.
 *
 * Include after harness.h and the hypervisor headers.
 */
#ifndef FAKE_HV_H
#define FAKE_HV_H

#include <keel/domain.h>
#include <keel/page.h>

#define FAKE_NR_FRAMES  64            /* machine frames */
#define FAKE_MEM_BASE   0x40000000ull /* machine address of frame 0 */
#define FAKE_NR_GFNS    32            /* gfns per domain */
#define FAKE_NR_DOMS    8             /* domids 0 .. 7 */

/* Machine address of fake frame i. */
#define FAKE_MFN(i)     (FAKE_MEM_BASE + (uint64_t)(i) * 4096)

/* Reset every fake (call from each test's setup). */
void fake_reset(void);

/* A live domain with nr_vcpus vCPUs (runnable: pause_flags 0), weight
 * and cap defaults, evtchn/gnttab state zeroed (not initialised).  id 0
 * is dom0 (the `dom0` object, privileged). */
struct domain *fake_domain(uint16_t id, unsigned nr_vcpus);
/* The domain is dying: domain_get() no longer finds it. */
void fake_domain_dying(struct domain *d);

/* Give d a fresh frame at gfn (owned by d, a pool frame); returns the
 * frame index. */
unsigned fake_give(struct domain *d, uint64_t gfn, bool writable);
/* Map frame `frame` at d's gfn without changing its owner. */
void fake_p2m_set(struct domain *d, uint64_t gfn, unsigned frame,
		  bool writable);
/* Unmap d's gfn (the frame keeps its owner). */
void fake_p2m_clear(struct domain *d, uint64_t gfn);
/* A fresh allocated frame owned by `owner`, mapped nowhere; its index. */
unsigned fake_new_frame(uint16_t owner);
/* A frame that is not in the pool (like dom0's own RAM). */
void fake_frame_not_pool(unsigned frame);
/* The fake frame at machine address mfn, or -1 if it is not one. */
int fake_frame_of(paddr_t mfn);
/* Host pointer to frame i, and to d's gfn (NULL if unmapped). */
void *fake_frame(unsigned i);
void *fake_gfn_ptr(struct domain *d, uint64_t gfn);
/* Register a shared-info page for d at gfn (a new frame). */
struct keel_shared_info *fake_shared_info(struct domain *d, uint64_t gfn);

struct page_info *fake_page(unsigned frame);

/* Recorded grant mappings into dom0 per frame. */
struct fake_grant_map {
	unsigned all, rw;
};
extern struct fake_grant_map fake_grant_maps[FAKE_NR_FRAMES];

/* Failure injection (each is consumed by the next call of its kind). */
extern int fake_alloc_fail;          /* xzalloc_bytes returns NULL */
extern int fake_copy_to_fail;        /* copy_to_guest returns -EFAULT */
extern int fake_map_grant_fail;      /* p2m_map_grant returns this */

/* Recorders. */
extern unsigned fake_notify_count;
extern struct vcpu *fake_notify_last;
extern unsigned fake_kick_count[SCHED_MAX_PCPUS + 1];
extern long fake_alloc_outstanding;  /* xzalloc minus xfree bytes */
extern int fake_refs_outstanding;    /* domain_get minus domain_put */
/* arch_set_picked: the last vCPU published, how often, and how many locks
 * the caller held then. */
extern struct vcpu *fake_picked;
extern unsigned fake_picked_count;
extern int fake_picked_locks;

#endif
