/*
 * arch/x86/pagetable.c: 4-level tables with 2M/1G pages, over a
 * malloc-backed pt_mem whose "physical address" of a table is its pointer.
 * The pool counts allocations and frees and can be told to fail, so leaks
 * and -ENOMEM paths are visible.
 */
#include "harness.h"

#include <asm/pagetable.h>
#include <keel/errno.h>

#define KiB_(x) ((uint64_t)(x) << 10)
#define MiB_(x) ((uint64_t)(x) << 20)
#define GiB_(x) ((uint64_t)(x) << 30)

struct pool {
	unsigned allocs;       /* successful allocations */
	unsigned frees;
	long fail_after;       /* allocations allowed; < 0: unlimited */
};

static struct pool pool;
static struct pagetable pt;

static paddr_t pool_alloc(void *ctx)
{
	struct pool *p = ctx;
	void *page;

	if (p->fail_after >= 0 && p->allocs >= (unsigned long)p->fail_after)
		return 0;
	page = aligned_alloc(4096, 4096);
	ck_assert_ptr_nonnull(page);
	memset(page, 0, 4096);
	p->allocs++;
	return (paddr_t)(uintptr_t)page;
}

static void pool_free(void *ctx, paddr_t pa)
{
	struct pool *p = ctx;

	free((void *)(uintptr_t)pa);
	p->frees++;
}

static unsigned maps;          /* table pages looked at (pool_map calls) */

static void *pool_map(void *ctx, paddr_t pa)
{
	maps++;
	return (void *)(uintptr_t)pa;
}

static const struct pt_mem mem = { pool_alloc, pool_free, pool_map, &pool };

static unsigned live(void)
{
	return pool.allocs - pool.frees;
}

static void setup(void)
{
	pool = (struct pool){ .fail_after = -1 };
	ck_assert_int_eq(pt_init(&pt, &mem), 0);
	ck_assert_uint_eq(pool.allocs, 1);
}

/* Every table page must be back when the table is destroyed. */
static void teardown(void)
{
	pt_destroy(&pt);
	ck_assert_uint_eq(pt.root, 0);
	ck_assert_uint_eq(live(), 0);
}

/* The entry for va at `level` (4 = PML4), or 0 if the walk stops above. */
static uint64_t entry(uint64_t va, unsigned level)
{
	uint64_t *t = (uint64_t *)(uintptr_t)pt.root;

	for (unsigned l = 4;; l--) {
		uint64_t e = t[(va >> (12 + 9 * (l - 1))) & 511];

		if (l == level)
			return e;
		if (!(e & PTE_P) || (e & PTE_PS))
			return 0;
		t = (uint64_t *)(uintptr_t)(e & PTE_ADDR_MASK);
	}
}

/* Translate va, asserting it is mapped to want with flags wflags. */
#define ASSERT_MAPS(va, want, wflags) do {					\
	paddr_t pa_ = 0;							\
	uint64_t fl_ = 0;							\
	ck_assert_msg(pt_lookup(&pt, (va), &pa_, &fl_) == 0,			\
		      "%#lx not mapped", (unsigned long)(va));			\
	ck_assert_msg(pa_ == (want), "%#lx maps to %#lx, want %#lx",		\
		      (unsigned long)(va), (unsigned long)pa_,			\
		      (unsigned long)(want));					\
	ck_assert_uint_eq(fl_, (wflags));					\
} while (0)

#define ASSERT_UNMAPPED(va) do {						\
	paddr_t pa_ = 0xdead;							\
	uint64_t fl_ = 0xdead;							\
	ck_assert_msg(pt_lookup(&pt, (va), &pa_, &fl_) == -ENOENT,		\
		      "%#lx is mapped", (unsigned long)(va));			\
	ck_assert_uint_eq(pa_, 0xdead);						\
} while (0)

#define RW (PTE_P | PTE_RW)

/* --- init / lookup --- */

START_TEST(init_enomem)
{
	struct pagetable t2;

	pool.fail_after = pool.allocs;
	ck_assert_int_eq(pt_init(&t2, &mem), -ENOMEM);
	ck_assert_uint_eq(t2.root, 0);
}
END_TEST

START_TEST(lookup_in_empty_table_enoent)
{
	ASSERT_UNMAPPED(0);
	ASSERT_UNMAPPED(0x7ffffffff000);
}
END_TEST

START_TEST(lookup_enoent_at_each_level)
{
	ck_assert_int_eq(pt_map(&pt, GiB_(1), 0x5000, KiB_(4), PTE_RW, 0), 0);
	ASSERT_UNMAPPED(GiB_(1) + KiB_(4));     /* level 1 entry empty */
	ASSERT_UNMAPPED(GiB_(1) + MiB_(2));     /* level 2 entry empty */
	ASSERT_UNMAPPED(GiB_(2));               /* level 3 entry empty */
	ASSERT_UNMAPPED(GiB_(512));             /* level 4 entry empty */
}
END_TEST

