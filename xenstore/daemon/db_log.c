/*
 * The crash-durable database: the tree in memory (db_mem.c), every
 * committed batch appended to a log file before commit() returns, and the
 * log compacted into a TDB file in the background.
 *
 * Files, for --db PATH:
 *   PATH          TDB: a full image, with key "#logseq" = the last log
 *                 sequence number it contains
 *   PATH.log.N    logs, N increasing; each holds the batches committed
 *                 after log N-1 was closed
 *   PATH.tmp      an image being written (removed at start)
 *
 * A log record is one batch: { u32 magic, u32 payload length, u32 CRC-32
 * of the payload } then the payload, a sequence of { u8 op (1 store,
 * 2 remove), u32 key length, key, [u32 value length, value] }.  A batch is
 * in the log before commit() returns, so before the caller's reply is
 * queued, and a killed daemon loses nothing acknowledged: the page cache
 * outlives the process.  The log file is preallocated in 1 MiB steps and
 * mapped shared, so appending a batch is a memcpy into the page cache, no
 * system call (where the file system cannot preallocate, each batch is
 * one pwrite() instead).  A batch cut short by the kill was never
 * acknowledged; replay stops at the first record that is short, zero
 * (the preallocated tail) or fails its CRC, and a closed log is cut to
 * what it holds.
 *
 * With XSD_DB_SYNC, commit() only appends; sync() (one msync/fdatasync of
 * the log) makes every batch committed so far power-loss durable, and the
 * daemon calls it once before sending the replies of a poll round: one
 * fsync for all the commits waiting (group commit).  Compacted images are
 * fsynced too, before they replace the old one.
 *
 * Compaction: when the current log exceeds XSD_LOG_COMPACT_BYTES, it is
 * closed and a new one opened (seq + 1); a snapshot of the tree is
 * serialised in the daemon's thread and a helper thread writes it into
 * PATH.tmp (with #logseq = the closed log's N), then renames it over PATH.
 * Once that succeeded, logs up to N are deleted.  Crashing at any point
 * leaves either the old image and all logs or the new image and the logs
 * after it: loading is "image, then every log with a greater N, in order".
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "db.h"

#define LOG_MAGIC 0x474c5358u   /* "XSLG" */
#define LOG_OP_STORE 1
#define LOG_OP_REMOVE 2
#define LOG_SEQ_KEY "#logseq"
#define LOG_MAP_CHUNK (1u << 20)
/* Longest key a record may hold: node paths (3072 bytes) and the watch
 * keys of restore.c (a path and a token, up to a 4096-byte request, plus
 * a prefix) fit; longer keys are refused when stored, so that replay can
 * read every record written. */
#define LOG_KEY_MAX 8192u   /* the log grows (preallocated) by this */

struct log_buf {
	uint8_t *p;
	size_t len, cap;
};

struct log_db {
	struct xsd_db base;
	struct xsd_db *mem;            /* the tree                       */
	const struct xs_logger *log;
	unsigned flags;
	char *path;                    /* the TDB image                  */
	int fd;                        /* the current log                */
	uint64_t seq;                  /* its N                          */
	uint8_t *map;                  /* it, mapped (NULL: pwrite mode) */
	size_t map_size;
	size_t synced;                 /* bytes known on disk (--sync)   */
	off_t log_bytes;
	size_t compact_bytes;
	struct log_buf batch;          /* the open batch's records       */
	bool in_batch;
	bool unsynced;                 /* XSD_DB_SYNC: appended, no fsync */

	/* background compaction */
	bool compacting;
	pthread_t thread;
	struct log_buf snap;           /* the image to write             */
	uint64_t snap_seq;             /* logs up to this are in it      */
	int compact_rc;                /* thread's result                */
	int done;                      /* thread finished (atomic)       */
};

static struct log_db *to_log(struct xsd_db *db)
{
	return (struct log_db *)db;
}

/* CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), table-driven. */
static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	uint32_t c, i;
	int k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
		crc_table[i] = c;
	}
}

