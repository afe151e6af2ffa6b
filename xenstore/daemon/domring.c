/* Guest store rings behind INTRODUCE.  See domring.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "domring.h"
#include "ring.h"

#define DOMRING_EVENTS_MAX 256u   /* ports handled per xsd_domrings_events() */
#define DOMRING_DOMAINS_MAX 1024u /* domains looked at per check            */

struct domring {
	struct domring *next;
	struct xsd_domrings *dr;
	uint32_t domid;
	uint32_t local_port;
	struct keel_xs_ring *page;
	struct xsd_conn *conn;
};

struct xsd_domrings {
	struct xsd *x;
	const struct xsd_domring_ops *ops;
	void *ctx;
	const struct xs_logger *log;
	struct domring *rings;
};

static struct domring *find_port(struct xsd_domrings *dr, uint32_t port)
{
	struct domring *r;

	for (r = dr->rings; r; r = r->next)
		if (r->local_port == port)
			return r;
	return NULL;
}

/* The ring transport's event channel: one port of the shared device. */
static void ev_notify(void *ctx)
{
	struct domring *r = ctx;
	int rc = r->dr->ops->notify(r->dr->ctx, r->local_port);

	if (rc)
		xs_log(r->dr->log, XS_LOG_WARN, "dom%u: notify port %u: %s",
		       r->domid, r->local_port, strerror(-rc));
}

static int ev_fd(void *ctx)
{
	return -1;   /* the loop polls the shared descriptor instead */
}

static void ev_ack(void *ctx)
{
}

