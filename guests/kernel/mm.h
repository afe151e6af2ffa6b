/*
 * Guest frame bookkeeping (mm.c): which gfns hold RAM (populated) and
 * which of those are in use.  The allocator hands out free frames from
 * first_free_gfn up, then the low ones; the balloon gives back the
 * highest free frames and repopulates the lowest holes.  Pure (no
 * hypercalls: callers make them), also built into the host unit tests.
 * Not thread-safe: main context only.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdint.h>

/* Frames tracked (1 GiB of guest-physical space); a larger max_pages is
 * clamped to this. */
#define MM_MAX_PAGES (1u << 18)

/* Populated: 0 .. nr_pages-1.  In use: frame 0 (never mapped: NULL) and
 * the kernel image and builder pages [kernel_start, first_free). */
void mm_init(uint64_t nr_pages, uint64_t max_pages, uint64_t kernel_start,
	     uint64_t first_free);
/* A free populated frame, now in use: its gfn, or -KEEL_ENOMEM. */
long mm_alloc_page(void);
/* Return a frame from mm_alloc_page(); a frame not in use is ignored. */
void mm_free_page(uint64_t gfn);

uint64_t mm_nr_populated(void);
uint64_t mm_nr_used(void);
/* Frames that may ever be populated: 0 .. mm_limit()-1. */
uint64_t mm_limit(void);

/* Balloon: the highest free populated frame (not changed: the caller
 * gives it back, then calls mm_set_unpopulated), or -KEEL_ENOMEM. */
long mm_balloon_pick_release(void);
/* Balloon: the lowest unpopulated frame below mm_limit(), or -KEEL_ENOSPC. */
long mm_balloon_pick_populate(void);
void mm_set_unpopulated(uint64_t gfn);
void mm_set_populated(uint64_t gfn);
int mm_is_populated(uint64_t gfn);
int mm_is_used(uint64_t gfn);

#endif
