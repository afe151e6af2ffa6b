/*
 * Builder for x86-64 4-level page tables, used for the hypervisor's own
 * tables and for the nested (guest-physical -> machine) tables of domains.
 * Pure logic over a page supplier, so it is unit-tested on the host.
 *
 * No locking: the caller serialises updates to one table and flushes TLBs
 * (or nested TLBs) after changing live entries.
 */
#ifndef ASM_PAGETABLE_H
#define ASM_PAGETABLE_H

#include <keel/types.h>
#include <asm/page.h>

struct pt_mem {
	/* A zeroed 4 KiB page for a table; 0 when out of memory. */
	paddr_t (*alloc)(void *ctx);
	/* Give back a table page (may be NULL: pages are then kept). */
	void (*free)(void *ctx, paddr_t pa);
	/* Pointer through which the builder reads and writes page pa. */
	void *(*map)(void *ctx, paddr_t pa);
	void *ctx;
};

struct pagetable {
	paddr_t root;
	const struct pt_mem *mem;
};

#define PT_LARGE_2M (1u << 0)
#define PT_LARGE_1G (1u << 1)

#define PT_LEAF_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_PWT | PTE_PCD | PTE_AVL9 | PTE_NX)

/* Allocate an empty root.  0 or -ENOMEM. */
int pt_init(struct pagetable *pt, const struct pt_mem *mem);
/* Free every table page, including the root. */
void pt_destroy(struct pagetable *pt);
/* Map [va, va+size) to [pa, pa+size) with leaf `flags` (PT_LEAF_FLAGS
 * bits; PTE_P is implied), using 2M/1G pages where `large` allows and
 * alignment permits; existing mappings in the range are replaced.
 * Returns 0, -EINVAL (unaligned, or flags outside PT_LEAF_FLAGS), or
 * -ENOMEM (the range may then be partly mapped). */
int pt_map(struct pagetable *pt, uint64_t va, paddr_t pa, uint64_t size,
	   uint64_t flags, unsigned large);
/* Remove [va, va+size), splitting large pages at the edges.  Returns 0,
 * -EINVAL (unaligned) or -ENOMEM (a split failed; partly unmapped). */
int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size);
/* Translate va.  Returns 0 with *pa and the leaf's flags (PS cleared), or
 * -ENOENT if not mapped. */
int pt_lookup(const struct pagetable *pt, uint64_t va, paddr_t *pa,
	      uint64_t *flags);
/* The lowest mapped address >= *va (page-aligned), into *va.  Returns 0,
 * or -ENOENT if nothing is mapped there or above.  Absent entries are
 * skipped a whole subtree at a time, so the cost is bounded by the table
 * pages visited, not by the distance to the next mapping. */
int pt_next_mapped(const struct pagetable *pt, uint64_t *va);

#endif