static uint32_t crc32_calc(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffffu;
	size_t i;

	pthread_once(&crc_once, crc_init);
	for (i = 0; i < len; i++)
		crc = crc_table[(crc ^ p[i]) & 0xffu] ^ (crc >> 8);
	return ~crc;
}

static int buf_add(struct log_buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *np;

		while (cap < b->len + len)
			cap *= 2;
		np = realloc(b->p, cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

static int buf_add_op(struct log_buf *b, uint8_t op, const char *key,
		      const uint8_t *val, size_t vlen)
{
	uint32_t klen = (uint32_t)strlen(key), l = (uint32_t)vlen;
	int rc = buf_add(b, &op, 1);

	if (rc == 0)
		rc = buf_add(b, &klen, sizeof(klen));
	if (rc == 0)
		rc = buf_add(b, key, klen);
	if (rc == 0 && op == LOG_OP_STORE) {
		rc = buf_add(b, &l, sizeof(l));
		if (rc == 0 && vlen)
			rc = buf_add(b, val, vlen);
	}
	return rc;
}

/* Applies a payload of ops to @db (inside a batch).  0, -EIO if malformed. */
static int apply_ops(struct xsd_db *db, const uint8_t *p, size_t len)
{
	size_t off = 0;
	static char key[LOG_KEY_MAX];   /* one thread at a time replays */
	uint32_t klen, vlen;
	uint8_t op;
	int rc;

	while (off < len) {
		if (len - off < 5)
			return -EIO;
		op = p[off];
		memcpy(&klen, p + off + 1, 4);
		off += 5;
		if (klen >= sizeof(key) || len - off < klen)
			return -EIO;
		memcpy(key, p + off, klen);
		key[klen] = '\0';
		off += klen;
		if (op == LOG_OP_REMOVE) {
			rc = db->ops->remove(db, key);
		} else if (op == LOG_OP_STORE) {
			if (len - off < 4)
				return -EIO;
			memcpy(&vlen, p + off, 4);
			off += 4;
			if (len - off < vlen)
				return -EIO;
			rc = db->ops->store(db, key, p + off, vlen);
			off += vlen;
		} else {
			return -EIO;
		}
		if (rc)
			return rc;
	}
	return 0;
}

static void log_path(const struct log_db *l, uint64_t seq, char *buf,
		     size_t size)
{
	snprintf(buf, size, "%s.log.%llu", l->path, (unsigned long long)seq);
}

/* Reads log @seq into the tree; a torn or corrupt tail ends it (it was
 * never acknowledged).  0 or a negative errno. */
static int replay_log(struct log_db *l, uint64_t seq, unsigned *batches)
{
	char name[PATH_MAX];
	uint32_t hdr[3];
	uint8_t *p = NULL;
	size_t cap = 0;
	bool clean_end = false;
	FILE *f;
	int rc = 0;

	log_path(l, seq, name, sizeof(name));
	f = fopen(name, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fread(hdr, sizeof(hdr), 1, f) == 1) {
		if (!hdr[0] && !hdr[1] && !hdr[2]) {
			clean_end = true;   /* the preallocated tail */
			break;
		}
		if (hdr[0] != LOG_MAGIC || hdr[1] > (64u << 20))
			break;
		if (hdr[1] > cap) {
			uint8_t *np = realloc(p, hdr[1]);

			if (!np) {
				rc = -ENOMEM;
				break;
			}
			p = np;
			cap = hdr[1];
		}
		if (hdr[1] && fread(p, hdr[1], 1, f) != 1)
			break;
		if (crc32_calc(p, hdr[1]) != hdr[2])
			break;
		rc = l->mem->ops->begin(l->mem);
		if (rc == 0)
			rc = apply_ops(l->mem, p, hdr[1]);
		if (rc == 0)
			rc = l->mem->ops->commit(l->mem);
		else
			l->mem->ops->cancel(l->mem);
		if (rc)
			break;
		(*batches)++;
	}
	if (rc == 0 && !feof(f) && ferror(f))
		rc = -EIO;
	if (rc == 0 && !feof(f) && !clean_end)
		xs_log(l->log, XS_LOG_WARN,
		       "%s: ignoring a torn or corrupt tail (never acknowledged)",
		       name);
	free(p);
	fclose(f);
	return rc;
}

struct load_ctx {
	struct log_db *l;
	uint64_t covered;
	int rc;
};

static int load_one(const char *key, const uint8_t *val, size_t len,
		    void *ctx)
{
	struct load_ctx *lc = ctx;

	if (strcmp(key, LOG_SEQ_KEY) == 0) {
		if (len == sizeof(lc->covered))
			memcpy(&lc->covered, val, len);
		return 0;
	}
	return lc->l->mem->ops->store(lc->l->mem, key, val, len);
}

/* Loads the TDB image, if any; sets *@covered to its #logseq. */
static int load_image(struct log_db *l, uint64_t *covered)
{
	struct load_ctx lc = { l, 0, 0 };
	struct xsd_db *tdb;
	int rc;

	if (access(l->path, F_OK) != 0)
		return errno == ENOENT ? 0 : -errno;
	rc = xsd_db_open_tdb(l->path, XSD_DB_NOSYNC, l->log, &tdb);
	if (rc)
		return rc;
	rc = l->mem->ops->begin(l->mem);
	if (rc == 0)
		rc = tdb->ops->traverse(tdb, load_one, &lc);
	if (rc == 0)
		rc = l->mem->ops->commit(l->mem);
	else
		l->mem->ops->cancel(l->mem);
	tdb->ops->close(tdb);
	*covered = lc.covered;
	return rc;
}

/* The sequence numbers of PATH.log.* files, sorted, into *@out. */
static int list_logs(struct log_db *l, uint64_t **out, size_t *n)
{
	const char *slash = strrchr(l->path, '/');
	char dir[PATH_MAX], base[PATH_MAX];
	uint64_t *v = NULL;
	size_t cap = 0, cnt = 0, i, j, blen;
	struct dirent *de;
	DIR *d;

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - l->path),
			 slash == l->path ? "/" : l->path);
		snprintf(base, sizeof(base), "%s.log.", slash + 1);
	} else {
		snprintf(dir, sizeof(dir), ".");
		snprintf(base, sizeof(base), "%s.log.", l->path);
	}
	blen = strlen(base);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long long s;

		if (strncmp(de->d_name, base, blen) != 0 ||
		    de->d_name[blen] < '0' || de->d_name[blen] > '9')
			continue;
		s = strtoull(de->d_name + blen, &end, 10);
		if (*end)
			continue;
		if (cnt == cap) {
			uint64_t *nv;

			cap = cap ? cap * 2 : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[cnt++] = s;
	}
	closedir(d);
	for (i = 1; i < cnt; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	*out = v;
	*n = cnt;
	return 0;
}

