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
/* Table pages d's p2m holds now (its root excepted): the guest is charged
 * for them (memory.c, P2M_TABLE_BUDGET). */
uint64_t p2m_table_pages(struct domain *d);
/* The table pages a guest with max_pages pages may hold: twice what
 * dense RAM needs (a PT per 512 pages, a PD per 2^18, a PDPT) plus a few
 * for far, sparse gfns.  A populate that finds the budget used up fails
 * (-ENOSPC); one populate maps one page, so the table can exceed the
 * budget by at most the three tables one page can need. */
#define P2M_TABLE_SLACK 16
#define P2M_TABLE_BUDGET(max_pages) ((max_pages) / 256 + P2M_TABLE_SLACK)
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
