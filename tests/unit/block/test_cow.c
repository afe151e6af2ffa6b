/* The cow overlay: read-through, copy once, edges, reopen, the base left
 * alone, bad overlays, locking and the on-disk format. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

/* 43 sectors: clusters of 8 sectors 0..4 and a short last one (40..42). */
#define BASE_SECTORS 43u
#define BASE_SEED 1u
/* The overlay for 43 sectors: 4 KiB header, 4 KiB bitmap, then data. */
#define DATA_OFFSET 8192u

static const char *base_path(void) { return tmp_path(0, "base.img"); }
static const char *cow_path(void) { return tmp_path(1, "disk.cow"); }

static void base_setup(void)
{
	tmp_setup();
	make_image(base_path(), BASE_SECTORS, BASE_SEED);
}

/* Opens base read-only under overlay; on failure closes the base. */
static int cow_open(const char *base, const char *overlay, bool create,
		    bool readonly, struct blk_image **out)
{
	struct blk_image *b;
	int rc = blk_raw_open(base, true, &b);

	if (rc)
		return rc;
	rc = blk_cow_open(b, overlay, create, readonly, out);
	if (rc)
		blk_image_close(b);
	return rc;
}

static struct blk_image *cow_ok(bool readonly)
{
	struct blk_image *img = NULL;

	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, readonly,
				  &img), 0);
	return img;
}

static void write_ok(struct blk_image *img, uint64_t sector, uint32_t count,
		     unsigned seed)
{
	uint8_t *buf = malloc((size_t)count * BLK_SECTOR_SIZE);

	fill(buf, sector, count, seed);
	ck_assert_int_eq(blk_image_write(img, buf, sector, count), 0);
	free(buf);
}

/* Asserts sectors [sector, sector + count) of img hold seed's pattern. */
static void expect(struct blk_image *img, uint64_t sector, uint32_t count,
		   unsigned seed)
{
	uint8_t *buf = malloc((size_t)count * BLK_SECTOR_SIZE);

	ck_assert_int_eq(blk_image_read(img, buf, sector, count), 0);
	for (uint32_t i = 0; i < count; i++)
		ck_assert_msg(holds(buf + i * BLK_SECTOR_SIZE, sector + i, 1,
				    seed), "sector %llu is not seed %u's",
			      (unsigned long long)(sector + i), seed);
	free(buf);
}

static void read_file(const char *path, long off, void *buf, size_t len)
{
	FILE *f = fopen(path, "rb");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fread(buf, 1, len, f), len);
	fclose(f);
}

static void patch_file(const char *path, long off, const void *buf,
		       size_t len)
{
	FILE *f = fopen(path, "r+b");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, off, SEEK_SET), 0);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(create_when_missing)
{
	uint8_t hdr[24];
	struct blk_image *img = cow_ok(false);

	ck_assert_uint_eq(img->sectors, BASE_SECTORS);
	ck_assert(!img->readonly);
	blk_image_close(img);
	ck_assert_uint_eq(file_size(cow_path()),
			  DATA_OFFSET + BASE_SECTORS * BLK_SECTOR_SIZE);
	read_file(cow_path(), 0, hdr, sizeof(hdr));
	ck_assert_mem_eq(hdr, "KEELCOW\0", 8);
	ck_assert_mem_eq(hdr + 8, "\1\0\0\0", 4);          /* version 1 */
	ck_assert_mem_eq(hdr + 12, "\0\x10\0\0", 4);       /* 4096 */
	ck_assert_mem_eq(hdr + 16, "\x2b\0\0\0\0\0\0\0", 8); /* 43 */
}
END_TEST

START_TEST(missing_without_create_is_enoent)
{
	struct blk_image *img = NULL;

	ck_assert_int_eq(cow_open(base_path(), cow_path(), false, false, &img),
			 -ENOENT);
	ck_assert_int_eq(access(cow_path(), F_OK), -1);
}
END_TEST

START_TEST(reads_go_through_to_the_base)
{
	struct blk_image *img = cow_ok(false);

	expect(img, 0, BASE_SECTORS, BASE_SEED);
	blk_image_close(img);
}
END_TEST

