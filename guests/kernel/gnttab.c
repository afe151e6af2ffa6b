/*
 * Grant table, granter side (grant_table.h): GNT_NR_FRAMES frames of our
 * own RAM (from the page allocator, not necessarily contiguous) registered
 * with setup_table, 512 version 1 entries each.  Four frames, the ABI's
 * maximum, because a block frontend grants a fixed pool of data pages
 * (drivers/front/block: 706 refs per disk).  Ref 0 is kept unused (a zero
 * ref reads as "none" in many protocols).
 */
#include "gnttab_entry.h"
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"

#define GNT_NR_FRAMES     KEEL_GNTTAB_MAX_FRAMES
#define GNT_PER_FRAME     (KEEL_PAGE_SIZE / sizeof(struct keel_grant_entry_v1))
#define GNT_ENTRIES       (GNT_NR_FRAMES * GNT_PER_FRAME)

static struct keel_grant_entry_v1 *frames[GNT_NR_FRAMES];
static int table_ready;
static uint8_t in_use[GNT_ENTRIES];

static struct keel_grant_entry_v1 *entry(uint32_t ref)
{
	return &frames[ref / GNT_PER_FRAME][ref % GNT_PER_FRAME];
}

static void free_frames(void)
{
	for (unsigned int i = 0; i < GNT_NR_FRAMES; i++) {
		if (frames[i])
			mm_free_page((uint64_t)(uintptr_t)frames[i] >> KEEL_PAGE_SHIFT);
		frames[i] = NULL;
	}
}

int gnttab_init(void)
{
	struct keel_gnttab_setup_table op = { .nr_frames = GNT_NR_FRAMES };
	long rc;

	for (unsigned int i = 0; i < GNT_NR_FRAMES; i++) {
		long gfn = mm_alloc_page();

		if (gfn < 0) {
			free_frames();
			return (int)gfn;
		}
		frames[i] = (struct keel_grant_entry_v1 *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
		memset(frames[i], 0, KEEL_PAGE_SIZE);
		op.frames[i] = (uint64_t)gfn;
	}
	rc = hc_grant_table_op(KEEL_GNTTABOP_setup_table, &op, 1, sizeof(op));
	if (rc == 0)
		rc = op.status;
	if (rc < 0)
		free_frames();
	else
		table_ready = 1;
	return (int)rc;
}

long gnttab_grant_access(uint16_t domid, uint64_t gfn, int readonly)
{
	if (!table_ready)
		return -KEEL_ENODEV;
	if (gfn > UINT32_MAX)
		return -KEEL_EINVAL;
	for (uint32_t ref = 1; ref < GNT_ENTRIES; ref++) {
		if (in_use[ref])
			continue;
		in_use[ref] = 1;
		gnttab_entry_grant(entry(ref), domid, (uint32_t)gfn, readonly);
		return ref;
	}
	return -KEEL_ENOSPC;
}

int gnttab_end_access(uint32_t ref)
{
	int rc;

	if (!table_ready || ref == 0 || ref >= GNT_ENTRIES || !in_use[ref])
		return -KEEL_EINVAL;
	rc = gnttab_entry_end(entry(ref));
	if (rc == 0)
		in_use[ref] = 0;
	return rc;
}

uint32_t gnttab_nr_refs(void)
{
	return table_ready ? (uint32_t)GNT_ENTRIES : 0;
}
