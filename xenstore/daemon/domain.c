/*
 * The domain table and the requests about domains: INTRODUCE, RELEASE,
 * IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH, RESUME, SET_TARGET.  All but
 * GET_DOMAIN_PATH need a privileged caller.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "restore.h"
#include "xsd_int.h"

#define XSD_DOMID_FIRST_RESERVED 0x7ff0u

static const char ok[] = "OK";

int xsd_parse_domid(const char *s, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v >= XSD_DOMID_FIRST_RESERVED)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

struct xsd_domain *xsd_domain_find(struct xsd *x, uint32_t domid)
{
	struct xsd_domain *d;

	for (d = x->domains; d; d = d->next)
		if (d->domid == domid)
			return d;
	return NULL;
}

void xsd_domain_free_all(struct xsd *x)
{
	struct xsd_domain *d, *next;

	for (d = x->domains; d; d = next) {
		next = d->next;
		free(d);
	}
	x->domains = NULL;
}

static void reply_ok(struct xsd_conn *c, const struct keel_xs_msg_hdr *h)
{
	xsd_conn_send(c, h->type, h->req_id, h->tx_id, ok, sizeof(ok));
}

static void fire_special(struct xsd *x, const char *name)
{
	struct xsd_event_list evs;

	xsd_event_list_init(&evs);
	if (xsd_event_add(&evs, name, false, NULL, 0) == 0)
		xsd_fire(x, &evs);
}

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return (errno || *end) ? -EINVAL : 0;
}

int xsd_op_introduce(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		     const char *const *args, unsigned nargs)
{
	struct xsd *x = c->x;
	struct xsd_domain *d;
	uint32_t domid;
	uint64_t gfn, port;
	int rc;

	if (nargs < 3 || xsd_parse_domid(args[0], &domid) ||
	    parse_u64(args[1], &gfn) || parse_u64(args[2], &port) ||
	    port > UINT32_MAX || domid == 0)
		return -EINVAL;
	d = xsd_domain_find(x, domid);
	if (d) {
		/* re-introducing the same page is harmless (a toolstack retry) */
		if (d->gfn != gfn || d->port != port)
			return -EEXIST;
		reply_ok(c, h);
		return 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = domid;
	d->gfn = gfn;
	d->port = (uint32_t)port;
	d->next = x->domains;
	x->domains = d;
	if (x->hooks.introduce) {
		rc = x->hooks.introduce(x->hooks.ctx, x, domid, gfn, d->port);
		if (rc) {
			x->domains = d->next;
			free(d);
			return rc;
		}
	}
	xsd_persist_domain(x, d);
	xs_log(x->log, XS_LOG_INFO, "introduced domain %u", domid);
	reply_ok(c, h);
	fire_special(x, KEEL_XS_SPECIAL_INTRODUCE);
	return 0;
}

/* Takes @d out of the table and tells the hook; its ring connection (if
 * not @caller) is marked dead for the event loop to destroy. */
static void domain_remove(struct xsd *x, struct xsd_domain **pp,
			  struct xsd_conn *caller)
{
	struct xsd_domain *d = *pp;

	*pp = d->next;
	xsd_unpersist_domain(x, d->domid);
	if (x->hooks.release)
		x->hooks.release(x->hooks.ctx, x, d->domid);
	if (d->conn && d->conn != caller)
		d->conn->dead = true;  /* destroyed by the event loop */
	xs_log(x->log, XS_LOG_INFO, "released domain %u", d->domid);
	free(d);
}

static struct xsd_domain **domain_link(struct xsd *x, uint32_t domid)
{
	struct xsd_domain **pp, *d;

	for (pp = &x->domains; (d = *pp); pp = &d->next)
		if (d->domid == domid)
			return pp;
	return NULL;
}

int xsd_domain_release(struct xsd *x, uint32_t domid)
{
	struct xsd_domain **pp = domain_link(x, domid);

	if (!pp)
		return -ENOENT;
	domain_remove(x, pp, NULL);
	fire_special(x, KEEL_XS_SPECIAL_RELEASE);
	return 0;
}

unsigned xsd_domain_list(struct xsd *x, uint32_t *ids, unsigned max)
{
	struct xsd_domain *d;
	unsigned n = 0;

	for (d = x->domains; d && n < max; d = d->next)
		ids[n++] = d->domid;
	return n;
}

int xsd_op_release(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		   const char *const *args, unsigned nargs)
{
	struct xsd *x = c->x;
	struct xsd_domain **pp;
	uint32_t domid;

	if (nargs < 1 || xsd_parse_domid(args[0], &domid))
		return -EINVAL;
	pp = domain_link(x, domid);
	if (!pp)
		return -ENOENT;
	domain_remove(x, pp, c);
	reply_ok(c, h);
	fire_special(x, KEEL_XS_SPECIAL_RELEASE);
	return 0;
}

int xsd_op_is_introduced(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			 const char *const *args, unsigned nargs)
{
	uint32_t domid;
	const char *ans;

	if (nargs < 1 || xsd_parse_domid(args[0], &domid))
		return -EINVAL;
	ans = (domid == 0 || xsd_domain_find(c->x, domid)) ? "T" : "F";
	xsd_conn_send(c, h->type, h->req_id, h->tx_id, ans, 2);
	return 0;
}

int xsd_op_get_domain_path(struct xsd_conn *c,
			   const struct keel_xs_msg_hdr *h,
			   const char *const *args, unsigned nargs)
{
	char home[40];
	uint32_t domid;

	if (nargs < 1 || xsd_parse_domid(args[0], &domid))
		return -EINVAL;
	xsd_path_home(domid, home, sizeof(home));
	xsd_conn_send(c, h->type, h->req_id, h->tx_id, home, strlen(home) + 1);
	return 0;
}

int xsd_op_resume(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		  const char *const *args, unsigned nargs)
{
	uint32_t domid;

	if (nargs < 1 || xsd_parse_domid(args[0], &domid))
		return -EINVAL;
	if (!xsd_domain_find(c->x, domid))
		return -ENOENT;
	reply_ok(c, h);
	return 0;
}

int xsd_op_set_target(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		      const char *const *args, unsigned nargs)
{
	struct xsd_domain *d;
	uint32_t domid, target;

	if (nargs < 2 || xsd_parse_domid(args[0], &domid) ||
	    xsd_parse_domid(args[1], &target))
		return -EINVAL;
	d = xsd_domain_find(c->x, domid);
	if (!d || !xsd_domain_find(c->x, target))
		return -ENOENT;
	d->has_target = true;
	d->target = target;
	xsd_persist_domain(c->x, d);
	reply_ok(c, h);
	return 0;
}
