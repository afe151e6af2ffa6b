/*
 * Surviving a restart with guests connected: the introduced domains and
 * the watches of their ring connections are kept in the database with the
 * tree (as metadata keys, so they share its durability), and a restarted
 * daemon re-introduces the domains through the domain hook -- mapping the
 * ring page again and binding a new local port to the guest's port, which
 * the hypervisor put back to "unbound" when the old daemon's port closed --
 * and re-adds their watches without firing them.
 *
 * Keys:  "#dom/<domid>"                  = "<gfn> <port> [<target>]"
 *        "#watch/<domid>/<path>\n<token>" = "abs" | "rel"
 * (a node path never holds '\n', so the first one splits path and token).
 *
 * Socket clients (dom0's tools and daemons) reconnect by themselves
 * (libkxs); their watches are theirs to register again.  Transactions die
 * with the daemon: a restored connection answers a transaction id from
 * before the restart with EAGAIN, so the guest retries it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restore.h"
#include "xsd_int.h"

#define DOM_PREFIX "#dom/"
#define WATCH_PREFIX "#watch/"

static int dom_key(uint32_t domid, char *buf, size_t size)
{
	return snprintf(buf, size, DOM_PREFIX "%u", domid);
}

void xsd_persist_domain(struct xsd *x, const struct xsd_domain *d)
{
	char key[32], val[80];
	int rc;

	dom_key(d->domid, key, sizeof(key));
	if (d->has_target)
		snprintf(val, sizeof(val), "%" PRIu64 " %u %u", d->gfn,
			 d->port, d->target);
	else
		snprintf(val, sizeof(val), "%" PRIu64 " %u", d->gfn, d->port);
	rc = xsd_store_meta_put(x->st, key, val);
	if (rc)
		xs_log(x->log, XS_LOG_WARN,
		       "dom%u: cannot record it for a restart: %s", d->domid,
		       strerror(-rc));
}

/* Collects keys with a prefix (the store cannot change while iterated). */
struct key_list {
	char **v;
	size_t n, cap;
};

