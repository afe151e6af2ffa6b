/*
 * Request dispatch: decode a request (arguments, transaction, privilege,
 * size), then run its handler.  A handler either queues its reply and
 * returns 0, or returns a negative errno that becomes an ERROR reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "path.h"
#include "restore.h"
#include "tree.h"
#include "xsd_int.h"

#define XSD_MAX_ARGS 16  /* SET_PERMS may have more: parsed separately */

struct xsd_req {
	struct xsd_conn *c;
	const struct keel_xs_msg_hdr *h;
	char *payload;
	const char *args[XSD_MAX_ARGS];
	unsigned nargs;
	struct xsd_who who;
	struct xsd_txn *t;               /* the request's transaction or NULL */
	struct xsd_op_ctx op;
	char path[XSD_PATH_BUF];         /* args[0] made absolute             */
};

enum {
	OPF_PRIV   = 1u << 0,  /* privileged callers only                   */
	OPF_PATH   = 1u << 1,  /* args[0] is a node path                    */
	OPF_MODIFY = 1u << 2,  /* changes the store: one batch + events     */
	OPF_RAW    = 1u << 3,  /* last argument is raw data (WRITE)         */
	OPF_TXN    = 1u << 4,  /* honours tx_id                             */
};

struct xsd_op {
	int (*fn)(struct xsd_req *r);
	unsigned flags;
	unsigned min_args;
};

static const char ok[] = "OK";

static void reply(struct xsd_req *r, const void *data, size_t len)
{
	xsd_conn_send(r->c, r->h->type, r->h->req_id, r->h->tx_id, data, len);
}

static int op_read(struct xsd_req *r)
{
	struct xsd_node n;
	int rc = xsd_tree_read(&r->op, r->path, &n);

	if (rc)
		return rc;
	reply(r, n.data, n.datalen);
	xsd_node_clear(&n);
	return 0;
}

static int op_write(struct xsd_req *r)
{
	size_t plen = strlen(r->args[0]) + 1;
	int rc = xsd_tree_write(&r->op, r->path, r->payload + plen,
				r->h->len - plen);

	if (rc == 0)
		reply(r, ok, sizeof(ok));
	return rc;
}

static int op_mkdir(struct xsd_req *r)
{
	int rc = xsd_tree_mkdir(&r->op, r->path);

	if (rc == 0)
		reply(r, ok, sizeof(ok));
	return rc;
}

static int op_rm(struct xsd_req *r)
{
	int rc = xsd_tree_rm(&r->op, r->path);

	if (rc == 0)
		reply(r, ok, sizeof(ok));
	return rc;
}

static int op_directory(struct xsd_req *r)
{
	struct xsd_node n;
	int rc = xsd_tree_read(&r->op, r->path, &n);

	if (rc)
		return rc;
	if (n.childlen > KEEL_XS_PAYLOAD_MAX)
		rc = -E2BIG;  /* the client falls back to DIRECTORY_PART */
	else
		reply(r, n.children, n.childlen);
	xsd_node_clear(&n);
	return rc;
}

/* Reply: "<generation>\0" then whole names from the byte offset, and an
 * extra "\0" when the list is complete. */
static int op_directory_part(struct xsd_req *r)
{
	char *buf = malloc(KEEL_XS_PAYLOAD_MAX);
	unsigned long off;
	struct xsd_node n;
	size_t len, room, take = 0;
	char *end;
	int rc;

	if (!buf)
		return -ENOMEM;
	errno = 0;
	off = strtoul(r->args[1], &end, 10);
	rc = (errno || *end || r->args[1][0] == '\0') ? -EINVAL : 0;
	if (rc == 0)
		rc = xsd_tree_read(&r->op, r->path, &n);
	if (rc)
		goto out_free;
	/* Past the end (the directory shrank between two parts): as Xen,
	 * the current generation and an empty, complete part, so the reader
	 * sees the generation change and starts again. */
	if (off > n.childlen)
		off = n.childlen;
	len = (size_t)snprintf(buf, 32, "%llu", (unsigned long long)n.gen) + 1;
	room = KEEL_XS_PAYLOAD_MAX - len - 1;
	while (off + take < n.childlen) {
		size_t nl = strlen(n.children + off + take) + 1;

		if (take + nl > room)
			break;
		take += nl;
	}
	memcpy(buf + len, n.children + off, take);
	len += take;
	if (off + take >= n.childlen)
		buf[len++] = '\0';
	reply(r, buf, len);
	xsd_node_clear(&n);
out_free:
	free(buf);
	return rc;
}