START_TEST(written_sectors_read_back)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 9, 2, 5);
	expect(img, 0, 9, BASE_SEED);
	expect(img, 9, 2, 5);
	expect(img, 11, BASE_SECTORS - 11, BASE_SEED);
	blk_image_close(img);
}
END_TEST

START_TEST(a_cluster_is_copied_once)
{
	struct blk_image *img = cow_ok(false), *base;
	uint8_t buf[BLK_SECTOR_SIZE];

	write_ok(img, 1, 1, 5);                  /* copies cluster 0 */
	ck_assert_int_eq(blk_raw_open(base_path(), false, &base), 0);
	fill(buf, 3, 1, 9);                      /* the base changes under it */
	ck_assert_int_eq(blk_image_write(base, buf, 3, 1), 0);
	blk_image_close(base);
	write_ok(img, 2, 1, 6);                  /* same cluster: no new copy */
	expect(img, 0, 1, BASE_SEED);
	expect(img, 1, 1, 5);                    /* the first write stays */
	expect(img, 2, 1, 6);
	expect(img, 3, 5, BASE_SEED);            /* the copy, not the change */
	blk_image_close(img);
}
END_TEST

START_TEST(rewriting_a_copied_sector)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 4, 1, 5);
	write_ok(img, 4, 1, 6);
	expect(img, 4, 1, 6);
	expect(img, 0, 4, BASE_SEED);
	blk_image_close(img);
}
END_TEST

START_TEST(short_last_cluster)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 41, 1, 5);
	expect(img, 40, 1, BASE_SEED);
	expect(img, 41, 1, 5);
	expect(img, 42, 1, BASE_SEED);
	write_ok(img, 42, 1, 6);
	expect(img, 41, 1, 5);
	expect(img, 42, 1, 6);
	blk_image_close(img);
	ck_assert_uint_eq(file_size(cow_path()),
			  DATA_OFFSET + BASE_SECTORS * BLK_SECTOR_SIZE);
}
END_TEST

START_TEST(partial_sectors_at_both_edges_of_a_cluster)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 16, 1, 5);                 /* first sector of cluster 2 */
	write_ok(img, 31, 1, 6);                 /* last sector of cluster 3 */
	expect(img, 16, 1, 5);
	expect(img, 17, 14, BASE_SEED);
	expect(img, 31, 1, 6);
	blk_image_close(img);
}
END_TEST

START_TEST(a_write_spanning_clusters)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 5, 16, 5);                 /* clusters 0, 1 and 2 */
	expect(img, 0, 5, BASE_SEED);
	expect(img, 5, 16, 5);
	expect(img, 21, BASE_SECTORS - 21, BASE_SEED);
	blk_image_close(img);
}
END_TEST

START_TEST(a_write_over_copied_and_uncopied_clusters)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 12, 1, 5);                 /* copies cluster 1 */
	write_ok(img, 26, 1, 6);                 /* copies cluster 3 */
	write_ok(img, 6, 17, 7);                 /* clusters 0..2 */
	expect(img, 0, 6, BASE_SEED);
	expect(img, 6, 17, 7);
	expect(img, 23, 3, BASE_SEED);
	expect(img, 26, 1, 6);
	expect(img, 27, BASE_SECTORS - 27, BASE_SEED);
	blk_image_close(img);
}
END_TEST

START_TEST(the_whole_disk_in_one_write)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 3, 1, 5);
	write_ok(img, 0, BASE_SECTORS, 6);
	expect(img, 0, BASE_SECTORS, 6);
	blk_image_close(img);
}
END_TEST

START_TEST(reopen_keeps_the_data)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 9, 2, 5);
	write_ok(img, 42, 1, 6);
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
	img = cow_ok(true);                      /* exists: opened, not made */
	expect(img, 0, 9, BASE_SEED);
	expect(img, 9, 2, 5);
	expect(img, 11, 31, BASE_SEED);
	expect(img, 42, 1, 6);
	blk_image_close(img);
}
END_TEST

START_TEST(reopen_without_flush_keeps_the_data)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 20, 3, 5);
	blk_image_close(img);                    /* as if the backend died */
	img = cow_ok(false);
	expect(img, 20, 3, 5);
	blk_image_close(img);
}
END_TEST