START_TEST(lookup_beyond_48_bits_enoent)
{
	/* Nothing can be mapped there: the index bits must not alias 0. */
	ck_assert_int_eq(pt_map(&pt, 0, 0x5000, KiB_(4), PTE_RW, 0), 0);
	ASSERT_UNMAPPED(1ull << 48);
	ASSERT_UNMAPPED(0xffff800000000000ull);
}
END_TEST

/* --- map --- */

START_TEST(map_4k)
{
	ck_assert_int_eq(pt_map(&pt, 0x12345000, 0xabcde000, KiB_(4), PTE_RW, 0),
			 0);
	ASSERT_MAPS(0x12345000, 0xabcde000, RW);
	ASSERT_MAPS(0x12345fff, 0xabcdefff, RW);
	ASSERT_UNMAPPED(0x12344000);
	ASSERT_UNMAPPED(0x12346000);
	ck_assert_uint_eq(pool.allocs, 4);   /* root, PDPT, PD, PT */
	ck_assert_uint_eq(entry(0x12345000, 1), 0xabcde000 | RW);
	ck_assert_uint_eq(entry(0x12345000, 2) & PTE_PS, 0);
}
END_TEST

START_TEST(map_2m_page)
{
	ck_assert_int_eq(pt_map(&pt, GiB_(1) + MiB_(2), GiB_(2), MiB_(2), PTE_RW,
				PT_LARGE_2M), 0);
	ASSERT_MAPS(GiB_(1) + MiB_(2) + 0x12345, GiB_(2) + 0x12345, RW);
	ck_assert_uint_eq(entry(GiB_(1) + MiB_(2), 2), GiB_(2) | RW | PTE_PS);
	ck_assert_uint_eq(entry(GiB_(1), 3) & PTE_PS, 0);
	ck_assert_uint_eq(pool.allocs, 3);   /* no level-1 table */
}
END_TEST

START_TEST(map_1g_page)
{
	ck_assert_int_eq(pt_map(&pt, GiB_(1), GiB_(4), GiB_(1), PTE_RW,
				PT_LARGE_1G), 0);
	ASSERT_MAPS(GiB_(1) + 0x3456789, GiB_(4) + 0x3456789, RW);
	ck_assert_uint_eq(entry(GiB_(1), 3), GiB_(4) | RW | PTE_PS);
	ck_assert_uint_eq(pool.allocs, 2);   /* root and PDPT */
}
END_TEST

START_TEST(map_1g_range_with_only_2m_allowed)
{
	ck_assert_int_eq(pt_map(&pt, GiB_(1), GiB_(4), GiB_(1), PTE_RW,
				PT_LARGE_2M), 0);
	ck_assert_uint_eq(entry(GiB_(1), 3) & PTE_PS, 0);
	ck_assert_uint_eq(entry(GiB_(1), 2), GiB_(4) | RW | PTE_PS);
	ck_assert_uint_eq(entry(GiB_(2) - MiB_(2), 2),
			  (GiB_(5) - MiB_(2)) | RW | PTE_PS);
	ck_assert_uint_eq(pool.allocs, 3);
}
END_TEST

START_TEST(map_without_large_flags_uses_4k)
{
	ck_assert_int_eq(pt_map(&pt, MiB_(2), MiB_(4), MiB_(2), PTE_RW, 0), 0);
	ck_assert_uint_eq(entry(MiB_(2), 2) & PTE_PS, 0);
	ck_assert_uint_eq(entry(MiB_(2), 1), MiB_(4) | RW);
	ck_assert_uint_eq(entry(MiB_(4) - KiB_(4), 1),
			  (MiB_(6) - KiB_(4)) | RW);
	ck_assert_uint_eq(pool.allocs, 4);
}
END_TEST

START_TEST(map_large_needs_aligned_pa)
{
	/* va is 2M-aligned, pa only 4K-aligned: 4K pages it must be. */
	ck_assert_int_eq(pt_map(&pt, MiB_(2), MiB_(4) + KiB_(4), MiB_(2),
				PTE_RW, PT_LARGE_2M | PT_LARGE_1G), 0);
	ck_assert_uint_eq(entry(MiB_(2), 2) & PTE_PS, 0);
	ASSERT_MAPS(MiB_(2), MiB_(4) + KiB_(4), RW);
	ASSERT_MAPS(MiB_(4) - 1, MiB_(6) + KiB_(4) - 1, RW);
}
END_TEST

