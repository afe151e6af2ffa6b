/* Raw images: I/O, every error, alignment, O_DIRECT, create and lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

#define SECTORS 64u

static struct blk_image *open_ok(const char *path, bool readonly)
{
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_raw_open(path, readonly, &img), 0);
	return img;
}

START_TEST(round_trip)
{
	static uint8_t buf[8 * BLK_SECTOR_SIZE] __attribute__((aligned(4096)));
	const char *path = tmp_path(0, "disk.img");
	struct blk_image *img;

	make_image(path, SECTORS, 0);
	img = open_ok(path, false);
	ck_assert_uint_eq(img->sectors, SECTORS);
	ck_assert(!img->readonly);
	fill(buf, 10, 8, 3);
	ck_assert_int_eq(blk_image_write(img, buf, 10, 8), 0);
	blk_image_close(img);

	memset(buf, 0, sizeof(buf));
	img = open_ok(path, true);
	ck_assert_int_eq(blk_image_read(img, buf, 10, 8), 0);
	ck_assert(holds(buf, 10, 8, 3));
	ck_assert_int_eq(blk_image_read(img, buf, 9, 1), 0);
	ck_assert(holds(buf, 9, 1, 0));
	blk_image_close(img);
}
END_TEST

START_TEST(discard_reads_zeros_and_leaves_the_rest)
{
	static uint8_t buf[16 * BLK_SECTOR_SIZE] __attribute__((aligned(4096)));
	const char *path = tmp_path(0, "disk.img");
	struct blk_image *img;

	make_image(path, SECTORS, 5);
	img = open_ok(path, false);
	ck_assert_int_eq(blk_image_discard(img, 8, 8), 0);
	ck_assert_int_eq(blk_image_read(img, buf, 4, 16), 0);
	ck_assert(holds(buf, 4, 4, 5));                       /* before */
	ck_assert(holds(buf + 4 * BLK_SECTOR_SIZE, 8, 8, 0)); /* zeros  */
	ck_assert(holds(buf + 12 * BLK_SECTOR_SIZE, 16, 4, 5));
	ck_assert_int_eq(blk_image_discard(img, SECTORS - 1, 2), -EINVAL);
	ck_assert_int_eq(blk_image_discard(img, SECTORS, 0), 0);
	blk_image_close(img);
	img = open_ok(path, true);
	ck_assert_int_eq(blk_image_discard(img, 0, 1), -EROFS);
	blk_image_close(img);
}
END_TEST

START_TEST(sector_n_is_at_byte_n_times_512)
{
	uint8_t buf[BLK_SECTOR_SIZE], file[BLK_SECTOR_SIZE];
	const char *path = tmp_path(0, "disk.img");
	struct blk_image *img;
	FILE *f;

	make_image(path, SECTORS, 0);
	img = open_ok(path, false);
	fill(buf, 33, 1, 4);
	ck_assert_int_eq(blk_image_write(img, buf, 33, 1), 0);
	blk_image_close(img);
	f = fopen(path, "rb");
	ck_assert_int_eq(fseek(f, 33 * BLK_SECTOR_SIZE, SEEK_SET), 0);
	ck_assert_uint_eq(fread(file, 1, sizeof(file), f), sizeof(file));
	fclose(f);
	ck_assert(holds(file, 33, 1, 4));
}
END_TEST

START_TEST(read_past_end_is_einval)
{
	uint8_t buf[2 * BLK_SECTOR_SIZE];
	struct blk_image *img;

	make_image(tmp_path(0, "d"), SECTORS, 1);
	img = open_ok(tmp_path(0, "d"), true);
	ck_assert_int_eq(blk_image_read(img, buf, SECTORS - 1, 2), -EINVAL);
	ck_assert_int_eq(blk_image_read(img, buf, SECTORS, 1), -EINVAL);
	ck_assert_int_eq(blk_image_read(img, buf, UINT64_MAX, 1), -EINVAL);
	ck_assert_int_eq(blk_image_read(img, buf, 1, UINT32_MAX), -EINVAL);
	blk_image_close(img);
}
END_TEST

START_TEST(write_past_end_is_einval_and_writes_nothing)
{
	uint8_t buf[2 * BLK_SECTOR_SIZE];
	const char *path = tmp_path(0, "d");
	struct blk_image *img;
	uint64_t sum;

	make_image(path, SECTORS, 1);
	sum = file_sum(path);
	img = open_ok(path, false);
	fill(buf, SECTORS - 1, 2, 9);
	ck_assert_int_eq(blk_image_write(img, buf, SECTORS - 1, 2), -EINVAL);
	ck_assert_int_eq(blk_image_write(img, buf, UINT64_MAX - 1, 2), -EINVAL);
	blk_image_close(img);
	ck_assert_uint_eq(file_sum(path), sum);
	ck_assert_uint_eq(file_size(path), SECTORS * BLK_SECTOR_SIZE);
}
END_TEST

