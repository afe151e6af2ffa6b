/*
 * The physical-to-machine map of a domain: which machine frame backs each
 * guest frame.  Implemented by the arch (arch/x86/p2m.c) on the domain's
 * nested page table.  Callers hold the domain's lock (d->lock).
 *
 * Every function that removes or downgrades a translation returns only once
 * no pCPU can still use the old one.
 */
#ifndef KEEL_P2M_H
#define KEEL_P2M_H

#include <keel/types.h>

struct domain;

/* Back gfn with machine frame mfn, writable.  0, -EEXIST (gfn in use),
 * -EINVAL (gfn out of range), -ENOMEM (table pages). */
int p2m_add(struct domain *d, uint64_t gfn, paddr_t mfn);
/* Translate.  0 with *mfn (and *writable, if not NULL), or -ENOENT. */
int p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *writable);
/* Remove gfn's mapping; *mfn says what backed it.  0 or -ENOENT. */
int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn);
/* The lowest mapped gfn >= *gfn, into *gfn: 0, or -ENOENT if none.  Its
 * cost is bounded by the table pages it visits, not by the gap. */
int p2m_next(struct domain *d, uint64_t *gfn);
/* Make gfn read-only or writable.  0 or -ENOENT. */
int p2m_protect(struct domain *d, uint64_t gfn, bool readonly);

/* dom0 only, with dom0->lock held: make machine frame mfn visible to dom0
 * at its own frame number mfn (dom0 is 1:1), read-only or not; mappings of
 * one frame are counted.  0, -EINVAL (not an allocated pool frame),
 * -ENOMEM.  The caller holds a page reference (page_get_ref) for each. */
int p2m_map_foreign(struct domain *dom0, paddr_t mfn, bool readonly);
/* Undo one p2m_map_foreign of mfn with the same readonly.  0 or -ENOENT. */
int p2m_unmap_foreign(struct domain *dom0, paddr_t mfn, bool readonly);
/* The same for grant mappings (gnttab.c), counted apart so that neither
 * kind can undo the other's. */
int p2m_map_grant(struct domain *dom0, paddr_t mfn, bool readonly);
int p2m_unmap_grant(struct domain *dom0, paddr_t mfn, bool readonly);

/* Arch: make every vCPU of d drop stale nested translations before it next
 * runs, and wait for any that is in guest mode on another pCPU. */
void arch_p2m_flush(struct domain *d);

#endif
