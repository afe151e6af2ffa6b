/*
 * The node store: nodes kept in a database, with a generation number per
 * node, per-owner node counts (for quotas), and transactions with
 * optimistic concurrency.
 *
 * A transaction keeps what it read (path -> generation, 0 for "absent")
 * and what it wrote (an overlay).  Its commit re-checks every generation it
 * saw; if any changed it fails with -EAGAIN and nothing is written.
 *
 * Outside a transaction every modifying request runs between
 * xsd_store_begin() and xsd_store_finish(), i.e. in one database batch.
 */
#ifndef KEEL_XSD_STORE_H
#define KEEL_XSD_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "event.h"
#include "node.h"
#include "xs_log.h"

struct xsd_store;
struct xsd_txn;

/*
 * Opens the store on @db (taking ownership of it): counts nodes per owner,
 * finds the highest generation, and creates "/" if the database is empty.
 * 0 or a negative errno (then @db has been closed).
 */
int xsd_store_open(struct xsd_db *db, const struct xs_logger *log,
		   struct xsd_store **out);
void xsd_store_close(struct xsd_store *st);

/* Reads @path (through @t's overlay if @t).  0, -ENOENT, -EIO, -ENOMEM. */
int xsd_store_get(struct xsd_store *st, struct xsd_txn *t, const char *path,
		  struct xsd_node *n);

/* Writes @path; stamps a new generation into @n.  0 or a negative errno. */
int xsd_store_put(struct xsd_store *st, struct xsd_txn *t, const char *path,
		  struct xsd_node *n);

/* Deletes the record of @path (not its children).  0 or negative errno. */
int xsd_store_del(struct xsd_store *st, struct xsd_txn *t, const char *path);

/* Opens a database batch unless @t (transactions batch at commit). */
int xsd_store_begin(struct xsd_store *st, struct xsd_txn *t);

/*
 * Closes the batch opened by xsd_store_begin(): commits it if @rc == 0,
 * cancels it otherwise.  Returns @rc, or the commit error.
 */
int xsd_store_finish(struct xsd_store *st, struct xsd_txn *t, int rc);

/* Nodes owned by @domid, counting @t's uncommitted changes. */
long xsd_store_owned(const struct xsd_store *st, const struct xsd_txn *t,
		     uint32_t domid);

/* Makes every committed change power-loss durable where the database
 * can (its sync(), one fsync for all pending commits).  0 or -errno. */
int xsd_store_sync(struct xsd_store *st);

/*
 * Daemon metadata kept with the tree (keys that are not node paths, e.g.
 * the introduced domains and their watches, so a restarted daemon finds
 * them).  put/del join the open batch, or make their own.  each() calls
 * @fn for every key starting with @prefix (@fn may not change the store);
 * a non-zero return stops it and is returned.  0 or a negative errno.
 */
int xsd_store_meta_put(struct xsd_store *st, const char *key,
		       const char *val);
int xsd_store_meta_del(struct xsd_store *st, const char *key);
int xsd_store_meta_each(struct xsd_store *st, const char *prefix,
			int (*fn)(const char *key, const char *val, void *ctx),
			void *ctx);

/* Counts the node records and their bytes (for CONTROL).  0 or -errno. */
int xsd_store_stats(struct xsd_store *st, unsigned long *records,
		    unsigned long *bytes);

/* A new transaction, or NULL when out of memory. */
struct xsd_txn *xsd_txn_new(void);

/* Drops a transaction without committing. */
void xsd_txn_free(struct xsd_txn *t);

/* Events recorded by the transaction's requests, fired on commit. */
struct xsd_event_list *xsd_txn_events(struct xsd_txn *t);

/*
 * Commits @t: 0, -EAGAIN if another change got in first (nothing written),
 * or a database error.  @t stays allocated: free it afterwards.
 */
int xsd_txn_commit(struct xsd_store *st, struct xsd_txn *t);

#endif
