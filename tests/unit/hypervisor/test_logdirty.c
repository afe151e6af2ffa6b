/* common/logdirty.c: log-dirty mode's bitmap and the write-protection
 * it keeps in step, against the fake hypervisor (harness/fake_hv.c) and
 * a model nested map of d1 here: per gfn, mapped / writable / read-only
 * for log-dirty (the PTE_AVL9 bit on x86). */
#include "harness.h"

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/logdirty.h>
#include <keel/p2m.h>

#include "harness/fake_hv.h"

#define NGFN 200                /* d1's gfns: 0 .. NGFN-1 */

struct model_pte {
	bool present, rw, ld;
};
static struct model_pte pte[NGFN];
static struct domain *d1;
static unsigned flushes;

int p2m_next(struct domain *d, uint64_t *gfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	for (uint64_t g = *gfn; g < NGFN; g++)
		if (pte[g].present) {
			*gfn = g;
			return 0;
		}
	return -ENOENT;
}

int p2m_logdirty_protect(struct domain *d, uint64_t gfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	if (gfn >= NGFN || !pte[gfn].present)
		return -ENOENT;
	if (pte[gfn].rw) {
		pte[gfn].rw = false;
		pte[gfn].ld = true;
	}
	return 0;
}

int p2m_logdirty_unprotect(struct domain *d, uint64_t gfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	if (gfn >= NGFN || !pte[gfn].present)
		return -ENOENT;
	if (pte[gfn].rw)
		return 0;
	if (!pte[gfn].ld)
		return -EACCES;
	pte[gfn].rw = true;
	pte[gfn].ld = false;
	return 0;
}

void arch_p2m_flush(struct domain *d)
{
	ck_assert_int_eq(d->lock.locked, 1);
	flushes++;
}

static void map(uint64_t gfn, bool rw)
{
	pte[gfn] = (struct model_pte){ .present = true, .rw = rw };
	if (gfn >= d1->max_gfn)
		d1->max_gfn = gfn + 1;
}

static void setup(void)
{
	fake_reset();
	memset(pte, 0, sizeof(pte));
	flushes = 0;
	d1 = fake_domain(1, 1);
	d1->max_gfn = 0;
	for (uint64_t g = 0; g < 130; g++)
		map(g, true);
	map(150, true);
}

static void teardown(void)
{
	if (d1->logdirty.enabled)
		logdirty_disable(d1);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
}

static long read_bits(uint64_t start, uint64_t nr, uint64_t *out, bool clean)
{
	return logdirty_read(d1, start, nr, out, clean);
}

START_TEST(enable_protects_every_page)
{
	uint64_t bm[4];

	ck_assert_int_eq(logdirty_enable(d1), 0);
	ck_assert(d1->logdirty.enabled);
	ck_assert_uint_eq(d1->logdirty.nr_bits, 151);
	for (uint64_t g = 0; g < NGFN; g++)
		if (pte[g].present)
			ck_assert_msg(!pte[g].rw && pte[g].ld, "gfn %lu", g);
	ck_assert_uint_eq(flushes, 1);
	ck_assert_int_eq(read_bits(0, 256, bm, false), 0);
	ck_assert_int_eq(d1->lock.locked, 0);
}
END_TEST

START_TEST(enable_twice_is_busy)
{
	ck_assert_int_eq(logdirty_enable(d1), 0);
	ck_assert_int_eq(logdirty_enable(d1), -EBUSY);
}
END_TEST

START_TEST(enable_out_of_memory)
{
	fake_alloc_fail = 1;
	ck_assert_int_eq(logdirty_enable(d1), -ENOMEM);
	ck_assert(!d1->logdirty.enabled);
	ck_assert(pte[5].rw);
}
END_TEST

START_TEST(first_write_is_recorded_and_made_writable)
{
	uint64_t bm[4] = { 0 };

	logdirty_enable(d1);
	ck_assert(logdirty_write_fault(d1, 70));
	ck_assert(pte[70].rw && !pte[70].ld);
	/* a second fault (another vCPU's stale entry) is harmless */
	ck_assert(logdirty_write_fault(d1, 70));
	ck_assert_uint_eq(d1->logdirty.faults, 2);
	ck_assert_int_eq(read_bits(0, 256, bm, false), 1);
	ck_assert_uint_eq(bm[1], 1ull << 6);
	ck_assert_uint_eq(bm[0] | bm[2] | bm[3], 0);
	ck_assert_int_eq(d1->lock.locked, 0);
}
END_TEST

START_TEST(peek_keeps_bits_clean_clears_and_protects)
{
	uint64_t bm[4];

	logdirty_enable(d1);
	logdirty_write_fault(d1, 3);
	logdirty_write_fault(d1, 150);
	flushes = 0;
	ck_assert_int_eq(read_bits(0, 256, bm, false), 2);
	ck_assert_int_eq(read_bits(0, 256, bm, true), 2);
	ck_assert_uint_eq(bm[0], 1ull << 3);
	ck_assert_uint_eq(bm[2], 1ull << (150 - 128));
	ck_assert(!pte[3].rw && pte[3].ld);
	ck_assert(!pte[150].rw && pte[150].ld);
	ck_assert_uint_eq(flushes, 1);
	/* nothing dirty: no bits, no flush */
	ck_assert_int_eq(read_bits(0, 256, bm, true), 0);
	ck_assert_uint_eq(flushes, 1);
	/* written again: reported again */
	ck_assert(logdirty_write_fault(d1, 3));
	ck_assert_int_eq(read_bits(0, 64, bm, true), 1);
}
END_TEST

