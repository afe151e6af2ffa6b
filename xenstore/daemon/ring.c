/* Shared-page transport.  See ring.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

struct ring_ctx {
	volatile struct keel_xs_ring *intf;
	const struct xsd_evtchn_ops *ev;
	void *ev_ctx;
	bool moved;   /* an index moved since the last kick */
};

/* Loads an index the other side writes, once. */
static uint32_t load_idx(const volatile uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(volatile uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static int ring_broken(struct ring_ctx *r, uint32_t err)
{
	r->intf->error = err;
	return -EPROTO;
}

static ssize_t ring_read(void *ctx, void *buf, size_t len)
{
	struct ring_ctx *r = ctx;
	uint32_t cons = r->intf->req_cons;        /* ours */
	uint32_t prod = load_idx(&r->intf->req_prod);
	uint32_t avail = prod - cons, off, chunk;

	if (avail > KEEL_XS_RING_SIZE)
		return ring_broken(r, KEEL_XS_RING_ERR_RINGIDX);
	if (avail == 0)
		return 0;
	if (avail > len)
		avail = (uint32_t)len;
	off = KEEL_XS_RING_IDX(cons);
	chunk = KEEL_XS_RING_SIZE - off;
	if (chunk > avail)
		chunk = avail;
	memcpy(buf, (const char *)r->intf->req + off, chunk);
	memcpy((char *)buf + chunk, (const char *)r->intf->req, avail - chunk);
	store_idx(&r->intf->req_cons, cons + avail);
	r->moved = true;
	return avail;
}

static ssize_t ring_write(void *ctx, const void *buf, size_t len)
{
	struct ring_ctx *r = ctx;
	uint32_t prod = r->intf->rsp_prod;        /* ours */
	uint32_t cons = load_idx(&r->intf->rsp_cons);
	uint32_t used = prod - cons, space, off, chunk;

	if (used > KEEL_XS_RING_SIZE)
		return ring_broken(r, KEEL_XS_RING_ERR_RINGIDX);
	space = KEEL_XS_RING_SIZE - used;
	if (space == 0)
		return 0;
	if (space > len)
		space = (uint32_t)len;
	off = KEEL_XS_RING_IDX(prod);
	chunk = KEEL_XS_RING_SIZE - off;
	if (chunk > space)
		chunk = space;
	memcpy((char *)r->intf->rsp + off, buf, chunk);
	memcpy((char *)r->intf->rsp, (const char *)buf + chunk, space - chunk);
	store_idx(&r->intf->rsp_prod, prod + space);
	r->moved = true;
	return space;
}

static void ring_kick(void *ctx)
{
	struct ring_ctx *r = ctx;

	if (r->moved)
		r->ev->notify(r->ev_ctx);
	r->moved = false;
}

static void ring_close(void *ctx)
{
	struct ring_ctx *r = ctx;

	if (r->ev->close)
		r->ev->close(r->ev_ctx);
	free(r);
}

static int ring_fd(void *ctx)
{
	struct ring_ctx *r = ctx;

	return r->ev->fd(r->ev_ctx);
}

static void ring_ack(void *ctx)
{
	struct ring_ctx *r = ctx;

	r->ev->ack(r->ev_ctx);
}

static const struct xsd_transport_ops ring_ops = {
	.read = ring_read,
	.write = ring_write,
	.kick = ring_kick,
	.close = ring_close,
	.fd = ring_fd,
	.poll_out = false,
	.ack = ring_ack,
};

int xsd_ring_attach(struct xsd *x, uint32_t domid, struct keel_xs_ring *intf,
		    const struct xsd_evtchn_ops *ev, void *ev_ctx,
		    struct xsd_conn **out)
{
	struct ring_ctx *r = calloc(1, sizeof(*r));
	int rc;

	if (!r)
		return -ENOMEM;
	r->intf = intf;
	r->ev = ev;
	r->ev_ctx = ev_ctx;
	intf->server_features = KEEL_XS_FEATURE_ERROR;
	intf->error = KEEL_XS_RING_ERR_NONE;
	rc = xsd_conn_new(x, &ring_ops, r, domid, false, out);
	if (rc)
		free(r);
	return rc;
}