START_TEST(zero_sectors_at_the_end_is_ok)
{
	uint8_t buf[1];
	struct blk_image *img;

	make_image(tmp_path(0, "d"), SECTORS, 1);
	img = open_ok(tmp_path(0, "d"), false);
	ck_assert_int_eq(blk_image_read(img, buf, SECTORS, 0), 0);
	ck_assert_int_eq(blk_image_write(img, buf, SECTORS, 0), 0);
	blk_image_close(img);
}
END_TEST

START_TEST(write_to_readonly_is_erofs)
{
	uint8_t buf[BLK_SECTOR_SIZE];
	const char *path = tmp_path(0, "d");
	struct blk_image *img;
	uint64_t sum;

	make_image(path, SECTORS, 1);
	sum = file_sum(path);
	img = open_ok(path, true);
	ck_assert(img->readonly);
	fill(buf, 0, 1, 2);
	ck_assert_int_eq(blk_image_write(img, buf, 0, 1), -EROFS);
	blk_image_close(img);
	ck_assert_uint_eq(file_sum(path), sum);
}
END_TEST

START_TEST(missing_file_is_enoent)
{
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_raw_open(tmp_path(0, "nope"), true, &img), -ENOENT);
	ck_assert_int_eq(blk_raw_open(tmp_path(0, "nope"), false, &img), -ENOENT);
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(size_not_a_multiple_of_512_is_einval)
{
	struct blk_image *img = NULL;

	make_file(tmp_path(0, "odd"), 1000);
	ck_assert_int_eq(blk_raw_open(tmp_path(0, "odd"), false, &img), -EINVAL);
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(empty_file_has_no_sectors)
{
	uint8_t buf[BLK_SECTOR_SIZE];
	struct blk_image *img;

	make_file(tmp_path(0, "empty"), 0);
	img = open_ok(tmp_path(0, "empty"), false);
	ck_assert_uint_eq(img->sectors, 0);
	ck_assert_int_eq(blk_image_read(img, buf, 0, 1), -EINVAL);
	blk_image_close(img);
}
END_TEST

START_TEST(not_a_file_or_block_device_is_einval)
{
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_raw_open(tmp_path(0, ""), true, &img), -EINVAL);
	ck_assert_int_eq(blk_raw_open("/dev/null", true, &img), -EINVAL);
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(unaligned_buffers_round_trip)
{
	uint8_t *mem = malloc(3 * BLK_SECTOR_SIZE + 1), *buf = mem + 1;
	struct blk_image *img;

	make_image(tmp_path(0, "d"), SECTORS, 1);
	img = open_ok(tmp_path(0, "d"), false);
	fill(buf, 7, 3, 6);
	ck_assert_int_eq(blk_image_write(img, buf, 7, 3), 0);
	memset(mem, 0, 3 * BLK_SECTOR_SIZE + 1);
	ck_assert_int_eq(blk_image_read(img, buf, 6, 3), 0);
	ck_assert(holds(buf, 6, 1, 1));
	ck_assert(holds(buf + BLK_SECTOR_SIZE, 7, 2, 6));
	blk_image_close(img);
	free(mem);
}
END_TEST

/* How many of this process's descriptors on path have O_DIRECT set. */
static int direct_fds(const char *path)
{
	char link[64], target[256], info[64], line[128];
	int fd, n = 0;

	for (fd = 0; fd < 256; fd++) {
		ssize_t len;
		FILE *f;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		len = readlink(link, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, path))
			continue;
		snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", fd);
		f = fopen(info, "r");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "flags:", 6) &&
			    (strtoul(line + 6, NULL, 8) & O_DIRECT))
				n++;
		if (f)
			fclose(f);
	}
	return n;
}

/* /tmp (a disk here) and /dev/shm (tmpfs: O_DIRECT only since Linux 6.6). */
static const char *const fs_dirs[] = { "/tmp", "/dev/shm" };

