/*
 * x86-64 4-level page-table builder (AMD APM vol. 2 sec. 5.3).  Level 4 is
 * the PML4, level 1 the 4 KiB page table.  Large pages: 1 GiB at level 3,
 * 2 MiB at level 2.
 */
#include <asm/pagetable.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define ENTRIES 512

/* Intermediate entries grant everything; the leaf decides. */
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)

static inline uint64_t level_size(unsigned level)
{
	return 1ull << (PAGE_SHIFT + 9 * (level - 1));
}

static inline unsigned level_index(uint64_t va, unsigned level)
{
	return (va >> (PAGE_SHIFT + 9 * (level - 1))) & (ENTRIES - 1);
}

static inline uint64_t *table(const struct pagetable *pt, paddr_t pa)
{
	return pt->mem->map(pt->mem->ctx, pa);
}

static inline bool is_leaf(uint64_t e, unsigned level)
{
	return level == 1 || (e & PTE_PS);
}

int pt_init(struct pagetable *pt, const struct pt_mem *mem)
{
	pt->mem = mem;
	pt->root = mem->alloc(mem->ctx);
	return pt->root ? 0 : -ENOMEM;
}

static void free_table(const struct pagetable *pt, paddr_t pa, unsigned level)
{
	uint64_t *t = table(pt, pa);

	/* Level-1 entries are leaves: only higher levels point to tables. */
	for (unsigned i = 0; level > 1 && i < ENTRIES; i++)
		if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
			free_table(pt, t[i] & PTE_ADDR_MASK, level - 1);
	if (pt->mem->free)
		pt->mem->free(pt->mem->ctx, pa);
}

void pt_destroy(struct pagetable *pt)
{
	if (pt->root)
		free_table(pt, pt->root, 4);
	pt->root = 0;
}

/* Replace large leaf *e (at `level`) by a table of 512 smaller leaves
 * mapping the same memory with the same flags. */
static int split(const struct pagetable *pt, uint64_t *e, unsigned level)
{
	paddr_t npa = pt->mem->alloc(pt->mem->ctx);
	uint64_t *n, base = *e & PTE_ADDR_MASK & ~(level_size(level) - 1);
	uint64_t flags = *e & (PT_LEAF_FLAGS | PTE_A | PTE_D | PTE_G);

	if (!npa)
		return -ENOMEM;
	n = table(pt, npa);
	for (unsigned i = 0; i < ENTRIES; i++)
		n[i] = (base + i * level_size(level - 1)) | flags |
		       (level - 1 > 1 ? PTE_PS : 0);
	*e = npa | TABLE_FLAGS;
	return 0;
}

/* Make *e a table entry, allocating or splitting as needed. */
static int ensure_table(const struct pagetable *pt, uint64_t *e, unsigned level)
{
	if (!(*e & PTE_P)) {
		paddr_t npa = pt->mem->alloc(pt->mem->ctx);

		if (!npa)
			return -ENOMEM;
		*e = npa | TABLE_FLAGS;
		return 0;
	}
	if (*e & PTE_PS)
		return split(pt, e, level);
	return 0;
}

static int map_level(const struct pagetable *pt, paddr_t tpa, unsigned level,
		     uint64_t va, paddr_t pa, uint64_t size, uint64_t flags,
		     unsigned large)
{
	uint64_t *t = table(pt, tpa);
	uint64_t end = va + size;

	while (va < end) {
		uint64_t esz = level_size(level);
		uint64_t next = ALIGN_DOWN(va, esz) + esz;
		uint64_t chunk = MIN(end, next) - va;
		uint64_t *e = &t[level_index(va, level)];
		bool may_large = (level == 2 && (large & PT_LARGE_2M)) ||
				 (level == 3 && (large & PT_LARGE_1G));
		int rc;

		if (level == 1) {
			*e = pa | flags | PTE_P;
		} else if (may_large && chunk == esz && IS_ALIGNED(pa, esz)) {
			if ((*e & PTE_P) && !(*e & PTE_PS))
				free_table(pt, *e & PTE_ADDR_MASK, level - 1);
			*e = pa | flags | PTE_P | PTE_PS;
		} else {
			rc = ensure_table(pt, e, level);
			if (rc)
				return rc;
			rc = map_level(pt, *e & PTE_ADDR_MASK, level - 1, va,
				       pa, chunk, flags, large);
			if (rc)
				return rc;
		}
		va += chunk;
		pa += chunk;
	}
	return 0;
}