START_TEST(the_on_disk_bitmap_and_data)
{
	uint8_t bitmap[1], data[BLK_SECTOR_SIZE];
	struct blk_image *img = cow_ok(false);

	write_ok(img, 9, 1, 5);                  /* cluster 1 */
	write_ok(img, 41, 1, 6);                 /* cluster 5 */
	blk_image_close(img);
	read_file(cow_path(), 4096, bitmap, 1);
	ck_assert_uint_eq(bitmap[0], 0x22);
	read_file(cow_path(), DATA_OFFSET + 9 * BLK_SECTOR_SIZE, data,
		  sizeof(data));
	ck_assert(holds(data, 9, 1, 5));
	read_file(cow_path(), DATA_OFFSET + 8 * BLK_SECTOR_SIZE, data,
		  sizeof(data));
	ck_assert(holds(data, 8, 1, BASE_SEED)); /* the rest of the copy */
}
END_TEST

START_TEST(the_base_file_is_never_written)
{
	uint64_t sum = file_sum(base_path());
	struct blk_image *img = cow_ok(false);

	write_ok(img, 0, BASE_SECTORS, 5);
	write_ok(img, 7, 3, 6);
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
	ck_assert_uint_eq(file_sum(base_path()), sum);
	ck_assert_uint_eq(file_size(base_path()), BASE_SECTORS * BLK_SECTOR_SIZE);
}
END_TEST

START_TEST(two_overlays_on_one_base_see_their_own_writes)
{
	const char *other = tmp_path(2, "other.cow");
	struct blk_image *a = cow_ok(false), *b = NULL;
	uint64_t sum = file_sum(base_path());

	ck_assert_int_eq(cow_open(base_path(), other, true, false, &b), 0);
	write_ok(a, 3, 1, 5);
	write_ok(b, 3, 1, 6);
	write_ok(b, 20, 1, 7);
	expect(a, 3, 1, 5);
	expect(a, 20, 1, BASE_SEED);
	expect(b, 3, 1, 6);
	expect(b, 20, 1, 7);
	blk_image_close(a);
	blk_image_close(b);
	ck_assert_uint_eq(file_sum(base_path()), sum);
}
END_TEST

START_TEST(a_cow_stacks_over_a_cow)
{
	const char *top = tmp_path(2, "top.cow");
	struct blk_image *mid = cow_ok(false), *img = NULL;
	uint64_t sum;

	write_ok(mid, 4, 1, 5);
	blk_image_close(mid);
	sum = file_sum(cow_path());
	mid = cow_ok(true);
	ck_assert_int_eq(blk_cow_open(mid, top, true, false, &img), 0);
	expect(img, 4, 1, 5);
	expect(img, 5, 1, BASE_SEED);
	write_ok(img, 4, 2, 6);
	expect(img, 4, 2, 6);
	blk_image_close(img);                    /* closes mid and base too */
	ck_assert_uint_eq(file_sum(cow_path()), sum);
}
END_TEST

static const struct {
	long off;
	const char *bytes;
	size_t len;
} corruptions[] = {
	{ 0, "X", 1 },                           /* magic */
	{ 8, "\2", 1 },                          /* version 2 */
	{ 12, "\0\0\0\0", 4 },                   /* cluster size 0 */
	{ 12, "\xb8\x0b\0\0", 4 },               /* 3000: not a power of 2 */
	{ 12, "\0\1\0\0", 4 },                   /* 256: below a sector */
	{ 12, "\0\0\x20\0", 4 },                 /* 2 MiB: above 1 MiB */
	{ 16, "\x2a", 1 },                       /* 42 sectors, not 43 */
};

