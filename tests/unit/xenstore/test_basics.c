/* Paths, node records, permission strings, the hash map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "node.h"
#include "path.h"
#include "strmap.h"
#include "xs_log.h"

START_TEST(path_absolute_kept)
{
	char out[XSD_PATH_BUF];

	ck_assert_int_eq(xsd_path_canon(3, "/a/b", false, out), 0);
	ck_assert_str_eq(out, "/a/b");
}
END_TEST

START_TEST(path_relative_goes_home)
{
	char out[XSD_PATH_BUF];

	ck_assert_int_eq(xsd_path_canon(3, "device/vbd", false, out), 0);
	ck_assert_str_eq(out, "/local/domain/3/device/vbd");
}
END_TEST

START_TEST(path_bad_rejected)
{
	char out[XSD_PATH_BUF], big[4000];
	static const char *const bad[] = { "", "/a//b", "/a/", "/a b",
					   "/a\xff", "@other", "//" };
	unsigned i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(xsd_path_canon(0, bad[i], false, out),
				 -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(xsd_path_canon(0, big, false, out), -EINVAL);
}
END_TEST

START_TEST(path_special_only_when_allowed)
{
	char out[XSD_PATH_BUF];

	ck_assert_int_eq(xsd_path_canon(0, "@introduceDomain", false, out),
			 -EINVAL);
	ck_assert_int_eq(xsd_path_canon(0, "@introduceDomain", true, out), 0);
	ck_assert_int_eq(xsd_path_canon(0, "@releaseDomain", true, out), 0);
	/* as Xen: any '@' name may be watched (it just never fires) */
	ck_assert_int_eq(xsd_path_canon(0, "@bogus", true, out), 0);
	ck_assert_str_eq(out, "@bogus");
	ck_assert_int_eq(xsd_path_canon(0, "@bogus", false, out), -EINVAL);
}
END_TEST

START_TEST(path_parent_and_within)
{
	char out[XSD_PATH_BUF];

	ck_assert_int_eq(xsd_path_parent("/a/b", out), 0);
	ck_assert_str_eq(out, "/a");
	ck_assert_int_eq(xsd_path_parent("/a", out), 0);
	ck_assert_str_eq(out, "/");
	ck_assert_int_eq(xsd_path_parent("/", out), -EINVAL);
	ck_assert(xsd_path_is_within("/a/b", "/a"));
	ck_assert(xsd_path_is_within("/a", "/a"));
	ck_assert(!xsd_path_is_within("/ab", "/a"));
	ck_assert(xsd_path_is_within("/x", "/"));
}
END_TEST

START_TEST(node_roundtrip)
{
	struct xsd_perm p[2] = { { 5, XSD_PERM_NONE }, { 7, XSD_PERM_READ } };
	struct xsd_node n = { 0 }, m;
	uint8_t *buf;
	size_t len;

	ck_assert_int_eq(xsd_node_set_perms(&n, p, 2), 0);
	ck_assert_int_eq(xsd_node_set_data(&n, "v\0x", 3), 0);
	n.children = calloc(1, 1);
	ck_assert_int_eq(xsd_node_add_child(&n, "a"), 0);
	ck_assert_int_eq(xsd_node_add_child(&n, "bb"), 0);
	ck_assert_int_eq(xsd_node_add_child(&n, "a"), 0);
	n.gen = 42;
	ck_assert_int_eq(xsd_node_encode(&n, &buf, &len), 0);
	ck_assert_int_eq(xsd_node_decode(buf, len, &m), 0);
	ck_assert_uint_eq(m.gen, 42);
	ck_assert_uint_eq(m.nperms, 2);
	ck_assert_uint_eq(m.perms[1].domid, 7);
	ck_assert_uint_eq(m.datalen, 3);
	ck_assert_mem_eq(m.data, "v\0x", 3);
	ck_assert_uint_eq(m.childlen, 5);
	xsd_node_del_child(&m, "a");
	ck_assert_str_eq(m.children, "bb");
	ck_assert_int_eq(xsd_node_decode(buf, len - 1, &m), -EIO);
	free(buf);
	xsd_node_clear(&n);
	xsd_node_clear(&m);
}
END_TEST

START_TEST(perm_strings)
{
	struct xsd_perm p;
	char buf[16];

	ck_assert_int_eq(xsd_perm_parse("b12", &p), 0);
	ck_assert_uint_eq(p.domid, 12);
	ck_assert_uint_eq(p.mode, XSD_PERM_BOTH);
	xsd_perm_format(&p, buf, sizeof(buf));
	ck_assert_str_eq(buf, "b12");
	ck_assert_int_eq(xsd_perm_parse("x1", &p), -EINVAL);
	ck_assert_int_eq(xsd_perm_parse("r", &p), -EINVAL);
	ck_assert_int_eq(xsd_perm_parse("r1x", &p), -EINVAL);
	ck_assert_int_eq(xsd_perm_parse("r99999999", &p), -EINVAL);
}
END_TEST

START_TEST(strmap_ops)
{
	struct xsd_strmap *m = xsd_strmap_new();
	char key[16];
	void *v;
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		ck_assert_int_eq(xsd_strmap_put(m, key, (void *)(long)i, NULL,
						NULL), 0);
	}
	ck_assert_uint_eq(xsd_strmap_count(m), 1000);
	ck_assert(xsd_strmap_get(m, "k500", &v));
	ck_assert_int_eq((long)v, 500);
	ck_assert(xsd_strmap_del(m, "k500", NULL));
	ck_assert(!xsd_strmap_get(m, "k500", NULL));
	xsd_strmap_free(m, NULL);
}
END_TEST

START_TEST(log_stamp_readable)
{
	struct timespec ts = { 1796408701, 123456789 };
	char buf[40];

	ck_assert_str_eq(xs_log_stamp(buf, sizeof(buf), &ts), "2026-12-04 18:25:01.123");
	ck_assert_str_eq(xs_log_stamp(buf, 8, &ts), "?");
}
END_TEST

Suite *suite_basics(void)
{
	Suite *s = suite_create("basics");
	TCase *tc = tcase_create("basics");

	tcase_add_test(tc, path_absolute_kept);
	tcase_add_test(tc, log_stamp_readable);
	tcase_add_test(tc, path_relative_goes_home);
	tcase_add_test(tc, path_bad_rejected);
	tcase_add_test(tc, path_special_only_when_allowed);
	tcase_add_test(tc, path_parent_and_within);
	tcase_add_test(tc, node_roundtrip);
	tcase_add_test(tc, perm_strings);
	tcase_add_test(tc, strmap_ops);
	suite_add_tcase(s, tc);
	return s;
}
