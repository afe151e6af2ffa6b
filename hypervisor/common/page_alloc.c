/*
 * Page allocation for the hypervisor, over the boot-time frame allocator.
 */
#include <keel/mm.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/lib.h>

struct frame_allocator hv_frames;
struct mem_summary mem_summary;

paddr_t alloc_pages(uint64_t count, uint64_t align)
{
	uint64_t pfn;

	if (frame_alloc(&hv_frames, count, align, &pfn))
		return 0;
	memset(arch_phys_to_virt(pfn << PAGE_SHIFT), 0, count << PAGE_SHIFT);
	return pfn << PAGE_SHIFT;
}

void free_pages(paddr_t pa, uint64_t count)
{
	if (frame_free(&hv_frames, pa >> PAGE_SHIFT, count))
		panic("free_pages: %lu pages at %lx were not allocated", count, pa);
}
