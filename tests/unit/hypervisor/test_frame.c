/* common/frame.c: the bitmap frame allocator. */
#include "harness.h"

#include <keel/frame.h>
#include <keel/errno.h>

#define BASE 0x100u   /* a 64-aligned base: index == pfn - BASE */

static struct frame_allocator fa;
/* Room for 256 frames plus a guard word past the bitmap. */
static uint64_t bm[5];

/* Snapshot of everything frame_alloc/frame_free may change. */
struct snap {
	uint64_t bm[5];
	uint64_t nr_free, hint;
};

static struct snap take(void)
{
	struct snap s;

	memcpy(s.bm, bm, sizeof(bm));
	s.nr_free = fa.nr_free;
	s.hint = fa.hint;
	return s;
}

#define ASSERT_UNCHANGED(s) do {					\
	ck_assert_mem_eq(bm, (s).bm, sizeof(bm));			\
	ck_assert_uint_eq(fa.nr_free, (s).nr_free);			\
	ck_assert_uint_eq(fa.hint, (s).hint);				\
	ck_assert_int_eq(fa.lock.locked, 0);				\
} while (0)

static void init(uint64_t base, uint64_t nr)
{
	memset(bm, 0, sizeof(bm));
	frame_init(&fa, bm, base, nr);
}

/* An allocator over [base, base+nr) with every frame free. */
static void init_free(uint64_t base, uint64_t nr)
{
	init(base, nr);
	frame_add_free(&fa, base, nr);
	ck_assert_uint_eq(frame_free_count(&fa), nr);
}

START_TEST(bitmap_bytes_rounds_up_to_words)
{
	ck_assert_uint_eq(frame_bitmap_bytes(0), 0);
	ck_assert_uint_eq(frame_bitmap_bytes(1), 8);
	ck_assert_uint_eq(frame_bitmap_bytes(64), 8);
	ck_assert_uint_eq(frame_bitmap_bytes(65), 16);
}
END_TEST

START_TEST(init_marks_every_frame_used)
{
	init(BASE, 100);
	ck_assert_uint_eq(frame_free_count(&fa), 0);
	for (uint64_t p = BASE; p < BASE + 100; p++)
		ck_assert(!frame_is_free(&fa, p));
}
END_TEST

START_TEST(init_writes_only_its_bitmap)
{
	bm[2] = 0x1234;
	frame_init(&fa, bm, BASE, 128);
	ck_assert_uint_eq(bm[0], UINT64_MAX);
	ck_assert_uint_eq(bm[1], UINT64_MAX);
	ck_assert_uint_eq(bm[2], 0x1234);
}
END_TEST

START_TEST(alloc_from_fresh_allocator_enomem)
{
	uint64_t pfn = 0;

	init(BASE, 100);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), -ENOMEM);
}
END_TEST

START_TEST(add_free_counts_frames)
{
	init(BASE, 64);
	frame_add_free(&fa, BASE + 10, 5);
	ck_assert_uint_eq(frame_free_count(&fa), 5);
	ck_assert(!frame_is_free(&fa, BASE + 9));
	for (uint64_t p = BASE + 10; p < BASE + 15; p++)
		ck_assert(frame_is_free(&fa, p));
	ck_assert(!frame_is_free(&fa, BASE + 15));
}
END_TEST

START_TEST(add_free_twice_counts_once)
{
	init(BASE, 64);
	frame_add_free(&fa, BASE + 10, 5);
	frame_add_free(&fa, BASE + 12, 5);
	ck_assert_uint_eq(frame_free_count(&fa), 7);
}
END_TEST

START_TEST(add_free_clips_to_span)
{
	init(BASE, 64);
	frame_add_free(&fa, BASE - 0x10, 0x20);   /* BASE .. BASE+15 */
	frame_add_free(&fa, BASE + 60, 10);       /* BASE+60 .. BASE+63 */
	ck_assert_uint_eq(frame_free_count(&fa), 20);
	ck_assert(frame_is_free(&fa, BASE));
	ck_assert(frame_is_free(&fa, BASE + 63));
	ck_assert_uint_eq(bm[1], 0);   /* nothing past the span touched */
}
END_TEST

START_TEST(add_free_outside_span_is_ignored)
{
	init(BASE, 64);
	frame_add_free(&fa, 0, BASE);
	frame_add_free(&fa, BASE + 64, 100);
	frame_add_free(&fa, UINT64_MAX - 1, 10);   /* wraps */
	ck_assert_uint_eq(frame_free_count(&fa), 0);
}
END_TEST

