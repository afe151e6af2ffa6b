/* Store client over the shared ring page (xs.h). */
#include "hypercall.h"
#include "kernel.h"
#include "ring.h"
#include "xs.h"
#include "xs_msg.h"

#define XS_TIMEOUT_NS   (10 * NS_PER_SEC)   /* a store that never answers */
#define XS_MAX_WATCHES  8
#define XS_EVQ_LEN      16
#define XS_PATH_MAX     256
#define XS_TOKEN_MAX    64

struct xs_watch {
	int used;
	char path[XS_PATH_MAX];
	char token[XS_TOKEN_MAX];
	xs_watch_fn fn;
	void *arg;
};

struct xs_event {
	char path[XS_PATH_MAX];
	char token[XS_TOKEN_MAX];
};

static struct keel_xs_ring *ring;
static keel_evtchn_port_t port;
static int broken;
static int in_request;

static struct xs_rx rx;
static char txbuf[XS_MSG_MAX];

static uint32_t next_req_id;
static uint32_t want_req_id;        /* 0: no request outstanding */
static int reply_ready;
static uint32_t reply_type;
static uint32_t reply_len;
static char reply_buf[KEEL_XS_PAYLOAD_MAX + 1];

static struct xs_watch watches[XS_MAX_WATCHES];
static struct xs_event evq[XS_EVQ_LEN];
static unsigned int evq_head, evq_tail;   /* free-running */
static int evq_overflow;

static void store_handler(keel_evtchn_port_t p, void *arg)
{
	(void)p;
	(void)arg;
	kernel_kick();
}

int xs_home_path(char *buf, size_t len, const char *rel)
{
	size_t n = gk_strlcpy(buf, kernel_home, len);

	if (n >= len)
		return -KEEL_ERANGE;
	if (rel && *rel) {
		if (gk_strlcat(buf, "/", len) >= len || gk_strlcat(buf, rel, len) >= len)
			return -KEEL_ERANGE;
	}
	return 0;
}

int xs_init(void)
{
	int rc;

	if (!start_info->store_gfn || !start_info->store_evtchn)
		return -KEEL_ENOENT;
	ring = (struct keel_xs_ring *)(uintptr_t)(start_info->store_gfn << KEEL_PAGE_SHIFT);
	port = start_info->store_evtchn;
	xs_rx_reset(&rx);
	rc = evtchn_bind(port, store_handler, NULL);
	if (rc < 0)
		ring = NULL;
	return rc;
}

static void queue_event(const struct xs_rx *m)
{
	const char *path, *token;
	struct xs_event *e;

	if (xs_parse_watch_event(m->payload, m->hdr.len, &path, &token) < 0)
		return;                 /* malformed: ignore it */
	if (evq_tail - evq_head >= XS_EVQ_LEN) {
		evq_overflow = 1;       /* every watch fires once instead */
		return;
	}
	e = &evq[evq_tail % XS_EVQ_LEN];
	gk_strlcpy(e->path, path, sizeof(e->path));
	gk_strlcpy(e->token, token, sizeof(e->token));
	evq_tail++;
}

static void handle_message(const struct xs_rx *m)
{
	if (m->hdr.type == KEEL_XS_WATCH_EVENT) {
		queue_event(m);
		return;
	}
	if (!want_req_id || m->hdr.req_id != want_req_id || reply_ready)
		return;                 /* a stale reply (timed out): drop */
	reply_type = m->hdr.type;
	reply_len = m->hdr.len;
	memcpy(reply_buf, m->payload, m->hdr.len + 1);
	reply_ready = 1;
}

/* Move everything the store sent into rx; notify it if we consumed. */
static int pump(void)
{
	int consumed = 0;

	int was_broken = broken;

	while (!broken) {
		char tmp[256];
		size_t need = xs_rx_need(&rx);
		long got, used;
		int done;

		if (need > sizeof(tmp))
			need = sizeof(tmp);
		got = xs_ring_get(ring, tmp, need);
		if (got <= 0) {
			if (got < 0)
				broken = 1;
			break;
		}
		consumed = 1;
		used = xs_rx_feed(&rx, tmp, (size_t)got, &done);
		if (used < 0) {
			broken = 1;
			break;
		}
		if (done) {
			handle_message(&rx);
			xs_rx_reset(&rx);
		}
	}
	if (consumed)
		evtchn_send(port);
	if (broken && !was_broken)
		printk("xs: store ring is corrupt; store access disabled\n");
	return broken ? -KEEL_EIO : 0;
}

