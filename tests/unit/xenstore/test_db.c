/* Database back ends: batches, TDB durability across a reopen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "store.h"

START_TEST(mem_cancel_restores)
{
	struct xsd_db *db;
	uint8_t *v;
	size_t len;

	ck_assert_int_eq(xsd_db_open_mem(&db), 0);
	ck_assert_int_eq(db->ops->begin(db), 0);
	ck_assert_int_eq(db->ops->store(db, "a", (const uint8_t *)"1", 1), 0);
	ck_assert_int_eq(db->ops->commit(db), 0);
	ck_assert_int_eq(db->ops->begin(db), 0);
	ck_assert_int_eq(db->ops->store(db, "a", (const uint8_t *)"2", 1), 0);
	ck_assert_int_eq(db->ops->store(db, "b", (const uint8_t *)"3", 1), 0);
	ck_assert_int_eq(db->ops->remove(db, "a"), 0);
	db->ops->cancel(db);
	ck_assert_int_eq(db->ops->fetch(db, "a", &v, &len), 0);
	ck_assert_mem_eq(v, "1", 1);
	free(v);
	ck_assert_int_eq(db->ops->fetch(db, "b", &v, &len), -ENOENT);
	db->ops->close(db);
}
END_TEST

static char tdb_path[64];

static void tdb_setup(void)
{
	int fd;

	strcpy(tdb_path, "/tmp/xs-unit-XXXXXX");
	fd = mkstemp(tdb_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unlink(tdb_path);
}

static void tdb_teardown(void)
{
	unlink(tdb_path);
}

static void open_tdb_daemon(void)
{
	struct xsd_db *db;

	ck_assert_int_eq(xsd_db_open_tdb(tdb_path, 0, NULL, &db), 0);
	ck_assert_int_eq(xsd_open(db, NULL, NULL, &tx_x), 0);
}

START_TEST(tdb_keeps_committed_state)
{
	struct tconn *t;
	char v[64];
	uint32_t tx;

	open_tdb_daemon();
	t = tc_new(0, true);
	ck_assert_int_eq(tc_write(t, 0, "/d/x", "1"), 0);
	ck_assert_int_eq(tc_setperms(t, 0, "/d/x", "r3 b4"), 0);
	ck_assert_int_eq(tc_txstart(t, &tx), 0);
	ck_assert_int_eq(tc_write(t, tx, "/d/y", "committed"), 0);
	ck_assert_int_eq(tc_txend(t, tx, true), 0);
	ck_assert_int_eq(tc_txstart(t, &tx), 0);
	ck_assert_int_eq(tc_write(t, tx, "/d/z", "open"), 0);
	xs_teardown();  /* the open transaction dies with the daemon */

	open_tdb_daemon();
	t = tc_new(0, true);
	ck_assert_int_eq(tc_read(t, 0, "/d/x", v), 0);
	ck_assert_str_eq(v, "1");
	ck_assert_int_eq(tc_perms(t, "/d/x", v), 0);
	ck_assert_str_eq(v, "r3 b4");
	ck_assert_int_eq(tc_read(t, 0, "/d/y", v), 0);
	ck_assert_str_eq(v, "committed");
	ck_assert_int_eq(tc_read(t, 0, "/d/z", NULL), -ENOENT);
	xs_teardown();
}
END_TEST

START_TEST(tdb_generations_continue_after_reopen)
{
	struct tconn *a, *b;
	uint32_t tx;

	open_tdb_daemon();
	a = tc_new(0, true);
	ck_assert_int_eq(tc_write(a, 0, "/g", "1"), 0);
	ck_assert_int_eq(tc_write(a, 0, "/g", "2"), 0);
	xs_teardown();
	open_tdb_daemon();
	a = tc_new(0, true);
	b = tc_new(0, true);
	ck_assert_int_eq(tc_txstart(a, &tx), 0);
	ck_assert_int_eq(tc_read(a, tx, "/g", NULL), 0);
	ck_assert_int_eq(tc_write(a, tx, "/g", "a"), 0);
	ck_assert_int_eq(tc_write(b, 0, "/g", "b"), 0);
	ck_assert_int_eq(tc_txend(a, tx, true), -EAGAIN);
	xs_teardown();
}
END_TEST