static int op_get_perms(struct xsd_req *r)
{
	struct xsd_node n;
	size_t len = 0;
	char *buf;
	uint32_t i;
	int rc = xsd_tree_read(&r->op, r->path, &n);

	if (rc)
		return rc;
	buf = malloc((size_t)n.nperms * 12 + 1);
	if (!buf) {
		rc = -ENOMEM;
		goto out_clear;
	}
	for (i = 0; i < n.nperms; i++)
		len += (size_t)xsd_perm_format(&n.perms[i], buf + len, 12) + 1;
	if (len > KEEL_XS_PAYLOAD_MAX)
		rc = -E2BIG;
	else
		reply(r, buf, len);
	free(buf);
out_clear:
	xsd_node_clear(&n);
	return rc;
}

static int op_set_perms(struct xsd_req *r)
{
	const char *p = r->payload + strlen(r->payload) + 1;
	const char *end = r->payload + r->h->len;
	struct xsd_perm *perms;
	uint32_t n = 0;
	int rc = 0;

	perms = malloc(XSD_PERMS_MAX * sizeof(*perms));
	if (!perms)
		return -ENOMEM;
	for (; p < end && rc == 0; p += strlen(p) + 1) {
		if (n == XSD_PERMS_MAX)
			rc = -E2BIG;
		else
			rc = xsd_perm_parse(p, &perms[n++]);
	}
	if (rc == 0)
		rc = xsd_tree_set_perms(&r->op, r->path, perms, n);
	if (rc == 0)
		reply(r, ok, sizeof(ok));
	free(perms);
	return rc;
}

static int op_watch(struct xsd_req *r)
{
	struct xsd_conn *c = r->c;
	const struct xsd_quota *q = &c->x->cfg.quota;
	char *path = r->path;
	bool rel = r->args[0][0] != '/' && r->args[0][0] != '@';
	int rc;

	rc = xsd_path_canon(c->domid, r->args[0], true, path);
	if (rc)
		return rc;
	if (!r->who.priv && q->watches && c->watches.count >= q->watches)
		return -E2BIG;
	rc = xsd_watch_add(&c->watches, path, r->args[1], rel);
	if (rc)
		return rc;
	xsd_persist_watch(c, c->watches.head);
	reply(r, ok, sizeof(ok));
	xsd_fire_initial(c, c->watches.head);
	return 0;
}

static int op_unwatch(struct xsd_req *r)
{
	int rc = xsd_path_canon(r->c->domid, r->args[0], true, r->path);

	if (rc == 0)
		rc = xsd_watch_del(&r->c->watches, r->path, r->args[1]);
	if (rc == 0) {
		xsd_unpersist_watch(r->c, r->path, r->args[1]);
		reply(r, ok, sizeof(ok));
	}
	return rc;
}

static int op_reset_watches(struct xsd_req *r)
{
	xsd_watch_clear(&r->c->watches);
	xsd_unpersist_watches(r->c);
	reply(r, ok, sizeof(ok));
	return 0;
}

static int op_txn_start(struct xsd_req *r)
{
	struct xsd_conn *c = r->c;
	const struct xsd_quota *q = &c->x->cfg.quota;
	struct xsd_conn_txn *ct;
	char id[16];

	if (r->h->tx_id)
		return -EBUSY;
	if (!r->who.priv && q->transactions && c->ntxns >= q->transactions)
		return -ENOSPC;
	ct = calloc(1, sizeof(*ct));
	if (!ct)
		return -ENOMEM;
	ct->t = xsd_txn_new();
	if (!ct->t) {
		free(ct);
		return -ENOMEM;
	}
	ct->id = c->next_txid++;
	if (c->next_txid == 0)
		c->next_txid = 1;
	ct->next = c->txns;
	c->txns = ct;
	c->ntxns++;
	snprintf(id, sizeof(id), "%u", ct->id);
	reply(r, id, strlen(id) + 1);
	return 0;
}

/* Unlinks transaction @id from its connection (NULL if unknown). */
static struct xsd_conn_txn *txn_take(struct xsd_conn *c, uint32_t id)
{
	struct xsd_conn_txn **pp, *ct;

	for (pp = &c->txns; (ct = *pp); pp = &ct->next) {
		if (ct->id == id) {
			*pp = ct->next;
			c->ntxns--;
			return ct;
		}
	}
	return NULL;
}

