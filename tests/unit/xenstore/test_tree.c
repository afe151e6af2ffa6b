/* Node requests: READ, WRITE, MKDIR, RM, DIRECTORY(_PART). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

START_TEST(write_then_read)
{
	struct tconn *t = tc_new(0, true);
	char v[64];

	ck_assert_int_eq(tc_write(t, 0, "/a", "hello"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/a", v), 0);
	ck_assert_str_eq(v, "hello");
}
END_TEST

START_TEST(write_creates_parents)
{
	struct tconn *t = tc_new(0, true);
	char v[64];

	ck_assert_int_eq(tc_write(t, 0, "/a/b/c", "x"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/a/b", v), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(tc_dir(t, 0, "/a", v), 0);
	ck_assert_str_eq(v, "b");
}
END_TEST

START_TEST(read_missing_is_enoent)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_read(t, 0, "/nope", NULL), -ENOENT);
}
END_TEST

START_TEST(bad_path_is_einval)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_write(t, 0, "/a//b", "x"), -EINVAL);
	ck_assert_int_eq(tc_read(t, 0, "/a/", NULL), -EINVAL);
}
END_TEST

START_TEST(binary_value_kept)
{
	struct tconn *t = tc_new(0, true);
	struct trep r;
	char buf[16] = "/bin\0a\0b";

	ck_assert_int_eq(tc_req(t, KEEL_XS_WRITE, 0, buf, 8, NULL), 0);
	ck_assert_int_eq(tc_req(t, KEEL_XS_READ, 0, "/bin", 5, &r), 0);
	ck_assert_uint_eq(r.len, 3);
	ck_assert_mem_eq(r.data, "a\0b", 3);
}
END_TEST

START_TEST(mkdir_existing_is_ok)
{
	struct tconn *t = tc_new(0, true);
	char v[64];

	ck_assert_int_eq(tc_write(t, 0, "/m", "keep"), 0);
	ck_assert_int_eq(tc_mkdir(t, 0, "/m"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/m", v), 0);
	ck_assert_str_eq(v, "keep");
	ck_assert_int_eq(tc_mkdir(t, 0, "/m/n/o"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/m/n/o", v), 0);
}
END_TEST

START_TEST(rm_is_recursive)
{
	struct tconn *t = tc_new(0, true);
	char v[64];

	ck_assert_int_eq(tc_write(t, 0, "/r/a/b", "1"), 0);
	ck_assert_int_eq(tc_write(t, 0, "/r/c", "2"), 0);
	ck_assert_int_eq(tc_rm(t, 0, "/r"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/r/a/b", NULL), -ENOENT);
	ck_assert_int_eq(tc_read(t, 0, "/r", NULL), -ENOENT);
	ck_assert_int_eq(tc_dir(t, 0, "/", v), 0);
	ck_assert_ptr_null(strstr(v, "r"));
}
END_TEST

START_TEST(rm_missing_rules)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_write(t, 0, "/p", ""), 0);
	ck_assert_int_eq(tc_rm(t, 0, "/p/absent"), 0);
	ck_assert_int_eq(tc_rm(t, 0, "/nop/absent"), -ENOENT);
	ck_assert_int_eq(tc_rm(t, 0, "/"), -EINVAL);
}
END_TEST

START_TEST(relative_paths_for_domains)
{
	struct tconn *d0 = tc_new(0, true), *d3 = tc_new(3, false);
	char v[64];

	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/3"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/3", "n3"), 0);
	ck_assert_int_eq(tc_write(d3, 0, "data/x", "y"), 0);
	ck_assert_int_eq(tc_read(d0, 0, "/local/domain/3/data/x", v), 0);
	ck_assert_str_eq(v, "y");
}
END_TEST

START_TEST(directory_part_pages)
{
	struct tconn *t = tc_new(0, true);
	char path[128], off[16], *all = calloc(1, 65536);
	struct trep r;
	size_t total = 0, glen;
	int i, rc;

	for (i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "/big/child-with-long-name-%03d", i);
		ck_assert_int_eq(tc_mkdir(t, 0, path), 0);
	}
	ck_assert_int_eq(tc_dir(t, 0, "/big", NULL), -E2BIG);
	for (i = 0; i < 10; i++) {
		char req[64];
		size_t n = (size_t)snprintf(req, sizeof(req), "/big%c%zu", 0,
					    total) + 1;

		(void)off;
		rc = tc_req(t, KEEL_XS_DIRECTORY_PART, 0, req, n, &r);
		ck_assert_int_eq(rc, 0);
		glen = strlen(r.data) + 1;
		memcpy(all + total, r.data + glen, r.len - glen);
		total += r.len - glen;
		if (total >= 2 && all[total - 2] == '\0')
			break;
	}
	ck_assert_int_gt(i, 0);  /* needed more than one part */
	ck_assert_uint_eq(total, 300 * 25 + 1);
	free(all);
}
END_TEST

