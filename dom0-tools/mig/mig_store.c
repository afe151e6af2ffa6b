/* The store subtree of a migrating guest (mig_store.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mig_store.h"

#define MAX_DEPTH 16

void mig_kvs_free(struct mig_kvs *k)
{
	for (size_t i = 0; i < k->n; i++) {
		free(k->v[i].key);
		free(k->v[i].val);
	}
	free(k->v);
	memset(k, 0, sizeof(*k));
}

int mig_kvs_add(struct mig_kvs *k, const char *key, const char *val)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 32;
		struct mig_kv *v = realloc(k->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		k->v = v;
		k->cap = cap;
	}
	k->v[k->n].key = strdup(key);
	k->v[k->n].val = strdup(val);
	if (!k->v[k->n].key || !k->v[k->n].val) {
		free(k->v[k->n].key);
		free(k->v[k->n].val);
		return -ENOMEM;
	}
	k->n++;
	return 0;
}

const char *mig_kvs_get(const struct mig_kvs *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].key, key))
			return k->v[i].val;
	return NULL;
}

/* Adds path (the store's) as prefix + rel, then its children. */
static int walk(struct keel_store *st, const char *path, const char *prefix,
		const char *rel, struct mig_kvs *out, int depth)
{
	char *names = NULL, *val = NULL;
	size_t len = 0;
	int rc;

	if (depth > MAX_DEPTH)
		return -ELOOP;
	if (*rel) {
		char key[512];

		rc = st->ops->read(st->ctx, path, &val);
		if (rc == -ENOENT)
			return 0;       /* removed meanwhile */
		if (rc)
			return rc;
		snprintf(key, sizeof(key), "%s%s", prefix, rel);
		rc = mig_kvs_add(out, key, val);
		free(val);
		if (rc)
			return rc;
	}
	rc = st->ops->directory(st->ctx, path, &names, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	for (char *p = names; p < names + len && !rc; p += strlen(p) + 1) {
		char cpath[512], crel[512];

		if (!*p)
			continue;
		snprintf(cpath, sizeof(cpath), "%s/%s", path, p);
		snprintf(crel, sizeof(crel), "%s%s%s", rel, *rel ? "/" : "", p);
		rc = walk(st, cpath, prefix, crel, out, depth + 1);
	}
	free(names);
	return rc;
}

int mig_store_collect(struct keel_store *st, uint16_t domid, struct mig_kvs *out)
{
	char path[64];
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	rc = walk(st, path, "L/", "", out, 0);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "/vm/%u", domid);
	return walk(st, path, "V/", "", out, 0);
}

int mig_store_encode(const struct mig_kvs *k, void **body, uint32_t *len)
{
	size_t total = 8;
	uint8_t *b, *p;
	uint32_t n = (uint32_t)k->n, z = 0;

	for (size_t i = 0; i < k->n; i++)
		total += 8 + strlen(k->v[i].key) + strlen(k->v[i].val);
	b = malloc(total);
	if (!b)
		return -ENOMEM;
	memcpy(b, &n, 4);
	memcpy(b + 4, &z, 4);
	p = b + 8;
	for (size_t i = 0; i < k->n; i++) {
		uint16_t kl = (uint16_t)strlen(k->v[i].key), zero = 0;
		uint32_t vl = (uint32_t)strlen(k->v[i].val);

		memcpy(p, &kl, 2);
		memcpy(p + 2, &zero, 2);
		memcpy(p + 4, &vl, 4);
		memcpy(p + 8, k->v[i].key, kl);
		memcpy(p + 8 + kl, k->v[i].val, vl);
		p += 8 + kl + vl;
	}
	*body = b;
	*len = (uint32_t)total;
	return 0;
}

