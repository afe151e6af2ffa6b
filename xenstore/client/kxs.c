/* libkxs: store client library.  See kxs.h. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "kxs.h"
#include "public/io/xs_wire.h"
#include "xs_errno.h"

struct kxs_event {
	struct kxs_event *next;
	char *path, *token;
};

/* A watch the handle registered, to register again after a reconnect. */
struct kxs_watch {
	struct kxs_watch *next;
	char *token;
	char path[];
};

#define KXS_TX_MAX 64   /* open transactions remembered per handle */

struct kxs {
	int fd;
	uint32_t next_req;
	const struct xs_logger *log;
	struct kxs_event *ev_head, **ev_tail;
	char path[108];                /* the socket, for reconnecting    */
	int reconnect_ms;              /* 0: never reconnect              */
	struct kxs_watch *watches;
	bool restricted;
	uint32_t restrict_domid;
	uint32_t txs[KXS_TX_MAX];      /* open on this connection         */
	unsigned ntxs;
	uint32_t stale[KXS_TX_MAX];    /* open when the connection died   */
	unsigned nstale;
	unsigned reconnects;
};

static const char *default_path(char *buf, size_t size)
{
	const char *env = getenv("XENSTORED_PATH");

	if (env && *env)
		return env;
	env = getenv("XENSTORED_RUNDIR");
	snprintf(buf, size, "%s/socket", env && *env ? env : "/var/run/xenstored");
	return buf;
}

/* A new connected socket to @path, or a negative errno. */
static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

int kxs_open(const char *path, const struct xs_logger *log, struct kxs **out)
{
	struct kxs *h;
	char buf[256];
	int fd;

	if (!path)
		path = default_path(buf, sizeof(buf));
	if (strlen(path) >= sizeof(h->path))
		return -ENAMETOOLONG;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	fd = connect_to(path);
	if (fd < 0) {
		xs_log(log, XS_LOG_ERR, "connect %s: %s", path, strerror(-fd));
		free(h);
		return fd;
	}
	h->fd = fd;
	strcpy(h->path, path);
	h->reconnect_ms = KXS_RECONNECT_MS_DEFAULT;
	h->log = log;
	h->next_req = 1;
	h->ev_tail = &h->ev_head;
	*out = h;
	return 0;
}

void kxs_set_reconnect(struct kxs *h, int timeout_ms)
{
	h->reconnect_ms = timeout_ms > 0 ? timeout_ms : 0;
}

unsigned kxs_reconnects(const struct kxs *h)
{
	return h->reconnects;
}

void kxs_close(struct kxs *h)
{
	struct kxs_event *e, *next;
	struct kxs_watch *w, *wnext;

	if (!h)
		return;
	for (e = h->ev_head; e; e = next) {
		next = e->next;
		free(e->path);
		free(e);
	}
	for (w = h->watches; w; w = wnext) {
		wnext = w->next;
		free(w->token);
		free(w);
	}
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ECONNRESET;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads one message: header into @hdr, payload into malloc'd *@body. */
static int read_msg(struct kxs *h, struct keel_xs_msg_hdr *hdr, char **body)
{
	int rc = read_all(h->fd, hdr, sizeof(*hdr));

	if (rc)
		return rc;
	if (hdr->len > KEEL_XS_PAYLOAD_MAX)
		return -EPROTO;
	*body = malloc(hdr->len + 1);
	if (!*body)
		return -ENOMEM;
	rc = read_all(h->fd, *body, hdr->len);
	if (rc) {
		free(*body);
		return rc;
	}
	(*body)[hdr->len] = '\0';
	return 0;
}

/* Queues a WATCH_EVENT body ("path\0token\0"); takes @body. */
static void queue_event(struct kxs *h, char *body, size_t len)
{
	struct kxs_event *e = malloc(sizeof(*e));
	size_t plen = strnlen(body, len);

	if (!e || plen >= len) {
		free(e);
		free(body);
		return;
	}
	e->path = body;
	e->token = body + plen + 1;
	e->next = NULL;
	*h->ev_tail = e;
	h->ev_tail = &e->next;
}

/* One request and its reply on the current connection.  *@lost is set
 * when the connection failed (as opposed to an ERROR reply). */
static int request_once(struct kxs *h, uint32_t type, uint32_t tx,
			const void *payload, size_t len, char **reply,
			size_t *rlen, bool *lost)
{
	struct keel_xs_msg_hdr hdr = { type, h->next_req++, tx, (uint32_t)len };
	char *body;
	int rc;

	*lost = false;
	if (h->fd < 0) {
		*lost = true;
		return -ENOTCONN;
	}
	rc = write_all(h->fd, &hdr, sizeof(hdr));
	if (rc == 0 && len)
		rc = write_all(h->fd, payload, len);
	while (rc == 0) {
		rc = read_msg(h, &hdr, &body);
		if (rc)
			break;
		if (hdr.type == KEEL_XS_WATCH_EVENT) {
			queue_event(h, body, hdr.len);
			continue;
		}
		if (hdr.type == KEEL_XS_ERROR) {
			rc = -xs_errno_from_name(body);
			free(body);
			return rc;
		}
		if (reply) {
			*reply = body;
			if (rlen)
				*rlen = hdr.len;
		} else {
			free(body);
		}
		return 0;
	}
	*lost = true;
	return rc;
}

static bool tx_in(const uint32_t *v, unsigned n, uint32_t tx)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (v[i] == tx)
			return true;
	return false;
}