START_TEST(reserve_counts_frames)
{
	init_free(BASE, 64);
	frame_reserve(&fa, BASE + 4, 4);
	ck_assert_uint_eq(frame_free_count(&fa), 60);
	ck_assert(frame_is_free(&fa, BASE + 3));
	ck_assert(!frame_is_free(&fa, BASE + 4));
	ck_assert(!frame_is_free(&fa, BASE + 7));
	ck_assert(frame_is_free(&fa, BASE + 8));
}
END_TEST

START_TEST(reserve_twice_counts_once)
{
	init_free(BASE, 64);
	frame_reserve(&fa, BASE + 4, 4);
	frame_reserve(&fa, BASE + 6, 4);
	ck_assert_uint_eq(frame_free_count(&fa), 58);
}
END_TEST

START_TEST(reserve_clips_to_span)
{
	init_free(BASE, 64);
	frame_reserve(&fa, BASE - 2, 4);
	frame_reserve(&fa, BASE + 63, 4);
	ck_assert_uint_eq(frame_free_count(&fa), 61);
	ck_assert(!frame_is_free(&fa, BASE + 1));
	ck_assert(frame_is_free(&fa, BASE + 2));
}
END_TEST

START_TEST(is_free_outside_span_is_false)
{
	init_free(BASE, 64);
	ck_assert(!frame_is_free(&fa, BASE - 1));
	ck_assert(!frame_is_free(&fa, BASE + 64));
}
END_TEST

START_TEST(alloc_single_takes_lowest_then_next)
{
	uint64_t a = 0, b = 0;

	init_free(BASE, 64);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &a), 0);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &b), 0);
	ck_assert_uint_eq(a, BASE);
	ck_assert_uint_eq(b, BASE + 1);
	ck_assert_uint_eq(frame_free_count(&fa), 62);
	ck_assert(!frame_is_free(&fa, BASE));
	ck_assert(!frame_is_free(&fa, BASE + 1));
}
END_TEST

START_TEST(alloc_contiguous_skips_used_frame)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	frame_reserve(&fa, BASE + 2, 1);
	ck_assert_int_eq(frame_alloc(&fa, 4, 1, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 3);
	for (uint64_t p = BASE + 3; p < BASE + 7; p++)
		ck_assert(!frame_is_free(&fa, p));
	ck_assert(frame_is_free(&fa, BASE + 7));
	ck_assert_uint_eq(frame_free_count(&fa), 59);
}
END_TEST

START_TEST(alloc_contiguous_across_bitmap_words)
{
	uint64_t pfn = 0;

	init_free(BASE, 200);
	ck_assert_int_eq(frame_alloc(&fa, 70, 1, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE);
	ck_assert(!frame_is_free(&fa, BASE + 69));
	ck_assert(frame_is_free(&fa, BASE + 70));
	ck_assert_uint_eq(bm[0], UINT64_MAX);
	ck_assert_uint_eq(bm[1], 0x3f);
	ck_assert_uint_eq(frame_free_count(&fa), 130);
}
END_TEST

START_TEST(alloc_aligned_skips_to_next_boundary)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	frame_reserve(&fa, BASE + 3, 1);
	ck_assert_int_eq(frame_alloc(&fa, 8, 8, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 8);
}
END_TEST

START_TEST(alloc_alignment_is_of_absolute_pfn)
{
	uint64_t pfn = 0;

	init_free(0x103, 64);   /* index 0 is pfn 0x103: not 4-aligned */
	ck_assert_int_eq(frame_alloc(&fa, 4, 4, &pfn), 0);
	ck_assert_uint_eq(pfn, 0x104);
	ck_assert(frame_is_free(&fa, 0x103));
	ck_assert(!frame_is_free(&fa, 0x107));
}
END_TEST

START_TEST(alloc_single_aligned_absolute)
{
	uint64_t pfn = 0;

	init_free(0x103, 64);
	ck_assert_int_eq(frame_alloc(&fa, 1, 16, &pfn), 0);
	ck_assert_uint_eq(pfn, 0x110);
}
END_TEST

START_TEST(alloc_enomem_more_than_free_leaves_state)
{
	uint64_t pfn = 0xdead;
	struct snap s;

	init(BASE, 64);
	frame_add_free(&fa, BASE, 10);
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 11, 1, &pfn), -ENOMEM);
	ASSERT_UNCHANGED(s);
	ck_assert_uint_eq(pfn, 0xdead);
}
END_TEST

