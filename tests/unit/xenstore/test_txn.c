/* Transactions: isolation, commit, abort, conflicts, ids. */
#include <errno.h>
#include <string.h>

#include "harness.h"

START_TEST(writes_hidden_until_commit)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	char v[64];
	uint32_t tx;

	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_uint_ne(tx, 0);
	ck_assert_int_eq(tc_write(a, tx, "/t/x", "1"), 0);
	ck_assert_int_eq(tc_read(a, tx, "/t/x", v), 0);
	ck_assert_str_eq(v, "1");
	ck_assert_int_eq(tc_read(b, 0, "/t/x", NULL), -ENOENT);
	ck_assert_int_eq(tc_txend(a, tx, true), 0);
	ck_assert_int_eq(tc_read(b, 0, "/t/x", v), 0);
	ck_assert_str_eq(v, "1");
}
END_TEST

START_TEST(abort_discards)
{
	struct tconn *a = tc_new(0, true);
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/keep", "1"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_write(a, tx, "/t/x", "1"), 0);
	ck_assert_int_eq(tc_rm(a, tx, "/keep"), 0);
	ck_assert_int_eq(tc_read(a, tx, "/keep", NULL), -ENOENT);
	ck_assert_int_eq(tc_txend(a, tx, false), 0);
	ck_assert_int_eq(tc_read(a, 0, "/t/x", NULL), -ENOENT);
	ck_assert_int_eq(tc_read(a, 0, "/keep", NULL), 0);
}
END_TEST

START_TEST(conflict_is_eagain_and_changes_nothing)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	char v[64];
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/c", "0"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_read(a, tx, "/c", v), 0);
	ck_assert_int_eq(tc_write(a, tx, "/c", "from-a"), 0);
	ck_assert_int_eq(tc_write(a, tx, "/other", "from-a"), 0);
	ck_assert_int_eq(tc_write(b, 0, "/c", "from-b"), 0);
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
	ck_assert_int_eq(tc_read(a, 0, "/c", v), 0);
	ck_assert_str_eq(v, "from-b");
	ck_assert_int_eq(tc_read(a, 0, "/other", NULL), -ENOENT);
	/* the transaction is gone after a failed commit */
	ck_assert_int_eq(tc_txend(a, tx, true), -ENOENT);
}
END_TEST

/* Reads inside a transaction answer from what it first saw (Xen's
 * snapshot), whatever others changed since; the commit still fails. */
START_TEST(snapshot_read_value)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	char v[64];
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/s", "old"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_read(a, tx, "/s", v), 0);
	ck_assert_str_eq(v, "old");
	ck_assert_int_eq(tc_write(b, 0, "/s", "new"), 0);
	ck_assert_int_eq(tc_read(a, tx, "/s", v), 0);
	ck_assert_str_eq(v, "old");
	ck_assert_int_eq(tc_read(a, 0, "/s", v), 0);
	ck_assert_str_eq(v, "new");
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
}
END_TEST

START_TEST(snapshot_directory_and_perms)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	char v[256];
	struct trep r;
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/d/x", "1"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_dir(a, tx, "/d", v), 0);
	ck_assert_str_eq(v, "x");
	ck_assert_int_eq(tc_req(a, KEEL_XS_GET_PERMS, tx, "/d/x", 5, &r), 0);
	ck_assert_str_eq(r.data, "n0");
	ck_assert_int_eq(tc_write(b, 0, "/d/y", "1"), 0);
	ck_assert_int_eq(tc_rm(b, 0, "/d/x"), 0);
	ck_assert_int_eq(tc_dir(a, tx, "/d", v), 0);
	ck_assert_str_eq(v, "x");
	ck_assert_int_eq(tc_req(a, KEEL_XS_DIRECTORY_PART, tx, "/d\0" "0", 5,
			        &r), 0);
	ck_assert_str_eq(r.data + strlen(r.data) + 1, "x");
	ck_assert_int_eq(tc_req(a, KEEL_XS_GET_PERMS, tx, "/d/x", 5, &r), 0);
	ck_assert_str_eq(r.data, "n0");
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
}
END_TEST