static void tx_drop(uint32_t *v, unsigned *n, uint32_t tx)
{
	unsigned i;

	for (i = 0; i < *n; i++) {
		if (v[i] == tx) {
			v[i] = v[--*n];
			return;
		}
	}
}

/* Registers the handle's restriction and watches on a new connection;
 * the watches' first events are queued as usual. */
static int reregister(struct kxs *h)
{
	struct kxs_watch *w;
	char id[16], *buf;
	size_t plen, tlen;
	bool lost;
	int rc;

	if (h->restricted) {
		snprintf(id, sizeof(id), "%u", h->restrict_domid);
		rc = request_once(h, KEEL_XS_RESTRICT, 0, id, strlen(id) + 1,
				  NULL, NULL, &lost);
		if (rc)
			return rc;
	}
	for (w = h->watches; w; w = w->next) {
		plen = strlen(w->path) + 1;
		tlen = strlen(w->token) + 1;
		buf = malloc(plen + tlen);
		if (!buf)
			return -ENOMEM;
		memcpy(buf, w->path, plen);
		memcpy(buf + plen, w->token, tlen);
		rc = request_once(h, KEEL_XS_WATCH, 0, buf, plen + tlen, NULL,
				  NULL, &lost);
		free(buf);
		if (rc && rc != -EEXIST)
			return rc;
	}
	return 0;
}

/*
 * The store went away (restarted): connects again within the handle's
 * reconnect time, registers the restriction and watches again, and marks
 * the transactions that were open as stale (their requests get -EAGAIN:
 * the new daemon does not know them).  0 or a negative errno.
 */
static int reconnect(struct kxs *h)
{
	struct timespec t0, now;
	long waited;
	int fd, rc;

	if (!h->reconnect_ms)
		return -ENOTCONN;
	if (h->fd >= 0) {
		close(h->fd);
		h->fd = -1;
	}
	while (h->ntxs && h->nstale < KXS_TX_MAX)
		h->stale[h->nstale++] = h->txs[--h->ntxs];
	h->ntxs = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		fd = connect_to(h->path);
		if (fd >= 0) {
			h->fd = fd;
			rc = reregister(h);
			if (rc == 0) {
				h->reconnects++;
				xs_log(h->log, XS_LOG_INFO,
				       "reconnected to the store at %s", h->path);
				return 0;
			}
			close(h->fd);
			h->fd = -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - t0.tv_sec) * 1000 +
			 (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (waited >= h->reconnect_ms) {
			xs_log(h->log, XS_LOG_ERR,
			       "the store at %s did not come back within %d ms",
			       h->path, h->reconnect_ms);
			return fd < 0 ? fd : -ECONNRESET;
		}
		poll(NULL, 0, 100);
	}
}

int kxs_request(struct kxs *h, uint32_t type, uint32_t tx,
		const void *payload, size_t len, char **reply, size_t *rlen)
{
	bool lost;
	int rc;

	if (len > KEEL_XS_PAYLOAD_MAX)
		return -E2BIG;
	if (tx && tx_in(h->stale, h->nstale, tx)) {
		/* opened before the store restarted: it is gone */
		if (type == KEEL_XS_TRANSACTION_END)
			tx_drop(h->stale, &h->nstale, tx);
		return -EAGAIN;
	}
	rc = request_once(h, type, tx, payload, len, reply, rlen, &lost);
	if (!lost || !h->reconnect_ms)
		return rc;
	rc = reconnect(h);
	if (rc)
		return rc;
	if (tx) {
		if (type == KEEL_XS_TRANSACTION_END)
			tx_drop(h->stale, &h->nstale, tx);
		return -EAGAIN;
	}
	/* Not in a transaction: asking again is what the caller would do
	 * (a WRITE the old daemon applied is applied again, harmlessly). */
	rc = request_once(h, type, tx, payload, len, reply, rlen, &lost);
	return rc;
}