START_TEST(tdb_open_failure_reported)
{
	struct xsd_db *db;

	ck_assert_int_lt(xsd_db_open_tdb("/nonexistent-dir/x.tdb", 0, NULL,
					 &db), 0);
}
END_TEST

/* A database that fails commits on request, around the memory back end. */
struct faulty_db {
	struct xsd_db base;
	struct xsd_db *inner;
	bool fail_commit;
};

static struct faulty_db *faulty;

static int f_fetch(struct xsd_db *db, const char *k, uint8_t **v, size_t *l)
{ return faulty->inner->ops->fetch(faulty->inner, k, v, l); }
static int f_store(struct xsd_db *db, const char *k, const uint8_t *v,
		   size_t l)
{ return faulty->inner->ops->store(faulty->inner, k, v, l); }
static int f_remove(struct xsd_db *db, const char *k)
{ return faulty->inner->ops->remove(faulty->inner, k); }
static int f_traverse(struct xsd_db *db,
		      int (*fn)(const char *, const uint8_t *, size_t, void *),
		      void *ctx)
{ return faulty->inner->ops->traverse(faulty->inner, fn, ctx); }
static int f_begin(struct xsd_db *db)
{ return faulty->inner->ops->begin(faulty->inner); }
static void f_cancel(struct xsd_db *db)
{ faulty->inner->ops->cancel(faulty->inner); }
static int f_commit(struct xsd_db *db)
{
	if (faulty->fail_commit) {
		faulty->inner->ops->cancel(faulty->inner);
		return -EIO;
	}
	return faulty->inner->ops->commit(faulty->inner);
}
static void f_close(struct xsd_db *db)
{
	faulty->inner->ops->close(faulty->inner);
	free(faulty);
}

static const struct xsd_db_ops faulty_ops = {
	f_fetch, f_store, f_remove, f_traverse, f_begin, f_commit, f_cancel,
	f_close, NULL,
};

START_TEST(failed_commit_sends_only_the_error)
{
	struct tconn *t;
	struct trep r;

	faulty = calloc(1, sizeof(*faulty));
	faulty->base.ops = &faulty_ops;
	ck_assert_int_eq(xsd_db_open_mem(&faulty->inner), 0);
	ck_assert_int_eq(xsd_open(&faulty->base, NULL, NULL, &tx_x), 0);
	t = tc_new(0, true);
	ck_assert_int_eq(tc_watch(t, "/f", "w"), 0);
	tc_event(t);
	faulty->fail_commit = true;
	ck_assert_int_eq(tc_req(t, KEEL_XS_WRITE, 0, "/f\0v", 4, &r), -EIO);
	ck_assert_uint_eq(t->out_off, t->out_len);  /* no stray OK */
	ck_assert_ptr_null(tc_event(t));            /* no event */
	faulty->fail_commit = false;
	ck_assert_int_eq(tc_read(t, 0, "/f", NULL), -ENOENT);
	xs_teardown();
}
END_TEST

Suite *suite_db(void)
{
	Suite *s = suite_create("db");
	TCase *mem = tcase_create("mem");
	TCase *tdb = tcase_create("tdb");

	tcase_add_test(mem, mem_cancel_restores);
	tcase_add_test(mem, failed_commit_sends_only_the_error);
	tcase_add_checked_fixture(tdb, tdb_setup, tdb_teardown);
	tcase_add_test(tdb, tdb_keeps_committed_state);
	tcase_add_test(tdb, tdb_generations_continue_after_reopen);
	tcase_add_test(tdb, tdb_open_failure_reported);
	suite_add_tcase(s, mem);
	suite_add_tcase(s, tdb);
	return s;
}