/* Deletes the logs with N <= @upto. */
static void drop_logs(struct log_db *l, uint64_t upto)
{
	char name[PATH_MAX];
	uint64_t *v;
	size_t n, i;

	if (list_logs(l, &v, &n))
		return;
	for (i = 0; i < n; i++) {
		if (v[i] > upto)
			continue;
		log_path(l, v[i], name, sizeof(name));
		unlink(name);
	}
	free(v);
}

/* fsyncs the directory holding @path (a new or renamed file in it). */
static void sync_dir(const char *path)
{
	char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
	int dfd;

	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	dfd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	free(dir);
}

/* Closes the current log: unmapped and cut to what it holds. */
static void close_log(struct log_db *l)
{
	if (l->map) {
		munmap(l->map, l->map_size);
		l->map = NULL;
		if (ftruncate(l->fd, l->log_bytes) < 0)
			xs_log(l->log, XS_LOG_WARN, "log %llu: cannot cut its "
			       "preallocated tail: %s (harmless)",
			       (unsigned long long)l->seq, strerror(errno));
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
}

/* Preallocates @l's log file up to @size and maps it (grown with
 * mremap); false when the file system cannot (pwrite mode then). */
static bool map_log(struct log_db *l, size_t size)
{
	void *m;

	if ((l->flags & XSD_DB_NOMAP) ||
	    posix_fallocate(l->fd, 0, (off_t)size) != 0)
		return false;
	if ((l->flags & XSD_DB_SYNC) && fdatasync(l->fd) < 0)
		return false;      /* the size must survive a power loss */
	if (l->map)
		m = mremap(l->map, l->map_size, size, MREMAP_MAYMOVE);
	else
		m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 l->fd, 0);
	if (m == MAP_FAILED)
		return false;
	l->map = m;
	l->map_size = size;
	return true;
}