START_TEST(directory_part_bad_offset)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_simple(t, KEEL_XS_DIRECTORY_PART, "/ x"),
			 -EINVAL);
	ck_assert_int_eq(tc_simple(t, KEEL_XS_DIRECTORY_PART, "/ "),
			 -EINVAL);
}
END_TEST

/* Xen: an offset past the end (the directory shrank between two parts)
 * gets the current generation and an empty, complete part. */
START_TEST(directory_part_past_end_is_empty_part)
{
	struct tconn *t = tc_new(0, true);
	char req[32];
	struct trep r, r2;
	size_t n, glen;

	ck_assert_int_eq(tc_write(t, 0, "/d/a", "1"), 0);
	ck_assert_int_eq(tc_write(t, 0, "/d/b", "1"), 0);
	n = (size_t)snprintf(req, sizeof(req), "/d%c%u", 0, 0) + 1;
	ck_assert_int_eq(tc_req(t, KEEL_XS_DIRECTORY_PART, 0, req, n, &r), 0);
	n = (size_t)snprintf(req, sizeof(req), "/d%c%u", 0, 999) + 1;
	ck_assert_int_eq(tc_req(t, KEEL_XS_DIRECTORY_PART, 0, req, n, &r2),
			 0);
	glen = strlen(r2.data) + 1;
	ck_assert_uint_eq(r2.len, glen + 1);      /* gen, then just "" */
	ck_assert_int_eq(r2.data[glen], '\0');
	ck_assert_str_eq(r2.data, r.data);       /* unchanged: same gen */
	/* shrink: the generation changes, so a reader starts again */
	ck_assert_int_eq(tc_rm(t, 0, "/d/b"), 0);
	n = (size_t)snprintf(req, sizeof(req), "/d%c%u", 0, 4) + 1;
	ck_assert_int_eq(tc_req(t, KEEL_XS_DIRECTORY_PART, 0, req, n, &r2),
			 0);
	ck_assert_str_ne(r2.data, r.data);
	ck_assert_uint_eq(r2.len, strlen(r2.data) + 2);
}
END_TEST

/* Xen limits the part after /local/domain/N/ to 2048 bytes, for every
 * caller (dom0 too); other absolute paths up to 3072. */
START_TEST(local_path_limit)
{
	struct tconn *t = tc_new(0, true);
	static char p[3200];
	size_t base;

	base = (size_t)sprintf(p, "/local/domain/5/");
	memset(p + base, 'a', 2048);
	p[base + 2048] = '\0';
	ck_assert_int_eq(tc_write(t, 0, p, "1"), 0);
	p[base + 2048] = 'b';
	p[base + 2049] = '\0';
	ck_assert_int_eq(tc_write(t, 0, p, "1"), -EINVAL);
	/* elsewhere, 2049 bytes are fine */
	base = (size_t)sprintf(p, "/other/");
	memset(p + base, 'a', 2049);
	p[base + 2049] = '\0';
	ck_assert_int_eq(tc_write(t, 0, p, "1"), 0);
}
END_TEST

START_TEST(fresh_store_has_tool_xenstored)
{
	struct tconn *t = tc_new(0, true);
	char v[64];

	ck_assert_int_eq(tc_read(t, 0, "/tool/xenstored", v), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(tc_dir(t, 0, "/tool", v), 0);
	ck_assert_str_eq(v, "xenstored");
}
END_TEST

START_TEST(domain_path)
{
	struct tconn *t = tc_new(7, false);
	struct trep r;

	ck_assert_int_eq(tc_req(t, KEEL_XS_GET_DOMAIN_PATH, 0, "12", 3, &r), 0);
	ck_assert_str_eq(r.data, "/local/domain/12");
}
END_TEST

Suite *suite_tree(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("tree");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, write_then_read);
	tcase_add_test(tc, write_creates_parents);
	tcase_add_test(tc, read_missing_is_enoent);
	tcase_add_test(tc, bad_path_is_einval);
	tcase_add_test(tc, binary_value_kept);
	tcase_add_test(tc, mkdir_existing_is_ok);
	tcase_add_test(tc, rm_is_recursive);
	tcase_add_test(tc, rm_missing_rules);
	tcase_add_test(tc, relative_paths_for_domains);
	tcase_add_test(tc, directory_part_pages);
	tcase_add_test(tc, directory_part_bad_offset);
	tcase_add_test(tc, directory_part_past_end_is_empty_part);
	tcase_add_test(tc, local_path_limit);
	tcase_add_test(tc, fresh_store_has_tool_xenstored);
	tcase_add_test(tc, domain_path);
	suite_add_tcase(s, tc);
	return s;
}