/* Builds "a\0b\0..." from @n strings (the last may be raw: @rawlen). */
static char *join_args(const char *const *args, unsigned n, size_t rawlen,
		       bool raw_last, size_t *len)
{
	size_t total = 0, l;
	unsigned i;
	char *buf, *p;

	for (i = 0; i < n; i++)
		total += (raw_last && i == n - 1) ? rawlen : strlen(args[i]) + 1;
	buf = malloc(total ? total : 1);
	if (!buf)
		return NULL;
	for (p = buf, i = 0; i < n; i++) {
		l = (raw_last && i == n - 1) ? rawlen : strlen(args[i]) + 1;
		memcpy(p, args[i], l);
		p += l;
	}
	*len = total;
	return buf;
}

static int simple(struct kxs *h, uint32_t type, uint32_t tx,
		  const char *const *args, unsigned n, char **reply,
		  size_t *rlen)
{
	size_t len;
	char *buf = join_args(args, n, 0, false, &len);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = kxs_request(h, type, tx, buf, len, reply, rlen);
	free(buf);
	return rc;
}

int kxs_read(struct kxs *h, uint32_t tx, const char *path, char **val,
	     size_t *len)
{
	return simple(h, KEEL_XS_READ, tx, &path, 1, val, len);
}

int kxs_write(struct kxs *h, uint32_t tx, const char *path, const void *val,
	      size_t len)
{
	const char *args[2] = { path, val };
	size_t blen;
	char *buf = join_args(args, 2, len, true, &blen);
	int rc;

	if (!buf)
		return -ENOMEM;
	rc = kxs_request(h, KEEL_XS_WRITE, tx, buf, blen, NULL, NULL);
	free(buf);
	return rc;
}

int kxs_mkdir(struct kxs *h, uint32_t tx, const char *path)
{
	return simple(h, KEEL_XS_MKDIR, tx, &path, 1, NULL, NULL);
}

int kxs_rm(struct kxs *h, uint32_t tx, const char *path)
{
	return simple(h, KEEL_XS_RM, tx, &path, 1, NULL, NULL);
}

/* DIRECTORY_PART loop: restarts if the directory changes in between. */
static int directory_parts(struct kxs *h, uint32_t tx, const char *path,
			   char **names, size_t *len)
{
	char gen[32] = "", off_s[16], *part, *all = NULL;
	size_t off = 0, plen, glen;
	const char *args[2] = { path, off_s };
	int rc;

	for (;;) {
		snprintf(off_s, sizeof(off_s), "%zu", off);
		rc = simple(h, KEEL_XS_DIRECTORY_PART, tx, args, 2, &part, &plen);
		if (rc)
			break;
		glen = strnlen(part, plen) + 1;
		if (glen > plen || glen > sizeof(gen) ||
		    (off && strcmp(gen, part) != 0)) {
			free(part);
			off = 0;  /* changed meanwhile: start again */
			gen[0] = '\0';
			continue;
		}
		memcpy(gen, part, glen);
		plen -= glen;
		all = realloc(all, off + plen + 1);
		if (!all) {
			free(part);
			return -ENOMEM;
		}
		memcpy(all + off, part + glen, plen);
		free(part);
		off += plen;
		if (plen == 0 || (off >= 2 && all[off - 2] == '\0') ||
		    off == 1) {
			*names = all;
			*len = off ? off - 1 : 0;
			return 0;
		}
	}
	free(all);
	return rc;
}

int kxs_directory(struct kxs *h, uint32_t tx, const char *path, char **names,
		  size_t *len)
{
	int rc = simple(h, KEEL_XS_DIRECTORY, tx, &path, 1, names, len);

	if (rc == -E2BIG)
		rc = directory_parts(h, tx, path, names, len);
	return rc;
}

int kxs_get_perms(struct kxs *h, uint32_t tx, const char *path, char **perms,
		  size_t *len)
{
	return simple(h, KEEL_XS_GET_PERMS, tx, &path, 1, perms, len);
}

int kxs_set_perms(struct kxs *h, uint32_t tx, const char *path,
		  const char *const *perms, unsigned n)
{
	const char **args = malloc((n + 1) * sizeof(*args));
	int rc;

	if (!args)
		return -ENOMEM;
	args[0] = path;
	memcpy(args + 1, perms, n * sizeof(*args));
	rc = simple(h, KEEL_XS_SET_PERMS, tx, args, n + 1, NULL, NULL);
	free(args);
	return rc;
}

