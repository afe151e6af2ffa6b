/* The node store.  See store.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "strmap.h"

struct owner_delta {
	uint32_t domid;
	long delta;
};

/* A small set of per-domain counters. */
struct owner_table {
	struct owner_delta *v;
	size_t n, cap;
};

struct xsd_store {
	struct xsd_db *db;
	const struct xs_logger *log;
	uint64_t next_gen;
	struct owner_table owned;    /* committed node counts          */
	struct owner_table pending;  /* changes of the open batch      */
	bool in_batch;
};

/* One overlay entry of a transaction: a record, or a deletion. */
struct txn_write {
	bool deleted;
	size_t len;
	uint8_t rec[];
};

/* What a transaction first saw of a node: its record (the snapshot later
 * reads answer from) and generation, or that it was absent (gen 0). */
struct txn_read {
	uint64_t gen;
	bool present;
	size_t len;
	uint8_t rec[];
};

struct xsd_txn {
	struct xsd_strmap *reads;    /* path -> struct txn_read *     */
	struct xsd_strmap *writes;   /* path -> struct txn_write *    */
	struct owner_table owned;    /* node count changes            */
	struct xsd_event_list events;
};

static long *owner_slot(struct owner_table *t, uint32_t domid, bool create)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].domid == domid)
			return &t->v[i].delta;
	if (!create)
		return NULL;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct owner_delta *v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n].domid = domid;
	t->v[t->n].delta = 0;
	return &t->v[t->n++].delta;
}

static long owner_get(const struct owner_table *t, uint32_t domid)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].domid == domid)
			return t->v[i].delta;
	return 0;
}

/* Adds @delta; a failed allocation only loses accounting, never data. */
static void owner_add(struct owner_table *t, uint32_t domid, long delta)
{
	long *slot = owner_slot(t, domid, true);

	if (slot)
		*slot += delta;
}

static void owner_merge(struct owner_table *dst, struct owner_table *src)
{
	size_t i;

	for (i = 0; i < src->n; i++)
		owner_add(dst, src->v[i].domid, src->v[i].delta);
	src->n = 0;
}

/* Owner of a record, or -1 if it cannot be read. */
static long record_owner(const uint8_t *rec, size_t len)
{
	uint32_t owner;

	if (len < XSD_NODE_HDR_SIZE + 8)
		return -1;
	memcpy(&owner, rec + XSD_NODE_HDR_SIZE, sizeof(owner));
	return owner;
}

static uint64_t record_gen(const uint8_t *rec, size_t len)
{
	uint64_t gen = 0;

	if (len >= sizeof(gen))
		memcpy(&gen, rec, sizeof(gen));
	return gen;
}

struct scan_ctx {
	struct xsd_store *st;
	bool have_root;
};

static int scan_one(const char *key, const uint8_t *val, size_t len,
		    void *ctx)
{
	struct scan_ctx *sc = ctx;
	long owner = record_owner(val, len);
	uint64_t gen = record_gen(val, len);

	if (key[0] != '/')
		return 0;
	if (strcmp(key, "/") == 0)
		sc->have_root = true;
	if (gen >= sc->st->next_gen)
		sc->st->next_gen = gen + 1;
	if (owner >= 0)
		owner_add(&sc->st->owned, (uint32_t)owner, 1);
	return 0;
}

/* A fresh store holds "/", "/tool" and "/tool/xenstored" (as Xen's),
 * all owned by dom0 and closed to others. */
static int create_root(struct xsd_store *st)
{
	static const struct {
		const char *path, *children;
		uint32_t childlen;
	} nodes[] = {
		{ "/", "tool", 5 },
		{ "/tool", "xenstored", 10 },
		{ "/tool/xenstored", "", 0 },
	};
	struct xsd_perm p = { 0, XSD_PERM_NONE };
	struct xsd_node n = { 0 };
	unsigned i;
	int rc;

	n.perms = &p;
	n.nperms = 1;
	n.data = "";
	rc = xsd_store_begin(st, NULL);
	if (rc)
		return rc;
	for (i = 0; i < sizeof(nodes) / sizeof(nodes[0]) && rc == 0; i++) {
		n.children = (char *)nodes[i].children;
		n.childlen = nodes[i].childlen;
		rc = xsd_store_put(st, NULL, nodes[i].path, &n);
	}
	return xsd_store_finish(st, NULL, rc);
}