/* Opens log @seq, new and empty, as the current log. */
static int open_log(struct log_db *l, uint64_t seq)
{
	char name[PATH_MAX];
	int fd;

	log_path(l, seq, name, sizeof(name));
	fd = open(name, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		xs_log(l->log, XS_LOG_ERR, "cannot create %s: %s", name,
		       strerror(errno));
		return -errno;
	}
	close_log(l);
	l->fd = fd;
	l->seq = seq;
	l->log_bytes = 0;
	l->synced = 0;
	if (!map_log(l, LOG_MAP_CHUNK))
		xs_log(l->log, XS_LOG_DEBUG, "%s: not mapped, using pwrite",
		       name);
	if (l->flags & XSD_DB_SYNC)
		sync_dir(name);
	return 0;
}

/* ---- background compaction ------------------------------------------ */

static int snap_one(const char *key, const uint8_t *val, size_t len,
		    void *ctx)
{
	return buf_add_op(ctx, LOG_OP_STORE, key, val, len);
}

/* The helper thread: the snapshot into PATH.tmp, then over PATH. */
static void *compact_thread(void *arg)
{
	struct log_db *l = arg;
	char tmp[PATH_MAX];
	struct xsd_db *tdb;
	unsigned tflags = (l->flags & XSD_DB_SYNC) ? 0 : XSD_DB_NOSYNC;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", l->path);
	unlink(tmp);
	rc = xsd_db_open_tdb(tmp, tflags, NULL, &tdb);
	if (rc == 0) {
		rc = tdb->ops->begin(tdb);
		if (rc == 0)
			rc = apply_ops(tdb, l->snap.p, l->snap.len);
		if (rc == 0)
			rc = tdb->ops->store(tdb, LOG_SEQ_KEY,
					     (const uint8_t *)&l->snap_seq,
					     sizeof(l->snap_seq));
		if (rc == 0)
			rc = tdb->ops->commit(tdb);
		else
			tdb->ops->cancel(tdb);
		tdb->ops->close(tdb);
	}
	if (rc == 0 && rename(tmp, l->path) < 0)
		rc = -errno;
	if (rc == 0 && (l->flags & XSD_DB_SYNC))
		sync_dir(l->path);   /* the rename itself must reach the disk */
	if (rc)
		unlink(tmp);
	l->compact_rc = rc;
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Collects a finished compaction: drops the logs it covers. */
static void compact_reap(struct log_db *l, bool wait)
{
	if (!l->compacting)
		return;
	if (!wait && !__atomic_load_n(&l->done, __ATOMIC_ACQUIRE))
		return;
	pthread_join(l->thread, NULL);
	l->compacting = false;
	free(l->snap.p);
	l->snap = (struct log_buf){ 0 };
	if (l->compact_rc) {
		xs_log(l->log, XS_LOG_WARN,
		       "compaction into %s failed: %s (the logs are kept)",
		       l->path, strerror(-l->compact_rc));
		return;
	}
	drop_logs(l, l->snap_seq);
	xs_log(l->log, XS_LOG_DEBUG, "compacted logs up to %llu into %s",
	       (unsigned long long)l->snap_seq, l->path);
}

/* Starts a compaction: a new log, a snapshot, the helper thread.  A
 * failure only leaves the logs as they are. */
static void compact_start(struct log_db *l)
{
	uint64_t closed = l->seq;
	int rc;

	rc = open_log(l, closed + 1);
	if (rc)
		return;
	l->snap = (struct log_buf){ 0 };
	rc = l->mem->ops->traverse(l->mem, snap_one, &l->snap);
	if (rc) {
		free(l->snap.p);
		l->snap = (struct log_buf){ 0 };
		return;
	}
	l->snap_seq = closed;
	l->done = 0;
	l->compact_rc = 0;
	if (pthread_create(&l->thread, NULL, compact_thread, l) != 0) {
		free(l->snap.p);
		l->snap = (struct log_buf){ 0 };
		return;
	}
	l->compacting = true;
}

/* ---- the db interface ---------------------------------------------- */

static int lg_fetch(struct xsd_db *db, const char *key, uint8_t **val,
		    size_t *len)
{
	struct xsd_db *m = to_log(db)->mem;

	return m->ops->fetch(m, key, val, len);
}

static int lg_store(struct xsd_db *db, const char *key, const uint8_t *val,
		    size_t len)
{
	struct log_db *l = to_log(db);
	int rc;

	if (strlen(key) >= LOG_KEY_MAX)
		return -E2BIG;
	rc = buf_add_op(&l->batch, LOG_OP_STORE, key, val, len);
	return rc ? rc : l->mem->ops->store(l->mem, key, val, len);
}

static int lg_remove(struct xsd_db *db, const char *key)
{
	struct log_db *l = to_log(db);
	int rc = buf_add_op(&l->batch, LOG_OP_REMOVE, key, NULL, 0);

	return rc ? rc : l->mem->ops->remove(l->mem, key);
}

static int lg_traverse(struct xsd_db *db,
		       int (*fn)(const char *key, const uint8_t *val,
				 size_t len, void *ctx),
		       void *ctx)
{
	struct xsd_db *m = to_log(db)->mem;

	return m->ops->traverse(m, fn, ctx);
}

static int lg_begin(struct xsd_db *db)
{
	struct log_db *l = to_log(db);
	uint32_t hdr[3] = { LOG_MAGIC, 0, 0 };
	int rc;

	compact_reap(l, false);
	l->batch.len = 0;
	rc = buf_add(&l->batch, hdr, sizeof(hdr));   /* filled at commit */
	if (rc == 0)
		rc = l->mem->ops->begin(l->mem);
	l->in_batch = rc == 0;
	return rc;
}

/* Appends the batch record: a copy into the mapped log (grown first if
 * need be), or pwrite()s; on a failed or short write the log is cut back
 * so later records are not hidden behind a torn one. */
static int append_batch(struct log_db *l)
{
	uint32_t *hdr = (uint32_t *)l->batch.p;
	size_t off = 0, need = (size_t)l->log_bytes + l->batch.len, size;

	hdr[1] = (uint32_t)(l->batch.len - sizeof(uint32_t) * 3);
	hdr[2] = crc32_calc(l->batch.p + sizeof(uint32_t) * 3, hdr[1]);
	if (l->map && need > l->map_size) {
		for (size = l->map_size * 2; size < need; size *= 2)
			;
		if (!map_log(l, size)) {
			xs_log(l->log, XS_LOG_ERR, "log: cannot grow to %zu "
			       "bytes: %s", size, strerror(errno));
			return -ENOSPC;
		}
	}
	if (l->map) {
		memcpy(l->map + l->log_bytes, l->batch.p, l->batch.len);
		l->log_bytes += (off_t)l->batch.len;
		return 0;
	}
	while (off < l->batch.len) {
		ssize_t n = pwrite(l->fd, l->batch.p + off, l->batch.len - off,
				   l->log_bytes + (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int err = n < 0 ? -errno : -EIO;

			xs_log(l->log, XS_LOG_ERR, "log write: %s",
			       strerror(-err));
			if (ftruncate(l->fd, l->log_bytes) < 0)
				open_log(l, l->seq + 1);
			return err;
		}
		off += (size_t)n;
	}
	l->log_bytes += (off_t)off;
	return 0;
}

static int lg_commit(struct xsd_db *db)
{
	struct log_db *l = to_log(db);
	int rc;

	l->in_batch = false;
	if (l->batch.len == sizeof(uint32_t) * 3)
		return l->mem->ops->commit(l->mem);   /* nothing changed */
	rc = append_batch(l);
	if (rc) {
		l->mem->ops->cancel(l->mem);
		return rc;
	}
	rc = l->mem->ops->commit(l->mem);   /* cannot fail: drops the undo */
	if (l->flags & XSD_DB_SYNC)
		l->unsynced = true;
	if (!l->compacting && (size_t)l->log_bytes >= l->compact_bytes)
		compact_start(l);
	return rc;
}

static void lg_cancel(struct xsd_db *db)
{
	struct log_db *l = to_log(db);

	l->in_batch = false;
	l->batch.len = 0;
	l->mem->ops->cancel(l->mem);
}

static int lg_sync(struct xsd_db *db)
{
	struct log_db *l = to_log(db);

	long page = sysconf(_SC_PAGESIZE);
	size_t from;
	int rc;

	if (!l->unsynced)
		return 0;
	l->unsynced = false;
	if (l->map) {
		from = l->synced & ~((size_t)page - 1);
		rc = msync(l->map + from, (size_t)l->log_bytes - from, MS_SYNC);
	} else {
		rc = fdatasync(l->fd);
	}
	if (rc < 0) {
		xs_log(l->log, XS_LOG_ERR, "log sync: %s", strerror(errno));
		return -errno;
	}
	l->synced = (size_t)l->log_bytes;
	return 0;
}

static void lg_close(struct xsd_db *db)
{
	struct log_db *l = to_log(db);

	compact_reap(l, true);
	lg_sync(db);
	close_log(l);
	l->mem->ops->close(l->mem);
	free(l->batch.p);
	free(l->path);
	free(l);
}

static const struct xsd_db_ops log_ops = {
	.fetch = lg_fetch,
	.store = lg_store,
	.remove = lg_remove,
	.traverse = lg_traverse,
	.begin = lg_begin,
	.commit = lg_commit,
	.cancel = lg_cancel,
	.sync = lg_sync,
	.close = lg_close,
};

int xsd_db_open_log(const char *path, unsigned flags, size_t compact_bytes,
		    const struct xs_logger *log, struct xsd_db **out)
{
	struct log_db *l = calloc(1, sizeof(*l));
	char tmp[PATH_MAX];
	uint64_t covered = 0, last, *seqs = NULL;
	unsigned batches = 0;
	size_t n = 0, i;
	int rc;

	if (!l)
		return -ENOMEM;
	l->fd = -1;
	l->log = log;
	l->flags = flags;
	l->compact_bytes = compact_bytes ? compact_bytes : XSD_LOG_COMPACT_BYTES;
	l->path = strdup(path);
	if (!l->path) {
		rc = -ENOMEM;
		goto err_free;
	}
	rc = xsd_db_open_mem(&l->mem);
	if (rc)
		goto err_free;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);                         /* a compaction cut short */
	rc = load_image(l, &covered);
	if (rc)
		goto err_mem;
	rc = list_logs(l, &seqs, &n);
	if (rc)
		goto err_mem;
	last = covered;
	for (i = 0; i < n && rc == 0; i++) {
		if (seqs[i] <= covered)
			continue;
		rc = replay_log(l, seqs[i], &batches);
		last = seqs[i];
	}
	free(seqs);
	if (rc)
		goto err_mem;
	rc = open_log(l, last + 1);
	if (rc)
		goto err_mem;
	drop_logs(l, covered);
	if (batches)
		xs_log(log, XS_LOG_INFO, "replayed %u logged commits after %s",
		       batches, path);
	l->base.ops = &log_ops;
	*out = &l->base;
	return 0;

err_mem:
	xs_log(log, XS_LOG_ERR, "cannot load %s and its logs: %s", path,
	       strerror(-rc));
	l->mem->ops->close(l->mem);
err_free:
	free(l->path);
	free(l);
	return rc;
}
