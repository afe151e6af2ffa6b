/*
 * Log-dirty mode (docs/migration.md): while a domain is being saved or
 * migrated, every page of its RAM is write-protected in its nested map;
 * the first write to a page faults, sets the page's bit in a bitmap and
 * makes the page writable again.  dom0 reads and clears the bitmap in
 * chunks (KEEL_DOMCTL_logdirty), which write-protects the pages it
 * reported, so a page written again is reported again.
 *
 * Invariant while enabled, for every tracked gfn (gfn < nr_bits): a page
 * whose bit is clear is not writable in the nested map (log-dirty or a
 * protect made it read-only), so no write to it goes unrecorded.
 *
 * Pages made read-only by the mmu_update `protect` op stay read-only:
 * the p2m keeps "read-only for log-dirty" apart from "read-only because
 * dom0 asked" (p2m_logdirty_*), and a write to the latter is still a
 * fault that crashes the guest, as without log-dirty.
 *
 * Locking: the state is guarded by d->lock.
 */
#ifndef KEEL_LOGDIRTY_H
#define KEEL_LOGDIRTY_H

#include <keel/types.h>

struct domain;

struct logdirty {
	bool enabled;
	uint64_t nr_bits;          /* gfns [0, nr_bits) are tracked */
	uint64_t *bitmap;          /* nr_bits bits, rounded up to 64 */
	uint64_t faults;           /* write faults taken (statistic) */
};

/* Most gfns one KEEL_DOMCTL_logdirty call reads (its buffer: 64 KiB). */
#define LOGDIRTY_CHUNK_BITS (65536u * 8)

/* Start tracking: allocate the bitmap over the gfns d has populated
 * (0 .. d->max_gfn), all clear, and write-protect every page.  Takes
 * d->lock.  0, -EBUSY (already on), -ENOMEM. */
int logdirty_enable(struct domain *d);
/* Stop: make the log-dirty read-only pages writable again (protect's
 * stay read-only) and free the bitmap.  Takes d->lock.  0 or -EINVAL
 * (not on).  Also called by domain destroy (then quietly). */
int logdirty_disable(struct domain *d);
/* Record that gfn was written (by the hypervisor or a populate), in
 * d->logdirty (struct domain); with d->lock held.  No-op when off or gfn
 * is not tracked.  A macro: keel/domain.h includes this header first. */
#define logdirty_mark(d, gfn) do {					\
	struct logdirty *ld_ = &(d)->logdirty;				\
	uint64_t g_ = (gfn);						\
	if (ld_->enabled && g_ < ld_->nr_bits)				\
		ld_->bitmap[g_ / 64] |= 1ull << (g_ % 64);		\
} while (0)
/* A write to gfn faulted in d's nested map: if log-dirty made it
 * read-only, record it, make it writable and return true (the guest
 * retries the write); false when the fault is not log-dirty's (the
 * caller crashes the domain as before).  Takes d->lock. */
bool logdirty_write_fault(struct domain *d, uint64_t gfn);
/* Copy the bits of gfns [start, start+nr) into out (nr/64 words; nr a
 * multiple of 64) and, if clean, clear them and write-protect the pages
 * they named.  Bits past nr_bits read as 0.  Returns the number of set
 * bits, or -EINVAL (not on, nr not a multiple of 64 or over
 * LOGDIRTY_CHUNK_BITS).  Takes d->lock. */
long logdirty_read(struct domain *d, uint64_t start, uint64_t nr,
		   uint64_t *out, bool clean);

/* Arch hooks (arch/x86/p2m.c), with d->lock held; neither flushes:
 * the caller calls arch_p2m_flush once after a batch of protects. */
/* A writable page becomes read-only-for-log-dirty.  0 (also when it was
 * read-only already, either way), -ENOENT (not mapped). */
int p2m_logdirty_protect(struct domain *d, uint64_t gfn);
/* A read-only-for-log-dirty page becomes writable.  0, -ENOENT (not
 * mapped), -EACCES (read-only for another reason: protect). */
int p2m_logdirty_unprotect(struct domain *d, uint64_t gfn);

#endif
