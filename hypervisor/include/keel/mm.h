/*
 * Memory the hypervisor owns: every RAM page that is neither dom0's nor
 * the hypervisor image is managed by one frame allocator, and serves both
 * the hypervisor's own needs and, later, guest domains.
 */
#ifndef KEEL_MM_H
#define KEEL_MM_H

#include <keel/types.h>
#include <keel/frame.h>

extern struct frame_allocator hv_frames;

/* Zeroed, contiguous pages; `align` in pages (power of two).  0 when out
 * of memory. */
paddr_t alloc_pages(uint64_t count, uint64_t align);
void free_pages(paddr_t pa, uint64_t count);

/* Memory accounting for KEEL_SYSCTL_PHYSINFO, filled in at boot. */
struct mem_summary {
	uint64_t total_pages;   /* RAM in the firmware memory map */
	uint64_t dom0_pages;
	uint64_t image_pages;   /* the hypervisor's code and data */
};
extern struct mem_summary mem_summary;

#endif