static int op_txn_end(struct xsd_req *r)
{
	bool commit = strcmp(r->args[0], "T") == 0;
	struct xsd_conn_txn *ct;
	int rc = 0;

	if (!commit && strcmp(r->args[0], "F") != 0)
		return -EINVAL;
	ct = txn_take(r->c, r->h->tx_id);
	if (!ct)
		return -ENOENT;
	if (commit)
		rc = xsd_txn_commit(r->c->x->st, ct->t);
	if (rc == 0) {
		reply(r, ok, sizeof(ok));
		if (commit)
			xsd_fire(r->c->x, xsd_txn_events(ct->t));
	}
	xsd_txn_free(ct->t);
	free(ct);
	return rc;
}

static int op_restrict(struct xsd_req *r)
{
	uint32_t domid;
	int rc = xsd_parse_domid(r->args[0], &domid);

	if (rc)
		return rc;
	reply(r, ok, sizeof(ok));
	r->c->domid = domid;
	r->c->priv = false;
	return 0;
}

static int op_control(struct xsd_req *r)
{
	return xsd_op_control(r->c, r->h, r->args, r->nargs);
}

static int op_domain(struct xsd_req *r)
{
	int (*fn)(struct xsd_conn *, const struct keel_xs_msg_hdr *,
		  const char *const *, unsigned);

	switch (r->h->type) {
	case KEEL_XS_INTRODUCE: fn = xsd_op_introduce; break;
	case KEEL_XS_RELEASE: fn = xsd_op_release; break;
	case KEEL_XS_IS_DOMAIN_INTRODUCED: fn = xsd_op_is_introduced; break;
	case KEEL_XS_GET_DOMAIN_PATH: fn = xsd_op_get_domain_path; break;
	case KEEL_XS_RESUME: fn = xsd_op_resume; break;
	case KEEL_XS_SET_TARGET: fn = xsd_op_set_target; break;
	default: return -EINVAL;
	}
	return fn(r->c, r->h, r->args, r->nargs);
}

static const struct xsd_op ops[KEEL_XS_TYPE_COUNT] = {
	[KEEL_XS_CONTROL] = { op_control, OPF_PRIV, 1 },
	[KEEL_XS_DIRECTORY] = { op_directory, OPF_PATH | OPF_TXN, 1 },
	[KEEL_XS_DIRECTORY_PART] = { op_directory_part, OPF_PATH | OPF_TXN, 2 },
	[KEEL_XS_READ] = { op_read, OPF_PATH | OPF_TXN, 1 },
	[KEEL_XS_GET_PERMS] = { op_get_perms, OPF_PATH | OPF_TXN, 1 },
	[KEEL_XS_WRITE] = { op_write, OPF_PATH | OPF_MODIFY | OPF_RAW |
			    OPF_TXN, 1 },
	[KEEL_XS_MKDIR] = { op_mkdir, OPF_PATH | OPF_MODIFY | OPF_TXN, 1 },
	[KEEL_XS_RM] = { op_rm, OPF_PATH | OPF_MODIFY | OPF_TXN, 1 },
	[KEEL_XS_SET_PERMS] = { op_set_perms, OPF_PATH | OPF_MODIFY |
				OPF_TXN, 2 },
	[KEEL_XS_WATCH] = { op_watch, 0, 2 },
	[KEEL_XS_UNWATCH] = { op_unwatch, 0, 2 },
	[KEEL_XS_RESET_WATCHES] = { op_reset_watches, 0, 0 },
	[KEEL_XS_TRANSACTION_START] = { op_txn_start, OPF_TXN, 0 },
	[KEEL_XS_TRANSACTION_END] = { op_txn_end, OPF_TXN, 1 },
	[KEEL_XS_INTRODUCE] = { op_domain, OPF_PRIV, 3 },
	[KEEL_XS_RELEASE] = { op_domain, OPF_PRIV, 1 },
	[KEEL_XS_IS_DOMAIN_INTRODUCED] = { op_domain, OPF_PRIV, 1 },
	[KEEL_XS_GET_DOMAIN_PATH] = { op_domain, 0, 1 },
	[KEEL_XS_RESUME] = { op_domain, OPF_PRIV, 1 },
	[KEEL_XS_SET_TARGET] = { op_domain, OPF_PRIV, 2 },
	[KEEL_XS_RESTRICT] = { op_restrict, OPF_PRIV, 1 },
};

/* Splits the payload into NUL-terminated arguments.  Every argument must be
 * terminated, except the raw value of a RAW request.  0 or -EINVAL. */
