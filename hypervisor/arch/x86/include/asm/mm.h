#ifndef ASM_MM_H
#define ASM_MM_H

#include <keel/rangeset.h>
#include <asm/pagetable.h>

/* Table pages from the hypervisor's frame allocator, reached 1:1. */
extern const struct pt_mem hv_pt_mem;

/* Build the hypervisor's final page tables: everything below
 * max(4 GiB, top of RAM) mapped 1:1, page 0 left unmapped to catch NULL
 * dereferences, and non-RAM below 4 GiB uncached.  Then load them. */
void mm_init(const struct rangeset *ram);
bool cpu_has_1g_pages(void);

#endif
