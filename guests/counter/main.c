/*
 * counter: the migration test guest (docs/guests.md, docs/migration.md).
 * Prints "counter N" once a second, N from 1 and never reset while the
 * domain lives (a save, restore or move included: N lives in its memory).
 * Keeps rewriting a region of half its RAM with a pattern that changes
 * every second, and before each rewrite checks the region's checksum
 * against the one it computed while writing: a page lost or stale after
 * a move prints "counter: memory FAILED".  Also checks that system time
 * never goes back.  While its store key data/hot is "1" it rewrites the
 * region over and over between ticks (the same pattern, so the check
 * holds), dirtying memory as fast as it can: live migration's worst case.
 */
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#define MAX_REGION_PAGES 32768          /* 128 MiB */

static uint64_t region[MAX_REGION_PAGES];     /* gfns */
static unsigned long nr_region;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Fill the region with pattern `seed` and return its checksum. */
static uint64_t fill(uint64_t seed)
{
	uint64_t sum = 0;

	for (unsigned long i = 0; i < nr_region; i++) {
		uint64_t *p = (uint64_t *)(uintptr_t)(region[i] << KEEL_PAGE_SHIFT);
		uint64_t v = mix(seed * 0x9e3779b97f4a7c15ull + i);

		for (unsigned j = 0; j < KEEL_PAGE_SIZE / 8; j++) {
			p[j] = v + j;
			sum += (v + j) * (j + 1);
		}
	}
	return sum;
}

static uint64_t checksum(void)
{
	uint64_t sum = 0;

	for (unsigned long i = 0; i < nr_region; i++) {
		const uint64_t *p = (const uint64_t *)(uintptr_t)(region[i] << KEEL_PAGE_SHIFT);

		for (unsigned j = 0; j < KEEL_PAGE_SIZE / 8; j++)
			sum += p[j] * (j + 1);
	}
	return sum;
}

/* data/hot = "1"?  A relative path: the store resolves it under the
 * domain's home, whatever its id is now. */
static int hot(void)
{
	char buf[8];

	return xs_read(XS_NO_TX, "data/hot", buf, sizeof(buf)) > 0 && buf[0] == '1';
}

int guest_main(const char *cmdline)
{
	unsigned long want, failures = 0;
	uint64_t n = 0, expect, next, last_now;

	(void)cmdline;
	want = (unsigned long)(mm_nr_populated() / 2);
	if (want > MAX_REGION_PAGES)
		want = MAX_REGION_PAGES;
	while (nr_region < want) {
		long gfn = mm_alloc_page();

		if (gfn < 0)
			break;
		region[nr_region++] = (uint64_t)gfn;
	}
	printk("counter: domain %u, checking %lu KiB of memory\n", kernel_domid,
	       nr_region * 4);
	expect = fill(0);
	last_now = time_now_ns();
	next = last_now + NS_PER_SEC;
	for (;;) {
		uint64_t now;

		if (hot()) {
			hc_set_timer(next);
			while (time_now_ns() < next) {
				fill(n);        /* same pattern: expect unchanged */
				kernel_poll();
			}
		} else {
			time_sleep_until(next);
		}
		now = time_now_ns();
		if (now < last_now)
			printk("counter: time went backwards by %lu ns\n",
			       (unsigned long)(last_now - now));
		last_now = now;
		if (checksum() != expect) {
			failures++;
			printk("counter: memory FAILED (%lu)\n", failures);
		}
		printk("counter %lu\n", (unsigned long)++n);
		expect = fill(n);
		/* after a long stop (suspended, moved) do not try to catch up */
		next += NS_PER_SEC;
		if (next < now)
			next = now + NS_PER_SEC;
		kernel_poll();
	}
}
