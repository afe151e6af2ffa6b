/*
 * The balloon's arithmetic (balloon_plan.c): what the store's target means
 * in pages and how far to move.  Pure, also built into the host unit tests.
 */
#ifndef GUEST_BALLOON_PLAN_H
#define GUEST_BALLOON_PLAN_H

#include <stdint.h>

/* memory/target and memory/actual are in KiB; pages are 4 KiB.  A target
 * that is not a whole page rounds down. */
static inline uint64_t balloon_kib_to_pages(uint64_t kib) { return kib / 4; }
static inline uint64_t balloon_pages_to_kib(uint64_t pages) { return pages * 4; }

/* The target clamped to [floor, ceiling] (floor wins if they cross):
 * floor is what the kernel cannot give back (pages in use plus a reserve),
 * ceiling the domain's max_pages. */
uint64_t balloon_clamp(uint64_t target, uint64_t floor, uint64_t ceiling);

/* The next single-page step from cur toward the clamped target:
 * +1 (populate one page), -1 (give one back) or 0 (there). */
int balloon_step(uint64_t cur, uint64_t target, uint64_t floor, uint64_t ceiling);

#endif