START_TEST(o_direct_exactly_where_the_file_system_allows)
{
	static uint8_t buf[4 * BLK_SECTOR_SIZE] __attribute__((aligned(4096)));
	char dir[64], path[80];
	struct blk_image *img;
	int probe, direct;

	snprintf(dir, sizeof(dir), "%s/keel-blk-XXXXXX", fs_dirs[_i]);
	if (!mkdtemp(dir))
		return;  /* no such file system here */
	snprintf(path, sizeof(path), "%s/d", dir);
	make_image(path, SECTORS, 1);
	probe = open(path, O_RDWR | O_DIRECT);
	direct = probe >= 0;
	if (probe >= 0)
		close(probe);
	img = open_ok(path, false);
	ck_assert_int_eq(direct_fds(path), direct);
	fill(buf, 4, 4, 8);
	ck_assert_int_eq(blk_image_write(img, buf, 4, 4), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(blk_image_read(img, buf, 4, 4), 0);
	ck_assert(holds(buf, 4, 4, 8));
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(flush_succeeds)
{
	uint8_t buf[BLK_SECTOR_SIZE];
	struct blk_image *img;

	make_image(tmp_path(0, "d"), SECTORS, 1);
	img = open_ok(tmp_path(0, "d"), false);
	fill(buf, 1, 1, 2);
	ck_assert_int_eq(blk_image_write(img, buf, 1, 1), 0);
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
	img = open_ok(tmp_path(0, "d"), true);
	ck_assert_int_eq(blk_image_flush(img), 0);
	blk_image_close(img);
}
END_TEST

START_TEST(file_that_shrank_is_eio)
{
	static uint8_t buf[2 * BLK_SECTOR_SIZE] __attribute__((aligned(4096)));
	const char *path = tmp_path(0, "d");
	struct blk_image *img;

	make_image(path, SECTORS, 1);
	img = open_ok(path, false);
	ck_assert_int_eq(truncate(path, 8 * BLK_SECTOR_SIZE), 0);
	ck_assert_int_eq(blk_image_read(img, buf, 12, 1), -EIO);
	ck_assert_int_eq(blk_image_read(img, buf + 1, 12, 1), -EIO);
	blk_image_close(img);
}
END_TEST

START_TEST(create_makes_a_sparse_image)
{
	const char *path = tmp_path(0, "new.img");
	uint8_t buf[BLK_SECTOR_SIZE];
	struct blk_image *img;

	ck_assert_int_eq(blk_raw_create(path, 1u << 21), 0);  /* 1 GiB */
	ck_assert_uint_eq(file_size(path), 1ull << 30);
	img = open_ok(path, true);
	ck_assert_uint_eq(img->sectors, 1u << 21);
	ck_assert_int_eq(blk_image_read(img, buf, (1u << 21) - 1, 1), 0);
	ck_assert(holds(buf, 0, 1, 0));
	blk_image_close(img);
}
END_TEST

START_TEST(create_over_an_existing_file_is_eexist)
{
	const char *path = tmp_path(0, "d");
	uint64_t sum;

	make_image(path, 4, 1);
	sum = file_sum(path);
	ck_assert_int_eq(blk_raw_create(path, 8), -EEXIST);
	ck_assert_uint_eq(file_sum(path), sum);
}
END_TEST

START_TEST(create_of_an_impossible_size_is_efbig)
{
	const char *path = tmp_path(0, "big");

	ck_assert_int_eq(blk_raw_create(path, UINT64_MAX / 2), -EFBIG);
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(second_exclusive_lock_is_ebusy)
{
	struct blk_image *a, *b;

	make_image(tmp_path(0, "d"), 4, 1);
	a = open_ok(tmp_path(0, "d"), false);
	b = open_ok(tmp_path(0, "d"), false);
	ck_assert_int_eq(blk_raw_lock(a, true), 0);
	ck_assert_int_eq(blk_raw_lock(b, true), -EBUSY);
	ck_assert_int_eq(blk_raw_lock(b, false), -EBUSY);
	blk_image_close(a);
	ck_assert_int_eq(blk_raw_lock(b, true), 0);
	blk_image_close(b);
}
END_TEST

START_TEST(shared_locks_share)
{
	struct blk_image *a, *b;

	make_image(tmp_path(0, "d"), 4, 1);
	a = open_ok(tmp_path(0, "d"), true);
	b = open_ok(tmp_path(0, "d"), true);
	ck_assert_int_eq(blk_raw_lock(a, false), 0);
	ck_assert_int_eq(blk_raw_lock(b, false), 0);
	blk_image_close(a);
	blk_image_close(b);
}
END_TEST

Suite *suite_raw(void)
{
	Suite *s = suite_create("raw");
	TCase *tc = tcase_create("raw");

	tcase_add_checked_fixture(tc, tmp_setup, tmp_teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, discard_reads_zeros_and_leaves_the_rest);
	tcase_add_test(tc, sector_n_is_at_byte_n_times_512);
	tcase_add_test(tc, read_past_end_is_einval);
	tcase_add_test(tc, write_past_end_is_einval_and_writes_nothing);
	tcase_add_test(tc, zero_sectors_at_the_end_is_ok);
	tcase_add_test(tc, write_to_readonly_is_erofs);
	tcase_add_test(tc, missing_file_is_enoent);
	tcase_add_test(tc, size_not_a_multiple_of_512_is_einval);
	tcase_add_test(tc, empty_file_has_no_sectors);
	tcase_add_test(tc, not_a_file_or_block_device_is_einval);
	tcase_add_test(tc, unaligned_buffers_round_trip);
	tcase_add_loop_test(tc, o_direct_exactly_where_the_file_system_allows,
			    0, sizeof(fs_dirs) / sizeof(fs_dirs[0]));
	tcase_add_test(tc, flush_succeeds);
	tcase_add_test(tc, file_that_shrank_is_eio);
	tcase_add_test(tc, create_makes_a_sparse_image);
	tcase_add_test(tc, create_over_an_existing_file_is_eexist);
	tcase_add_test(tc, create_of_an_impossible_size_is_efbig);
	tcase_add_test(tc, second_exclusive_lock_is_ebusy);
	tcase_add_test(tc, shared_locks_share);
	suite_add_tcase(s, tc);
	return s;
}
