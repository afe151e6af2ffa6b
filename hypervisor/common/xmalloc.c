/*
 * Zeroed, page-granular allocations from the frame allocator.
 */
#include <keel/xmalloc.h>
#include <keel/arch.h>
#include <keel/mm.h>

static uint64_t pages_for(size_t size)
{
	return (ALIGN_UP(size, PAGE_SIZE)) >> PAGE_SHIFT;
}

void *xzalloc_bytes(size_t size)
{
	paddr_t pa;

	if (!size)
		return NULL;
	pa = alloc_pages(pages_for(size), 1);
	return pa ? arch_phys_to_virt(pa) : NULL;
}

void xfree_bytes(void *p, size_t size)
{
	if (p)
		free_pages(arch_virt_to_phys(p), pages_for(size));
}
