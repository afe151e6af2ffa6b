/*
 * TDB database back end.  Each store batch is one TDB transaction, so a
 * request's changes reach the file all together or not at all; TDB replays
 * or discards an interrupted commit when the file is next opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <tdb.h>

#include "db.h"

struct tdb_db {
	struct xsd_db base;
	struct tdb_context *tdb;
	const struct xs_logger *log;
};

static struct tdb_db *to_tdb(struct xsd_db *db)
{
	return (struct tdb_db *)db;
}

static TDB_DATA key_of(const char *key)
{
	TDB_DATA k = { (unsigned char *)key, strlen(key) };

	return k;
}

/* A negative errno for the TDB handle's last error. */
static int tdb_err(struct tdb_db *t, const char *what)
{
	enum TDB_ERROR e = tdb_error(t->tdb);

	xs_log(t->log, XS_LOG_ERR, "tdb %s: %s", what, tdb_errorstr(t->tdb));
	switch (e) {
	case TDB_ERR_OOM:
		return -ENOMEM;
	case TDB_ERR_NOEXIST:
		return -ENOENT;
	case TDB_ERR_EINVAL:
		return -EINVAL;
	case TDB_ERR_RDONLY:
		return -EROFS;
	default:
		return -EIO;
	}
}

static int t_fetch(struct xsd_db *db, const char *key, uint8_t **val,
		   size_t *len)
{
	struct tdb_db *t = to_tdb(db);
	TDB_DATA d = tdb_fetch(t->tdb, key_of(key));

	if (!d.dptr) {
		if (tdb_error(t->tdb) == TDB_ERR_NOEXIST)
			return -ENOENT;
		return tdb_err(t, "fetch");
	}
	*val = d.dptr;
	*len = d.dsize;
	return 0;
}

static int t_store(struct xsd_db *db, const char *key, const uint8_t *val,
		   size_t len)
{
	struct tdb_db *t = to_tdb(db);
	TDB_DATA d = { (unsigned char *)val, len };

	if (tdb_store(t->tdb, key_of(key), d, TDB_REPLACE) != 0)
		return tdb_err(t, "store");
	return 0;
}

static int t_remove(struct xsd_db *db, const char *key)
{
	struct tdb_db *t = to_tdb(db);

	if (tdb_delete(t->tdb, key_of(key)) != 0 &&
	    tdb_error(t->tdb) != TDB_ERR_NOEXIST)
		return tdb_err(t, "delete");
	return 0;
}

struct trav_ctx {
	int (*fn)(const char *key, const uint8_t *val, size_t len, void *ctx);
	void *ctx;
	int rc;
};

static int trav_one(struct tdb_context *tdb, TDB_DATA k, TDB_DATA v,
		    void *ctx)
{
	struct trav_ctx *tc = ctx;
	char *key = malloc(k.dsize + 1);

	(void)tdb;
	if (!key) {
		tc->rc = -ENOMEM;
		return 1;
	}
	memcpy(key, k.dptr, k.dsize);
	key[k.dsize] = '\0';
	tc->rc = tc->fn(key, v.dptr, v.dsize, tc->ctx);
	free(key);
	return tc->rc != 0;
}

static int t_traverse(struct xsd_db *db,
		      int (*fn)(const char *key, const uint8_t *val,
				size_t len, void *ctx),
		      void *ctx)
{
	struct tdb_db *t = to_tdb(db);
	struct trav_ctx tc = { fn, ctx, 0 };

	if (tdb_traverse_read(t->tdb, trav_one, &tc) < 0 && tc.rc == 0)
		return tdb_err(t, "traverse");
	return tc.rc;
}

static int t_begin(struct xsd_db *db)
{
	struct tdb_db *t = to_tdb(db);

	if (tdb_transaction_start(t->tdb) != 0)
		return tdb_err(t, "transaction start");
	return 0;
}

static int t_commit(struct xsd_db *db)
{
	struct tdb_db *t = to_tdb(db);

	if (tdb_transaction_commit(t->tdb) != 0)
		return tdb_err(t, "transaction commit");
	return 0;
}

static void t_cancel(struct xsd_db *db)
{
	struct tdb_db *t = to_tdb(db);

	if (tdb_transaction_cancel(t->tdb) != 0)
		tdb_err(t, "transaction cancel");
}

static void t_close(struct xsd_db *db)
{
	struct tdb_db *t = to_tdb(db);

	tdb_close(t->tdb);
	free(t);
}

static const struct xsd_db_ops tdb_ops = {
	.fetch = t_fetch,
	.store = t_store,
	.remove = t_remove,
	.traverse = t_traverse,
	.begin = t_begin,
	.commit = t_commit,
	.cancel = t_cancel,
	.close = t_close,
};

int xsd_db_open_tdb(const char *path, unsigned flags,
		    const struct xs_logger *log, struct xsd_db **out)
{
	struct tdb_db *t = calloc(1, sizeof(*t));
	int tflags = TDB_DEFAULT;
	int err;

	if (!t)
		return -ENOMEM;
	if (flags & XSD_DB_NOSYNC)
		tflags |= TDB_NOSYNC;
	t->tdb = tdb_open(path, 0, tflags, O_RDWR | O_CREAT, 0600);
	if (!t->tdb) {
		err = errno ? -errno : -EIO;
		xs_log(log, XS_LOG_ERR, "cannot open database %s: %s", path,
		       strerror(-err));
		free(t);
		return err;
	}
	t->log = log;
	t->base.ops = &tdb_ops;
	*out = &t->base;
	return 0;
}