START_TEST(a_corrupt_header_is_einval)
{
	struct blk_image *img = cow_ok(false);

	blk_image_close(img);
	img = NULL;
	patch_file(cow_path(), corruptions[_i].off, corruptions[_i].bytes,
		   corruptions[_i].len);
	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &img),
			 -EINVAL);
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(an_overlay_of_the_wrong_size_is_einval)
{
	struct blk_image *img = cow_ok(false);
	uint64_t size = file_size(cow_path());

	blk_image_close(img);
	ck_assert_int_eq(truncate(cow_path(), (off_t)size - BLK_SECTOR_SIZE), 0);
	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &img),
			 -EINVAL);
	ck_assert_int_eq(truncate(cow_path(), (off_t)size + BLK_SECTOR_SIZE), 0);
	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &img),
			 -EINVAL);
}
END_TEST

START_TEST(an_overlay_over_another_base_size_is_einval)
{
	const char *bigger = tmp_path(2, "bigger.img");
	struct blk_image *img = cow_ok(false);

	blk_image_close(img);
	make_image(bigger, BASE_SECTORS + 8, BASE_SEED);
	ck_assert_int_eq(cow_open(bigger, cow_path(), true, false, &img),
			 -EINVAL);
}
END_TEST

START_TEST(an_empty_or_foreign_file_is_einval)
{
	struct blk_image *img = NULL;

	make_file(cow_path(), 0);
	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &img),
			 -EINVAL);
	ck_assert_int_eq(cow_open(base_path(), base_path(), false, true, &img),
			 -EINVAL);                /* a raw image is no overlay */
}
END_TEST

START_TEST(a_second_read_write_open_is_ebusy)
{
	struct blk_image *a = cow_ok(false), *b = NULL;

	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &b),
			 -EBUSY);
	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, true, &b),
			 -EBUSY);
	ck_assert_ptr_null(b);
	blk_image_close(a);
	b = cow_ok(false);                       /* free again once closed */
	blk_image_close(b);
}
END_TEST

START_TEST(readers_share_but_keep_writers_out)
{
	struct blk_image *a = cow_ok(true), *b = cow_ok(true), *c = NULL;

	ck_assert_int_eq(cow_open(base_path(), cow_path(), true, false, &c),
			 -EBUSY);
	expect(b, 0, 1, BASE_SEED);
	blk_image_close(a);
	blk_image_close(b);
}
END_TEST

START_TEST(write_to_a_readonly_overlay_is_erofs)
{
	struct blk_image *img = cow_ok(true);
	uint8_t buf[BLK_SECTOR_SIZE];
	uint64_t sum = file_sum(cow_path());

	ck_assert(img->readonly);
	fill(buf, 0, 1, 5);
	ck_assert_int_eq(blk_image_write(img, buf, 0, 1), -EROFS);
	blk_image_close(img);
	ck_assert_uint_eq(file_sum(cow_path()), sum);
}
END_TEST

START_TEST(past_the_end_is_einval)
{
	struct blk_image *img = cow_ok(false);
	uint8_t buf[2 * BLK_SECTOR_SIZE];
	uint64_t sum;

	fill(buf, 42, 2, 5);
	ck_assert_int_eq(blk_image_read(img, buf, 42, 2), -EINVAL);
	ck_assert_int_eq(blk_image_write(img, buf, 42, 2), -EINVAL);
	ck_assert_int_eq(blk_image_write(img, buf, UINT64_MAX, 1), -EINVAL);
	blk_image_close(img);
	sum = file_sum(cow_path());
	img = cow_ok(false);
	expect(img, 42, 1, BASE_SEED);           /* nothing was copied */
	blk_image_close(img);
	ck_assert_uint_eq(file_sum(cow_path()), sum);
}
END_TEST

START_TEST(flush_succeeds)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 1, 1, 5);
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
}
END_TEST

START_TEST(unaligned_buffers)
{
	uint8_t *mem = malloc(9 * BLK_SECTOR_SIZE + 3), *buf = mem + 3;
	struct blk_image *img = cow_ok(false);

	fill(buf, 6, 9, 5);
	ck_assert_int_eq(blk_image_write(img, buf, 6, 9), 0);
	memset(mem, 0, 9 * BLK_SECTOR_SIZE + 3);
	ck_assert_int_eq(blk_image_read(img, buf, 6, 9), 0);
	ck_assert(holds(buf, 6, 9, 5));
	blk_image_close(img);
	free(mem);
}
END_TEST

