/*
 * Bitmap frame allocator.  Pure logic apart from the lock: unit-tested on
 * the host with a stub lock (tests/unit/hypervisor).
 */
#include <keel/frame.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define BITS 64

static bool test_bit(const uint64_t *bm, uint64_t i)
{
	return (bm[i / BITS] >> (i % BITS)) & 1;
}

static void set_bit(uint64_t *bm, uint64_t i)
{
	bm[i / BITS] |= 1ull << (i % BITS);
}

static void clear_bit(uint64_t *bm, uint64_t i)
{
	bm[i / BITS] &= ~(1ull << (i % BITS));
}

size_t frame_bitmap_bytes(uint64_t nr_pfns)
{
	return (size_t)((nr_pfns + BITS - 1) / BITS) * sizeof(uint64_t);
}

void frame_init(struct frame_allocator *fa, uint64_t *bitmap,
		uint64_t base_pfn, uint64_t nr_pfns)
{
	spin_lock_init(&fa->lock);
	fa->bitmap = bitmap;
	fa->base_pfn = base_pfn;
	fa->nr_pfns = nr_pfns;
	fa->nr_free = 0;
	fa->hint = 0;
	memset(bitmap, 0xff, frame_bitmap_bytes(nr_pfns));
}

/* Clip [pfn, pfn+count) to the span; returns false if nothing is left. */
static bool clip(const struct frame_allocator *fa, uint64_t *pfn,
		 uint64_t *count, uint64_t *idx)
{
	uint64_t s = MAX(*pfn, fa->base_pfn);
	uint64_t e = MIN(*pfn + *count, fa->base_pfn + fa->nr_pfns);

	if (*pfn + *count < *pfn || s >= e)
		return false;
	*idx = s - fa->base_pfn;
	*count = e - s;
	*pfn = s;
	return true;
}

void frame_add_free(struct frame_allocator *fa, uint64_t pfn, uint64_t count)
{
	uint64_t idx;

	spin_lock(&fa->lock);
	if (clip(fa, &pfn, &count, &idx)) {
		for (uint64_t i = idx; i < idx + count; i++) {
			if (test_bit(fa->bitmap, i)) {
				clear_bit(fa->bitmap, i);
				fa->nr_free++;
			}
		}
	}
	spin_unlock(&fa->lock);
}

void frame_reserve(struct frame_allocator *fa, uint64_t pfn, uint64_t count)
{
	uint64_t idx;

	spin_lock(&fa->lock);
	if (clip(fa, &pfn, &count, &idx)) {
		for (uint64_t i = idx; i < idx + count; i++) {
			if (!test_bit(fa->bitmap, i)) {
				set_bit(fa->bitmap, i);
				fa->nr_free--;
			}
		}
	}
	spin_unlock(&fa->lock);
}

/* Is every frame in [idx, idx+count) free?  On failure *next is the index
 * just past the first used frame, where a new search can start. */
static bool run_free(const struct frame_allocator *fa, uint64_t idx,
		     uint64_t count, uint64_t *next)
{
	for (uint64_t i = idx + count; i > idx; i--) {
		if (test_bit(fa->bitmap, i - 1)) {
			*next = i;
			return false;
		}
	}
	return true;
}

static bool search(const struct frame_allocator *fa, uint64_t from,
		   uint64_t count, uint64_t align, uint64_t *found)
{
	uint64_t idx = from;

	for (;;) {
		/* Align the absolute pfn, not the index. */
		uint64_t pfn = ALIGN_UP(fa->base_pfn + idx, align);
		uint64_t next;

		idx = pfn - fa->base_pfn;
		if (idx + count > fa->nr_pfns || idx + count < idx)
			return false;
		if (run_free(fa, idx, count, &next)) {
			*found = idx;
			return true;
		}
		idx = next;
	}
}

int frame_alloc(struct frame_allocator *fa, uint64_t count, uint64_t align,
		uint64_t *pfn)
{
	uint64_t idx;
	bool ok;

	if (count == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	spin_lock(&fa->lock);
	if (count > fa->nr_free) {
		spin_unlock(&fa->lock);
		return -ENOMEM;
	}
	ok = search(fa, fa->hint, count, align, &idx) ||
	     (fa->hint && search(fa, 0, count, align, &idx));
	if (ok) {
		for (uint64_t i = idx; i < idx + count; i++)
			set_bit(fa->bitmap, i);
		fa->nr_free -= count;
		if (count == 1)
			fa->hint = idx + 1;
		*pfn = fa->base_pfn + idx;
	}
	spin_unlock(&fa->lock);
	return ok ? 0 : -ENOMEM;
}

int frame_free(struct frame_allocator *fa, uint64_t pfn, uint64_t count)
{
	uint64_t idx;

	if (count == 0 || pfn < fa->base_pfn || pfn + count < pfn ||
	    pfn + count > fa->base_pfn + fa->nr_pfns)
		return -EINVAL;
	idx = pfn - fa->base_pfn;
	spin_lock(&fa->lock);
	for (uint64_t i = idx; i < idx + count; i++) {
		if (!test_bit(fa->bitmap, i)) {
			spin_unlock(&fa->lock);
			return -EINVAL;
		}
	}
	for (uint64_t i = idx; i < idx + count; i++)
		clear_bit(fa->bitmap, i);
	fa->nr_free += count;
	if (idx < fa->hint)
		fa->hint = idx;
	spin_unlock(&fa->lock);
	return 0;
}

uint64_t frame_free_count(struct frame_allocator *fa)
{
	uint64_t n;

	spin_lock(&fa->lock);
	n = fa->nr_free;
	spin_unlock(&fa->lock);
	return n;
}

bool frame_is_free(struct frame_allocator *fa, uint64_t pfn)
{
	bool f;

	if (pfn < fa->base_pfn || pfn >= fa->base_pfn + fa->nr_pfns)
		return false;
	spin_lock(&fa->lock);
	f = !test_bit(fa->bitmap, pfn - fa->base_pfn);
	spin_unlock(&fa->lock);
	return f;
}