int xsd_store_open(struct xsd_db *db, const struct xs_logger *log,
		   struct xsd_store **out)
{
	struct xsd_store *st = calloc(1, sizeof(*st));
	struct scan_ctx sc = { st, false };
	int rc;

	if (!st) {
		db->ops->close(db);
		return -ENOMEM;
	}
	st->db = db;
	st->log = log;
	st->next_gen = 1;
	rc = db->ops->traverse(db, scan_one, &sc);
	if (rc)
		goto err_close;
	if (!sc.have_root) {
		rc = create_root(st);
		if (rc)
			goto err_close;
	}
	*out = st;
	return 0;

err_close:
	xsd_store_close(st);
	return rc;
}

void xsd_store_close(struct xsd_store *st)
{
	if (!st)
		return;
	if (st->in_batch)
		st->db->ops->cancel(st->db);
	st->db->ops->close(st->db);
	free(st->owned.v);
	free(st->pending.v);
	free(st);
}

/* Records what @t saw for @path (@rec NULL: absent), unless it already
 * saw it: the first sight is the transaction's snapshot. */
static int note_read(struct xsd_txn *t, const char *path, const uint8_t *rec,
		     size_t len)
{
	struct txn_read *r;
	int rc;

	if (xsd_strmap_get(t->reads, path, NULL))
		return 0;
	r = malloc(sizeof(*r) + (rec ? len : 0));
	if (!r)
		return -ENOMEM;
	r->present = rec != NULL;
	r->gen = rec ? record_gen(rec, len) : 0;
	r->len = rec ? len : 0;
	if (rec)
		memcpy(r->rec, rec, len);
	rc = xsd_strmap_put(t->reads, path, r, NULL, NULL);
	if (rc)
		free(r);
	return rc;
}

static int copy_rec(const uint8_t *src, size_t len, uint8_t **rec,
		    size_t *out_len)
{
	*rec = malloc(len ? len : 1);
	if (!*rec)
		return -ENOMEM;
	memcpy(*rec, src, len);
	*out_len = len;
	return 0;
}

/*
 * The record @t sees for @path: its own writes first, then what it saw
 * the first time it looked (a snapshot: later changes by others do not
 * show inside the transaction, they only make its commit fail), then the
 * database, which becomes the snapshot.
 */
static int view_fetch(struct xsd_store *st, struct xsd_txn *t,
		      const char *path, uint8_t **rec, size_t *len)
{
	void *v;
	int rc;

	if (t && xsd_strmap_get(t->writes, path, &v)) {
		struct txn_write *w = v;

		if (w->deleted)
			return -ENOENT;
		return copy_rec(w->rec, w->len, rec, len);
	}
	if (t && xsd_strmap_get(t->reads, path, &v)) {
		struct txn_read *r = v;

		if (!r->present)
			return -ENOENT;
		return copy_rec(r->rec, r->len, rec, len);
	}
	rc = st->db->ops->fetch(st->db, path, rec, len);
	if (t && (rc == 0 || rc == -ENOENT)) {
		int nrc = note_read(t, path, rc ? NULL : *rec, rc ? 0 : *len);

		if (nrc) {
			if (rc == 0)
				free(*rec);
			return nrc;
		}
	}
	return rc;
}

int xsd_store_get(struct xsd_store *st, struct xsd_txn *t, const char *path,
		  struct xsd_node *n)
{
	uint8_t *rec;
	size_t len;
	int rc = view_fetch(st, t, path, &rec, &len);

	if (rc)
		return rc;
	rc = xsd_node_decode(rec, len, n);
	if (rc == -EIO)
		xs_log(st->log, XS_LOG_ERR, "corrupt record for %s", path);
	free(rec);
	return rc;
}