START_TEST(map_unaligned_edges_use_small_pages)
{
	/* [2M - 4K, 4M + 4K): a 4K page, a 2M page, a 4K page. */
	ck_assert_int_eq(pt_map(&pt, MiB_(2) - KiB_(4), GiB_(1) - KiB_(4),
				MiB_(2) + KiB_(8), PTE_RW, PT_LARGE_2M), 0);
	ck_assert_uint_eq(entry(0, 2) & PTE_PS, 0);
	ck_assert_uint_eq(entry(MiB_(2), 2), GiB_(1) | RW | PTE_PS);
	ck_assert_uint_eq(entry(MiB_(4), 2) & PTE_PS, 0);
	ASSERT_MAPS(MiB_(2) - KiB_(4), GiB_(1) - KiB_(4), RW);
	ASSERT_MAPS(MiB_(4), GiB_(1) + MiB_(2), RW);
	ASSERT_UNMAPPED(MiB_(2) - KiB_(8));
	ASSERT_UNMAPPED(MiB_(4) + KiB_(4));
}
END_TEST

START_TEST(map_keeps_leaf_flags)
{
	uint64_t fl = PTE_RW | PTE_US | PTE_PCD | PTE_PWT | PTE_NX;

	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, KiB_(4), fl, 0), 0);
	ASSERT_MAPS(0x1000, 0x2000, fl | PTE_P);
}
END_TEST

/* Bit 9 (software) is p2m.c's "read-only for log-dirty": kept and read back. */
START_TEST(map_keeps_avl9)
{
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, KiB_(4), PTE_US | PTE_AVL9, 0), 0);
	ASSERT_MAPS(0x1000, 0x2000, PTE_P | PTE_US | PTE_AVL9);
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, KiB_(4), PTE_RW | PTE_US, 0), 0);
	ASSERT_MAPS(0x1000, 0x2000, PTE_P | PTE_RW | PTE_US);
}
END_TEST

START_TEST(map_large_keeps_flags_without_ps)
{
	ck_assert_int_eq(pt_map(&pt, 0, 0, GiB_(1), PTE_US | PTE_NX,
				PT_LARGE_1G), 0);
	ASSERT_MAPS(0x1000, 0x1000, PTE_P | PTE_US | PTE_NX);
}
END_TEST

START_TEST(map_read_only)
{
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, KiB_(4), 0, 0), 0);
	ASSERT_MAPS(0x1000, 0x2000, PTE_P);
}
END_TEST

START_TEST(intermediate_entries_grant_everything)
{
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, KiB_(4), 0, 0), 0);
	ck_assert_uint_eq(entry(0, 4) & ~PTE_ADDR_MASK, PTE_P | PTE_RW | PTE_US);
	ck_assert_uint_eq(entry(0, 3) & ~PTE_ADDR_MASK, PTE_P | PTE_RW | PTE_US);
	ck_assert_uint_eq(entry(0, 2) & ~PTE_ADDR_MASK, PTE_P | PTE_RW | PTE_US);
}
END_TEST

START_TEST(remap_replaces_4k)
{
	pt_map(&pt, 0x1000, 0x2000, KiB_(4), PTE_RW, 0);
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x9000, KiB_(4), PTE_NX, 0), 0);
	ASSERT_MAPS(0x1000, 0x9000, PTE_P | PTE_NX);
	ck_assert_uint_eq(pool.allocs, 4);
}
END_TEST

START_TEST(remap_large_frees_small_tables)
{
	pt_map(&pt, 0x1000, 0x2000, KiB_(4), PTE_RW, 0);
	pt_map(&pt, MiB_(1), MiB_(8), KiB_(4), PTE_RW, 0);
	ck_assert_uint_eq(live(), 4);
	ck_assert_int_eq(pt_map(&pt, 0, GiB_(2), MiB_(2), PTE_RW, PT_LARGE_2M),
			 0);
	ck_assert_uint_eq(live(), 3);   /* the level-1 table is gone */
	ck_assert_uint_eq(entry(0, 2), GiB_(2) | RW | PTE_PS);
	ASSERT_MAPS(MiB_(1), GiB_(2) + MiB_(1), RW);
}
END_TEST

START_TEST(remap_1g_frees_whole_subtree)
{
	pt_map(&pt, 0, 0, MiB_(4) + KiB_(4), PTE_RW, 0);   /* PD + 3 PTs */
	ck_assert_uint_eq(live(), 6);
	ck_assert_int_eq(pt_map(&pt, 0, 0, GiB_(1), PTE_RW, PT_LARGE_1G), 0);
	ck_assert_uint_eq(live(), 2);
}
END_TEST

