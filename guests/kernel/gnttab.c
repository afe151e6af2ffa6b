/*
 * Grant table, granter side (grant_table.h): one frame of our own RAM
 * registered with setup_table holds 512 version 1 entries.  Ref 0 is kept
 * unused (a zero ref reads as "none" in many protocols).
 */
#include "gnttab_entry.h"
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"

#define GNT_NR_FRAMES 1
#define GNT_ENTRIES   (GNT_NR_FRAMES * KEEL_PAGE_SIZE / sizeof(struct keel_grant_entry_v1))

static struct keel_grant_entry_v1 *table;
static uint8_t in_use[GNT_ENTRIES];

int gnttab_init(void)
{
	struct keel_gnttab_setup_table op = { .nr_frames = GNT_NR_FRAMES };
	long gfn = mm_alloc_page();
	long rc;

	if (gfn < 0)
		return (int)gfn;
	table = (struct keel_grant_entry_v1 *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
	memset(table, 0, KEEL_PAGE_SIZE);
	op.frames[0] = (uint64_t)gfn;
	rc = hc_grant_table_op(KEEL_GNTTABOP_setup_table, &op, 1, sizeof(op));
	if (rc == 0)
		rc = op.status;
	if (rc < 0) {
		mm_free_page((uint64_t)gfn);
		table = NULL;
	}
	return (int)rc;
}

long gnttab_grant_access(uint16_t domid, uint64_t gfn, int readonly)
{
	if (!table)
		return -KEEL_ENODEV;
	if (gfn > UINT32_MAX)
		return -KEEL_EINVAL;
	for (uint32_t ref = 1; ref < GNT_ENTRIES; ref++) {
		if (in_use[ref])
			continue;
		in_use[ref] = 1;
		gnttab_entry_grant(&table[ref], domid, (uint32_t)gfn, readonly);
		return ref;
	}
	return -KEEL_ENOSPC;
}

int gnttab_end_access(uint32_t ref)
{
	int rc;

	if (!table || ref == 0 || ref >= GNT_ENTRIES || !in_use[ref])
		return -KEEL_EINVAL;
	rc = gnttab_entry_end(&table[ref]);
	if (rc == 0)
		in_use[ref] = 0;
	return rc;
}

uint32_t gnttab_nr_refs(void)
{
	return table ? (uint32_t)GNT_ENTRIES : 0;
}