START_TEST(chunks_read_their_own_range)
{
	uint64_t bm[2];

	logdirty_enable(d1);
	logdirty_write_fault(d1, 1);
	logdirty_write_fault(d1, 129);
	ck_assert_int_eq(read_bits(128, 128, bm, true), 1);
	ck_assert_uint_eq(bm[0], 2);
	ck_assert_uint_eq(bm[1], 0);
	ck_assert_int_eq(read_bits(0, 64, bm, false), 1);	/* gfn 1 still */
	/* past the tracked gfns: zeros */
	ck_assert_int_eq(read_bits(1024, 128, bm, true), 0);
	ck_assert_uint_eq(bm[0] | bm[1], 0);
}
END_TEST

START_TEST(protected_page_stays_read_only)
{
	pte[9].rw = false;		/* dom0's protect made it read-only */
	logdirty_enable(d1);
	ck_assert(!pte[9].ld);
	ck_assert(!logdirty_write_fault(d1, 9));
	ck_assert(!pte[9].rw);
	logdirty_disable(d1);
	ck_assert(!pte[9].rw);		/* still protect's */
	ck_assert(pte[8].rw && !pte[8].ld);
}
END_TEST

START_TEST(fault_not_logdirty_is_refused)
{
	ck_assert(!logdirty_write_fault(d1, 3));	/* off */
	logdirty_enable(d1);
	ck_assert(!logdirty_write_fault(d1, 140));	/* not mapped */
	map(180, true);					/* populated later */
	ck_assert(!logdirty_write_fault(d1, 180));	/* not tracked */
	ck_assert_int_eq(d1->lock.locked, 0);
}
END_TEST

START_TEST(mark_records_hypervisor_writes)
{
	uint64_t bm[4];

	logdirty_enable(d1);
	logdirty_mark(d1, 64);
	logdirty_mark(d1, 5000);	/* beyond: ignored */
	ck_assert_int_eq(read_bits(0, 256, bm, false), 1);
	ck_assert_uint_eq(bm[1], 1);
	logdirty_disable(d1);
	logdirty_mark(d1, 64);		/* off: nothing to record into */
}
END_TEST

START_TEST(read_checks_arguments)
{
	uint64_t bm[4];

	ck_assert_int_eq(read_bits(0, 64, bm, false), -EINVAL);	/* off */
	logdirty_enable(d1);
	ck_assert_int_eq(read_bits(0, 0, bm, false), -EINVAL);
	ck_assert_int_eq(read_bits(0, 65, bm, false), -EINVAL);
	ck_assert_int_eq(read_bits(3, 64, bm, false), -EINVAL);
	ck_assert_int_eq(read_bits(0, LOGDIRTY_CHUNK_BITS + 64, bm, false), -EINVAL);
	ck_assert_int_eq(read_bits(UINT64_MAX - 63, 128, bm, false), -EINVAL);
	ck_assert_int_eq(d1->lock.locked, 0);
}
END_TEST

START_TEST(disable_restores_writes_and_frees)
{
	logdirty_enable(d1);
	logdirty_write_fault(d1, 7);
	ck_assert_int_eq(logdirty_disable(d1), 0);
	for (uint64_t g = 0; g < NGFN; g++)
		if (pte[g].present)
			ck_assert_msg(pte[g].rw && !pte[g].ld, "gfn %lu", g);
	ck_assert(!d1->logdirty.enabled);
	ck_assert_ptr_null(d1->logdirty.bitmap);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
	ck_assert_int_eq(logdirty_disable(d1), -EINVAL);
	/* and on again: a fresh, clear bitmap */
	ck_assert_int_eq(logdirty_enable(d1), 0);
	ck_assert_uint_eq(d1->logdirty.bitmap[0], 0);
}
END_TEST

/* Model a guest writing while dom0 saves: every page written after a
 * clean is in the next one, so after the last round nothing is lost. */
START_TEST(no_write_is_lost_across_rounds)
{
	uint64_t bm[4], seen[4] = { 0 };
	unsigned seed = 12345;

	logdirty_enable(d1);
	for (unsigned round = 0; round < 20; round++) {
		uint64_t wrote[4] = { 0 };

		for (unsigned i = 0; i < 30; i++) {
			uint64_t g;

			seed = seed * 1103515245 + 12345;
			g = (seed >> 8) % 131;
			if (g == 130)
				g = 150;
			/* the guest writes: a fault first unless writable */
			if (!pte[g].rw)
				ck_assert(logdirty_write_fault(d1, g));
			wrote[g / 64] |= 1ull << (g % 64);
		}
		ck_assert_int_ge(read_bits(0, 256, bm, true), 1);
		for (unsigned w = 0; w < 4; w++) {
			ck_assert_uint_eq(bm[w] & wrote[w], wrote[w]);
			seen[w] |= bm[w];
		}
	}
	ck_assert_int_eq(read_bits(0, 256, bm, true), 0);
}
END_TEST

static Suite *logdirty_suite(void)
{
	Suite *s = suite_create("logdirty");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, enable_protects_every_page);
	tcase_add_test(t, enable_twice_is_busy);
	tcase_add_test(t, enable_out_of_memory);
	tcase_add_test(t, first_write_is_recorded_and_made_writable);
	tcase_add_test(t, peek_keeps_bits_clean_clears_and_protects);
	tcase_add_test(t, chunks_read_their_own_range);
	tcase_add_test(t, protected_page_stays_read_only);
	tcase_add_test(t, fault_not_logdirty_is_refused);
	tcase_add_test(t, mark_records_hypervisor_writes);
	tcase_add_test(t, read_checks_arguments);
	tcase_add_test(t, disable_restores_writes_and_frees);
	tcase_add_test(t, no_write_is_lost_across_rounds);
	suite_add_tcase(s, t);
	return s;
}

HARNESS_MAIN(logdirty_suite)