int kxs_watch(struct kxs *h, const char *path, const char *token)
{
	const char *args[2] = { path, token };
	size_t plen = strlen(path) + 1;
	struct kxs_watch *w = calloc(1, sizeof(*w) + plen);
	int rc;

	if (!w)
		return -ENOMEM;
	memcpy(w->path, path, plen);
	w->token = strdup(token);
	if (!w->token) {
		free(w);
		return -ENOMEM;
	}
	rc = simple(h, KEEL_XS_WATCH, 0, args, 2, NULL, NULL);
	if (rc) {
		free(w->token);
		free(w);
		return rc;
	}
	w->next = h->watches;
	h->watches = w;
	return 0;
}

int kxs_unwatch(struct kxs *h, const char *path, const char *token)
{
	const char *args[2] = { path, token };
	struct kxs_watch **pp, *w;

	for (pp = &h->watches; (w = *pp); pp = &w->next) {
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0) {
			*pp = w->next;
			free(w->token);
			free(w);
			break;
		}
	}
	return simple(h, KEEL_XS_UNWATCH, 0, args, 2, NULL, NULL);
}

int kxs_fd(const struct kxs *h)
{
	return h->fd;
}

int kxs_read_watch(struct kxs *h, int timeout_ms, char **path, char **token)
{
	struct keel_xs_msg_hdr hdr;
	struct pollfd pfd = { h->fd, POLLIN, 0 };
	struct kxs_event *e;
	char *body;
	int rc;

	while (!h->ev_head) {
		pfd.fd = h->fd;
		rc = pfd.fd < 0 ? 1 : poll(&pfd, 1, timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return -ETIMEDOUT;
		rc = pfd.fd < 0 ? -ENOTCONN : read_msg(h, &hdr, &body);
		if (rc) {
			/* the store went away: reconnecting registers the
			 * watches again, whose first events then arrive */
			if (!h->reconnect_ms || reconnect(h))
				return rc;
			continue;
		}
		if (hdr.type == KEEL_XS_WATCH_EVENT)
			queue_event(h, body, hdr.len);
		else
			free(body);  /* a stray reply: nothing waits for it */
	}
	e = h->ev_head;
	h->ev_head = e->next;
	if (!h->ev_head)
		h->ev_tail = &h->ev_head;
	*path = e->path;           /* one allocation holds both strings */
	*token = strdup(e->token);
	free(e);
	if (!*token) {
		free(*path);
		return -ENOMEM;
	}
	return 0;
}

int kxs_tx_start(struct kxs *h, uint32_t *tx)
{
	char *reply;
	int rc = kxs_request(h, KEEL_XS_TRANSACTION_START, 0, "", 1, &reply,
			     NULL);

	if (rc)
		return rc;
	*tx = (uint32_t)strtoul(reply, NULL, 10);
	free(reply);
	if (!*tx)
		return -EPROTO;
	tx_drop(h->stale, &h->nstale, *tx);   /* the new daemon reused it */
	if (h->ntxs < KXS_TX_MAX)
		h->txs[h->ntxs++] = *tx;
	return 0;
}

int kxs_tx_end(struct kxs *h, uint32_t tx, bool commit)
{
	int rc = kxs_request(h, KEEL_XS_TRANSACTION_END, tx,
			     commit ? "T" : "F", 2, NULL, NULL);

	tx_drop(h->txs, &h->ntxs, tx);
	return rc;
}

int kxs_restrict(struct kxs *h, uint32_t domid)
{
	char id[16];
	const char *arg = id;
	int rc;

	snprintf(id, sizeof(id), "%u", domid);
	rc = simple(h, KEEL_XS_RESTRICT, 0, &arg, 1, NULL, NULL);
	if (rc == 0) {
		h->restricted = true;
		h->restrict_domid = domid;
	}
	return rc;
}

int kxs_introduce(struct kxs *h, uint32_t domid, uint64_t gfn, uint32_t port)
{
	char a[16], b[24], c[16];
	const char *args[3] = { a, b, c };

	snprintf(a, sizeof(a), "%u", domid);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)gfn);
	snprintf(c, sizeof(c), "%u", port);
	return simple(h, KEEL_XS_INTRODUCE, 0, args, 3, NULL, NULL);
}

int kxs_release(struct kxs *h, uint32_t domid)
{
	char a[16];
	const char *arg = a;

	snprintf(a, sizeof(a), "%u", domid);
	return simple(h, KEEL_XS_RELEASE, 0, &arg, 1, NULL, NULL);
}
