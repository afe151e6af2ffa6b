/*
 * Sorted, disjoint, merged range sets.  Pure logic: unit-tested on the host
 * (tests/unit/hypervisor).
 */
#include <keel/rangeset.h>
#include <keel/errno.h>
#include <keel/lib.h>

void rangeset_init(struct rangeset *rs)
{
	rs->nr = 0;
}

static void remove_at(struct rangeset *rs, unsigned i)
{
	memmove(&rs->r[i], &rs->r[i + 1], (rs->nr - i - 1) * sizeof(rs->r[0]));
	rs->nr--;
}

static int insert_at(struct rangeset *rs, unsigned i, uint64_t s, uint64_t e)
{
	if (rs->nr == RANGESET_MAX)
		return -ENOSPC;
	memmove(&rs->r[i + 1], &rs->r[i], (rs->nr - i) * sizeof(rs->r[0]));
	rs->r[i].start = s;
	rs->r[i].end = e;
	rs->nr++;
	return 0;
}

int rangeset_add(struct rangeset *rs, uint64_t start, uint64_t end)
{
	unsigned i, j;

	if (start >= end)
		return 0;
	/* First range that ends at or after start (touching ranges merge). */
	for (i = 0; i < rs->nr && rs->r[i].end < start; i++)
		;
	if (i == rs->nr || rs->r[i].start > end)
		return insert_at(rs, i, start, end);
	/* Merge with r[i] and every following range that touches. */
	rs->r[i].start = MIN(rs->r[i].start, start);
	rs->r[i].end = MAX(rs->r[i].end, end);
	for (j = i + 1; j < rs->nr && rs->r[j].start <= rs->r[i].end;)
	{
		rs->r[i].end = MAX(rs->r[i].end, rs->r[j].end);
		remove_at(rs, j);
	}
	return 0;
}

int rangeset_remove(struct rangeset *rs, uint64_t start, uint64_t end)
{
	unsigned i = 0;

	if (start >= end)
		return 0;
	while (i < rs->nr) {
		struct range *r = &rs->r[i];

		if (r->end <= start || r->start >= end) {
			i++;
			continue;
		}
		if (r->start < start && r->end > end) {
			/* Split in two. */
			uint64_t old_end = r->end;

			if (insert_at(rs, i + 1, end, old_end))
				return -ENOSPC;
			rs->r[i].end = start;
			return 0;
		}
		if (r->start < start) {
			r->end = start;
			i++;
		} else if (r->end > end) {
			r->start = end;
			i++;
		} else {
			remove_at(rs, i);
		}
	}
	return 0;
}

int rangeset_add_set(struct rangeset *rs, const struct rangeset *other)
{
	for (unsigned i = 0; i < other->nr; i++) {
		int rc = rangeset_add(rs, other->r[i].start, other->r[i].end);

		if (rc)
			return rc;
	}
	return 0;
}

int rangeset_remove_set(struct rangeset *rs, const struct rangeset *other)
{
	for (unsigned i = 0; i < other->nr; i++) {
		int rc = rangeset_remove(rs, other->r[i].start, other->r[i].end);

		if (rc)
			return rc;
	}
	return 0;
}

bool rangeset_contains(const struct rangeset *rs, uint64_t start, uint64_t end)
{
	if (start >= end)
		return false;
	for (unsigned i = 0; i < rs->nr; i++)
		if (rs->r[i].start <= start && end <= rs->r[i].end)
			return true;
	return false;
}

bool rangeset_overlaps(const struct rangeset *rs, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < rs->nr; i++)
		if (rs->r[i].start < end && start < rs->r[i].end)
			return true;
	return false;
}

uint64_t rangeset_size(const struct rangeset *rs)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < rs->nr; i++)
		total += rs->r[i].end - rs->r[i].start;
	return total;
}

void rangeset_truncate(struct rangeset *rs, uint64_t size)
{
	for (unsigned i = 0; i < rs->nr; i++) {
		uint64_t len = rs->r[i].end - rs->r[i].start;

		if (len >= size) {
			rs->r[i].end = rs->r[i].start + size;
			rs->nr = size ? i + 1 : i;
			return;
		}
		size -= len;
	}
}

void rangeset_align_inward(struct rangeset *rs, uint64_t align)
{
	unsigned i = 0;

	while (i < rs->nr) {
		uint64_t s = ALIGN_UP(rs->r[i].start, align);
		uint64_t e = ALIGN_DOWN(rs->r[i].end, align);

		/* s < start: ALIGN_UP wrapped past 2^64, nothing is left. */
		if (s >= e || s < rs->r[i].start) {
			remove_at(rs, i);
			continue;
		}
		rs->r[i].start = s;
		rs->r[i].end = e;
		i++;
	}
}
