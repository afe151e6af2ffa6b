/*
 * A set of physical address ranges [start, end), kept sorted, disjoint and
 * merged.  Used to reason about memory at boot (RAM, dom0's share, what the
 * hypervisor keeps) without allocating: the storage is inside the struct.
 */
#ifndef KEEL_RANGESET_H
#define KEEL_RANGESET_H

#include <keel/types.h>

#define RANGESET_MAX 128

struct range {
	uint64_t start;
	uint64_t end;   /* exclusive */
};

struct rangeset {
	unsigned nr;
	struct range r[RANGESET_MAX];
};

void rangeset_init(struct rangeset *rs);
/* Add [start, end).  Returns 0, or -ENOSPC if the set would need more than
 * RANGESET_MAX ranges (the set is then unchanged). */
int rangeset_add(struct rangeset *rs, uint64_t start, uint64_t end);
/* Remove [start, end).  Returns 0 or -ENOSPC (a split needed room). */
int rangeset_remove(struct rangeset *rs, uint64_t start, uint64_t end);
int rangeset_add_set(struct rangeset *rs, const struct rangeset *other);
int rangeset_remove_set(struct rangeset *rs, const struct rangeset *other);
/* True when [start, end) lies entirely inside the set. */
bool rangeset_contains(const struct rangeset *rs, uint64_t start, uint64_t end);
/* True when [start, end) meets the set anywhere. */
bool rangeset_overlaps(const struct rangeset *rs, uint64_t start, uint64_t end);
uint64_t rangeset_size(const struct rangeset *rs);
/* Keep only the lowest `size` bytes of the set. */
void rangeset_truncate(struct rangeset *rs, uint64_t size);
/* Shrink every range inward to `align` boundaries, dropping empty ones. */
void rangeset_align_inward(struct rangeset *rs, uint64_t align);

#endif
