/*
 * The hypervisor's own address space: a 1:1 map of physical memory.
 */
#include <asm/mm.h>
#include <asm/x86.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/mm.h>

static paddr_t pt_alloc(void *ctx)
{
	(void)ctx;
	return alloc_pages(1, 1);
}

static void pt_free(void *ctx, paddr_t pa)
{
	(void)ctx;
	free_pages(pa, 1);
}

static void *pt_map_page(void *ctx, paddr_t pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

const struct pt_mem hv_pt_mem = { pt_alloc, pt_free, pt_map_page, NULL };

void *arch_phys_to_virt(paddr_t pa)
{
	return phys_to_virt(pa);
}

paddr_t arch_virt_to_phys(const void *va)
{
	return virt_to_phys(va);
}

bool cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;

	cpuid_count(0x80000001, 0, &a, &b, &c, &d);
	return d & (1u << 26);
}

static struct pagetable hv_pt;

void mm_init(const struct rangeset *ram)
{
	uint64_t top = GiB(4);
	struct rangeset holes;
	unsigned large = PT_LARGE_2M | (cpu_has_1g_pages() ? PT_LARGE_1G : 0);
	int rc;

	if (ram->nr)
		top = MAX(top, ALIGN_UP(ram->r[ram->nr - 1].end, GiB(1)));
	rc = pt_init(&hv_pt, &hv_pt_mem);
	if (!rc)
		rc = pt_map(&hv_pt, 0, 0, top, PTE_RW, large);
	/* Non-RAM below 4 GiB is MMIO (LAPIC, IOAPIC, PCI BARs): uncached. */
	rangeset_init(&holes);
	rangeset_add(&holes, 0, GiB(4));
	rangeset_remove_set(&holes, ram);
	rangeset_align_inward(&holes, PAGE_SIZE);
	for (unsigned i = 0; !rc && i < holes.nr; i++)
		rc = pt_map(&hv_pt, holes.r[i].start, holes.r[i].start,
			    holes.r[i].end - holes.r[i].start,
			    PTE_RW | PTE_PCD | PTE_PWT, large);
	if (!rc)
		rc = pt_unmap(&hv_pt, 0, PAGE_SIZE);
	if (rc)
		panic("mm: cannot build the hypervisor page tables (%d)", rc);
	write_cr3(hv_pt.root);
	pr_info("mm: 1:1 map of %lu GiB with %s pages; page 0 unmapped\n",
		top >> 30, (large & PT_LARGE_1G) ? "1 GiB" : "2 MiB");
}