START_TEST(an_overlay_with_64k_clusters_opens)
{
	/* made by hand: 43 sectors in one 64 KiB cluster; the bitmap at 4 KiB,
	 * the data at the first 64 KiB boundary after it */
	uint8_t hdr[24] = "KEELCOW\0\1\0\0\0\0\0\1\0\x2b";
	uint8_t bitmap[1];
	struct blk_image *img = NULL;

	make_file(cow_path(), 65536 + BASE_SECTORS * BLK_SECTOR_SIZE);
	patch_file(cow_path(), 0, hdr, sizeof(hdr));
	ck_assert_int_eq(cow_open(base_path(), cow_path(), false, false, &img),
			 0);
	expect(img, 0, BASE_SECTORS, BASE_SEED);
	write_ok(img, 30, 2, 5);
	expect(img, 29, 1, BASE_SEED);
	expect(img, 30, 2, 5);
	expect(img, 32, 11, BASE_SEED);
	blk_image_close(img);
	read_file(cow_path(), 4096, bitmap, 1);
	ck_assert_uint_eq(bitmap[0], 1);
}
END_TEST

START_TEST(discard_keeps_the_data_and_checks_the_range)
{
	struct blk_image *img = cow_ok(false);

	write_ok(img, 0, 8, 6);
	ck_assert_int_eq(blk_image_discard(img, 0, 16), 0);
	expect(img, 0, 8, 6);             /* a cow overlay keeps its sectors */
	expect(img, 8, 8, BASE_SEED);
	ck_assert_int_eq(blk_image_discard(img, BASE_SECTORS, 1), -EINVAL);
	blk_image_close(img);
	img = cow_ok(true);
	ck_assert_int_eq(blk_image_discard(img, 0, 1), -EROFS);
	blk_image_close(img);
}
END_TEST

Suite *suite_cow(void)
{
	Suite *s = suite_create("cow");
	TCase *tc = tcase_create("cow");

	tcase_add_checked_fixture(tc, base_setup, tmp_teardown);
	tcase_add_test(tc, create_when_missing);
	tcase_add_test(tc, discard_keeps_the_data_and_checks_the_range);
	tcase_add_test(tc, missing_without_create_is_enoent);
	tcase_add_test(tc, reads_go_through_to_the_base);
	tcase_add_test(tc, written_sectors_read_back);
	tcase_add_test(tc, a_cluster_is_copied_once);
	tcase_add_test(tc, rewriting_a_copied_sector);
	tcase_add_test(tc, short_last_cluster);
	tcase_add_test(tc, partial_sectors_at_both_edges_of_a_cluster);
	tcase_add_test(tc, a_write_spanning_clusters);
	tcase_add_test(tc, a_write_over_copied_and_uncopied_clusters);
	tcase_add_test(tc, the_whole_disk_in_one_write);
	tcase_add_test(tc, reopen_keeps_the_data);
	tcase_add_test(tc, reopen_without_flush_keeps_the_data);
	tcase_add_test(tc, the_on_disk_bitmap_and_data);
	tcase_add_test(tc, the_base_file_is_never_written);
	tcase_add_test(tc, two_overlays_on_one_base_see_their_own_writes);
	tcase_add_test(tc, a_cow_stacks_over_a_cow);
	tcase_add_loop_test(tc, a_corrupt_header_is_einval, 0,
			    sizeof(corruptions) / sizeof(corruptions[0]));
	tcase_add_test(tc, an_overlay_of_the_wrong_size_is_einval);
	tcase_add_test(tc, an_overlay_over_another_base_size_is_einval);
	tcase_add_test(tc, an_empty_or_foreign_file_is_einval);
	tcase_add_test(tc, a_second_read_write_open_is_ebusy);
	tcase_add_test(tc, readers_share_but_keep_writers_out);
	tcase_add_test(tc, write_to_a_readonly_overlay_is_erofs);
	tcase_add_test(tc, past_the_end_is_einval);
	tcase_add_test(tc, flush_succeeds);
	tcase_add_test(tc, unaligned_buffers);
	tcase_add_test(tc, an_overlay_with_64k_clusters_opens);
	suite_add_tcase(s, tc);
	return s;
}