START_TEST(map_4k_into_1g_page_splits)
{
	pt_map(&pt, 0, GiB_(4), GiB_(1), PTE_RW, PT_LARGE_1G);
	ck_assert_int_eq(pt_map(&pt, MiB_(4), 0x1000, KiB_(4), PTE_NX, 0), 0);
	ASSERT_MAPS(MiB_(4), 0x1000, PTE_P | PTE_NX);
	ASSERT_MAPS(MiB_(4) + KiB_(4), GiB_(4) + MiB_(4) + KiB_(4), RW);
	ASSERT_MAPS(MiB_(4) - KiB_(4), GiB_(4) + MiB_(4) - KiB_(4), RW);
	ASSERT_MAPS(GiB_(1) - 1, GiB_(5) - 1, RW);
}
END_TEST

START_TEST(map_size_zero_does_nothing)
{
	ck_assert_int_eq(pt_map(&pt, 0x1000, 0x2000, 0, PTE_RW, 0), 0);
	ck_assert_uint_eq(pool.allocs, 1);
	ASSERT_UNMAPPED(0x1000);
}
END_TEST

START_TEST(map_up_to_top_of_48_bits)
{
	uint64_t va = (1ull << 48) - KiB_(4);

	ck_assert_int_eq(pt_map(&pt, va, 0x5000, KiB_(4), PTE_RW, 0), 0);
	ASSERT_MAPS(va, 0x5000, RW);
	ck_assert_uint_eq(entry(va, 4) & PTE_P, PTE_P);
}
END_TEST

static const struct {
	uint64_t va, pa, size, flags;
} bad_maps[] = {
	{ 0x1800, 0x2000, 0x1000, PTE_RW },              /* va unaligned */
	{ 0x1000, 0x2800, 0x1000, PTE_RW },              /* pa unaligned */
	{ 0x1000, 0x2000, 0x1800, PTE_RW },              /* size unaligned */
	{ 0x1000, 0x2000, 0x1000, PTE_RW | PTE_PS },     /* PS is ours */
	{ 0x1000, 0x2000, 0x1000, PTE_G },               /* not a leaf flag */
	{ 0x1000, 0x2000, 0x1000, PTE_A | PTE_D },
	{ 0x1000, 0x2000, 0x1000, 1ull << 10 },          /* software bit (9 is p2m's) */
	{ 0x1000, 0x2000, 0x1000, 0xfffull << 12 },      /* address bits */
	{ 0x1000, 1ull << 52, 0x1000, PTE_RW },          /* pa beyond 52 bits */
	{ 1ull << 48, 0x2000, 0x1000, PTE_RW },          /* va beyond 48 bits */
	{ (1ull << 48) - 0x1000, 0, 0x2000, PTE_RW },    /* ends beyond */
	{ 0xfffffffffffff000ull, 0, 0x2000, PTE_RW },    /* va + size wraps */
};

START_TEST(map_einval)
{
	ck_assert_msg(pt_map(&pt, bad_maps[_i].va, bad_maps[_i].pa,
			     bad_maps[_i].size, bad_maps[_i].flags,
			     PT_LARGE_2M | PT_LARGE_1G) == -EINVAL,
		      "case %d accepted", _i);
	ck_assert_uint_eq(pool.allocs, 1);
}
END_TEST

/* Allocations a 4K map into an empty table needs: PDPT, PD, PT. */
START_TEST(map_enomem_propagates)
{
	/* _i more allocations succeed after the root. */
	pool.fail_after = 1 + _i;
	ck_assert_int_eq(pt_map(&pt, GiB_(3), 0x5000, KiB_(4), PTE_RW, 0),
			 -ENOMEM);
	ASSERT_UNMAPPED(GiB_(3));
	ck_assert_uint_eq(pool.allocs, 1 + _i);
}
END_TEST

START_TEST(map_succeeds_with_exactly_enough_memory)
{
	pool.fail_after = 4;
	ck_assert_int_eq(pt_map(&pt, GiB_(3), 0x5000, KiB_(4), PTE_RW, 0), 0);
	ASSERT_MAPS(GiB_(3), 0x5000, RW);
}
END_TEST

START_TEST(map_split_enomem_keeps_large_page)
{
	pt_map(&pt, 0, GiB_(4), GiB_(1), PTE_RW, PT_LARGE_1G);
	pool.fail_after = pool.allocs;
	ck_assert_int_eq(pt_map(&pt, MiB_(4), 0x1000, KiB_(4), PTE_RW, 0),
			 -ENOMEM);
	ck_assert_uint_eq(entry(0, 3), GiB_(4) | RW | PTE_PS);
	ASSERT_MAPS(MiB_(4), GiB_(4) + MiB_(4), RW);
}
END_TEST

/* --- unmap --- */

