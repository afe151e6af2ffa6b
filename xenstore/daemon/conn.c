/*
 * Connections: assembling requests from a transport, queueing replies and
 * events, and tearing a client down.  See xsd.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xs_errno.h"
#include "xsd_int.h"

#define XSD_OUT_MAX_DEFAULT (16u << 20)
#define XSD_INPUT_BATCH     64u   /* requests handled per xsd_conn_input() */

int xsd_conn_new(struct xsd *x, const struct xsd_transport_ops *ops,
		 void *ctx, uint32_t domid, bool priv, struct xsd_conn **out)
{
	struct xsd_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->x = x;
	c->ops = ops;
	c->ctx = ctx;
	c->domid = domid;
	c->priv = priv;
	c->out_tail = &c->out_head;
	c->next_txid = 1;
	if (!priv) {
		struct xsd_domain *d = xsd_domain_find(x, domid);

		if (d && !d->conn)
			d->conn = c;
	}
	c->next = x->conns;
	if (x->conns)
		x->conns->prev = c;
	x->conns = c;
	*out = c;
	return 0;
}

static void drop_txns(struct xsd_conn *c)
{
	struct xsd_conn_txn *ct, *next;

	for (ct = c->txns; ct; ct = next) {
		next = ct->next;
		xsd_txn_free(ct->t);
		free(ct);
	}
	c->txns = NULL;
	c->ntxns = 0;
}

void xsd_conn_destroy(struct xsd_conn *c)
{
	struct xsd_outmsg *m, *next;
	struct xsd_domain *d;

	for (d = c->x->domains; d; d = d->next)
		if (d->conn == c)
			d->conn = NULL;
	if (c->prev)
		c->prev->next = c->next;
	else
		c->x->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	drop_txns(c);
	xsd_watch_clear(&c->watches);
	for (m = c->out_head; m; m = next) {
		next = m->next;
		free(m);
	}
	if (c->ops->close)
		c->ops->close(c->ctx);
	free(c);
}

void xsd_conn_who(const struct xsd_conn *c, struct xsd_who *who)
{
	const struct xsd_domain *d;

	who->domid = c->domid;
	who->priv = c->priv;
	who->has_target = false;
	who->target = 0;
	d = xsd_domain_find(c->x, c->domid);
	if (d && d->has_target) {
		who->has_target = true;
		who->target = d->target;
	}
}

void xsd_conn_send(struct xsd_conn *c, uint32_t type, uint32_t req_id,
		   uint32_t tx_id, const void *data, size_t len)
{
	struct keel_xs_msg_hdr h = { type, req_id, tx_id, (uint32_t)len };
	size_t max = c->x->cfg.out_max ? c->x->cfg.out_max : XSD_OUT_MAX_DEFAULT;
	struct xsd_outmsg *m;

	if (c->dead)
		return;
	if (len > KEEL_XS_PAYLOAD_MAX || c->out_bytes + len > max) {
		xs_log(c->x->log, XS_LOG_WARN,
		       "dom%u: output queue over its limit, disconnecting",
		       c->domid);
		c->dead = true;
		return;
	}
	m = malloc(sizeof(*m) + sizeof(h) + len);
	if (!m) {
		c->dead = true;
		return;
	}
	memcpy(m->data, &h, sizeof(h));
	if (len)
		memcpy(m->data + sizeof(h), data, len);
	m->len = sizeof(h) + len;
	m->off = 0;
	m->next = NULL;
	*c->out_tail = m;
	c->out_tail = &m->next;
	c->out_count++;
	c->out_bytes += m->len;
}

struct xsd_outmsg **xsd_conn_out_mark(struct xsd_conn *c)
{
	return c->out_tail;
}

void xsd_conn_out_rollback(struct xsd_conn *c, struct xsd_outmsg **mark)
{
	struct xsd_outmsg *m = *mark, *next;

	for (; m; m = next) {
		next = m->next;
		c->out_count--;
		c->out_bytes -= m->len;
		free(m);
	}
	*mark = NULL;
	c->out_tail = mark;
}

void xsd_conn_send_error(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			 int err)
{
	const char *name = xs_errno_name(err);

	xsd_conn_send(c, KEEL_XS_ERROR, h->req_id, h->tx_id, name,
		      strlen(name) + 1);
}

/* Validates a just-completed header: a payload the protocol cannot carry
 * means the stream cannot be trusted any more. */
static int check_header(struct xsd_conn *c, const struct keel_xs_msg_hdr *h)
{
	if (h->len > KEEL_XS_PAYLOAD_MAX) {
		xs_log(c->x->log, XS_LOG_WARN,
		       "dom%u: request of %u bytes, disconnecting", c->domid,
		       h->len);
		return -EPROTO;
	}
	return 0;
}

/* Up to @want bytes of input: from the read-ahead buffer of a socket, or
 * straight from a ring.  As the transport's read(). */