/* Owner of what @t (or the database) holds for @path now, or -1. */
static long current_owner(struct xsd_store *st, struct xsd_txn *t,
			  const char *path)
{
	uint8_t *rec;
	size_t len;
	long owner;
	void *v;

	if (t && xsd_strmap_get(t->writes, path, &v)) {
		struct txn_write *w = v;

		return w->deleted ? -1 : record_owner(w->rec, w->len);
	}
	if (st->db->ops->fetch(st->db, path, &rec, &len))
		return -1;
	owner = record_owner(rec, len);
	free(rec);
	return owner;
}

static int txn_set(struct xsd_txn *t, const char *path, const uint8_t *rec,
		   size_t len, bool deleted)
{
	struct txn_write *w = malloc(sizeof(*w) + len);
	void *old = NULL;
	bool had;
	int rc;

	if (!w)
		return -ENOMEM;
	w->deleted = deleted;
	w->len = len;
	if (len)
		memcpy(w->rec, rec, len);
	rc = xsd_strmap_put(t->writes, path, w, &old, &had);
	if (rc) {
		free(w);
		return rc;
	}
	if (had)
		free(old);
	return 0;
}

static void account(struct xsd_store *st, struct xsd_txn *t, long old_owner,
		    long new_owner)
{
	struct owner_table *tab = t ? &t->owned : &st->pending;

	if (old_owner == new_owner)
		return;
	if (old_owner >= 0)
		owner_add(tab, (uint32_t)old_owner, -1);
	if (new_owner >= 0)
		owner_add(tab, (uint32_t)new_owner, 1);
}

int xsd_store_put(struct xsd_store *st, struct xsd_txn *t, const char *path,
		  struct xsd_node *n)
{
	long old_owner = current_owner(st, t, path);
	uint8_t *rec;
	size_t len;
	int rc;

	n->gen = st->next_gen++;
	rc = xsd_node_encode(n, &rec, &len);
	if (rc)
		return rc;
	if (t)
		rc = txn_set(t, path, rec, len, false);
	else
		rc = st->db->ops->store(st->db, path, rec, len);
	free(rec);
	if (rc == 0)
		account(st, t, old_owner, n->perms[0].domid);
	return rc;
}

int xsd_store_del(struct xsd_store *st, struct xsd_txn *t, const char *path)
{
	long old_owner = current_owner(st, t, path);
	int rc;

	if (t)
		rc = txn_set(t, path, NULL, 0, true);
	else
		rc = st->db->ops->remove(st->db, path);
	if (rc == 0)
		account(st, t, old_owner, -1);
	return rc;
}

int xsd_store_begin(struct xsd_store *st, struct xsd_txn *t)
{
	int rc;

	if (t)
		return 0;
	if (st->in_batch)
		return -EBUSY;
	rc = st->db->ops->begin(st->db);
	if (rc == 0) {
		st->in_batch = true;
		st->pending.n = 0;
	}
	return rc;
}

int xsd_store_finish(struct xsd_store *st, struct xsd_txn *t, int rc)
{
	if (t || !st->in_batch)
		return rc;
	st->in_batch = false;
	if (rc) {
		st->db->ops->cancel(st->db);
		st->pending.n = 0;
		return rc;
	}
	rc = st->db->ops->commit(st->db);
	if (rc) {
		st->pending.n = 0;
		return rc;
	}
	owner_merge(&st->owned, &st->pending);
	return 0;
}

long xsd_store_owned(const struct xsd_store *st, const struct xsd_txn *t,
		     uint32_t domid)
{
	long n = owner_get(&st->owned, domid) + owner_get(&st->pending, domid);

	if (t)
		n += owner_get(&t->owned, domid);
	return n;
}

int xsd_store_sync(struct xsd_store *st)
{
	if (!st->db->ops->sync)
		return 0;
	return st->db->ops->sync(st->db);
}

int xsd_store_meta_put(struct xsd_store *st, const char *key,
		       const char *val)
{
	bool own = !st->in_batch;
	int rc = own ? xsd_store_begin(st, NULL) : 0;

	if (rc)
		return rc;
	rc = st->db->ops->store(st->db, key, (const uint8_t *)val,
				strlen(val));
	return own ? xsd_store_finish(st, NULL, rc) : rc;
}

