/* Chained string hash map.  See strmap.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

struct strmap_entry {
	struct strmap_entry *next;
	void *val;
	char key[];
};

struct xsd_strmap {
	struct strmap_entry **buckets;
	size_t nbuckets;  /* power of two */
	size_t count;
};

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;  /* FNV-1a */

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ull;
	}
	return (size_t)h;
}

struct xsd_strmap *xsd_strmap_new(void)
{
	struct xsd_strmap *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->nbuckets = 16;
	m->buckets = calloc(m->nbuckets, sizeof(*m->buckets));
	if (!m->buckets) {
		free(m);
		return NULL;
	}
	return m;
}

void xsd_strmap_free(struct xsd_strmap *m, void (*free_val)(void *val))
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			next = e->next;
			if (free_val)
				free_val(e->val);
			free(e);
		}
	}
	free(m->buckets);
	free(m);
}

static struct strmap_entry **find_slot(const struct xsd_strmap *m,
				       const char *key)
{
	struct strmap_entry **pp = &m->buckets[hash_str(key) & (m->nbuckets - 1)];

	while (*pp && strcmp((*pp)->key, key) != 0)
		pp = &(*pp)->next;
	return pp;
}

bool xsd_strmap_get(const struct xsd_strmap *m, const char *key, void **val)
{
	struct strmap_entry *e = *find_slot(m, key);

	if (!e)
		return false;
	if (val)
		*val = e->val;
	return true;
}

/* Doubles the bucket array; on allocation failure the map stays as is. */
static void grow(struct xsd_strmap *m)
{
	size_t n = m->nbuckets * 2, i;
	struct strmap_entry **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return;
	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry *e = m->buckets[i], *next;

		for (; e; e = next) {
			size_t b = hash_str(e->key) & (n - 1);

			next = e->next;
			e->next = nb[b];
			nb[b] = e;
		}
	}
	free(m->buckets);
	m->buckets = nb;
	m->nbuckets = n;
}

int xsd_strmap_put(struct xsd_strmap *m, const char *key, void *val,
		   void **old, bool *had)
{
	struct strmap_entry **pp = find_slot(m, key), *e;
	size_t klen;

	if (*pp) {
		if (old)
			*old = (*pp)->val;
		if (had)
			*had = true;
		(*pp)->val = val;
		return 0;
	}
	klen = strlen(key);
	e = malloc(sizeof(*e) + klen + 1);
	if (!e)
		return -ENOMEM;
	memcpy(e->key, key, klen + 1);
	e->val = val;
	e->next = NULL;
	*pp = e;
	m->count++;
	if (had)
		*had = false;
	if (m->count > m->nbuckets * 2)
		grow(m);
	return 0;
}

bool xsd_strmap_del(struct xsd_strmap *m, const char *key, void **val)
{
	struct strmap_entry **pp = find_slot(m, key), *e = *pp;

	if (!e)
		return false;
	*pp = e->next;
	if (val)
		*val = e->val;
	free(e);
	m->count--;
	return true;
}

size_t xsd_strmap_count(const struct xsd_strmap *m)
{
	return m->count;
}

int xsd_strmap_foreach(const struct xsd_strmap *m,
		       int (*fn)(const char *key, void *val, void *ctx),
		       void *ctx)
{
	size_t i;
	int rc;

	for (i = 0; i < m->nbuckets; i++) {
		struct strmap_entry *e;

		for (e = m->buckets[i]; e; e = e->next) {
			rc = fn(e->key, e->val, ctx);
			if (rc)
				return rc;
		}
	}
	return 0;
}