static ssize_t transport_read(struct xsd_conn *c, void *dst, size_t want)
{
	size_t avail = c->rbuf_len - c->rbuf_off;
	ssize_t n;

	if (!c->ops->poll_out)
		return c->ops->read(c->ctx, dst, want);
	if (!avail) {
		if (c->rbuf_drained)
			return 0;        /* poll() tells us when more comes */
		n = c->ops->read(c->ctx, c->rbuf, sizeof(c->rbuf));
		if (n <= 0)
			return n;
		c->rbuf_off = 0;
		c->rbuf_len = (size_t)n;
		c->rbuf_drained = (size_t)n < sizeof(c->rbuf);
		avail = (size_t)n;
	}
	if (want > avail)
		want = avail;
	memcpy(dst, c->rbuf + c->rbuf_off, want);
	c->rbuf_off += want;
	return (ssize_t)want;
}

/* Reads the next piece of the current message.  1: a message is
 * complete, 2: progress but not complete, 0: nothing to read now,
 * <0: connection broken. */
static int read_some(struct xsd_conn *c)
{
	const size_t hsz = sizeof(struct keel_xs_msg_hdr);
	struct keel_xs_msg_hdr h;
	size_t want;
	ssize_t n;
	void *dst;

	if (c->in_have < hsz) {
		dst = c->hdr_buf + c->in_have;
		want = hsz - c->in_have;
	} else {
		memcpy(&h, c->hdr_buf, hsz);
		dst = c->payload + (c->in_have - hsz);
		want = h.len - (c->in_have - hsz);
	}
	if (want) {
		n = transport_read(c, dst, want);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		c->in_have += (size_t)n;
	}
	if (c->in_have < hsz)
		return 2;
	memcpy(&h, c->hdr_buf, hsz);
	if (c->in_have == hsz && check_header(c, &h))
		return -EPROTO;
	return c->in_have == hsz + h.len ? 1 : 2;
}

int xsd_conn_input(struct xsd_conn *c)
{
	struct keel_xs_msg_hdr h;
	unsigned handled = 0;
	int rc = 0;

	c->rbuf_drained = false;   /* called because there may be more */
	while (!c->dead && xsd_conn_wants_input(c) &&
	       handled < XSD_INPUT_BATCH) {
		rc = read_some(c);
		if (rc == 2)
			continue;
		if (rc <= 0)
			break;
		memcpy(&h, c->hdr_buf, sizeof(h));
		c->payload[h.len] = '\0';
		c->in_have = 0;
		xsd_dispatch(c, &h, (char *)c->payload);
		handled++;
		rc = 0;
	}
	if (c->ops->kick)
		c->ops->kick(c->ctx);
	if (rc < 0)
		c->dead = true;
	return c->dead ? (rc < 0 ? rc : -EPIPE) : 0;
}

int xsd_conn_flush(struct xsd_conn *c)
{
	struct xsd_outmsg *m;
	bool wrote = false;
	ssize_t n;
	int rc = 0;

	/* Replies go out only once what they acknowledge is as durable as
	 * the mode promises (--sync: one fsync for every commit so far). */
	if (c->out_head)
		xsd_store_sync(c->x->st);
	while ((m = c->out_head)) {
		n = c->ops->write(c->ctx, m->data + m->off, m->len - m->off);
		if (n < 0) {
			rc = (int)n;
			c->dead = true;
			break;
		}
		if (n == 0)
			break;
		wrote = true;
		m->off += (size_t)n;
		if (m->off < m->len)
			continue;
		c->out_head = m->next;
		if (!c->out_head)
			c->out_tail = &c->out_head;
		c->out_count--;
		c->out_bytes -= m->len;
		free(m);
	}
	if (wrote && c->ops->kick)
		c->ops->kick(c->ctx);
	return rc;
}

bool xsd_conn_has_buffered_input(const struct xsd_conn *c)
{
	return c->rbuf_off < c->rbuf_len;
}

bool xsd_conn_wants_input(const struct xsd_conn *c)
{
	unsigned q = c->x->cfg.quota.outstanding;

	if (c->priv || q == 0)
		return !c->dead;
	return !c->dead && c->out_count < q;
}

bool xsd_conn_has_output(const struct xsd_conn *c)
{
	return c->out_head != NULL;
}

bool xsd_conn_is_dead(const struct xsd_conn *c)
{
	return c->dead;
}

int xsd_conn_fd(const struct xsd_conn *c)
{
	return c->ops->fd ? c->ops->fd(c->ctx) : -1;
}

bool xsd_conn_polls_out(const struct xsd_conn *c)
{
	return c->ops->poll_out;
}

void xsd_conn_ack(struct xsd_conn *c)
{
	if (c->ops->ack)
		c->ops->ack(c->ctx);
}

void *xsd_conn_transport(const struct xsd_conn *c)
{
	return c->ctx;
}

struct xsd_conn *xsd_conn_first(struct xsd *x)
{
	return x->conns;
}

struct xsd_conn *xsd_conn_next(struct xsd_conn *c)
{
	return c->next;
}
