/* Guest frame bookkeeping (mm.h). */
#include <public/errno.h>

#include "mm.h"

#define WORDS (MM_MAX_PAGES / 64)

static uint64_t populated[WORDS];
static uint64_t used[WORDS];
static uint64_t limit;
static uint64_t nr_populated;
static uint64_t nr_used;
static uint64_t alloc_hint;     /* where the next search starts */
static uint64_t alloc_start;    /* first_free_gfn */

static int test(const uint64_t *map, uint64_t gfn)
{
	return (map[gfn / 64] >> (gfn % 64)) & 1;
}

static void set(uint64_t *map, uint64_t gfn)
{
	map[gfn / 64] |= 1ull << (gfn % 64);
}

static void clear(uint64_t *map, uint64_t gfn)
{
	map[gfn / 64] &= ~(1ull << (gfn % 64));
}

void mm_init(uint64_t nr_pages, uint64_t max_pages, uint64_t kernel_start,
	     uint64_t first_free)
{
	uint64_t gfn;

	for (gfn = 0; gfn < WORDS; gfn++)
		populated[gfn] = used[gfn] = 0;
	limit = max_pages > nr_pages ? max_pages : nr_pages;
	if (limit > MM_MAX_PAGES)
		limit = MM_MAX_PAGES;
	if (nr_pages > limit)
		nr_pages = limit;
	if (first_free > nr_pages)
		first_free = nr_pages;
	if (kernel_start > first_free)
		kernel_start = first_free;
	nr_populated = nr_used = 0;
	for (gfn = 0; gfn < nr_pages; gfn++) {
		set(populated, gfn);
		nr_populated++;
		if (gfn == 0 || (gfn >= kernel_start && gfn < first_free)) {
			set(used, gfn);
			nr_used++;
		}
	}
	alloc_start = alloc_hint = first_free;
}

static long find_free(uint64_t from, uint64_t to)
{
	for (uint64_t gfn = from; gfn < to; gfn++)
		if (test(populated, gfn) && !test(used, gfn))
			return (long)gfn;
	return -1;
}

long mm_alloc_page(void)
{
	long gfn = find_free(alloc_hint, limit);

	if (gfn < 0)
		gfn = find_free(alloc_start, alloc_hint);
	if (gfn < 0)
		gfn = find_free(0, alloc_start);
	if (gfn < 0)
		return -KEEL_ENOMEM;
	set(used, (uint64_t)gfn);
	nr_used++;
	alloc_hint = (uint64_t)gfn + 1;
	return gfn;
}

void mm_free_page(uint64_t gfn)
{
	if (gfn >= limit || !test(used, gfn) || gfn == 0)
		return;
	clear(used, gfn);
	nr_used--;
	if (gfn >= alloc_start && gfn < alloc_hint)
		alloc_hint = gfn;
}

uint64_t mm_nr_populated(void) { return nr_populated; }
uint64_t mm_nr_used(void) { return nr_used; }
uint64_t mm_limit(void) { return limit; }

long mm_balloon_pick_release(void)
{
	for (uint64_t gfn = limit; gfn-- > 1;)
		if (test(populated, gfn) && !test(used, gfn))
			return (long)gfn;
	return -KEEL_ENOMEM;
}

long mm_balloon_pick_populate(void)
{
	for (uint64_t gfn = 1; gfn < limit; gfn++)
		if (!test(populated, gfn))
			return (long)gfn;
	return -KEEL_ENOSPC;
}

void mm_set_unpopulated(uint64_t gfn)
{
	if (gfn >= limit || !test(populated, gfn) || test(used, gfn))
		return;
	clear(populated, gfn);
	nr_populated--;
}

void mm_set_populated(uint64_t gfn)
{
	if (gfn >= limit || test(populated, gfn))
		return;
	set(populated, gfn);
	nr_populated++;
}

int mm_is_populated(uint64_t gfn)
{
	return gfn < limit && test(populated, gfn);
}

int mm_is_used(uint64_t gfn)
{
	return gfn < limit && test(used, gfn);
}
