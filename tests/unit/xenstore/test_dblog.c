/* The log back end: commits survive an abandoned (killed) handle, a torn
 * tail is ignored, compaction keeps everything and drops old logs, a
 * cancelled batch leaves no record, sync() is accepted. */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "db.h"
#include "store.h"

#define LOG_KEY_TEST 8192   /* db_log.c's LOG_KEY_MAX */

static char dir[64], path[96];

static void dl_setup(void)
{
	strcpy(dir, "/tmp/xs-dblog-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tdb", dir);
}

static void dl_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
}

static void put(struct xsd_db *db, const char *k, const char *v)
{
	ck_assert_int_eq(db->ops->begin(db), 0);
	ck_assert_int_eq(db->ops->store(db, k, (const uint8_t *)v, strlen(v)),
			 0);
	ck_assert_int_eq(db->ops->commit(db), 0);
}

static void expect(struct xsd_db *db, const char *k, const char *v)
{
	uint8_t *got;
	size_t len;

	if (!v) {
		ck_assert_int_eq(db->ops->fetch(db, k, &got, &len), -ENOENT);
		return;
	}
	ck_assert_int_eq(db->ops->fetch(db, k, &got, &len), 0);
	ck_assert_uint_eq(len, strlen(v));
	ck_assert_mem_eq(got, v, len);
	free(got);
}

static size_t count_logs(void)
{
	char pat[128];
	glob_t g;
	size_t n;

	snprintf(pat, sizeof(pat), "%s.log.*", path);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	n = g.gl_pathc;
	globfree(&g);
	return n;
}

/* A handle that is never closed stands for a daemon killed with -9: the
 * next open must see every commit that returned.  _i: 0 the mapped log,
 * 1 the pwrite() one. */
START_TEST(commits_survive_an_abandoned_handle)
{
	unsigned flags = _i ? XSD_DB_NOMAP : 0;
	struct xsd_db *a, *b;

	ck_assert_int_eq(xsd_db_open_log(path, flags, 0, NULL, &a), 0);
	put(a, "/x", "1");
	put(a, "/y", "2");
	ck_assert_int_eq(a->ops->begin(a), 0);
	ck_assert_int_eq(a->ops->remove(a, "/x"), 0);
	ck_assert_int_eq(a->ops->store(a, "/z", (const uint8_t *)"3", 1), 0);
	ck_assert_int_eq(a->ops->commit(a), 0);
	ck_assert_int_eq(a->ops->begin(a), 0);
	ck_assert_int_eq(a->ops->store(a, "/never", (const uint8_t *)"4", 1),
			 0);
	a->ops->cancel(a);
	/* no close(a) */
	ck_assert_int_eq(xsd_db_open_log(path, flags, 0, NULL, &b), 0);
	expect(b, "/x", NULL);
	expect(b, "/y", "2");
	expect(b, "/z", "3");
	expect(b, "/never", NULL);
	b->ops->close(b);
}
END_TEST

/* Keys as long as restore.c's watch keys (a 4096-byte request and a
 * prefix) come back; longer ones are refused when stored. */
START_TEST(long_keys_replayed_or_refused)
{
	static char key[LOG_KEY_TEST + 2];
	struct xsd_db *a, *b;

	memset(key, 'k', sizeof(key) - 1);
	key[0] = '#';
	key[4200] = '\0';
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &a), 0);
	put(a, key, "long");
	key[4200] = 'k';
	ck_assert_int_eq(a->ops->begin(a), 0);
	ck_assert_int_eq(a->ops->store(a, key, (const uint8_t *)"x", 1), -E2BIG);
	a->ops->cancel(a);
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &b), 0);
	key[4200] = '\0';
	expect(b, key, "long");
	b->ops->close(b);
}
END_TEST

START_TEST(torn_tail_is_ignored)
{
	struct xsd_db *a, *b;
	char name[128];
	int fd;

	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &a), 0);
	put(a, "/kept", "yes");
	a->ops->close(a);
	/* a batch cut short by a kill: a header announcing more than is
	 * there */
	snprintf(name, sizeof(name), "%s.log.1", path);
	fd = open(name, O_WRONLY | O_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "XSLG\x40\0\0\0\0\0\0\0abc", 15), 15);
	close(fd);
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &b), 0);
	expect(b, "/kept", "yes");
	put(b, "/after", "1");     /* goes to a new log, not behind the tear */
	b->ops->close(b);
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &b), 0);
	expect(b, "/kept", "yes");
	expect(b, "/after", "1");
	b->ops->close(b);
}
END_TEST

START_TEST(compaction_keeps_everything)
{
	struct xsd_db *a, *b;
	char k[32], v[32];
	int i, tries;

	/* compact after every ~1 KiB of log */
	ck_assert_int_eq(xsd_db_open_log(path, XSD_DB_SYNC, 1024, NULL, &a),
			 0);
	for (i = 0; i < 400; i++) {
		snprintf(k, sizeof(k), "/k%d", i % 50);
		snprintf(v, sizeof(v), "v%d", i);
		put(a, k, v);
		ck_assert_int_eq(a->ops->sync(a), 0);
	}
	/* let the last compaction finish, then collect it (next begin) */
	for (tries = 0; tries < 200 && count_logs() > 2; tries++) {
		usleep(10000);
		put(a, "/tick", "x");
	}
	ck_assert_int_eq(access(path, F_OK), 0);   /* the TDB image */
	ck_assert_uint_le(count_logs(), 2);        /* old logs dropped */
	/* abandoned handle again: image + remaining logs */
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &b), 0);
	for (i = 350; i < 400; i++) {
		snprintf(k, sizeof(k), "/k%d", i % 50);
		snprintf(v, sizeof(v), "v%d", i);
		expect(b, k, v);
	}
	b->ops->close(b);
	a->ops->close(a);
}
END_TEST

/* The whole daemon on the log: a store transaction is all or nothing
 * after the reopen. */
START_TEST(store_on_log_reopens)
{
	struct xsd_store *st;
	struct xsd_db *db;
	struct xsd_node n;

	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &db), 0);
	ck_assert_int_eq(xsd_store_open(db, NULL, &st), 0);
	/* abandoned: reopen */
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &db), 0);
	ck_assert_int_eq(xsd_store_open(db, NULL, &st), 0);
	ck_assert_int_eq(xsd_store_get(st, NULL, "/tool/xenstored", &n), 0);
	xsd_node_clear(&n);
	xsd_store_close(st);
}
END_TEST

Suite *suite_dblog(void)
{
	Suite *s = suite_create("dblog");
	TCase *tc = tcase_create("dblog");

	tcase_add_checked_fixture(tc, dl_setup, dl_teardown);
	tcase_add_loop_test(tc, commits_survive_an_abandoned_handle, 0, 2);
	tcase_add_test(tc, torn_tail_is_ignored);
	tcase_add_test(tc, long_keys_replayed_or_refused);
	tcase_add_test(tc, compaction_keeps_everything);
	tcase_add_test(tc, store_on_log_reopens);
	suite_add_tcase(s, tc);
	return s;
}
