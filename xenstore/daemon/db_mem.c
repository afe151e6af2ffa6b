/*
 * In-memory database back end: a hash map plus an undo log for the open
 * batch, so cancel() restores exactly what was there before begin().
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "strmap.h"

struct mem_val {
	size_t len;
	uint8_t data[];
};

struct mem_undo {
	struct mem_undo *next;
	struct mem_val *old;  /* NULL: key was absent */
	char key[];
};

struct mem_db {
	struct xsd_db base;
	struct xsd_strmap *map;
	struct mem_undo *undo;
	bool in_batch;
};

static struct mem_db *to_mem(struct xsd_db *db)
{
	return (struct mem_db *)db;
}

static int mem_fetch(struct xsd_db *db, const char *key, uint8_t **val,
		     size_t *len)
{
	void *v;
	struct mem_val *mv;

	if (!xsd_strmap_get(to_mem(db)->map, key, &v))
		return -ENOENT;
	mv = v;
	*val = malloc(mv->len ? mv->len : 1);
	if (!*val)
		return -ENOMEM;
	memcpy(*val, mv->data, mv->len);
	*len = mv->len;
	return 0;
}

/* Remembers @key's current value (stolen from the map) for cancel(). */
static int push_undo(struct mem_db *m, const char *key, struct mem_val *old)
{
	size_t klen = strlen(key);
	struct mem_undo *u = malloc(sizeof(*u) + klen + 1);

	if (!u)
		return -ENOMEM;
	memcpy(u->key, key, klen + 1);
	u->old = old;
	u->next = m->undo;
	m->undo = u;
	return 0;
}

static int mem_store(struct xsd_db *db, const char *key, const uint8_t *val,
		     size_t len)
{
	struct mem_db *m = to_mem(db);
	struct mem_val *nv = malloc(sizeof(*nv) + len), *old = NULL;
	void *prev = NULL;
	bool had = false;
	int rc;

	if (!nv)
		return -ENOMEM;
	nv->len = len;
	memcpy(nv->data, val, len);
	rc = xsd_strmap_put(m->map, key, nv, &prev, &had);
	if (rc) {
		free(nv);
		return rc;
	}
	old = had ? prev : NULL;
	if (m->in_batch) {
		rc = push_undo(m, key, old);
		if (rc) {
			/* put the old value back so nothing changed */
			if (had)
				xsd_strmap_put(m->map, key, old, NULL, NULL);
			else
				xsd_strmap_del(m->map, key, NULL);
			free(nv);
			return rc;
		}
	} else {
		free(old);
	}
	return 0;
}

static int mem_remove(struct xsd_db *db, const char *key)
{
	struct mem_db *m = to_mem(db);
	void *old;

	if (!xsd_strmap_get(m->map, key, &old))
		return 0;
	if (m->in_batch) {
		int rc = push_undo(m, key, old);

		if (rc)
			return rc;
		xsd_strmap_del(m->map, key, NULL);
		return 0;
	}
	xsd_strmap_del(m->map, key, NULL);
	free(old);
	return 0;
}

struct trav_ctx {
	int (*fn)(const char *key, const uint8_t *val, size_t len, void *ctx);
	void *ctx;
};

static int trav_one(const char *key, void *val, void *ctx)
{
	struct trav_ctx *t = ctx;
	struct mem_val *mv = val;

	return t->fn(key, mv->data, mv->len, t->ctx);
}

static int mem_traverse(struct xsd_db *db,
			int (*fn)(const char *key, const uint8_t *val,
				  size_t len, void *ctx),
			void *ctx)
{
	struct trav_ctx t = { fn, ctx };

	return xsd_strmap_foreach(to_mem(db)->map, trav_one, &t);
}

static int mem_begin(struct xsd_db *db)
{
	struct mem_db *m = to_mem(db);

	if (m->in_batch)
		return -EBUSY;
	m->in_batch = true;
	return 0;
}

static int mem_commit(struct xsd_db *db)
{
	struct mem_db *m = to_mem(db);
	struct mem_undo *u, *next;

	for (u = m->undo; u; u = next) {
		next = u->next;
		free(u->old);
		free(u);
	}
	m->undo = NULL;
	m->in_batch = false;
	return 0;
}

static void mem_cancel(struct xsd_db *db)
{
	struct mem_db *m = to_mem(db);
	struct mem_undo *u, *next;
	void *cur;

	for (u = m->undo; u; u = next) {
		next = u->next;
		if (xsd_strmap_del(m->map, u->key, &cur))
			free(cur);
		if (u->old && xsd_strmap_put(m->map, u->key, u->old, NULL,
					     NULL) != 0)
			free(u->old);  /* cannot happen: the slot was just freed */
		free(u);
	}
	m->undo = NULL;
	m->in_batch = false;
}

static void mem_close(struct xsd_db *db)
{
	struct mem_db *m = to_mem(db);

	if (m->in_batch)
		mem_cancel(db);
	xsd_strmap_free(m->map, free);
	free(m);
}

static const struct xsd_db_ops mem_ops = {
	.fetch = mem_fetch,
	.store = mem_store,
	.remove = mem_remove,
	.traverse = mem_traverse,
	.begin = mem_begin,
	.commit = mem_commit,
	.cancel = mem_cancel,
	.close = mem_close,
};

int xsd_db_open_mem(struct xsd_db **out)
{
	struct mem_db *m = calloc(1, sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->map = xsd_strmap_new();
	if (!m->map) {
		free(m);
		return -ENOMEM;
	}
	m->base.ops = &mem_ops;
	*out = &m->base;
	return 0;
}
