/*
 * The physical frame allocator: one bit per 4 KiB frame over
 * [base_pfn, base_pfn + nr_pfns), set = in use.  It hands out the memory
 * the hypervisor keeps for itself and for guests (never dom0's).  All calls
 * take the allocator's lock themselves.
 */
#ifndef KEEL_FRAME_H
#define KEEL_FRAME_H

#include <keel/types.h>
#include <keel/spinlock.h>

struct frame_allocator {
	spinlock_t lock;
	uint64_t *bitmap;
	uint64_t base_pfn;
	uint64_t nr_pfns;
	uint64_t nr_free;
	uint64_t hint;       /* index to start searching single frames from */
};

/* Bytes of bitmap storage needed for nr_pfns frames. */
size_t frame_bitmap_bytes(uint64_t nr_pfns);
/* Start with every frame in use; `bitmap` holds frame_bitmap_bytes(). */
void frame_init(struct frame_allocator *fa, uint64_t *bitmap,
		uint64_t base_pfn, uint64_t nr_pfns);
/* Mark frames free (boot-time: RAM the allocator may hand out).  Frames
 * outside the allocator's span are ignored. */
void frame_add_free(struct frame_allocator *fa, uint64_t pfn, uint64_t count);
/* Mark frames in use without handing them out (boot-time reservations). */
void frame_reserve(struct frame_allocator *fa, uint64_t pfn, uint64_t count);
/* Allocate `count` contiguous frames whose first pfn is a multiple of
 * `align` (a power of two, in frames).  Returns 0 and the first pfn in
 * *pfn, or -ENOMEM (nothing changed), or -EINVAL for count 0 or a bad align. */
int frame_alloc(struct frame_allocator *fa, uint64_t count, uint64_t align,
		uint64_t *pfn);
/* Return frames.  Freeing a free frame or one outside the span is a
 * hypervisor bug: returns -EINVAL and changes nothing. */
int frame_free(struct frame_allocator *fa, uint64_t pfn, uint64_t count);
uint64_t frame_free_count(struct frame_allocator *fa);
bool frame_is_free(struct frame_allocator *fa, uint64_t pfn);

#endif