START_TEST(unmap_4k)
{
	pt_map(&pt, 0x10000, 0x20000, KiB_(12), PTE_RW, 0);
	ck_assert_int_eq(pt_unmap(&pt, 0x11000, KiB_(4)), 0);
	ASSERT_MAPS(0x10000, 0x20000, RW);
	ASSERT_UNMAPPED(0x11000);
	ASSERT_MAPS(0x12000, 0x22000, RW);
}
END_TEST

START_TEST(unmap_4k_inside_1g_splits_down)
{
	uint64_t hole = 0x12345000;

	pt_map(&pt, 0, GiB_(4), GiB_(1), PTE_RW | PTE_NX, PT_LARGE_1G);
	ck_assert_int_eq(pt_unmap(&pt, hole, KiB_(4)), 0);
	ASSERT_UNMAPPED(hole);
	ASSERT_UNMAPPED(hole + KiB_(4) - 1);
	ASSERT_MAPS(hole - KiB_(4), GiB_(4) + hole - KiB_(4), RW | PTE_NX);
	ASSERT_MAPS(hole + KiB_(4), GiB_(4) + hole + KiB_(4), RW | PTE_NX);
	ASSERT_MAPS(0, GiB_(4), RW | PTE_NX);
	ASSERT_MAPS(GiB_(1) - 1, GiB_(5) - 1, RW | PTE_NX);
	/* 1G -> 512 x 2M, the one holding the hole -> 512 x 4K. */
	ck_assert_uint_eq(entry(0, 3) & PTE_PS, 0);
	ck_assert_uint_eq(entry(hole, 2) & PTE_PS, 0);
	ck_assert_uint_eq(entry(0, 2), GiB_(4) | RW | PTE_NX | PTE_PS);
	ck_assert_uint_eq(entry(GiB_(1) - MiB_(2), 2),
			  (GiB_(5) - MiB_(2)) | RW | PTE_NX | PTE_PS);
	ck_assert_uint_eq(entry(hole, 1), 0);
	ck_assert_uint_eq(entry(hole + KiB_(4), 1),
			  (GiB_(4) + hole + KiB_(4)) | RW | PTE_NX);
	ck_assert_uint_eq(pool.allocs, 4);
}
END_TEST

START_TEST(unmap_2m_inside_1g_splits_once)
{
	pt_map(&pt, 0, 0, GiB_(1), PTE_RW, PT_LARGE_1G);
	ck_assert_int_eq(pt_unmap(&pt, MiB_(6), MiB_(2)), 0);
	ck_assert_uint_eq(entry(MiB_(6), 2), 0);
	ck_assert_uint_eq(entry(MiB_(4), 2), MiB_(4) | RW | PTE_PS);
	ck_assert_uint_eq(entry(MiB_(8), 2), MiB_(8) | RW | PTE_PS);
	ASSERT_UNMAPPED(MiB_(7));
	ck_assert_uint_eq(pool.allocs, 3);
}
END_TEST

START_TEST(unmap_4k_inside_2m_splits)
{
	pt_map(&pt, 0, GiB_(2), MiB_(2), PTE_RW, PT_LARGE_2M);
	ck_assert_int_eq(pt_unmap(&pt, 0, KiB_(4)), 0);
	ASSERT_UNMAPPED(0);
	ASSERT_MAPS(KiB_(4), GiB_(2) + KiB_(4), RW);
	ASSERT_MAPS(MiB_(2) - 1, GiB_(2) + MiB_(2) - 1, RW);
	ck_assert_uint_eq(entry(KiB_(4), 1), (GiB_(2) + KiB_(4)) | RW);
}
END_TEST

START_TEST(unmap_whole_1g_frees_its_tables)
{
	pt_map(&pt, GiB_(1), 0, MiB_(4), PTE_RW, 0);   /* PDPT, PD, 2 PTs */
	ck_assert_uint_eq(live(), 5);
	ck_assert_int_eq(pt_unmap(&pt, GiB_(1), GiB_(1)), 0);
	ck_assert_uint_eq(live(), 1);                  /* the root only */
	ASSERT_UNMAPPED(GiB_(1));
}
END_TEST

START_TEST(map_unmap_4k_cycle_leaves_no_tables)
{
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(pt_map(&pt, GiB_(3) + 0x5000, 0x7000, KiB_(4),
					PTE_RW, 0), 0);
		ck_assert_uint_eq(live(), 4);          /* root, PDPT, PD, PT */
		ck_assert_int_eq(pt_unmap(&pt, GiB_(3) + 0x5000, KiB_(4)), 0);
		ck_assert_uint_eq(live(), 1);
		ck_assert_uint_eq(entry(0, 4), 0);
	}
}
END_TEST

