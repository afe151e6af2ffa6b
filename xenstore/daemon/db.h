/*
 * The narrow database interface under the store: a flat key -> bytes map
 * with all-or-nothing write batches.  Two back ends: TDB on disk (db_tdb.c)
 * and a hash map in memory (db_mem.c, for unit tests and the benchmark
 * baseline).  Every store modification happens between begin() and
 * commit()/cancel(); reads may happen at any time.
 */
#ifndef KEEL_XSD_DB_H
#define KEEL_XSD_DB_H

#include <stddef.h>
#include <stdint.h>

#include "xs_log.h"

struct xsd_db;

struct xsd_db_ops {
	/* Value of @key in a malloc'd buffer; -ENOENT if absent. */
	int (*fetch)(struct xsd_db *db, const char *key, uint8_t **val,
		     size_t *len);
	/* Sets @key; only inside a batch.  0 or a negative errno. */
	int (*store)(struct xsd_db *db, const char *key, const uint8_t *val,
		     size_t len);
	/* Deletes @key (absent is not an error); only inside a batch. */
	int (*remove)(struct xsd_db *db, const char *key);
	/* Calls @fn on each entry until it returns non-zero (returned). */
	int (*traverse)(struct xsd_db *db,
			int (*fn)(const char *key, const uint8_t *val,
				  size_t len, void *ctx),
			void *ctx);
	int (*begin)(struct xsd_db *db);
	/* Makes the batch durable (TDB: fsync unless opened no-sync). */
	int (*commit)(struct xsd_db *db);
	/* Drops every change since begin(). */
	void (*cancel)(struct xsd_db *db);
	void (*close)(struct xsd_db *db);
	/* Makes every batch committed so far survive a power loss (one
	 * fsync for all of them: group commit).  May be NULL (nothing to
	 * do).  0 or a negative errno. */
	int (*sync)(struct xsd_db *db);
};

/* Every back end's handle starts with this. */
struct xsd_db {
	const struct xsd_db_ops *ops;
};

#define XSD_DB_NOSYNC 1u  /* TDB: commit without fsync                  */
#define XSD_DB_SYNC   2u  /* log: sync() fsyncs the log (--sync)        */
#define XSD_DB_NOMAP  4u  /* log: pwrite() each batch, never mmap (as on
			   * a file system that cannot preallocate)   */

/* Log size at which the log back end compacts into its TDB image. */
#define XSD_LOG_COMPACT_BYTES (4u << 20)

/* Opens (creating if needed) the TDB file @path.  0 or a negative errno. */
int xsd_db_open_tdb(const char *path, unsigned flags,
		    const struct xs_logger *log, struct xsd_db **out);

/*
 * The crash-durable back end (db_log.c): the tree in memory, each commit
 * appended to PATH.log.N before it returns, compacted into the TDB image
 * PATH in the background once a log reaches @compact_bytes (0: default).
 * Loads PATH and replays the logs after it.  0 or a negative errno.
 */
int xsd_db_open_log(const char *path, unsigned flags, size_t compact_bytes,
		    const struct xs_logger *log, struct xsd_db **out);

/* A new, empty in-memory database.  0 or -ENOMEM. */
int xsd_db_open_mem(struct xsd_db **out);

#endif