static int collect_key(const char *key, const char *val, void *ctx)
{
	struct key_list *kl = ctx;

	if (kl->n == kl->cap) {
		size_t cap = kl->cap ? kl->cap * 2 : 16;
		char **nv = realloc(kl->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		kl->v = nv;
		kl->cap = cap;
	}
	kl->v[kl->n] = strdup(key);
	if (!kl->v[kl->n])
		return -ENOMEM;
	kl->n++;
	return 0;
}

static void key_list_free(struct key_list *kl)
{
	size_t i;

	for (i = 0; i < kl->n; i++)
		free(kl->v[i]);
	free(kl->v);
}

/* Removes every key starting with @prefix. */
static void meta_del_prefix(struct xsd *x, const char *prefix)
{
	struct key_list kl = { 0 };
	size_t i;

	xsd_store_meta_each(x->st, prefix, collect_key, &kl);
	for (i = 0; i < kl.n; i++)
		xsd_store_meta_del(x->st, kl.v[i]);
	key_list_free(&kl);
}

void xsd_unpersist_domain(struct xsd *x, uint32_t domid)
{
	char key[40];

	dom_key(domid, key, sizeof(key));
	xsd_store_meta_del(x->st, key);
	snprintf(key, sizeof(key), WATCH_PREFIX "%u/", domid);
	meta_del_prefix(x, key);
}

/* The domain whose ring connection @c is, or NULL (socket clients). */
static const struct xsd_domain *ring_domain(const struct xsd_conn *c)
{
	const struct xsd_domain *d;

	if (c->priv)
		return NULL;
	d = xsd_domain_find(c->x, c->domid);
	return d && d->conn == c ? d : NULL;
}

static char *watch_key(uint32_t domid, const char *path, const char *token)
{
	size_t len = strlen(WATCH_PREFIX) + 12 + strlen(path) + strlen(token) + 2;
	char *key = malloc(len);

	if (key)
		snprintf(key, len, WATCH_PREFIX "%u/%s\n%s", domid, path, token);
	return key;
}

void xsd_persist_watch(struct xsd_conn *c, const struct xsd_watch *w)
{
	const struct xsd_domain *d = ring_domain(c);
	char *key;

	if (!d)
		return;
	key = watch_key(d->domid, w->path, w->token);
	if (!key || xsd_store_meta_put(c->x->st, key, w->relative ? "rel" : "abs"))
		xs_log(c->x->log, XS_LOG_WARN,
		       "dom%u: cannot record watch %s for a restart", d->domid,
		       w->path);
	free(key);
}

void xsd_unpersist_watch(struct xsd_conn *c, const char *path,
			 const char *token)
{
	const struct xsd_domain *d = ring_domain(c);
	char *key;

	if (!d)
		return;
	key = watch_key(d->domid, path, token);
	if (key)
		xsd_store_meta_del(c->x->st, key);
	free(key);
}

void xsd_unpersist_watches(struct xsd_conn *c)
{
	const struct xsd_domain *d = ring_domain(c);
	char prefix[40];

	if (!d)
		return;
	snprintf(prefix, sizeof(prefix), WATCH_PREFIX "%u/", d->domid);
	meta_del_prefix(c->x, prefix);
}

/* ---- at start ------------------------------------------------------- */

struct restore_ctx {
	struct xsd *x;
	unsigned domains, failed, watches;
};

/* Re-introduces one recorded domain (no @introduceDomain: nothing new
 * happened for the watchers). */
static int restore_domain(struct restore_ctx *rc_, const char *key,
			  const char *val)
{
	struct xsd *x = rc_->x;
	struct xsd_domain *d;
	unsigned long long gfn;
	unsigned port, target;
	uint32_t domid;
	int n, rc;

	if (xsd_parse_domid(key + strlen(DOM_PREFIX), &domid))
		return -EINVAL;
	n = sscanf(val, "%llu %u %u", &gfn, &port, &target);
	if (n < 2 || xsd_domain_find(x, domid))
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->gfn = gfn;
	d->port = port;
	d->has_target = n == 3;
	d->target = n == 3 ? target : 0;
	d->next = x->domains;
	x->domains = d;
	if (x->hooks.introduce) {
		rc = x->hooks.introduce(x->hooks.ctx, x, domid, gfn, port);
		if (rc) {
			x->domains = d->next;
			free(d);
			return rc;
		}
	}
	if (d->conn) {
		d->conn->restored = true;
		d->conn->next_txid = XSD_TXID_AFTER_RESTART;
	}
	return 0;
}

static int restore_watch(struct restore_ctx *rx, const char *key,
			 const char *val)
{
	const char *p = key + strlen(WATCH_PREFIX), *nl;
	struct xsd_domain *d;
	uint32_t domid;
	char *path;
	int rc;

	domid = (uint32_t)strtoul(p, (char **)&p, 10);
	if (*p != '/')
		return -EINVAL;
	p++;
	nl = strchr(p, '\n');
	d = xsd_domain_find(rx->x, domid);
	if (!nl || !d || !d->conn)
		return -ENOENT;
	path = strndup(p, (size_t)(nl - p));
	if (!path)
		return -ENOMEM;
	rc = xsd_watch_add(&d->conn->watches, path, nl + 1,
			   strcmp(val, "rel") == 0);
	free(path);
	return rc;
}

struct kv_list {
	struct key_list keys;
	struct key_list vals;
};

static int collect_kv(const char *key, const char *val, void *ctx)
{
	struct kv_list *kv = ctx;
	int rc = collect_key(key, NULL, &kv->keys);

	if (rc == 0)
		rc = collect_key(val, NULL, &kv->vals);
	return rc;
}

int xsd_restore(struct xsd *x)
{
	struct restore_ctx rx = { x, 0, 0, 0 };
	struct kv_list kv = { { 0 }, { 0 } };
	size_t i;
	int rc;

	rc = xsd_store_meta_each(x->st, DOM_PREFIX, collect_kv, &kv);
	for (i = 0; rc == 0 && i < kv.keys.n; i++) {
		uint32_t domid = (uint32_t)strtoul(kv.keys.v[i] +
						   strlen(DOM_PREFIX), NULL, 10);
		int drc = restore_domain(&rx, kv.keys.v[i], kv.vals.v[i]);

		if (drc == 0) {
			rx.domains++;
			xs_log(x->log, XS_LOG_INFO,
			       "dom%u: reconnected after the restart", domid);
			continue;
		}
		/* gone while we were away: forget it and its watches */
		rx.failed++;
		xs_log(x->log, XS_LOG_WARN,
		       "dom%u: recorded but cannot be reconnected (%s): forgotten",
		       domid, strerror(-drc));
		xsd_unpersist_domain(x, domid);
	}
	key_list_free(&kv.keys);
	key_list_free(&kv.vals);
	memset(&kv, 0, sizeof(kv));
	if (rc == 0)
		rc = xsd_store_meta_each(x->st, WATCH_PREFIX, collect_kv, &kv);
	for (i = 0; rc == 0 && i < kv.keys.n; i++) {
		if (restore_watch(&rx, kv.keys.v[i], kv.vals.v[i]) == 0)
			rx.watches++;
		else
			xsd_store_meta_del(x->st, kv.keys.v[i]);
	}
	key_list_free(&kv.keys);
	key_list_free(&kv.vals);
	if (rx.domains || rx.failed)
		xs_log(x->log, XS_LOG_INFO,
		       "restart: %u domains reconnected (%u watches), %u forgotten",
		       rx.domains, rx.watches, rx.failed);
	return rc ? rc : (int)rx.domains;
}