START_TEST(unmap_keeps_tables_that_still_map)
{
	pt_map(&pt, 0x10000, 0x20000, KiB_(8), PTE_RW, 0);
	ck_assert_int_eq(pt_unmap(&pt, 0x10000, KiB_(4)), 0);
	ck_assert_uint_eq(live(), 4);
	ASSERT_MAPS(0x11000, 0x21000, RW);
}
END_TEST

START_TEST(unmap_whole_512g_frees_every_table)
{
	pt_map(&pt, 0, 0, MiB_(4), PTE_RW, 0);
	pt_map(&pt, GiB_(7), 0, GiB_(1), PTE_RW, PT_LARGE_1G);
	pt_map(&pt, GiB_(9), 0, MiB_(2), PTE_RW, PT_LARGE_2M);
	ck_assert_int_eq(pt_unmap(&pt, 0, GiB_(512)), 0);
	ck_assert_uint_eq(live(), 1);
	ck_assert_uint_eq(entry(0, 4), 0);
}
END_TEST

START_TEST(unmap_unmapped_range_is_noop)
{
	ck_assert_int_eq(pt_unmap(&pt, GiB_(5), GiB_(3)), 0);
	ck_assert_uint_eq(pool.allocs, 1);
}
END_TEST

START_TEST(unmap_split_enomem_keeps_large_page)
{
	pt_map(&pt, 0, GiB_(4), GiB_(1), PTE_RW, PT_LARGE_1G);
	pool.fail_after = pool.allocs;
	ck_assert_int_eq(pt_unmap(&pt, MiB_(4), KiB_(4)), -ENOMEM);
	ck_assert_uint_eq(entry(0, 3), GiB_(4) | RW | PTE_PS);
	ASSERT_MAPS(MiB_(4), GiB_(4) + MiB_(4), RW);
}
END_TEST

START_TEST(unmap_second_split_enomem)
{
	pt_map(&pt, 0, GiB_(4), GiB_(1), PTE_RW, PT_LARGE_1G);
	pool.fail_after = pool.allocs + 1;   /* 1G -> 2M works, 2M -> 4K not */
	ck_assert_int_eq(pt_unmap(&pt, MiB_(4), KiB_(4)), -ENOMEM);
	ck_assert_uint_eq(entry(MiB_(4), 2), (GiB_(4) + MiB_(4)) | RW | PTE_PS);
	ASSERT_MAPS(MiB_(4), GiB_(4) + MiB_(4), RW);
}
END_TEST

static const struct {
	uint64_t va, size;
} bad_unmaps[] = {
	{ 0x1800, 0x1000 },
	{ 0x1000, 0x800 },
	{ 1ull << 48, 0x1000 },
	{ (1ull << 48) - 0x1000, 0x2000 },
	{ 0xfffffffffffff000ull, 0x2000 },
};

START_TEST(unmap_einval)
{
	pt_map(&pt, 0, 0, MiB_(2), PTE_RW, PT_LARGE_2M);
	ck_assert_msg(pt_unmap(&pt, bad_unmaps[_i].va, bad_unmaps[_i].size) ==
		      -EINVAL, "case %d accepted", _i);
	ASSERT_MAPS(0x1000, 0x1000, RW);
	ck_assert_uint_eq(pool.allocs, 3);
}
END_TEST

/* --- dom0's nested table: identity 512 GiB minus the hypervisor's --- */

static const struct {
	uint64_t start, end;
} deny[] = {
	{ 0xa0000, 0x100000 },                  /* 4K pages */
	{ 0x7fe00000, 0x80000000 },             /* one 2M page */
	{ 0xc0000000, 0x100000000 },            /* one whole 1G page */
	{ 0x123456000, 0x123457000 },           /* a single page */
	{ 0x23ff00000, 0x240200000 },           /* across a 1G boundary */
	{ GiB_(512) - KiB_(4), GiB_(512) },     /* the last page */
};

