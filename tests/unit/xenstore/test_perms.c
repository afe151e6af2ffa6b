/* Permissions: owner, per-domain entries, inheritance, privilege. */
#include <errno.h>
#include <string.h>

#include "harness.h"

/* dom0 makes /d owned by dom0 with "no access" for others. */
static struct tconn *setup_node(const char *perms)
{
	struct tconn *d0 = tc_new(0, true);

	ck_assert_int_eq(tc_write(d0, 0, "/d", "secret"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/d", perms), 0);
	return d0;
}

START_TEST(unprivileged_denied_by_default)
{
	struct tconn *u;

	setup_node("n0");
	u = tc_new(5, false);
	ck_assert_int_eq(tc_read(u, 0, "/d", NULL), -EACCES);
	ck_assert_int_eq(tc_write(u, 0, "/d", "x"), -EACCES);
	ck_assert_int_eq(tc_write(u, 0, "/d/child", "x"), -EACCES);
	ck_assert_int_eq(tc_rm(u, 0, "/d"), -EACCES);
}
END_TEST

START_TEST(read_entry_grants_read_only)
{
	struct tconn *u, *v;
	char buf[64];

	setup_node("n0 r5");
	u = tc_new(5, false);
	v = tc_new(6, false);
	ck_assert_int_eq(tc_read(u, 0, "/d", buf), 0);
	ck_assert_str_eq(buf, "secret");
	ck_assert_int_eq(tc_write(u, 0, "/d", "x"), -EACCES);
	ck_assert_int_eq(tc_read(v, 0, "/d", NULL), -EACCES);
}
END_TEST

START_TEST(default_entry_applies_to_others)
{
	struct tconn *u;

	setup_node("r0");
	u = tc_new(9, false);
	ck_assert_int_eq(tc_read(u, 0, "/d", NULL), 0);
	ck_assert_int_eq(tc_write(u, 0, "/d", "x"), -EACCES);
}
END_TEST

START_TEST(owner_has_full_access)
{
	struct tconn *u;
	char buf[64];

	setup_node("n5");
	u = tc_new(5, false);
	ck_assert_int_eq(tc_write(u, 0, "/d", "mine"), 0);
	ck_assert_int_eq(tc_read(u, 0, "/d", buf), 0);
	ck_assert_str_eq(buf, "mine");
	ck_assert_int_eq(tc_perms(u, "/d", buf), 0);
	ck_assert_str_eq(buf, "n5");
}
END_TEST

START_TEST(children_inherit_with_creator_as_owner)
{
	struct tconn *d0, *u;
	char buf[64];

	d0 = setup_node("n0 b5 r7");
	u = tc_new(5, false);
	ck_assert_int_eq(tc_write(u, 0, "/d/new/leaf", "v"), 0);
	ck_assert_int_eq(tc_perms(d0, "/d/new/leaf", buf), 0);
	ck_assert_str_eq(buf, "n5 b5 r7");
	ck_assert_int_eq(tc_write(d0, 0, "/d/by0", "v"), 0);
	ck_assert_int_eq(tc_perms(d0, "/d/by0", buf), 0);
	ck_assert_str_eq(buf, "n0 b5 r7");
}
END_TEST

START_TEST(set_perms_rules)
{
	struct tconn *u, *w;

	setup_node("n5 b6");
	u = tc_new(5, false);
	w = tc_new(6, false);
	/* 6 may write but is not the owner */
	ck_assert_int_eq(tc_setperms(w, 0, "/d", "n5 b6 r7"), -EPERM);
	/* the owner may change access but not give the node away */
	ck_assert_int_eq(tc_setperms(u, 0, "/d", "r5"), 0);
	ck_assert_int_eq(tc_setperms(u, 0, "/d", "n6"), -EPERM);
	ck_assert_int_eq(tc_setperms(u, 0, "/d", "q5"), -EINVAL);
	ck_assert_int_eq(tc_setperms(u, 0, "/nope", "n5"), -ENOENT);
}
END_TEST

START_TEST(privileged_requests_need_privilege)
{
	struct tconn *u = tc_new(5, false);

	ck_assert_int_eq(tc_simple(u, KEEL_XS_INTRODUCE, "6 100 4"), -EACCES);
	ck_assert_int_eq(tc_simple(u, KEEL_XS_RELEASE, "6"), -EACCES);
	ck_assert_int_eq(tc_simple(u, KEEL_XS_IS_DOMAIN_INTRODUCED, "6"),
			 -EACCES);
	ck_assert_int_eq(tc_simple(u, KEEL_XS_SET_TARGET, "6 7"), -EACCES);
	ck_assert_int_eq(tc_simple(u, KEEL_XS_RESUME, "6"), -EACCES);
	ck_assert_int_eq(tc_simple(u, KEEL_XS_RESTRICT, "6"), -EACCES);
}
END_TEST

START_TEST(restrict_drops_privilege)
{
	struct tconn *t;

	setup_node("n0");
	t = tc_new(0, true);
	ck_assert_int_eq(tc_simple(t, KEEL_XS_RESTRICT, "4"), 0);
	ck_assert_int_eq(tc_read(t, 0, "/d", NULL), -EACCES);
}
END_TEST

START_TEST(target_acts_for_its_domain)
{
	struct tconn *d0 = setup_node("n8"), *dm;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "8 1 1"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "9 2 2"), 0);
	dm = tc_new(9, false);
	ck_assert_int_eq(tc_read(dm, 0, "/d", NULL), -EACCES);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_SET_TARGET, "9 8"), 0);
	ck_assert_int_eq(tc_read(dm, 0, "/d", NULL), 0);
	ck_assert_int_eq(tc_write(dm, 0, "/d", "by target"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_SET_TARGET, "9 55"), -ENOENT);
}
END_TEST

START_TEST(domain_introduction_state)
{
	struct tconn *d0 = tc_new(0, true);
	struct trep r;

	ck_assert_int_eq(tc_req(d0, KEEL_XS_IS_DOMAIN_INTRODUCED, 0, "3", 2, &r),
			 0);
	ck_assert_str_eq(r.data, "F");
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "3 77 5"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "3 77 5"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "3 78 5"), -EEXIST);
	ck_assert_int_eq(tc_req(d0, KEEL_XS_IS_DOMAIN_INTRODUCED, 0, "3", 2, &r),
			 0);
	ck_assert_str_eq(r.data, "T");
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RESUME, "3"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "3"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "3"), -ENOENT);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RESUME, "3"), -ENOENT);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "x 1 1"), -EINVAL);
}
END_TEST

Suite *suite_perms(void)
{
	Suite *s = suite_create("perms");
	TCase *tc = tcase_create("perms");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, unprivileged_denied_by_default);
	tcase_add_test(tc, read_entry_grants_read_only);
	tcase_add_test(tc, default_entry_applies_to_others);
	tcase_add_test(tc, owner_has_full_access);
	tcase_add_test(tc, children_inherit_with_creator_as_owner);
	tcase_add_test(tc, set_perms_rules);
	tcase_add_test(tc, privileged_requests_need_privilege);
	tcase_add_test(tc, restrict_drops_privilege);
	tcase_add_test(tc, target_acts_for_its_domain);
	tcase_add_test(tc, domain_introduction_state);
	suite_add_tcase(s, tc);
	return s;
}
