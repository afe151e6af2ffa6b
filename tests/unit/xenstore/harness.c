/* Test harness.  See harness.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "xs_errno.h"

#define TC_MAX 32
#define TC_BUF (1u << 20)

struct xsd *tx_x;
static struct tconn *conns[TC_MAX];
static unsigned nconns;

static ssize_t t_read(void *ctx, void *buf, size_t len)
{
	struct tconn *t = ctx;
	size_t n = t->in_len - t->in_off;

	if (n == 0)
		return t->gone ? -EPIPE : 0;
	if (n > len)
		n = len;
	memcpy(buf, t->in + t->in_off, n);
	t->in_off += n;
	return (ssize_t)n;
}

static ssize_t t_write(void *ctx, const void *buf, size_t len)
{
	struct tconn *t = ctx;

	if (t->write_cap && len > t->write_cap)
		len = t->write_cap;
	if (len > TC_BUF - t->out_len)
		len = TC_BUF - t->out_len;
	memcpy(t->out + t->out_len, buf, len);
	t->out_len += len;
	return (ssize_t)len;
}

static void t_close(void *ctx)
{
	struct tconn *t = ctx;

	t->closed = true;
	t->c = NULL;
}

static const struct xsd_transport_ops t_ops = {
	.read = t_read, .write = t_write, .close = t_close,
};

void xs_open_with(const struct xsd_config *cfg)
{
	struct xsd_db *db;

	ck_assert_int_eq(xsd_db_open_mem(&db), 0);
	ck_assert_int_eq(xsd_open(db, cfg, NULL, &tx_x), 0);
}

void xs_setup(void)
{
	xs_open_with(NULL);
}

void xs_teardown(void)
{
	unsigned i;

	xsd_close(tx_x);
	tx_x = NULL;
	for (i = 0; i < nconns; i++) {
		free(conns[i]->in);
		free(conns[i]->out);
		free(conns[i]);
	}
	nconns = 0;
}

struct tconn *tc_new(uint32_t domid, bool priv)
{
	struct tconn *t = calloc(1, sizeof(*t));

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_lt(nconns, TC_MAX);
	t->in = malloc(TC_BUF);
	t->out = malloc(TC_BUF);
	ck_assert_int_eq(xsd_conn_new(tx_x, &t_ops, t, domid, priv, &t->c), 0);
	conns[nconns++] = t;
	return t;
}

/* Splits @t's output into messages: events are queued, the first other
 * message goes to @r (if given).  Returns true if a reply was taken. */
static bool collect(struct tconn *t, struct trep *r)
{
	const size_t hsz = sizeof(struct keel_xs_msg_hdr);
	struct keel_xs_msg_hdr h;

	while (t->out_len - t->out_off >= hsz) {
		memcpy(&h, t->out + t->out_off, hsz);
		if (t->out_len - t->out_off < hsz + h.len)
			break;
		if (h.type == KEEL_XS_WATCH_EVENT) {
			if (t->nev < 64 && h.len < 256)
				memcpy(t->events[t->nev++],
				       t->out + t->out_off + hsz, h.len);
		} else if (r) {
			r->type = h.type;
			r->req_id = h.req_id;
			r->tx_id = h.tx_id;
			r->len = h.len;
			memcpy(r->data, t->out + t->out_off + hsz, h.len);
			r->data[h.len] = '\0';
			t->out_off += hsz + h.len;
			return true;
		}
		t->out_off += hsz + h.len;
	}
	return false;
}

void tc_pump(void)
{
	struct xsd_conn *c, *next;

	for (c = xsd_conn_first(tx_x); c; c = next) {
		next = xsd_conn_next(c);
		xsd_conn_flush(c);
		if (xsd_conn_is_dead(c))
			xsd_conn_destroy(c);
	}
}

void tc_push(struct tconn *t, const void *buf, size_t len)
{
	ck_assert_uint_le(t->in_len + len, TC_BUF);
	memcpy(t->in + t->in_len, buf, len);
	t->in_len += len;
	if (t->c)
		xsd_conn_input(t->c);
	tc_pump();
}

int tc_req(struct tconn *t, uint32_t type, uint32_t tx, const void *payload,
	   size_t len, struct trep *r)
{
	static uint32_t req_id = 100;
	struct keel_xs_msg_hdr h = { type, ++req_id, tx, (uint32_t)len };
	struct trep local;

	if (!r)
		r = &local;
	if (!t->c)
		return -EPIPE;
	tc_push(t, &h, sizeof(h));
	if (len)
		tc_push(t, payload, len);
	if (!collect(t, r))
		return t->c ? -ETIME : -EPIPE;
	ck_assert_uint_eq(r->req_id, h.req_id);
	ck_assert_uint_eq(r->tx_id, tx);
	if (r->type == KEEL_XS_ERROR)
		return -xs_errno_from_name(r->data);
	ck_assert_uint_eq(r->type, type);
	return 0;
}