static int talk(uint32_t tx, uint32_t type, const struct xs_iov *iov,
		unsigned int n)
{
	uint64_t deadline;
	long len, off = 0;
	int rc;

	if (!ring || broken)
		return -KEEL_EIO;
	if (in_request)
		return -KEEL_EBUSY;
	len = xs_msg_build(txbuf, sizeof(txbuf), type, 0, tx, iov, n);
	if (len < 0)
		return (int)len;
	in_request = 1;
	if (++next_req_id == 0)
		next_req_id = 1;
	((struct keel_xs_msg_hdr *)txbuf)->req_id = next_req_id;
	want_req_id = next_req_id;
	reply_ready = 0;
	deadline = time_now_ns() + XS_TIMEOUT_NS;

	rc = 0;
	while (!reply_ready) {
		if (off < len) {
			long put = xs_ring_put(ring, txbuf + off, (size_t)(len - off));

			if (put < 0) {
				broken = 1;
				rc = -KEEL_EIO;
				break;
			}
			if (put > 0) {
				off += put;
				evtchn_send(port);
			}
		}
		rc = pump();
		if (rc < 0 || reply_ready)
			break;
		if (time_now_ns() >= deadline) {
			printk("xs: no reply to request type %u\n", type);
			rc = -KEEL_EIO;
			break;
		}
		kernel_block(time_now_ns() + 100 * NS_PER_MS);
	}
	want_req_id = 0;
	in_request = 0;
	if (rc < 0)
		return rc;
	return xs_reply_errno(reply_type, reply_buf, reply_len);
}

static struct xs_iov str_iov(const char *s)
{
	struct xs_iov v = { s, strlen(s) + 1 };

	return v;
}

int xs_read(uint32_t tx, const char *path, char *buf, size_t len)
{
	struct xs_iov iov[1] = { str_iov(path) };
	int rc = talk(tx, KEEL_XS_READ, iov, 1);

	if (rc < 0)
		return rc;
	if (reply_len + 1 > len)
		return -KEEL_ERANGE;
	memcpy(buf, reply_buf, reply_len);
	buf[reply_len] = '\0';
	return (int)reply_len;
}

int xs_write(uint32_t tx, const char *path, const char *value)
{
	struct xs_iov iov[2] = { str_iov(path), { value, strlen(value) } };

	return talk(tx, KEEL_XS_WRITE, iov, 2);
}

int xs_mkdir(uint32_t tx, const char *path)
{
	struct xs_iov iov[1] = { str_iov(path) };

	return talk(tx, KEEL_XS_MKDIR, iov, 1);
}

int xs_rm(uint32_t tx, const char *path)
{
	struct xs_iov iov[1] = { str_iov(path) };

	return talk(tx, KEEL_XS_RM, iov, 1);
}

int xs_directory(uint32_t tx, const char *path, char *buf, size_t len)
{
	struct xs_iov iov[1] = { str_iov(path) };
	int rc = talk(tx, KEEL_XS_DIRECTORY, iov, 1);

	if (rc < 0)
		return rc;
	if (reply_len + 1 > len)
		return -KEEL_ERANGE;
	memcpy(buf, reply_buf, reply_len + 1);
	return (int)xs_dir_count(buf, reply_len);
}

int xs_transaction_start(uint32_t *tx)
{
	struct xs_iov iov[1] = { str_iov("") };
	uint64_t id;
	int rc = talk(XS_NO_TX, KEEL_XS_TRANSACTION_START, iov, 1);

	if (rc < 0)
		return rc;
	rc = gk_parse_u64(reply_buf, reply_len, &id);
	if (rc < 0 || id == 0 || id > UINT32_MAX)
		return -KEEL_EIO;
	*tx = (uint32_t)id;
	return 0;
}

int xs_transaction_end(uint32_t tx, int commit)
{
	struct xs_iov iov[1] = { str_iov(commit ? "T" : "F") };

	return talk(tx, KEEL_XS_TRANSACTION_END, iov, 1);
}