int pt_map(struct pagetable *pt, uint64_t va, paddr_t pa, uint64_t size,
	   uint64_t flags, unsigned large)
{
	if (!IS_ALIGNED(va | pa | size, PAGE_SIZE) || (flags & ~PT_LEAF_FLAGS) ||
	    va + size < va || (pa & ~PTE_ADDR_MASK) ||
	    (va + size) > (1ull << 48))
		return -EINVAL;
	return map_level(pt, pt->root, 4, va, pa, size, flags, large);
}

static bool table_empty(const struct pagetable *pt, paddr_t tpa)
{
	const uint64_t *t = table(pt, tpa);

	for (unsigned i = 0; i < ENTRIES; i++)
		if (t[i])
			return false;
	return true;
}

/* Unmapping leaves no empty table behind: a table whose last entry goes is
 * freed and its parent entry cleared, so map/unmap cycles cost nothing. */
static int unmap_level(const struct pagetable *pt, paddr_t tpa, unsigned level,
		       uint64_t va, uint64_t size)
{
	uint64_t *t = table(pt, tpa);
	uint64_t end = va + size;

	while (va < end) {
		uint64_t esz = level_size(level);
		uint64_t next = ALIGN_DOWN(va, esz) + esz;
		uint64_t chunk = MIN(end, next) - va;
		uint64_t *e = &t[level_index(va, level)];
		int rc;

		if (!(*e & PTE_P)) {
			/* nothing mapped here */
		} else if (chunk == esz || level == 1) {
			if (!is_leaf(*e, level))
				free_table(pt, *e & PTE_ADDR_MASK, level - 1);
			*e = 0;
		} else {
			if (*e & PTE_PS) {
				rc = split(pt, e, level);
				if (rc)
					return rc;
			}
			rc = unmap_level(pt, *e & PTE_ADDR_MASK, level - 1, va,
					 chunk);
			if (rc)
				return rc;
			if (pt->mem->free && table_empty(pt, *e & PTE_ADDR_MASK)) {
				pt->mem->free(pt->mem->ctx, *e & PTE_ADDR_MASK);
				*e = 0;
			}
		}
		va += chunk;
	}
	return 0;
}

int pt_unmap(struct pagetable *pt, uint64_t va, uint64_t size)
{
	if (!IS_ALIGNED(va | size, PAGE_SIZE) || va + size < va ||
	    (va + size) > (1ull << 48))
		return -EINVAL;
	return unmap_level(pt, pt->root, 4, va, size);
}

int pt_lookup(const struct pagetable *pt, uint64_t va, paddr_t *pa,
	      uint64_t *flags)
{
	paddr_t tpa = pt->root;

	if (va >= (1ull << 48))	/* never mapped; the index bits would alias */
		return -ENOENT;
	for (unsigned level = 4; level >= 1; level--) {
		uint64_t e = table(pt, tpa)[level_index(va, level)];

		if (!(e & PTE_P))
			return -ENOENT;
		if (is_leaf(e, level)) {
			uint64_t off = va & (level_size(level) - 1);

			*pa = (e & PTE_ADDR_MASK & ~(level_size(level) - 1)) + off;
			*flags = e & (PT_LEAF_FLAGS | PTE_A | PTE_D | PTE_G);
			return 0;
		}
		tpa = e & PTE_ADDR_MASK;
	}
	return -ENOENT;
}

/* The lowest mapped address >= *va below the table at tpa (level). */
static int next_level(const struct pagetable *pt, paddr_t tpa, unsigned level,
		      uint64_t *va)
{
	const uint64_t *t = table(pt, tpa);
	uint64_t esz = level_size(level);
	uint64_t base = ALIGN_DOWN(*va, esz * ENTRIES);

	for (unsigned i = level_index(*va, level); i < ENTRIES; i++) {
		uint64_t e = t[i];
		uint64_t from = MAX(*va, base + i * esz);

		if (!(e & PTE_P))
			continue;
		if (!is_leaf(e, level) &&
		    next_level(pt, e & PTE_ADDR_MASK, level - 1, &from))
			continue;	/* an empty table: nothing below */
		*va = from;
		return 0;
	}
	return -ENOENT;
}

int pt_next_mapped(const struct pagetable *pt, uint64_t *va)
{
	uint64_t from = ALIGN_DOWN(*va, PAGE_SIZE);

	if (from >= (1ull << 48) || next_level(pt, pt->root, 4, &from))
		return -ENOENT;
	*va = from;
	return 0;
}
