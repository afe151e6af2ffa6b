/*
 * The daemon handle: opening and closing, and delivering watch events.
 * See xsd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "xsd_int.h"

void xsd_config_default(struct xsd_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->quota.nodes = XSD_QUOTA_DEFAULT_NODES;
	cfg->quota.entry_size = XSD_QUOTA_DEFAULT_ENTRY_SIZE;
	cfg->quota.watches = XSD_QUOTA_DEFAULT_WATCHES;
	cfg->quota.transactions = XSD_QUOTA_DEFAULT_TRANSACTIONS;
	cfg->quota.outstanding = XSD_QUOTA_DEFAULT_OUTSTANDING;
	cfg->quota.request_size = XSD_QUOTA_DEFAULT_REQUEST_SIZE;
}

int xsd_open(struct xsd_db *db, const struct xsd_config *cfg,
	     const struct xs_logger *log, struct xsd **out)
{
	struct xsd *x = calloc(1, sizeof(*x));
	int rc;

	if (!x) {
		db->ops->close(db);
		return -ENOMEM;
	}
	x->log = log;
	if (cfg)
		x->cfg = *cfg;
	else
		xsd_config_default(&x->cfg);
	rc = xsd_store_open(db, log, &x->st);
	if (rc) {
		free(x);
		return rc;
	}
	*out = x;
	return 0;
}

void xsd_close(struct xsd *x)
{
	if (!x)
		return;
	while (x->conns)
		xsd_conn_destroy(x->conns);
	xsd_domain_free_all(x);
	xsd_store_close(x->st);
	if (x->trace_file)
		fclose(x->trace_file);
	free(x);
}

void xsd_set_domain_hooks(struct xsd *x, const struct xsd_domain_hooks *h)
{
	x->hooks = *h;
}

/* Queues a WATCH_EVENT for @w about absolute @path. */
static void send_event(struct xsd_conn *c, const struct xsd_watch *w,
		       const char *path)
{
	char home[40], *buf;
	size_t hlen, plen, tlen = strlen(w->token) + 1;

	if (w->relative && path[0] == '/') {
		xsd_path_home(c->domid, home, sizeof(home));
		hlen = strlen(home);
		if (strncmp(path, home, hlen) == 0 && path[hlen] == '/')
			path += hlen + 1;
	}
	plen = strlen(path) + 1;
	if (plen + tlen > KEEL_XS_PAYLOAD_MAX) {
		/* a deep path plus a long token: cannot be sent, skip it */
		xs_log(c->x->log, XS_LOG_WARN,
		       "dom%u: watch event for %s too long, dropped", c->domid,
		       path);
		return;
	}
	buf = malloc(plen + tlen);
	if (!buf) {
		c->dead = true;
		return;
	}
	memcpy(buf, path, plen);
	memcpy(buf + plen, w->token, tlen);
	xsd_conn_send(c, KEEL_XS_WATCH_EVENT, 0, 0, buf, plen + tlen);
	free(buf);
}

/* May connection @c learn about the change @ev? */
static bool may_see(const struct xsd_conn *c, const struct xsd_event *ev)
{
	struct xsd_who who;

	if (!ev->perms)
		return true;
	xsd_conn_who(c, &who);
	return xsd_perm_access(&who, ev->perms, ev->nperms) & XSD_PERM_READ;
}

void xsd_fire(struct xsd *x, struct xsd_event_list *evs)
{
	const struct xsd_event *ev;
	struct xsd_conn *c;
	struct xsd_watch *w;
	const char *path;

	for (ev = evs->head; ev; ev = ev->next) {
		for (c = x->conns; c; c = c->next) {
			if (c->dead || !c->watches.head || !may_see(c, ev))
				continue;
			for (w = c->watches.head; w; w = w->next) {
				path = xsd_watch_match(w, ev);
				if (path)
					send_event(c, w, path);
			}
		}
	}
	xsd_event_list_clear(evs);
}

void xsd_fire_initial(struct xsd_conn *c, const struct xsd_watch *w)
{
	send_event(c, w, w->path);
}