START_TEST(snapshot_existence)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	char v[64];
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/gone", "here"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_read(a, tx, "/gone", v), 0);
	ck_assert_int_eq(tc_read(a, tx, "/born", NULL), -ENOENT);
	ck_assert_int_eq(tc_rm(b, 0, "/gone"), 0);
	ck_assert_int_eq(tc_write(b, 0, "/born", "x"), 0);
	ck_assert_int_eq(tc_read(a, tx, "/gone", v), 0);
	ck_assert_str_eq(v, "here");
	ck_assert_int_eq(tc_read(a, tx, "/born", NULL), -ENOENT);
	/* its own writes still show */
	ck_assert_int_eq(tc_write(a, tx, "/gone", "mine"), 0);
	ck_assert_int_eq(tc_read(a, tx, "/gone", v), 0);
	ck_assert_str_eq(v, "mine");
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
	ck_assert_int_eq(tc_read(a, 0, "/gone", NULL), -ENOENT);
}
END_TEST

START_TEST(concurrent_creation_conflicts)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	uint32_t ta, tb;

	ck_assert_int_eq(tc_txstart(a, &ta), 0);
	ck_assert_int_eq(tc_txstart(b, &tb), 0);
	ck_assert_int_eq(tc_read(a, ta, "/n", NULL), -ENOENT);
	ck_assert_int_eq(tc_write(a, ta, "/n", "a"), 0);
	ck_assert_int_eq(tc_read(b, tb, "/n", NULL), -ENOENT);
	ck_assert_int_eq(tc_write(b, tb, "/n", "b"), 0);
	ck_assert_int_eq(tc_txend(a, ta, true), 0);
	ck_assert_int_eq(tc_txend(b, tb, true), -EAGAIN);
}
END_TEST

START_TEST(directory_listing_conflicts)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	uint32_t tx;

	ck_assert_int_eq(tc_mkdir(a, 0, "/dir"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_dir(a, tx, "/dir", NULL), 0);
	ck_assert_int_eq(tc_write(a, tx, "/count", "0"), 0);
	ck_assert_int_eq(tc_mkdir(b, 0, "/dir/new"), 0);
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
}
END_TEST

START_TEST(unrelated_changes_do_not_conflict)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	uint32_t tx;

	ck_assert_int_eq(tc_write(a, 0, "/u/x", "0"), 0);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_read(a, tx, "/u/x", NULL), 0);
	ck_assert_int_eq(tc_write(a, tx, "/u/x", "1"), 0);
	ck_assert_int_eq(tc_write(b, 0, "/elsewhere", "1"), 0);
	ck_assert_int_eq(tc_txend(a, tx, true), 0);
}
END_TEST

START_TEST(transaction_id_rules)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	struct trep r;
	uint32_t tx, tx2;

	ck_assert_int_eq(tc_read(a, 999, "/", NULL), -ENOENT);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_txstart(a, &tx2), 0);
	ck_assert_uint_ne(tx, tx2);
	/* ids belong to their connection */
	ck_assert_int_eq(tc_read(b, tx, "/", NULL), -ENOENT);
	ck_assert_int_eq(tc_req(a, KEEL_XS_TRANSACTION_START, tx, "", 1, &r),
			 -EBUSY);
	ck_assert_int_eq(tc_req(a, KEEL_XS_TRANSACTION_END, tx, "X", 2, &r),
			 -EINVAL);
	ck_assert_int_eq(tc_txend(a, tx, true), 0);
	ck_assert_int_eq(tc_txend(a, tx2, false), 0);
}
END_TEST

START_TEST(disconnect_drops_open_transactions)
{
	struct tconn *a = tc_new(0, true), *b = tc_new(0, true);
	uint32_t tx;

	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_write(a, tx, "/gone", "1"), 0);
	a->gone = true;
	tc_push(a, "", 0);
	ck_assert(a->closed);
	ck_assert_int_eq(tc_read(b, 0, "/gone", NULL), -ENOENT);
}
END_TEST

Suite *suite_txn(void)
{
	Suite *s = suite_create("transactions");
	TCase *tc = tcase_create("transactions");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, writes_hidden_until_commit);
	tcase_add_test(tc, abort_discards);
	tcase_add_test(tc, conflict_is_eagain_and_changes_nothing);
	tcase_add_test(tc, concurrent_creation_conflicts);
	tcase_add_test(tc, snapshot_read_value);
	tcase_add_test(tc, snapshot_directory_and_perms);
	tcase_add_test(tc, snapshot_existence);
	tcase_add_test(tc, directory_listing_conflicts);
	tcase_add_test(tc, unrelated_changes_do_not_conflict);
	tcase_add_test(tc, transaction_id_rules);
	tcase_add_test(tc, disconnect_drops_open_transactions);
	suite_add_tcase(s, tc);
	return s;
}
