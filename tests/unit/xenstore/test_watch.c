/* Watches: first event, subtree events, removal, relative paths, specials. */
#include <errno.h>
#include <string.h>

#include "harness.h"

START_TEST(fires_once_on_registration)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_watch(t, "/w", "tok"), 0);
	ck_assert_str_eq(tc_event(t), "/w tok");
	ck_assert_ptr_null(tc_event(t));
}
END_TEST

START_TEST(fires_for_changes_below)
{
	struct tconn *t = tc_new(0, true), *o = tc_new(0, true);

	ck_assert_int_eq(tc_watch(t, "/w", "tok"), 0);
	tc_event(t);
	ck_assert_int_eq(tc_write(o, 0, "/w/a/b", "1"), 0);
	ck_assert_str_eq(tc_event(t), "/w/a/b tok");
	ck_assert_int_eq(tc_write(o, 0, "/wx", "1"), 0);  /* a sibling */
	ck_assert_int_eq(tc_write(o, 0, "/", "1"), 0);    /* a parent  */
	ck_assert_ptr_null(tc_event(t));
	ck_assert_int_eq(tc_setperms(o, 0, "/w", "r0"), 0);
	ck_assert_str_eq(tc_event(t), "/w tok");
}
END_TEST

START_TEST(rm_fires_watches_below)
{
	struct tconn *t = tc_new(0, true), *o = tc_new(0, true);

	ck_assert_int_eq(tc_write(o, 0, "/r/a/b", "1"), 0);
	ck_assert_int_eq(tc_watch(t, "/r/a/b", "deep"), 0);
	tc_event(t);
	ck_assert_int_eq(tc_rm(o, 0, "/r"), 0);
	ck_assert_str_eq(tc_event(t), "/r/a/b deep");
}
END_TEST

START_TEST(relative_watch_reports_relative)
{
	struct tconn *d0 = tc_new(0, true), *u = tc_new(4, false);

	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/4"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/4", "n4"), 0);
	ck_assert_int_eq(tc_watch(u, "device", "t"), 0);
	ck_assert_str_eq(tc_event(u), "device t");
	ck_assert_int_eq(tc_write(d0, 0, "/local/domain/4/device/vif", "x"), 0);
	ck_assert_str_eq(tc_event(u), "device/vif t");
}
END_TEST

START_TEST(unwatch_and_errors)
{
	struct tconn *t = tc_new(0, true), *o = tc_new(0, true);

	ck_assert_int_eq(tc_watch(t, "/w", "a"), 0);
	ck_assert_int_eq(tc_watch(t, "/w", "a"), -EEXIST);
	ck_assert_int_eq(tc_watch(t, "/w", "b"), 0);
	ck_assert_int_eq(tc_unwatch(t, "/w", "a"), 0);
	ck_assert_int_eq(tc_unwatch(t, "/w", "a"), -ENOENT);
	ck_assert_int_eq(tc_watch(t, "bad//path", "a"), -EINVAL);
	while (tc_event(t))
		;
	ck_assert_int_eq(tc_write(o, 0, "/w", "1"), 0);
	ck_assert_str_eq(tc_event(t), "/w b");
	ck_assert_ptr_null(tc_event(t));
	ck_assert_int_eq(tc_simple(t, KEEL_XS_RESET_WATCHES, ""), 0);
	ck_assert_int_eq(tc_write(o, 0, "/w", "2"), 0);
	ck_assert_ptr_null(tc_event(t));
}
END_TEST

START_TEST(special_domain_watches)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_watch(t, "@introduceDomain", "i"), 0);
	ck_assert_int_eq(tc_watch(t, "@releaseDomain", "r"), 0);
	ck_assert_str_eq(tc_event(t), "@introduceDomain i");
	ck_assert_str_eq(tc_event(t), "@releaseDomain r");
	ck_assert_int_eq(tc_write(t, 0, "/x", "1"), 0);
	ck_assert_ptr_null(tc_event(t));
	ck_assert_int_eq(tc_simple(t, KEEL_XS_INTRODUCE, "5 10 3"), 0);
	ck_assert_str_eq(tc_event(t), "@introduceDomain i");
	ck_assert_int_eq(tc_simple(t, KEEL_XS_RELEASE, "5"), 0);
	ck_assert_str_eq(tc_event(t), "@releaseDomain r");
	ck_assert_ptr_null(tc_event(t));
}
END_TEST

/* Xen accepts a watch on any '@' name; it fires once on registration
 * and never for node changes or the domain specials. */
START_TEST(any_at_name_may_be_watched)
{
	struct tconn *t = tc_new(0, true), *g = tc_new(7, false);

	ck_assert_int_eq(tc_watch(t, "@myEvent", "m"), 0);
	ck_assert_str_eq(tc_event(t), "@myEvent m");
	ck_assert_int_eq(tc_watch(g, "@other", "o"), 0);
	ck_assert_str_eq(tc_event(g), "@other o");
	ck_assert_int_eq(tc_write(t, 0, "/x", "1"), 0);
	ck_assert_int_eq(tc_simple(t, KEEL_XS_INTRODUCE, "5 10 3"), 0);
	ck_assert_ptr_null(tc_event(t));
	ck_assert_int_eq(tc_unwatch(t, "@myEvent", "m"), 0);
}
END_TEST

START_TEST(no_event_for_unreadable_node)
{
	struct tconn *d0 = tc_new(0, true), *u = tc_new(5, false);

	ck_assert_int_eq(tc_watch(u, "/s", "t"), 0);
	tc_event(u);
	ck_assert_int_eq(tc_write(d0, 0, "/s", "hidden"), 0);
	ck_assert_ptr_null(tc_event(u));
	ck_assert_int_eq(tc_setperms(d0, 0, "/s", "r0"), 0);
	ck_assert_str_eq(tc_event(u), "/s t");
}
END_TEST

START_TEST(transaction_events_on_commit_only)
{
	struct tconn *t = tc_new(0, true), *o = tc_new(0, true);
	uint32_t tx;

	ck_assert_int_eq(tc_watch(t, "/tw", "t"), 0);
	tc_event(t);
	ck_assert_int_eq(tc_txstart(o, &tx), 0);
	ck_assert_int_eq(tc_write(o, tx, "/tw/a", "1"), 0);
	ck_assert_ptr_null(tc_event(t));
	ck_assert_int_eq(tc_txend(o, tx, true), 0);
	ck_assert_str_eq(tc_event(t), "/tw/a t");
	ck_assert_int_eq(tc_txstart(o, &tx), 0);
	ck_assert_int_eq(tc_write(o, tx, "/tw/b", "1"), 0);
	ck_assert_int_eq(tc_txend(o, tx, false), 0);
	ck_assert_ptr_null(tc_event(t));
}
END_TEST

Suite *suite_watch(void)
{
	Suite *s = suite_create("watch");
	TCase *tc = tcase_create("watch");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, fires_once_on_registration);
	tcase_add_test(tc, fires_for_changes_below);
	tcase_add_test(tc, rm_fires_watches_below);
	tcase_add_test(tc, relative_watch_reports_relative);
	tcase_add_test(tc, unwatch_and_errors);
	tcase_add_test(tc, special_domain_watches);
	tcase_add_test(tc, any_at_name_may_be_watched);
	tcase_add_test(tc, no_event_for_unreadable_node);
	tcase_add_test(tc, transaction_events_on_commit_only);
	suite_add_tcase(s, tc);
	return s;
}