static int split_args(struct xsd_req *r, unsigned flags)
{
	char *p = r->payload, *end = r->payload + r->h->len;

	r->nargs = 0;
	while (p < end && r->nargs < XSD_MAX_ARGS) {
		char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return (flags & OPF_RAW) && r->nargs ? 0 : -EINVAL;
		r->args[r->nargs++] = p;
		if (flags & OPF_RAW)
			return 0;  /* the rest is the value */
		p = nul + 1;
	}
	return 0;
}

/* Checks everything about a request before it runs. */
static int decode(struct xsd_req *r, const struct xsd_op *op)
{
	const struct xsd_quota *q = &r->c->x->cfg.quota;
	struct xsd_conn_txn *ct;
	int rc;

	if (!r->who.priv && q->request_size && r->h->len > q->request_size)
		return -E2BIG;
	if ((op->flags & OPF_PRIV) && !r->who.priv)
		return -EACCES;
	rc = split_args(r, op->flags);
	if (rc)
		return rc;
	if (r->nargs < op->min_args)
		return -EINVAL;
	if ((op->flags & OPF_TXN) && r->h->tx_id &&
	    r->h->type != KEEL_XS_TRANSACTION_START) {
		for (ct = r->c->txns; ct; ct = ct->next)
			if (ct->id == r->h->tx_id)
				break;
		if (!ct)
			return r->c->restored &&
			       r->h->tx_id < XSD_TXID_AFTER_RESTART ?
			       -EAGAIN : -ENOENT;
		r->t = ct->t;
	}
	if (op->flags & OPF_PATH)
		return xsd_path_canon(r->c->domid, r->args[0], false, r->path);
	return 0;
}

/* CONTROL quota-soft: a warning (not an error) when an unprivileged
 * domain owns more nodes than the soft limit. */
static void soft_quota_check(struct xsd_req *r)
{
	struct xsd *x = r->c->x;
	long owned;

	if (r->who.priv || !x->soft_quota.nodes || r->t)
		return;
	owned = xsd_store_owned(x->st, NULL, r->who.domid);
	if (owned > (long)x->soft_quota.nodes)
		xs_log(x->log, XS_LOG_WARN,
		       "dom%u owns %ld nodes, above the soft quota of %u",
		       r->who.domid, owned, x->soft_quota.nodes);
}

/* Runs a store-changing request in one batch (or its transaction) and
 * delivers its watch events once it is committed. */
static int run_modify(struct xsd_req *r, const struct xsd_op *op)
{
	struct xsd_outmsg **mark = xsd_conn_out_mark(r->c);
	struct xsd_store *st = r->c->x->st;
	struct xsd_event_list evs;
	int rc, rc_op;

	xsd_event_list_init(&evs);
	r->op.events = r->t ? xsd_txn_events(r->t) : &evs;
	rc = xsd_store_begin(st, r->t);
	if (rc)
		return rc;
	rc_op = op->fn(r);
	rc = xsd_store_finish(st, r->t, rc_op);
	if (rc && rc_op == 0)
		xsd_conn_out_rollback(r->c, mark);  /* OK queued, commit failed */
	if (rc == 0) {
		soft_quota_check(r);
		xsd_fire(r->c->x, &evs);
	}
	xsd_event_list_clear(&evs);
	return rc;
}

void xsd_dispatch(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		  char *payload)
{
	struct xsd_req *r = calloc(1, sizeof(*r));
	const struct xsd_op *op = NULL;
	int rc;

	if (!r) {
		xsd_conn_send_error(c, h, ENOMEM);
		return;
	}
	r->c = c;
	r->h = h;
	r->payload = payload;
	xsd_conn_who(c, &r->who);
	if (h->type < KEEL_XS_TYPE_COUNT && ops[h->type].fn)
		op = &ops[h->type];
	if (c->x->trace)
		xsd_trace(c->x, c, h, payload);
	/* A type this store does not know (or one only it sends): as Xen */
	rc = op ? decode(r, op) : -ENOSYS;
	if (rc == 0) {
		r->op.st = c->x->st;
		r->op.t = r->t;
		r->op.who = &r->who;
		r->op.quota = &c->x->cfg.quota;
		if (op->flags & OPF_MODIFY)
			rc = run_modify(r, op);
		else
			rc = op->fn(r);
	}
	if (rc)
		xsd_conn_send_error(c, h, -rc);
	free(r);
}