START_TEST(alloc_enomem_fragmented_leaves_state)
{
	uint64_t pfn = 0xdead, p0 = 0;
	struct snap s;

	init(BASE, 64);
	for (uint64_t i = 0; i < 16; i += 2)
		frame_add_free(&fa, BASE + i, 1);   /* 8 free, none adjacent */
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &p0), 0);   /* hint moves */
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 2, 1, &pfn), -ENOMEM);
	ASSERT_UNCHANGED(s);
	ck_assert_uint_eq(pfn, 0xdead);
}
END_TEST

START_TEST(alloc_enomem_unsatisfiable_alignment)
{
	uint64_t pfn = 0xdead;
	struct snap s;

	init_free(0x101, 15);   /* pfns 0x101..0x10f: no multiple of 32 */
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 1, 32, &pfn), -ENOMEM);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(alloc_einval_count_zero)
{
	uint64_t pfn = 0xdead;
	struct snap s;

	init_free(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 0, 1, &pfn), -EINVAL);
	ASSERT_UNCHANGED(s);
	ck_assert_uint_eq(pfn, 0xdead);
}
END_TEST

START_TEST(alloc_einval_align_zero)
{
	uint64_t pfn = 0xdead;
	struct snap s;

	init_free(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 1, 0, &pfn), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(alloc_einval_align_not_power_of_two)
{
	uint64_t pfn = 0xdead;
	struct snap s;

	init_free(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_alloc(&fa, 1, 3, &pfn), -EINVAL);
	ck_assert_int_eq(frame_alloc(&fa, 1, 12, &pfn), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(free_returns_frames)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	ck_assert_int_eq(frame_alloc(&fa, 4, 1, &pfn), 0);
	ck_assert_int_eq(frame_free(&fa, pfn, 4), 0);
	ck_assert_uint_eq(frame_free_count(&fa), 64);
	for (uint64_t p = pfn; p < pfn + 4; p++)
		ck_assert(frame_is_free(&fa, p));
}
END_TEST

START_TEST(free_of_free_frame_einval_changes_nothing)
{
	uint64_t pfn = 0;
	struct snap s;

	init_free(BASE, 64);
	ck_assert_int_eq(frame_alloc(&fa, 2, 1, &pfn), 0);
	s = take();
	/* pfn and pfn+1 are in use, pfn+2 is free. */
	ck_assert_int_eq(frame_free(&fa, pfn, 3), -EINVAL);
	ASSERT_UNCHANGED(s);
	ck_assert(!frame_is_free(&fa, pfn));
	ck_assert(!frame_is_free(&fa, pfn + 1));
}
END_TEST

START_TEST(free_twice_einval)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
	ck_assert_int_eq(frame_free(&fa, pfn, 1), 0);
	ck_assert_int_eq(frame_free(&fa, pfn, 1), -EINVAL);
	ck_assert_uint_eq(frame_free_count(&fa), 64);
}
END_TEST

START_TEST(free_below_span_einval)
{
	struct snap s;

	init(BASE, 64);   /* all in use: only the span check can refuse */
	s = take();
	ck_assert_int_eq(frame_free(&fa, BASE - 1, 1), -EINVAL);
	ck_assert_int_eq(frame_free(&fa, BASE - 1, 2), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(free_past_span_einval)
{
	struct snap s;

	init(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_free(&fa, BASE + 64, 1), -EINVAL);
	ck_assert_int_eq(frame_free(&fa, BASE + 63, 2), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(free_wrapping_range_einval)
{
	struct snap s;

	init(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_free(&fa, BASE, UINT64_MAX), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(free_count_zero_einval)
{
	struct snap s;

	init(BASE, 64);
	s = take();
	ck_assert_int_eq(frame_free(&fa, BASE, 0), -EINVAL);
	ASSERT_UNCHANGED(s);
}
END_TEST

START_TEST(hint_reuses_freed_frame)
{
	uint64_t p[3], again = 0;

	init_free(BASE, 64);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(frame_alloc(&fa, 1, 1, &p[i]), 0);
	ck_assert_int_eq(frame_free(&fa, p[0], 1), 0);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &again), 0);
	ck_assert_uint_eq(again, p[0]);
}
END_TEST

START_TEST(alloc_wraps_to_start_when_hint_is_past_free_frames)
{
	uint64_t pfn = 0;

	init_free(BASE, 8);
	for (int i = 0; i < 8; i++)
		ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 7);
	frame_add_free(&fa, BASE + 3, 1);   /* does not move the hint */
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 3);
}
END_TEST

START_TEST(contiguous_alloc_searches_below_hint)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	for (int i = 0; i < 60; i++)
		ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
	frame_add_free(&fa, BASE + 8, 8);
	ck_assert_int_eq(frame_alloc(&fa, 8, 8, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 8);
}
END_TEST

START_TEST(exhaust_free_then_alloc_again)
{
	uint64_t pfn = 0;

	init_free(BASE, 64);
	for (uint64_t i = 0; i < 64; i++) {
		ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
		ck_assert_uint_eq(pfn, BASE + i);
	}
	ck_assert_uint_eq(frame_free_count(&fa), 0);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), -ENOMEM);
	ck_assert_int_eq(frame_free(&fa, BASE + 37, 1), 0);
	ck_assert_int_eq(frame_alloc(&fa, 1, 1, &pfn), 0);
	ck_assert_uint_eq(pfn, BASE + 37);
	ck_assert_uint_eq(frame_free_count(&fa), 0);
}
END_TEST

START_TEST(every_path_releases_the_lock)
{
	uint64_t pfn = 0;

	init_free(BASE, 8);
	frame_alloc(&fa, 9, 1, &pfn);   /* -ENOMEM: more than free */
	ck_assert_int_eq(fa.lock.locked, 0);
	frame_alloc(&fa, 1, 64, &pfn);  /* -ENOMEM: search fails */
	ck_assert_int_eq(fa.lock.locked, 0);
	frame_alloc(&fa, 2, 1, &pfn);
	frame_free(&fa, pfn, 3);        /* -EINVAL: pfn+2 is free */
	ck_assert_int_eq(fa.lock.locked, 0);
	frame_reserve(&fa, BASE, 1);
	frame_add_free(&fa, BASE, 1);
	ck_assert(frame_is_free(&fa, BASE));
	ck_assert_int_eq(fa.lock.locked, 0);
	ck_assert_uint_ge(fa.lock.acquired, 6);
}
END_TEST

static Suite *frame_suite(void)
{
	Suite *s = suite_create("frame");
	TCase *setup = tcase_create("setup");
	TCase *alloc = tcase_create("alloc");
	TCase *fr = tcase_create("free");

	tcase_add_test(setup, bitmap_bytes_rounds_up_to_words);
	tcase_add_test(setup, init_marks_every_frame_used);
	tcase_add_test(setup, init_writes_only_its_bitmap);
	tcase_add_test(setup, alloc_from_fresh_allocator_enomem);
	tcase_add_test(setup, add_free_counts_frames);
	tcase_add_test(setup, add_free_twice_counts_once);
	tcase_add_test(setup, add_free_clips_to_span);
	tcase_add_test(setup, add_free_outside_span_is_ignored);
	tcase_add_test(setup, reserve_counts_frames);
	tcase_add_test(setup, reserve_twice_counts_once);
	tcase_add_test(setup, reserve_clips_to_span);
	tcase_add_test(setup, is_free_outside_span_is_false);
	suite_add_tcase(s, setup);

	tcase_add_test(alloc, alloc_single_takes_lowest_then_next);
	tcase_add_test(alloc, alloc_contiguous_skips_used_frame);
	tcase_add_test(alloc, alloc_contiguous_across_bitmap_words);
	tcase_add_test(alloc, alloc_aligned_skips_to_next_boundary);
	tcase_add_test(alloc, alloc_alignment_is_of_absolute_pfn);
	tcase_add_test(alloc, alloc_single_aligned_absolute);
	tcase_add_test(alloc, alloc_enomem_more_than_free_leaves_state);
	tcase_add_test(alloc, alloc_enomem_fragmented_leaves_state);
	tcase_add_test(alloc, alloc_enomem_unsatisfiable_alignment);
	tcase_add_test(alloc, alloc_einval_count_zero);
	tcase_add_test(alloc, alloc_einval_align_zero);
	tcase_add_test(alloc, alloc_einval_align_not_power_of_two);
	tcase_add_test(alloc, alloc_wraps_to_start_when_hint_is_past_free_frames);
	tcase_add_test(alloc, contiguous_alloc_searches_below_hint);
	suite_add_tcase(s, alloc);

	tcase_add_test(fr, free_returns_frames);
	tcase_add_test(fr, free_of_free_frame_einval_changes_nothing);
	tcase_add_test(fr, free_twice_einval);
	tcase_add_test(fr, free_below_span_einval);
	tcase_add_test(fr, free_past_span_einval);
	tcase_add_test(fr, free_wrapping_range_einval);
	tcase_add_test(fr, free_count_zero_einval);
	tcase_add_test(fr, hint_reuses_freed_frame);
	tcase_add_test(fr, exhaust_free_then_alloc_again);
	tcase_add_test(fr, every_path_releases_the_lock);
	suite_add_tcase(s, fr);
	return s;
}

HARNESS_MAIN(frame_suite)