int mig_store_decode(const void *body, uint32_t len, struct mig_kvs *out)
{
	const uint8_t *b = body, *p, *end = b + len;
	uint32_t n, z;

	if (len < 8)
		return -EBADMSG;
	memcpy(&n, b, 4);
	memcpy(&z, b + 4, 4);
	if (z)
		return -EBADMSG;
	p = b + 8;
	for (uint32_t i = 0; i < n; i++) {
		uint16_t kl, pad;
		uint32_t vl;
		char key[512], *val;
		int rc;

		if (end - p < 8)
			return -EBADMSG;
		memcpy(&kl, p, 2);
		memcpy(&pad, p + 2, 2);
		memcpy(&vl, p + 4, 4);
		p += 8;
		if (pad || kl < 3 || kl >= sizeof(key) || vl > 4096 ||
		    (size_t)(end - p) < (size_t)kl + vl)
			return -EBADMSG;
		memcpy(key, p, kl);
		key[kl] = '\0';
		if ((key[0] != 'L' && key[0] != 'V') || key[1] != '/' ||
		    strlen(key) != kl || strstr(key, "..") || strstr(key, "//"))
			return -EBADMSG;
		val = strndup((const char *)p + kl, vl);
		if (!val)
			return -ENOMEM;
		if (strlen(val) != vl) {
			free(val);
			return -EBADMSG;
		}
		rc = mig_kvs_add(out, key, val);
		free(val);
		if (rc)
			return rc;
		p += kl + vl;
	}
	return p == end ? 0 : -EBADMSG;
}

/* Keys keel_dom_store_write writes itself (or that must not come back). */
static int regenerated(const char *key)
{
	static const char *const own[] = {
		"L/name", "L/domid", "L/vm", "L/memory/target",
		"L/memory/static-max", "L/console/ring-ref", "L/console/port",
		"L/store/ring-ref", "L/store/port", "L/control/shutdown",
		"V/name", "V/on_poweroff", "V/on_reboot", "V/on_crash",
		"V/config-path",
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(key, own[i]))
			return 1;
	return !strcmp(key, "L/device") || !strncmp(key, "L/device/", 9);
}

static int get_u64(const struct mig_kvs *k, const char *key, uint64_t *v)
{
	const char *s = mig_kvs_get(k, key);
	char *end;

	if (!s || !*s)
		return -EBADMSG;
	*v = strtoull(s, &end, 10);
	return *end ? -EBADMSG : 0;
}

int mig_store_restore(struct keel_store *st, uint16_t domid,
		      const struct mig_kvs *k, char *err, size_t errlen)
{
	struct keel_dom_store_info si;
	uint64_t mem, maxmem, cgfn, cport, sgfn, sport;
	const char *name = mig_kvs_get(k, "L/name");
	int rc;

	if (!name || get_u64(k, "L/memory/target", &mem) ||
	    get_u64(k, "L/memory/static-max", &maxmem) ||
	    get_u64(k, "L/console/ring-ref", &cgfn) ||
	    get_u64(k, "L/console/port", &cport) ||
	    get_u64(k, "L/store/ring-ref", &sgfn) ||
	    get_u64(k, "L/store/port", &sport) ||
	    cport > UINT32_MAX || sport > UINT32_MAX ||
	    mem > UINT32_MAX || maxmem > UINT32_MAX) {
		snprintf(err, errlen, "the stream's store keys lack the domain's own (name, memory, console, store)");
		return -EBADMSG;
	}
	rc = st->ops->introduce(st->ctx, domid, sgfn, (uint32_t)sport);
	if (rc) {
		snprintf(err, errlen, "the store refused to introduce it: %s", strerror(-rc));
		return rc;
	}
	memset(&si, 0, sizeof(si));
	si.domid = domid;
	si.name = name;
	si.memory_kib = (uint32_t)mem;
	si.maxmem_kib = (uint32_t)maxmem;
	si.console_gfn = cgfn;
	si.store_gfn = sgfn;
	si.console_port = (uint32_t)cport;
	si.store_port = (uint32_t)sport;
	si.on_poweroff = mig_kvs_get(k, "V/on_poweroff") ?: "destroy";
	si.on_reboot = mig_kvs_get(k, "V/on_reboot") ?: "restart";
	si.on_crash = mig_kvs_get(k, "V/on_crash") ?: "destroy";
	si.config_path = mig_kvs_get(k, "V/config-path") ?: "";
	rc = keel_dom_store_write(st, &si);
	if (rc) {
		snprintf(err, errlen, "cannot write its store keys: %s", strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < k->n; i++) {
		const char *key = k->v[i].key;
		char path[600];

		if (regenerated(key))
			continue;
		snprintf(path, sizeof(path), key[0] == 'L' ? "/local/domain/%u/%s" :
			 "/vm/%u/%s", domid, key + 2);
		rc = st->ops->write(st->ctx, path, k->v[i].val);
		if (rc) {
			snprintf(err, errlen, "cannot write %s: %s", path, strerror(-rc));
			return rc;
		}
	}
	return 0;
}