/* The connection is gone: undo the hook's work, in reverse. */
static void ev_close(void *ctx)
{
	struct domring *r = ctx, **pp;
	struct xsd_domrings *dr = r->dr;

	for (pp = &dr->rings; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	dr->ops->unbind(dr->ctx, r->local_port);
	dr->ops->unmap(dr->ctx, r->page);
	xs_log(dr->log, XS_LOG_INFO, "dom%u: store ring closed (port %u)",
	       r->domid, r->local_port);
	free(r);
}

static const struct xsd_evtchn_ops domring_ev_ops = {
	.notify = ev_notify,
	.fd = ev_fd,
	.ack = ev_ack,
	.close = ev_close,
};

static int hook_introduce(void *ctx, struct xsd *x, uint32_t domid,
			  uint64_t gfn, uint32_t port)
{
	struct xsd_domrings *dr = ctx;
	struct domring *r;
	void *page;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	rc = dr->ops->map(dr->ctx, domid, gfn, &page);
	if (rc) {
		xs_log(dr->log, XS_LOG_WARN,
		       "dom%u: cannot map store page gfn %llu: %s", domid,
		       (unsigned long long)gfn, strerror(-rc));
		goto err_free;
	}
	rc = dr->ops->bind(dr->ctx, domid, port);
	if (rc <= 0) {
		rc = rc ? rc : -EINVAL;
		xs_log(dr->log, XS_LOG_WARN,
		       "dom%u: cannot bind store port %u: %s", domid, port,
		       strerror(-rc));
		goto err_unmap;
	}
	r->dr = dr;
	r->domid = domid;
	r->local_port = (uint32_t)rc;
	r->page = page;
	rc = xsd_ring_attach(x, domid, page, &domring_ev_ops, r, &r->conn);
	if (rc)
		goto err_unbind;
	r->next = dr->rings;
	dr->rings = r;
	xs_log(dr->log, XS_LOG_INFO,
	       "dom%u: store ring gfn %llu, port %u -> local port %u", domid,
	       (unsigned long long)gfn, port, r->local_port);
	/* Requests written before we were bound raised no event that
	 * reached us: xsd_domrings_resume() reads them. */
	return 0;

err_unbind:
	dr->ops->unbind(dr->ctx, r->local_port);
err_unmap:
	dr->ops->unmap(dr->ctx, page);
err_free:
	free(r);
	return rc;
}

static void hook_release(void *ctx, struct xsd *x, uint32_t domid)
{
	/* The daemon marks the ring's connection dead; destroying it
	 * closes the channel (ev_close), which unbinds and unmaps. */
}

int xsd_domrings_open(struct xsd *x, const struct xsd_domring_ops *ops,
		      void *ctx, const struct xs_logger *log,
		      struct xsd_domrings **out)
{
	struct xsd_domrings *dr = calloc(1, sizeof(*dr));
	struct xsd_domain_hooks h;

	if (!dr)
		return -ENOMEM;
	dr->x = x;
	dr->ops = ops;
	dr->ctx = ctx;
	dr->log = log;
	h.introduce = hook_introduce;
	h.release = hook_release;
	h.ctx = dr;
	xsd_set_domain_hooks(x, &h);
	*out = dr;
	return 0;
}

void xsd_domrings_close(struct xsd_domrings *dr)
{
	struct domring *r, *next;

	if (!dr)
		return;
	/* Normally empty: xsd_close() destroyed the connections first. */
	for (r = dr->rings; r; r = next) {
		next = r->next;
		dr->ops->unbind(dr->ctx, r->local_port);
		dr->ops->unmap(dr->ctx, r->page);
		free(r);
	}
	free(dr);
}

int xsd_domrings_fd(const struct xsd_domrings *dr)
{
	return dr->ops->fd(dr->ctx);
}

/* Reads and answers what the ring holds. */
static void run_ring(struct domring *r)
{
	if (!r->conn || xsd_conn_is_dead(r->conn))
		return;
	xsd_conn_input(r->conn);
	if (!xsd_conn_is_dead(r->conn))
		xsd_conn_flush(r->conn);
}

void xsd_domrings_events(struct xsd_domrings *dr)
{
	struct domring *r;
	unsigned i;
	int port;

	for (i = 0; i < DOMRING_EVENTS_MAX; i++) {
		port = dr->ops->pending(dr->ctx);
		if (port == -EAGAIN)
			break;
		if (port == -EFBIG) {
			/* events were lost: look at every ring */
			xs_log(dr->log, XS_LOG_WARN,
			       "event channel overflow, polling every ring");
			for (r = dr->rings; r; r = r->next)
				run_ring(r);
			continue;
		}
		if (port <= 0) {
			xs_log(dr->log, XS_LOG_WARN,
			       "event channel read: %s",
			       strerror(port ? -port : EINVAL));
			break;
		}
		r = find_port(dr, (uint32_t)port);
		if (r)
			run_ring(r);
		else
			xs_log(dr->log, XS_LOG_DEBUG,
			       "event on unknown port %d", port);
		dr->ops->unmask(dr->ctx, (uint32_t)port);
	}
}

/* Whether the guest has written requests we have not read. */
static bool ring_has_input(const struct domring *r)
{
	uint32_t prod = __atomic_load_n(&r->page->req_prod, __ATOMIC_ACQUIRE);

	return prod != r->page->req_cons;
}

bool xsd_domrings_resume(struct xsd_domrings *dr)
{
	struct domring *r;
	bool again = false;

	for (r = dr->rings; r; r = r->next) {
		if (!r->conn || xsd_conn_is_dead(r->conn) ||
		    !xsd_conn_wants_input(r->conn) || !ring_has_input(r))
			continue;
		run_ring(r);
		if (r->conn && !xsd_conn_is_dead(r->conn) &&
		    xsd_conn_wants_input(r->conn) && ring_has_input(r))
			again = true;
	}
	return again;
}

unsigned xsd_domrings_check(struct xsd_domrings *dr)
{
	uint32_t ids[DOMRING_DOMAINS_MAX];
	unsigned i, n, gone = 0;

	if (!dr->ops->alive)
		return 0;
	n = xsd_domain_list(dr->x, ids, DOMRING_DOMAINS_MAX);
	for (i = 0; i < n; i++) {
		if (dr->ops->alive(dr->ctx, ids[i]) != 0)
			continue;
		xs_log(dr->log, XS_LOG_INFO,
		       "dom%u: domain is gone, releasing it", ids[i]);
		if (xsd_domain_release(dr->x, ids[i]) == 0)
			gone++;
	}
	return gone;
}

unsigned xsd_domrings_count(const struct xsd_domrings *dr)
{
	const struct domring *r;
	unsigned n = 0;

	for (r = dr->rings; r; r = r->next)
		n++;
	return n;
}