static bool denied(uint64_t a)
{
	for (unsigned i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		if (a >= deny[i].start && a < deny[i].end)
			return true;
	return false;
}

static void build_dom0_like(void)
{
	ck_assert_int_eq(pt_map(&pt, 0, 0, GiB_(512), PTE_RW | PTE_US,
				PT_LARGE_2M | PT_LARGE_1G), 0);
	ck_assert_uint_eq(pool.allocs, 2);
	for (unsigned i = 0; i < sizeof(deny) / sizeof(deny[0]); i++)
		ck_assert_int_eq(pt_unmap(&pt, deny[i].start,
					  deny[i].end - deny[i].start), 0);
}

START_TEST(identity_512g_edges_of_denied_ranges)
{
	build_dom0_like();
	for (unsigned i = 0; i < sizeof(deny) / sizeof(deny[0]); i++) {
		ASSERT_UNMAPPED(deny[i].start);
		ASSERT_UNMAPPED(deny[i].end - 1);
		ASSERT_MAPS(deny[i].start - 1, deny[i].start - 1,
			    RW | PTE_US);
		if (deny[i].end < GiB_(512))
			ASSERT_MAPS(deny[i].end, deny[i].end, RW | PTE_US);
	}
	ASSERT_UNMAPPED(GiB_(512));
}
END_TEST

START_TEST(identity_512g_keeps_large_pages_elsewhere)
{
	build_dom0_like();
	ck_assert_uint_eq(entry(GiB_(100), 3), GiB_(100) | RW | PTE_US | PTE_PS);
	ck_assert_uint_eq(entry(GiB_(3), 3), 0);        /* the denied 1G */
	ck_assert_uint_eq(entry(MiB_(2), 2), MiB_(2) | RW | PTE_US | PTE_PS);
	ck_assert_uint_eq(entry(0x7fe00000, 2), 0);     /* the denied 2M */
	ck_assert_uint_eq(entry(0x7fc00000, 2),
			  0x7fc00000 | RW | PTE_US | PTE_PS);
}
END_TEST

START_TEST(identity_512g_sampled_against_model)
{
	uint64_t x = 0x9e3779b97f4a7c15ull, fl = 0;
	paddr_t pa = 0;

	build_dom0_like();
	/* Random pages, plus every page of the first 2 MiB and of the 4 MiB
	 * around the 1G boundary the fifth range crosses. */
	for (unsigned i = 0; i < 200000; i++) {
		unsigned long a;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i < 512)
			a = i * KiB_(4);
		else if (i < 512 + 1024)
			a = 0x23fe00000 + (i - 512) * KiB_(4);
		else
			a = x % GiB_(512);
		/* Plain comparisons: a Check assertion per lookup is slow. */
		int rc = pt_lookup(&pt, a, &pa, &fl);

		if (denied(a) ? rc != -ENOENT
			      : rc != 0 || pa != a || fl != (RW | PTE_US))
			ck_abort_msg("%#lx: rc %d pa %#lx flags %#lx", a, rc,
				     (unsigned long)pa, (unsigned long)fl);
	}
}
END_TEST

START_TEST(identity_512g_destroy_frees_all)
{
	build_dom0_like();
	ck_assert_uint_gt(live(), 2);
	/* teardown checks that pt_destroy returns every page. */
}
END_TEST

/* ---- pt_next_mapped: walking what is present ---------------------------- */

START_TEST(next_mapped_in_empty_table_enoent)
{
	uint64_t va = 0;

	ck_assert_int_eq(pt_next_mapped(&pt, &va), -ENOENT);
	va = (1ull << 48);
	ck_assert_int_eq(pt_next_mapped(&pt, &va), -ENOENT);
}
END_TEST

/* The top gfn a guest may populate (2^28 - 1) is found from 0 by looking
 * at a handful of table pages, not by stepping over 2^28 addresses. */
START_TEST(next_mapped_skips_absent_subtrees)
{
	uint64_t top = (1ull << 40) - 4096, va = 0;

	ck_assert_int_eq(pt_map(&pt, KiB_(8), MiB_(1), 4096, PTE_RW, 0), 0);
	ck_assert_int_eq(pt_map(&pt, top, MiB_(2), 4096, PTE_RW, 0), 0);
	maps = 0;
	ck_assert_int_eq(pt_next_mapped(&pt, &va), 0);
	ck_assert_uint_eq(va, KiB_(8));
	va += 4096;
	ck_assert_int_eq(pt_next_mapped(&pt, &va), 0);
	ck_assert_uint_eq(va, top);
	ck_assert_uint_le(maps, 12);
	va = top + 4096;
	ck_assert_int_eq(pt_next_mapped(&pt, &va), -ENOENT);
	va = top + 100;		/* unaligned: rounded down to its page */
	ck_assert_int_eq(pt_next_mapped(&pt, &va), 0);
	ck_assert_uint_eq(va, top);
}
END_TEST

/* Inside a large page every page is mapped: the answer is va itself. */
START_TEST(next_mapped_inside_large_page)
{
	uint64_t va = GiB_(1) + KiB_(12);

	ck_assert_int_eq(pt_map(&pt, GiB_(1), GiB_(1), MiB_(2), PTE_RW,
				PT_LARGE_2M), 0);
	ck_assert_int_eq(pt_next_mapped(&pt, &va), 0);
	ck_assert_uint_eq(va, GiB_(1) + KiB_(12));
	va = 0;
	ck_assert_int_eq(pt_next_mapped(&pt, &va), 0);
	ck_assert_uint_eq(va, GiB_(1));
}
END_TEST