/* "a b c" -> "a\0b\0c\0" */
static size_t build(const char *args, char *buf)
{
	size_t n = strlen(args), i;

	memcpy(buf, args, n + 1);
	for (i = 0; i < n; i++)
		if (buf[i] == ' ')
			buf[i] = '\0';
	return n + 1;
}

int tc_simple(struct tconn *t, uint32_t type, const char *args)
{
	char buf[KEEL_XS_PAYLOAD_MAX];

	return tc_req(t, type, 0, buf, build(args, buf), NULL);
}

int tc_read(struct tconn *t, uint32_t tx, const char *path, char *out)
{
	struct trep r;
	int rc = tc_req(t, KEEL_XS_READ, tx, path, strlen(path) + 1, &r);

	if (rc == 0 && out)
		memcpy(out, r.data, r.len + 1);
	return rc;
}

int tc_write(struct tconn *t, uint32_t tx, const char *path, const char *v)
{
	char buf[8192];
	size_t pl = strlen(path) + 1, vl = strlen(v);

	memcpy(buf, path, pl);
	memcpy(buf + pl, v, vl);
	return tc_req(t, KEEL_XS_WRITE, tx, buf, pl + vl, NULL);
}

int tc_mkdir(struct tconn *t, uint32_t tx, const char *path)
{
	return tc_req(t, KEEL_XS_MKDIR, tx, path, strlen(path) + 1, NULL);
}

int tc_rm(struct tconn *t, uint32_t tx, const char *path)
{
	return tc_req(t, KEEL_XS_RM, tx, path, strlen(path) + 1, NULL);
}

/* Children as "a,b,c" (in store order). */
int tc_dir(struct tconn *t, uint32_t tx, const char *path, char *out)
{
	struct trep r;
	int rc = tc_req(t, KEEL_XS_DIRECTORY, tx, path, strlen(path) + 1, &r);
	uint32_t i;

	if (rc || !out)
		return rc;
	for (i = 0; i < r.len; i++)
		out[i] = r.data[i] ? r.data[i] : ',';
	out[r.len ? r.len - 1 : 0] = '\0';
	return 0;
}

int tc_perms(struct tconn *t, const char *path, char *out)
{
	struct trep r;
	int rc = tc_req(t, KEEL_XS_GET_PERMS, 0, path, strlen(path) + 1, &r);
	uint32_t i;

	if (rc)
		return rc;
	for (i = 0; i < r.len; i++)
		out[i] = r.data[i] ? r.data[i] : ' ';
	out[r.len ? r.len - 1 : 0] = '\0';
	return 0;
}

int tc_setperms(struct tconn *t, uint32_t tx, const char *path,
		const char *perms)
{
	char args[1024], buf[KEEL_XS_PAYLOAD_MAX];

	snprintf(args, sizeof(args), "%s %s", path, perms);
	return tc_req(t, KEEL_XS_SET_PERMS, tx, buf, build(args, buf), NULL);
}

int tc_watch(struct tconn *t, const char *path, const char *token)
{
	char args[1024];

	snprintf(args, sizeof(args), "%s %s", path, token);
	return tc_simple(t, KEEL_XS_WATCH, args);
}

int tc_unwatch(struct tconn *t, const char *path, const char *token)
{
	char args[1024];

	snprintf(args, sizeof(args), "%s %s", path, token);
	return tc_simple(t, KEEL_XS_UNWATCH, args);
}

int tc_txstart(struct tconn *t, uint32_t *tx)
{
	struct trep r;
	int rc = tc_req(t, KEEL_XS_TRANSACTION_START, 0, "", 1, &r);

	if (rc == 0)
		*tx = (uint32_t)strtoul(r.data, NULL, 10);
	return rc;
}

int tc_txend(struct tconn *t, uint32_t tx, bool commit)
{
	return tc_req(t, KEEL_XS_TRANSACTION_END, tx, commit ? "T" : "F", 2,
		      NULL);
}

const char *tc_event(struct tconn *t)
{
	static char buf[300];
	char *e;

	collect(t, NULL);
	if (t->ev_read >= t->nev)
		return NULL;
	e = t->events[t->ev_read++];
	snprintf(buf, sizeof(buf), "%s %s", e, e + strlen(e) + 1);
	return buf;
}
