/* blk_image_open: specs to images, and the sentence on each failure. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"

static char err[256];

static void open_setup(void)
{
	tmp_setup();
	make_image(tmp_path(0, "base.img"), 16, 1);
	err[0] = '\0';
}

START_TEST(raw_spec)
{
	struct blk_image_spec spec = { .format = "raw",
				       .target = tmp_path(0, "base.img") };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img->sectors, 16);
	ck_assert(!img->readonly);
	blk_image_close(img);
}
END_TEST

START_TEST(no_format_means_raw)
{
	struct blk_image_spec spec = { .target = tmp_path(0, "base.img") };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img->sectors, 16);
	blk_image_close(img);
}
END_TEST

START_TEST(readonly_spec_refuses_writes)
{
	struct blk_image_spec spec = { .format = "raw", .readonly = true,
				       .target = tmp_path(0, "base.img") };
	uint8_t buf[BLK_SECTOR_SIZE] = { 0 };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), 0);
	ck_assert(img->readonly);
	ck_assert_int_eq(blk_image_write(img, buf, 0, 1), -EROFS);
	blk_image_close(img);
}
END_TEST

START_TEST(cow_spec_creates_the_overlay)
{
	struct blk_image_spec spec = { .format = "cow",
				       .target = tmp_path(1, "g.cow"),
				       .base = tmp_path(0, "base.img") };
	uint8_t buf[BLK_SECTOR_SIZE];
	struct blk_image *img = NULL;
	uint64_t sum = file_sum(spec.base);

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), 0);
	ck_assert_uint_eq(img->sectors, 16);
	fill(buf, 2, 1, 5);
	ck_assert_int_eq(blk_image_write(img, buf, 2, 1), 0);
	blk_image_close(img);
	ck_assert_int_eq(access(spec.target, F_OK), 0);
	ck_assert_uint_eq(file_sum(spec.base), sum);
}
END_TEST

START_TEST(no_target_is_einval)
{
	struct blk_image_spec spec = { .format = "raw" };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "no target given");
	ck_assert_ptr_null(img);
}
END_TEST

START_TEST(unknown_format_is_einval)
{
	struct blk_image_spec spec = { .format = "qcow2",
				       .target = tmp_path(0, "base.img") };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "unknown format qcow2 (raw or cow)");
}
END_TEST

START_TEST(cow_without_base_is_einval)
{
	struct blk_image_spec spec = { .format = "cow",
				       .target = tmp_path(1, "g.cow") };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "format=cow needs a base");
	ck_assert_int_eq(access(spec.target, F_OK), -1);
}
END_TEST

START_TEST(missing_target_says_so)
{
	struct blk_image_spec spec = { .target = "/nonexistent/g.img" };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err,
			 "target /nonexistent/g.img: No such file or directory");
}
END_TEST

START_TEST(missing_base_says_so)
{
	struct blk_image_spec spec = { .format = "cow", .base = "/x",
				       .target = tmp_path(1, "g.cow") };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "base /x: No such file or directory");
	ck_assert_int_eq(access(spec.target, F_OK), -1);
}
END_TEST

START_TEST(bad_raw_size_says_so)
{
	struct blk_image_spec spec = { .target = tmp_path(1, "odd.img") };
	struct blk_image *img = NULL;
	char want[256];

	make_file(spec.target, 700);
	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "target %s: not a file or block device "
		 "of whole 512-byte sectors", spec.target);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(bad_overlay_says_so)
{
	struct blk_image_spec spec = { .format = "cow",
				       .target = tmp_path(1, "g.cow"),
				       .base = tmp_path(0, "base.img") };
	struct blk_image *img = NULL;
	char want[256];

	make_file(spec.target, 4096);
	ck_assert_int_eq(blk_image_open(&spec, &img, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "overlay %s: not a cow overlay, or not "
		 "the base's size", spec.target);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(busy_overlay_says_so)
{
	struct blk_image_spec spec = { .format = "cow",
				       .target = tmp_path(1, "g.cow"),
				       .base = tmp_path(0, "base.img") };
	struct blk_image *a = NULL, *b = NULL;
	char want[256];

	ck_assert_int_eq(blk_image_open(&spec, &a, err, sizeof(err)), 0);
	ck_assert_int_eq(blk_image_open(&spec, &b, err, sizeof(err)), -EBUSY);
	snprintf(want, sizeof(want), "overlay %s: in use read-write by "
		 "another opener", spec.target);
	ck_assert_str_eq(err, want);
	blk_image_close(a);
}
END_TEST

START_TEST(no_error_buffer_is_fine)
{
	struct blk_image_spec spec = { .format = "nope", .target = "/x" };
	struct blk_image *img = NULL;

	ck_assert_int_eq(blk_image_open(&spec, &img, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(a_short_error_buffer_is_cut)
{
	struct blk_image_spec spec = { .format = "qcow2", .target = "/x" };
	struct blk_image *img = NULL;
	char small[8];

	ck_assert_int_eq(blk_image_open(&spec, &img, small, sizeof(small)),
			 -EINVAL);
	ck_assert_str_eq(small, "unknown");
}
END_TEST

START_TEST(check_range)
{
	struct blk_image img = { .sectors = 10 };

	ck_assert_int_eq(blk_image_check_range(&img, 0, 10), 0);
	ck_assert_int_eq(blk_image_check_range(&img, 10, 0), 0);
	ck_assert_int_eq(blk_image_check_range(&img, 9, 2), -EINVAL);
	ck_assert_int_eq(blk_image_check_range(&img, 11, 0), -EINVAL);
	ck_assert_int_eq(blk_image_check_range(&img, UINT64_MAX, 2), -EINVAL);
}
END_TEST

Suite *suite_open(void)
{
	Suite *s = suite_create("open");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, open_setup, tmp_teardown);
	tcase_add_test(tc, raw_spec);
	tcase_add_test(tc, no_format_means_raw);
	tcase_add_test(tc, readonly_spec_refuses_writes);
	tcase_add_test(tc, cow_spec_creates_the_overlay);
	tcase_add_test(tc, no_target_is_einval);
	tcase_add_test(tc, unknown_format_is_einval);
	tcase_add_test(tc, cow_without_base_is_einval);
	tcase_add_test(tc, missing_target_says_so);
	tcase_add_test(tc, missing_base_says_so);
	tcase_add_test(tc, bad_raw_size_says_so);
	tcase_add_test(tc, bad_overlay_says_so);
	tcase_add_test(tc, busy_overlay_says_so);
	tcase_add_test(tc, no_error_buffer_is_fine);
	tcase_add_test(tc, a_short_error_buffer_is_cut);
	tcase_add_test(tc, check_range);
	suite_add_tcase(s, tc);
	return s;
}