/* Walking every mapping from 0 finds each exactly once, in order. */
START_TEST(next_mapped_walks_every_mapping_once)
{
	static const uint64_t at[] = { 0, KiB_(4), MiB_(2), GiB_(1) - 4096,
				       GiB_(512) - 4096, GiB_(513) };
	uint64_t va = 0;
	unsigned n = 0;

	for (unsigned i = 0; i < sizeof(at) / sizeof(at[0]); i++)
		ck_assert_int_eq(pt_map(&pt, at[i], MiB_(4), 4096, PTE_RW, 0), 0);
	while (!pt_next_mapped(&pt, &va)) {
		ck_assert_uint_lt(n, sizeof(at) / sizeof(at[0]));
		ck_assert_uint_eq(va, at[n]);
		n++;
		va += 4096;
	}
	ck_assert_uint_eq(n, sizeof(at) / sizeof(at[0]));
}
END_TEST

static Suite *pagetable_suite(void)
{
	Suite *s = suite_create("pagetable");
	TCase *base = tcase_create("init-lookup");
	TCase *map = tcase_create("map");
	TCase *unmap = tcase_create("unmap");
	TCase *dom0 = tcase_create("dom0-npt");
	TCase *all[] = { base, map, unmap, dom0 };

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		tcase_add_checked_fixture(all[i], setup, teardown);

	tcase_add_test(base, init_enomem);
	tcase_add_test(base, lookup_in_empty_table_enoent);
	tcase_add_test(base, lookup_enoent_at_each_level);
	tcase_add_test(base, lookup_beyond_48_bits_enoent);
	tcase_add_test(base, next_mapped_in_empty_table_enoent);
	tcase_add_test(base, next_mapped_skips_absent_subtrees);
	tcase_add_test(base, next_mapped_inside_large_page);
	tcase_add_test(base, next_mapped_walks_every_mapping_once);

	tcase_add_test(map, map_4k);
	tcase_add_test(map, map_2m_page);
	tcase_add_test(map, map_1g_page);
	tcase_add_test(map, map_1g_range_with_only_2m_allowed);
	tcase_add_test(map, map_without_large_flags_uses_4k);
	tcase_add_test(map, map_large_needs_aligned_pa);
	tcase_add_test(map, map_unaligned_edges_use_small_pages);
	tcase_add_test(map, map_keeps_leaf_flags);
	tcase_add_test(map, map_keeps_avl9);
	tcase_add_test(map, map_large_keeps_flags_without_ps);
	tcase_add_test(map, map_read_only);
	tcase_add_test(map, intermediate_entries_grant_everything);
	tcase_add_test(map, remap_replaces_4k);
	tcase_add_test(map, remap_large_frees_small_tables);
	tcase_add_test(map, remap_1g_frees_whole_subtree);
	tcase_add_test(map, map_4k_into_1g_page_splits);
	tcase_add_test(map, map_size_zero_does_nothing);
	tcase_add_test(map, map_up_to_top_of_48_bits);
	tcase_add_loop_test(map, map_einval, 0,
			    sizeof(bad_maps) / sizeof(bad_maps[0]));
	tcase_add_loop_test(map, map_enomem_propagates, 0, 3);
	tcase_add_test(map, map_succeeds_with_exactly_enough_memory);
	tcase_add_test(map, map_split_enomem_keeps_large_page);

	tcase_add_test(unmap, unmap_4k);
	tcase_add_test(unmap, unmap_4k_inside_1g_splits_down);
	tcase_add_test(unmap, unmap_2m_inside_1g_splits_once);
	tcase_add_test(unmap, unmap_4k_inside_2m_splits);
	tcase_add_test(unmap, unmap_whole_1g_frees_its_tables);
	tcase_add_test(unmap, map_unmap_4k_cycle_leaves_no_tables);
	tcase_add_test(unmap, unmap_keeps_tables_that_still_map);
	tcase_add_test(unmap, unmap_whole_512g_frees_every_table);
	tcase_add_test(unmap, unmap_unmapped_range_is_noop);
	tcase_add_test(unmap, unmap_split_enomem_keeps_large_page);
	tcase_add_test(unmap, unmap_second_split_enomem);
	tcase_add_loop_test(unmap, unmap_einval, 0,
			    sizeof(bad_unmaps) / sizeof(bad_unmaps[0]));

	tcase_add_test(dom0, identity_512g_edges_of_denied_ranges);
	tcase_add_test(dom0, identity_512g_keeps_large_pages_elsewhere);
	tcase_add_test(dom0, identity_512g_sampled_against_model);
	tcase_add_test(dom0, identity_512g_destroy_frees_all);

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		suite_add_tcase(s, all[i]);
	return s;
}

HARNESS_MAIN(pagetable_suite)