int xsd_store_meta_del(struct xsd_store *st, const char *key)
{
	bool own = !st->in_batch;
	int rc = own ? xsd_store_begin(st, NULL) : 0;

	if (rc)
		return rc;
	rc = st->db->ops->remove(st->db, key);
	return own ? xsd_store_finish(st, NULL, rc) : rc;
}

struct meta_ctx {
	const char *prefix;
	size_t plen;
	int (*fn)(const char *key, const char *val, void *ctx);
	void *ctx;
};

static int meta_one(const char *key, const uint8_t *val, size_t len,
		    void *ctx)
{
	struct meta_ctx *mc = ctx;
	char *v;
	int rc;

	if (strncmp(key, mc->prefix, mc->plen) != 0)
		return 0;
	v = malloc(len + 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, val, len);
	v[len] = '\0';
	rc = mc->fn(key, v, mc->ctx);
	free(v);
	return rc;
}

int xsd_store_meta_each(struct xsd_store *st, const char *prefix,
			int (*fn)(const char *key, const char *val, void *ctx),
			void *ctx)
{
	struct meta_ctx mc = { prefix, strlen(prefix), fn, ctx };

	return st->db->ops->traverse(st->db, meta_one, &mc);
}

struct stats_ctx {
	unsigned long records, bytes;
};

static int stats_one(const char *key, const uint8_t *val, size_t len,
		     void *ctx)
{
	struct stats_ctx *sc = ctx;

	if (key[0] == '/') {
		sc->records++;
		sc->bytes += len;
	}
	return 0;
}

int xsd_store_stats(struct xsd_store *st, unsigned long *records,
		    unsigned long *bytes)
{
	struct stats_ctx sc = { 0, 0 };
	int rc = st->db->ops->traverse(st->db, stats_one, &sc);

	*records = sc.records;
	*bytes = sc.bytes;
	return rc;
}

struct xsd_txn *xsd_txn_new(void)
{
	struct xsd_txn *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->reads = xsd_strmap_new();
	t->writes = xsd_strmap_new();
	if (!t->reads || !t->writes) {
		xsd_txn_free(t);
		return NULL;
	}
	xsd_event_list_init(&t->events);
	return t;
}

void xsd_txn_free(struct xsd_txn *t)
{
	if (!t)
		return;
	xsd_strmap_free(t->reads, free);
	xsd_strmap_free(t->writes, free);
	free(t->owned.v);
	xsd_event_list_clear(&t->events);
	free(t);
}

struct xsd_event_list *xsd_txn_events(struct xsd_txn *t)
{
	return &t->events;
}

/* Commit step 1: is every generation the transaction saw still current? */
static int check_read(const char *path, void *val, void *ctx)
{
	struct xsd_store *st = ctx;
	uint64_t seen = ((struct txn_read *)val)->gen, now = 0;
	uint8_t *rec;
	size_t len;
	int rc = st->db->ops->fetch(st->db, path, &rec, &len);

	if (rc == 0) {
		now = record_gen(rec, len);
		free(rec);
	} else if (rc != -ENOENT) {
		return rc;
	}
	return now == seen ? 0 : -EAGAIN;
}

/* Commit step 2: write one overlay entry with a fresh generation. */
static int apply_write(const char *path, void *val, void *ctx)
{
	struct xsd_store *st = ctx;
	struct txn_write *w = val;
	long old_owner = current_owner(st, NULL, path);
	uint64_t gen;
	int rc;

	if (w->deleted) {
		rc = st->db->ops->remove(st->db, path);
		if (rc == 0)
			account(st, NULL, old_owner, -1);
		return rc;
	}
	gen = st->next_gen++;
	memcpy(w->rec, &gen, sizeof(gen));
	rc = st->db->ops->store(st->db, path, w->rec, w->len);
	if (rc == 0)
		account(st, NULL, old_owner, record_owner(w->rec, w->len));
	return rc;
}

int xsd_txn_commit(struct xsd_store *st, struct xsd_txn *t)
{
	int rc = xsd_store_begin(st, NULL);

	if (rc)
		return rc;
	rc = xsd_strmap_foreach(t->reads, check_read, st);
	if (rc == 0)
		rc = xsd_strmap_foreach(t->writes, apply_write, st);
	return xsd_store_finish(st, NULL, rc);
}
