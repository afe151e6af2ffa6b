/*
 * CONTROL (type 0): the daemon's administration commands, as Xen's
 * `xenstore-control` sends them ("command\0arg\0...").  Privileged callers
 * only.  Implemented: check, log, logfile, memreport, quota, quota-soft,
 * help.  Xen's live-update and print answer ENOSYS, unknown commands
 * EINVAL.  Replies are text (NUL-terminated).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "path.h"
#include "xsd_int.h"

#define CTL_REPLY_MAX KEEL_XS_PAYLOAD_MAX

/* A growing text reply, cut at the payload limit. */
struct ctl_text {
	char buf[CTL_REPLY_MAX];
	size_t len;
};

static void text_add(struct ctl_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= sizeof(t->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n;
	if (t->len > sizeof(t->buf) - 1)
		t->len = sizeof(t->buf) - 1;
}

static void reply_text(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		       const char *s)
{
	xsd_conn_send(c, h->type, h->req_id, h->tx_id, s, strlen(s) + 1);
}

static const struct {
	const char *name;
	size_t off;
} quota_names[] = {
	{ "nodes", offsetof(struct xsd_quota, nodes) },
	{ "entry-size", offsetof(struct xsd_quota, entry_size) },
	{ "watches", offsetof(struct xsd_quota, watches) },
	{ "transactions", offsetof(struct xsd_quota, transactions) },
	{ "outstanding", offsetof(struct xsd_quota, outstanding) },
	{ "request-size", offsetof(struct xsd_quota, request_size) },
};

#define NQUOTAS (sizeof(quota_names) / sizeof(quota_names[0]))

static unsigned *quota_field(struct xsd_quota *q, unsigned i)
{
	return (unsigned *)((char *)q + quota_names[i].off);
}

int xsd_quota_set(struct xsd_quota *q, const char *name, const char *val)
{
	unsigned long v;
	unsigned i;
	char *end;

	if (val[0] < '0' || val[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(val, &end, 10);
	if (errno || *end || v > 0xffffffffUL)
		return -EINVAL;
	for (i = 0; i < NQUOTAS; i++) {
		if (strcmp(quota_names[i].name, name) == 0) {
			*quota_field(q, i) = (unsigned)v;
			return 0;
		}
	}
	return -EINVAL;
}

/* quota / quota-soft [set NAME VALUE | DOMID] */
static int ctl_quota_common(struct xsd_conn *c,
			    const struct keel_xs_msg_hdr *h,
			    const char *const *args, unsigned nargs,
			    struct xsd_quota *q)
{
	struct ctl_text t = { .len = 0 };
	uint32_t domid;
	unsigned i, nw = 0, ntx = 0;
	struct xsd_conn *o;
	int rc;

	if (nargs == 0) {
		for (i = 0; i < NQUOTAS; i++)
			text_add(&t, "%s: %u\n", quota_names[i].name,
				 *quota_field(q, i));
		reply_text(c, h, t.buf);
		return 0;
	}
	if (strcmp(args[0], "set") == 0) {
		if (nargs != 3)
			return -EINVAL;
		rc = xsd_quota_set(q, args[1], args[2]);
		if (rc)
			return rc;
		xs_log(c->x->log, XS_LOG_INFO, "quota %s set to %s", args[1],
		       args[2]);
		reply_text(c, h, "OK");
		return 0;
	}
	if (nargs != 1 || xsd_parse_domid(args[0], &domid))
		return -EINVAL;
	if (domid != 0 && !xsd_domain_find(c->x, domid))
		return -ENOENT;
	for (o = c->x->conns; o; o = o->next) {
		if (o->domid != domid || o->priv)
			continue;
		nw += o->watches.count;
		ntx += o->ntxns;
	}
	text_add(&t, "nodes: %ld\nwatches: %u\ntransactions: %u\n",
		 xsd_store_owned(c->x->st, NULL, domid), nw, ntx);
	reply_text(c, h, t.buf);
	return 0;
}

static int ctl_quota(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		     const char *const *args, unsigned nargs)
{
	return ctl_quota_common(c, h, args, nargs, &c->x->cfg.quota);
}

static int ctl_quota_soft(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			  const char *const *args, unsigned nargs)
{
	return ctl_quota_common(c, h, args, nargs, &c->x->soft_quota);
}

/* Walks the tree from @path: every child named by a node must exist. */
static int check_walk(struct xsd_store *st, const char *path,
		      struct ctl_text *t, unsigned long *nodes,
		      unsigned *problems)
{
	struct xsd_node n;
	size_t plen = strcmp(path, "/") == 0 ? 0 : strlen(path);
	uint32_t off;
	int rc = xsd_store_get(st, NULL, path, &n);

	if (rc)
		return rc;
	(*nodes)++;
	for (off = 0; off < n.childlen && rc == 0;
	     off += (uint32_t)strlen(n.children + off) + 1) {
		const char *name = n.children + off;
		char *cpath = malloc(plen + strlen(name) + 2);

		if (!cpath) {
			rc = -ENOMEM;
			break;
		}
		sprintf(cpath, "%.*s/%s", (int)plen, path, name);
		rc = check_walk(st, cpath, t, nodes, problems);
		if (rc == -ENOENT || rc == -EIO) {
			text_add(t, "%s: %s\n", cpath,
				 rc == -EIO ? "corrupt record" :
				 "listed by its parent but missing");
			(*problems)++;
			rc = 0;
		}
		free(cpath);
	}
	xsd_node_clear(&n);
	return rc;
}

/* check: the tree is consistent (children exist, records decode, no
 * record unreachable from "/").  "OK", or one line per problem. */
static int ctl_check(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		     const char *const *args, unsigned nargs)
{
	struct ctl_text t = { .len = 0 };
	unsigned long nodes = 0, records = 0, bytes = 0;
	unsigned problems = 0;
	int rc = check_walk(c->x->st, "/", &t, &nodes, &problems);

	if (rc)
		return rc;
	rc = xsd_store_stats(c->x->st, &records, &bytes);
	if (rc)
		return rc;
	if (records != nodes) {
		text_add(&t, "%lu records but %lu nodes reachable from /\n",
			 records, nodes);
		problems++;
	}
	if (problems)
		xs_log(c->x->log, XS_LOG_WARN, "check: %u problems", problems);
	reply_text(c, h, problems ? t.buf : "OK");
	return 0;
}

/* log [on|off]: trace every request to the log (or the logfile). */
static int ctl_log(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		   const char *const *args, unsigned nargs)
{
	if (nargs == 0) {
		reply_text(c, h, c->x->trace ? "on" : "off");
		return 0;
	}
	if (nargs != 1)
		return -EINVAL;
	if (strcmp(args[0], "on") == 0)
		c->x->trace = true;
	else if (strcmp(args[0], "off") == 0)
		c->x->trace = false;
	else
		return -EINVAL;
	reply_text(c, h, "OK");
	return 0;
}

/* logfile FILE: the request trace goes to FILE (appended). */
static int ctl_logfile(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		       const char *const *args, unsigned nargs)
{
	FILE *f;

	if (nargs != 1 || args[0][0] != '/')
		return -EINVAL;
	if (c->x->cfg.control_no_files)
		return -EACCES;
	f = fopen(args[0], "ae");
	if (!f)
		return -errno;
	setvbuf(f, NULL, _IOLBF, 0);
	if (c->x->trace_file)
		fclose(c->x->trace_file);
	c->x->trace_file = f;
	reply_text(c, h, "OK");
	return 0;
}

/* memreport [FILE]: what the daemon holds; to FILE if given. */
static int ctl_memreport(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			 const char *const *args, unsigned nargs)
{
	struct ctl_text t = { .len = 0 };
	unsigned long records = 0, bytes = 0;
	unsigned nconn = 0, nring = 0, nw = 0, ntx = 0, ndom = 0;
	size_t queued = 0;
	struct xsd_domain *d;
	struct xsd_conn *o;
	FILE *f;
	int rc = xsd_store_stats(c->x->st, &records, &bytes);

	if (rc)
		return rc;
	if (nargs > 1 || (nargs == 1 && args[0][0] != '/'))
		return -EINVAL;
	for (o = c->x->conns; o; o = o->next) {
		nconn++;
		nw += o->watches.count;
		ntx += o->ntxns;
		queued += o->out_bytes;
	}
	for (d = c->x->domains; d; d = d->next) {
		ndom++;
		if (d->conn)
			nring++;
	}
	text_add(&t, "nodes: %lu (%lu bytes of records)\n", records, bytes);
	text_add(&t, "connections: %u (%u guest rings)\n", nconn, nring);
	text_add(&t, "domains: %u\nwatches: %u\ntransactions: %u\n", ndom, nw,
		 ntx);
	text_add(&t, "queued output: %zu bytes\n", queued);
	if (nargs == 0) {
		reply_text(c, h, t.buf);
		return 0;
	}
	if (c->x->cfg.control_no_files)
		return -EACCES;
	f = fopen(args[0], "we");
	if (!f)
		return -errno;
	fputs(t.buf, f);
	if (fclose(f))
		return -EIO;
	reply_text(c, h, "OK");
	return 0;
}

static int ctl_help(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		    const char *const *args, unsigned nargs);

static const struct ctl_cmd {
	const char *name;
	const char *usage;
	int (*fn)(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		  const char *const *args, unsigned nargs);
} cmds[] = {
	{ "check", "check                     check the tree's consistency", ctl_check },
	{ "log", "log [on|off]              trace every request", ctl_log },
	{ "logfile", "logfile FILE              trace to FILE", ctl_logfile },
	{ "memreport", "memreport [FILE]          what the daemon holds", ctl_memreport },
	{ "quota", "quota [set NAME VAL|DOMID] hard quotas, or a domain's usage", ctl_quota },
	{ "quota-soft", "quota-soft [set NAME VAL]  warning thresholds", ctl_quota_soft },
	{ "help", "help                      this list", ctl_help },
};

#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static int ctl_help(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		    const char *const *args, unsigned nargs)
{
	struct ctl_text t = { .len = 0 };
	unsigned i;

	for (i = 0; i < NCMDS; i++)
		text_add(&t, "%s\n", cmds[i].usage);
	reply_text(c, h, t.buf);
	return 0;
}

int xsd_op_control(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		   const char *const *args, unsigned nargs)
{
	unsigned i;

	if (nargs == 0)
		return -EINVAL;
	for (i = 0; i < NCMDS; i++)
		if (strcmp(args[0], cmds[i].name) == 0)
			return cmds[i].fn(c, h, args + 1, nargs - 1);
	if (strcmp(args[0], "live-update") == 0 ||
	    strcmp(args[0], "print") == 0) {
		xs_log(c->x->log, XS_LOG_INFO,
		       "control %s: not implemented in this store", args[0]);
		return -ENOSYS;
	}
	return -EINVAL;
}

void xsd_trace(struct xsd *x, const struct xsd_conn *c,
	       const struct keel_xs_msg_hdr *h, const char *payload)
{
	static const char *const names[KEEL_XS_TYPE_COUNT] = {
		"CONTROL", "DIRECTORY", "READ", "GET_PERMS", "WATCH",
		"UNWATCH", "TRANSACTION_START", "TRANSACTION_END",
		"INTRODUCE", "RELEASE", "GET_DOMAIN_PATH", "WRITE", "MKDIR",
		"RM", "SET_PERMS", "WATCH_EVENT", "ERROR",
		"IS_DOMAIN_INTRODUCED", "RESUME", "SET_TARGET", "RESTRICT",
		"RESET_WATCHES", "DIRECTORY_PART",
	};
	const char *name = h->type < KEEL_XS_TYPE_COUNT ? names[h->type] : "?";
	const char *arg = h->len ? payload : "";

	if (x->trace_file)
		fprintf(x->trace_file, "dom%u %s tx %u %.200s\n", c->domid,
			name, h->tx_id, arg);
	else
		xs_log(x->log, XS_LOG_INFO, "trace: dom%u %s tx %u %.200s",
		       c->domid, name, h->tx_id, arg);
}