int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *arg)
{
	struct xs_iov iov[2] = { str_iov(path), str_iov(token) };
	struct xs_watch *w = NULL;
	int rc;

	if (strlen(path) >= XS_PATH_MAX || strlen(token) >= XS_TOKEN_MAX)
		return -KEEL_E2BIG;
	for (unsigned int i = 0; i < XS_MAX_WATCHES; i++) {
		if (watches[i].used && !strcmp(watches[i].token, token))
			return -KEEL_EEXIST;
		if (!watches[i].used && !w)
			w = &watches[i];
	}
	if (!w)
		return -KEEL_ENOSPC;
	/* Registered before asking: the first event may come right after
	 * the reply, and is queued either way. */
	gk_strlcpy(w->path, path, sizeof(w->path));
	gk_strlcpy(w->token, token, sizeof(w->token));
	w->fn = fn;
	w->arg = arg;
	w->used = 1;
	rc = talk(XS_NO_TX, KEEL_XS_WATCH, iov, 2);
	if (rc < 0)
		w->used = 0;
	return rc;
}

int xs_unwatch(const char *path, const char *token)
{
	struct xs_iov iov[2] = { str_iov(path), str_iov(token) };

	for (unsigned int i = 0; i < XS_MAX_WATCHES; i++)
		if (watches[i].used && !strcmp(watches[i].token, token))
			watches[i].used = 0;
	return talk(XS_NO_TX, KEEL_XS_UNWATCH, iov, 2);
}

/* A restored domain may have another id, so another home: ask the store
 * (a relative path is the connection's own home), and move every watch
 * below the old home to the new one. */
static void follow_home(void)
{
	char buf[16], old[sizeof(kernel_home)];
	unsigned long id = 0;
	size_t oldlen;
	int n = xs_read(XS_NO_TX, "domid", buf, sizeof(buf));

	if (n <= 0)
		return;
	for (int i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		id = id * 10 + (unsigned long)(buf[i] - '0');
	if (id == 0 || id == kernel_domid)
		return;
	gk_strlcpy(old, kernel_home, sizeof(old));
	oldlen = strlen(old);
	kernel_domid = (unsigned int)id;
	gk_snprintf(kernel_home, sizeof(kernel_home), "/local/domain/%u", kernel_domid);
	for (unsigned int i = 0; i < XS_MAX_WATCHES; i++) {
		char np[XS_PATH_MAX];

		if (!watches[i].used || strncmp(watches[i].path, old, oldlen) ||
		    (watches[i].path[oldlen] != '/' && watches[i].path[oldlen]))
			continue;
		gk_snprintf(np, sizeof(np), "%s%s", kernel_home, watches[i].path + oldlen);
		gk_strlcpy(watches[i].path, np, sizeof(watches[i].path));
	}
	printk("resume: now domain %u\n", kernel_domid);
}

int xs_resume(void)
{
	int first = 0;

	follow_home();

	for (unsigned int i = 0; i < XS_MAX_WATCHES; i++) {
		struct xs_iov iov[2];
		int rc;

		if (!watches[i].used)
			continue;
		iov[0] = str_iov(watches[i].path);
		iov[1] = str_iov(watches[i].token);
		rc = talk(XS_NO_TX, KEEL_XS_WATCH, iov, 2);
		if (rc < 0 && !first)
			first = rc;
	}
	/* Each watch fires once on registration: what changed while we were
	 * away is looked at again. */
	return first;
}

static void fire(const char *path, const char *token)
{
	for (unsigned int i = 0; i < XS_MAX_WATCHES; i++)
		if (watches[i].used && !strcmp(watches[i].token, token))
			watches[i].fn(path, token, watches[i].arg);
}

void xs_poll(void)
{
	if (!ring || in_request)
		return;
	pump();
	while (evq_head != evq_tail) {
		struct xs_event e = evq[evq_head % XS_EVQ_LEN];

		evq_head++;
		fire(e.path, e.token);
	}
	if (evq_overflow) {
		evq_overflow = 0;
		for (unsigned int i = 0; i < XS_MAX_WATCHES; i++)
			if (watches[i].used)
				watches[i].fn(watches[i].path, watches[i].token,
					      watches[i].arg);
	}
}
