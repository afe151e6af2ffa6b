/*
 * vmctl migrate and migrate-check: the sending side of live migration
 * (docs/migration.md).  migrate connects to keel-migrated on the target,
 * proves it holds the hosts' key, offers the domain, hands the connection
 * to the stream engine (keel_mig_save), waits for the target's result and
 * then destroys the source copy.  The transport is mig_transport.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "vmctl.h"
#include "builder.h"
#include "kxs.h"
#include "mig_transport.h"
#include "mig_storage.h"
#include "migrate.h"

static int cmd_migrate(struct vmctl *v, int argc, char **argv);
static int cmd_migrate_check(struct vmctl *v, int argc, char **argv);
static int cmd_migrate_abort(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_migrate_cmds[] = {
	{ "migrate",
	  "DOMAIN HOST [--live|--no-live] [--with-storage] [--max-downtime MS] [--json]",
	  "move a running guest to another host",
	  "Sends DOMAIN to the keel-migrated receiver on HOST (an address on the\n"
	  "migration link, e.g. 169.254.99.2; TCP port 8002), after both hosts\n"
	  "have proved they hold the same key (/etc/keel/migration.key).  The\n"
	  "target refuses at once when it has not enough free memory or runs a\n"
	  "domain of that name.  Live (the default), the guest runs on while its\n"
	  "memory is copied in rounds, and is paused only for the last one, when\n"
	  "the expected downtime is under --max-downtime.  Progress goes to\n"
	  "stderr: one line updated in place on a terminal, else a line per\n"
	  "round.  At the end: total time, downtime (paused here until running\n"
	  "on the target), rounds, pages and bytes sent and the stop rule; then\n"
	  "the guest here is destroyed.  Ctrl-C cancels: the guest keeps running\n"
	  "here and the target frees everything it received.  Disk images are\n"
	  "expected where both hosts see them (/var/lib/keel/shared on a pair),\n"
	  "unless --with-storage copies them.\n"
	  "(" VMCTL_DOC_DIR "/migration.md)\n\n"
	  "      --live               copy memory while the guest runs (default)\n"
	  "      --no-live            pause the guest first, then copy\n"
	  "      --with-storage       also copy its disk images (to the same paths,\n"
	  "                           under /var/lib/keel, which must not exist there):\n"
	  "                           while it runs, again for blocks written meanwhile,\n"
	  "                           and a last time while it is paused\n"
	  "      --max-downtime MS    switch-over target, 1..60000 (default 100)\n"
	  "  -j, --json               the closing report as JSON\n"
	  "      --key FILE           the migration key (default " KMIG_KEY_FILE ")\n"
	  "      --port N             the receiver's port (default 8002)\n",
	  cmd_migrate },
	{ "migrate-check", "HOST [--key FILE] [--port N]",
	  "check that HOST takes migrations from here",
	  "Connects to keel-migrated on HOST and runs the key check both ways,\n"
	  "sending nothing else.  Exit status 0 when HOST accepted our key and\n"
	  "proved it holds it too, 1 otherwise (with the reason).\n\n"
	  "      --key FILE   the migration key (default " KMIG_KEY_FILE ")\n"
	  "      --port N     the receiver's port (default 8002)\n",
	  cmd_migrate_check },
	{ "migrate-abort", "DOMAIN", "let a guest left paused by a migration run here again",
	  "For a guest that 'vmctl migrate' left paused here because the target\n"
	  "did not answer after the whole stream: once 'vmctl list' on the target\n"
	  "shows that it does not run there, this resumes it here (its suspend\n"
	  "call returns as cancelled, control/shutdown is cleared, it is\n"
	  "unpaused).  If it runs there, 'vmctl destroy DOMAIN' here instead.\n",
	  cmd_migrate_abort },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- parsing ---- */

enum { OPT_LIVE = 256, OPT_NO_LIVE, OPT_STORAGE, OPT_DOWNTIME, OPT_KEY, OPT_PORT };

static int migrate_set(struct vmctl *v, const char *cmd, int opt,
		       const char *arg, void *p)
{
	struct vmctl_migrate_opts *o = p;

	switch (opt) {
	case OPT_LIVE:
		o->live = 1;
		return 0;
	case OPT_NO_LIVE:
		o->live = 0;
		return 0;
	case OPT_STORAGE:
		o->with_storage = 1;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	case OPT_DOWNTIME:
		if (vmctl_parse_uint(arg, 1, 60000, &o->max_downtime_ms))
			break;
		return 0;
	case OPT_KEY:
		if (!arg[0])
			break;
		o->key = arg;
		return 0;
	case OPT_PORT:
		if (vmctl_parse_uint(arg, 1, 65535, &o->port))
			break;
		return 0;
	}
	vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: bad value '%s' for %s", cmd,
			  arg ? arg : "", opt == OPT_DOWNTIME ? "--max-downtime (1..60000 ms)" :
			  opt == OPT_PORT ? "--port (1..65535)" : "--key");
	return -EINVAL;
}

static void opts_init(struct vmctl_migrate_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->live = 1;
	o->max_downtime_ms = VMCTL_MIGRATE_DOWNTIME_DEFAULT;
	o->key = KMIG_KEY_FILE;
	o->port = KMIG_PORT;
}

static int check_host(struct vmctl *v, const char *cmd, const char *host)
{
	struct in_addr a;

	if (inet_pton(AF_INET, host, &a) == 1)
		return 0;
	vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: HOST '%s' is not an IPv4 "
			  "address (e.g. 169.254.99.2)", cmd, host);
	return -EINVAL;
}

int vmctl_migrate_parse(struct vmctl *v, int argc, char **argv,
			struct vmctl_migrate_opts *o)
{
	static const struct option longopts[] = {
		{ "live", no_argument, NULL, OPT_LIVE },
		{ "no-live", no_argument, NULL, OPT_NO_LIVE },
		{ "with-storage", no_argument, NULL, OPT_STORAGE },
		{ "max-downtime", required_argument, NULL, OPT_DOWNTIME },
		{ "json", no_argument, NULL, 'j' },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "port", required_argument, NULL, OPT_PORT },
		{ NULL, 0, NULL, 0 },
	};
	int first;

	opts_init(o);
	if (vmctl_getopt(v, "migrate", argc, argv, ":j", longopts, migrate_set, o,
			 2, &first))
		return -EINVAL;
	o->domain = argv[first];
	o->host = argv[first + 1];
	return check_host(v, "migrate", o->host);
}

int vmctl_migrate_check_parse(struct vmctl *v, int argc, char **argv,
			      struct vmctl_migrate_opts *o)
{
	static const struct option longopts[] = {
		{ "key", required_argument, NULL, OPT_KEY },
		{ "port", required_argument, NULL, OPT_PORT },
		{ NULL, 0, NULL, 0 },
	};
	int first;

	opts_init(o);
	if (vmctl_getopt(v, "migrate-check", argc, argv, ":", longopts, migrate_set,
			 o, 1, &first))
		return -EINVAL;
	o->host = argv[first];
	return check_host(v, "migrate-check", o->host);
}

/* ---- formatting ---- */

char *vmctl_migrate_progress_line(char *buf, size_t size,
				  const struct keel_mig_progress *p)
{
	snprintf(buf, size, "round %u%s: %llu pages sent, %llu dirty, %.1f MiB/s, "
		 "expected downtime %.0f ms", p->round, p->final ? " (paused)" : "",
		 (unsigned long long)p->pages_sent, (unsigned long long)p->pages_dirty,
		 p->mib_per_s, p->expected_downtime_ms);
	return buf;
}

void vmctl_migrate_print(FILE *out, const struct vmctl_migrate_result *r)
{
	const struct keel_mig_report *p = &r->rep;

	fprintf(out, "migrate: '%s' is running on %s\n", r->domain, r->host);
	fprintf(out, "  total time  %.3f s\n", p->total_ms / 1000.0);
	fprintf(out, "  downtime    %.0f ms (paused here until running on %s)\n",
		p->downtime_ms, r->host);
	fprintf(out, "  rounds      %u\n", p->rounds);
	fprintf(out, "  pages sent  %llu\n", (unsigned long long)p->pages_sent);
	fprintf(out, "  bytes sent  %llu (%.1f MiB)\n", (unsigned long long)p->bytes_sent,
		p->bytes_sent / 1048576.0);
	fprintf(out, "  stop rule   %s", p->how[0] ? p->how : "unknown");
	if (p->final_cap)
		fprintf(out, " (throttled to a cap of %u%%)", p->final_cap);
	fputc('\n', out);
	if (r->disks)
		fprintf(out, "  disks       %u image%s, %u pass%s, %llu bytes (%.1f MiB)\n",
			r->disks, r->disks == 1 ? "" : "s", r->disk_passes,
			r->disk_passes == 1 ? "" : "es", (unsigned long long)r->disk_bytes,
			r->disk_bytes / 1048576.0);
}

static int gen_key(yajl_gen g, const char *k)
{
	return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok;
}

static int gen_s(yajl_gen g, const char *k, const char *s)
{
	return gen_key(g, k) ||
	       yajl_gen_string(g, (const unsigned char *)s, strlen(s)) != yajl_gen_status_ok;
}

static int gen_i(yajl_gen g, const char *k, uint64_t n)
{
	return gen_key(g, k) || yajl_gen_integer(g, (long long)n) != yajl_gen_status_ok;
}

static int gen_d(yajl_gen g, const char *k, double d)
{
	/* Milliseconds to the microsecond, as a JSON number. */
	return gen_key(g, k) || yajl_gen_double(g, (double)(long long)(d * 1000) / 1000) !=
				yajl_gen_status_ok;
}

int vmctl_migrate_json(const struct vmctl_migrate_result *r, char **json)
{
	const struct keel_mig_report *p = &r->rep;
	const unsigned char *buf;
	size_t len;
	yajl_gen g;
	int rc = -ENOMEM;

	*json = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    gen_s(g, "domain", r->domain) || gen_s(g, "host", r->host) ||
	    gen_s(g, "result", "running") ||
	    gen_key(g, "live") || yajl_gen_bool(g, r->live) != yajl_gen_status_ok ||
	    gen_d(g, "total_ms", p->total_ms) || gen_d(g, "downtime_ms", p->downtime_ms) ||
	    gen_i(g, "rounds", p->rounds) || gen_i(g, "pages_sent", p->pages_sent) ||
	    gen_i(g, "bytes_sent", p->bytes_sent) ||
	    gen_s(g, "stop_rule", p->how[0] ? p->how : "unknown") ||
	    gen_i(g, "final_cap", p->final_cap) ||
	    gen_i(g, "disk_images", r->disks) || gen_i(g, "disk_passes", r->disk_passes) ||
	    gen_i(g, "disk_bytes_sent", r->disk_bytes) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		goto out_free_gen;
	*json = strndup((const char *)buf, len);
	if (*json)
		rc = 0;
out_free_gen:
	yajl_gen_free(g);
	return rc;
}

/* ---- the connection ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

#define CONNECT_TIMEOUT_MS 10000
/* A send that makes no progress this long fails the stream (a cut link). */
#define SEND_STALL_S 60

/* A connected TCP socket to host:port, or -errno with a message in err. */
static int connect_host(const char *host, unsigned int port, char *err, size_t errlen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	struct timeval tv = { SEND_STALL_S, 0 };
	struct pollfd p;
	socklen_t sl = sizeof(int);
	int fd, rc, soerr = 0, one = 1;

	inet_pton(AF_INET, host, &sa.sin_addr);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "socket: %s", strerror(-rc));
		return rc;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno != EINPROGRESS) {
		rc = -errno;
		goto err_close;
	}
	p = (struct pollfd){ .fd = fd, .events = POLLOUT };
	do
		rc = poll(&p, 1, CONNECT_TIMEOUT_MS);
	while (rc < 0 && errno == EINTR);
	if (rc == 0) {
		rc = -ETIMEDOUT;
		goto err_close;
	}
	if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) || soerr) {
		rc = soerr ? -soerr : -errno;
		goto err_close;
	}
	/* The engine writes with plain blocking writes. */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	return fd;

err_close:
	snprintf(err, errlen, "cannot connect to %s:%u: %s%s", host, port, strerror(-rc),
		 rc == -ECONNREFUSED ? " (is keel-migrated running there?)" : "");
	close(fd);
	return rc;
}

/* Connects and authenticates; the socket, or -errno after printing why. */
static int open_session(struct vmctl *v, const struct vmctl_migrate_opts *o)
{
	uint8_t key[KMIG_KEY_BYTES];
	char err[512];
	int fd, rc;

	rc = kmig_key_load(o->key, key, err, sizeof(err));
	if (rc) {
		vmctl_err(v, "%s", err);
		return rc;
	}
	fd = connect_host(o->host, o->port, err, sizeof(err));
	if (fd < 0) {
		memset(key, 0, sizeof(key));
		vmctl_err(v, "%s", err);
		return fd;
	}
	rc = kmig_auth_client(fd, key, err, sizeof(err));
	memset(key, 0, sizeof(key));
	if (rc) {
		vmctl_err(v, "%s:%u refused us: %s", o->host, o->port, err);
		close(fd);
		return rc;
	}
	return fd;
}

static int cmd_migrate_check(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_migrate_opts o;
	int fd;

	if (vmctl_migrate_check_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	fd = open_session(v, &o);
	if (fd < 0)
		return VMCTL_FAIL;
	(void)kmig_send(fd, KMIG_BYE, NULL, 0);
	close(fd);
	fprintf(v->out, "migrate-check: %s:%u accepted our key and holds it too\n",
		o.host, o.port);
	return VMCTL_OK;
}

/* ---- Ctrl-C and progress ---- */

static volatile int mig_cancel;
static volatile sig_atomic_t mig_too_late;

static void on_sigint(int sig)
{
	static const char late[] = "\nvmctl: too late to cancel: the target has the "
		"whole guest; waiting for its result\n";
	static const char now[] = "\nvmctl: cancelling; the guest keeps running here\n";

	(void)sig;
	if (mig_too_late) {
		(void)!write(2, late, sizeof(late) - 1);
		return;
	}
	mig_cancel = 1;
	(void)!write(2, now, sizeof(now) - 1);
}

struct progress_ctx {
	int tty;
	int drawn;                  /* a live line is on the terminal */
	int fd;                     /* the connection */
	int target_spoke;           /* the target sent something mid-stream */
};

static void on_progress(const struct keel_mig_progress *p, void *arg)
{
	struct progress_ctx *c = arg;
	struct pollfd pf = { .fd = c->fd, .events = POLLIN };
	char line[256];

	/* The target says nothing during the stream unless it failed: stop
	 * sending, and read why after the engine has returned. */
	if (!p->final && poll(&pf, 1, 0) > 0) {
		c->target_spoke = 1;
		mig_cancel = 1;
	}

	vmctl_migrate_progress_line(line, sizeof(line), p);
	if (c->tty) {
		fprintf(stderr, "\r\033[K%s", line);
		c->drawn = 1;
	} else {
		fprintf(stderr, "%s\n", line);
	}
	fflush(stderr);
}

static void progress_end(struct progress_ctx *c)
{
	if (c->drawn)
		fputc('\n', stderr);
	c->drawn = 0;
}

/* ---- migrate ---- */

static int send_offer(struct vmctl *v, int fd, const struct vmctl_migrate_opts *o,
		      const char *name, const struct keel_dominfo *info)
{
	struct kmig_offer off = { .mem_bytes = info->max_pages * 4096,
				  .vcpus = info->nr_vcpus };
	uint8_t buf[KMIG_FRAME_MAX];
	char err[512];
	size_t n;
	int rc;

	snprintf(off.name, sizeof(off.name), "%s", name);
	off.flags = (o->live ? KMIG_OFFER_LIVE : 0) |
		    (o->with_storage ? KMIG_OFFER_STORAGE : 0);
	n = kmig_offer_encode(&off, buf, sizeof(buf));
	rc = kmig_send(fd, KMIG_OFFR, buf, n);
	if (!rc)
		rc = kmig_offer_answer(fd, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s", strerror(-rc));
	if (rc)
		vmctl_err(v, "%s refused '%s': %s; nothing was sent, it keeps running here",
			  o->host, name, err);
	return rc;
}

/* The domain's disk images (and their cow bases) into ds; 0 or -errno
 * after printing why. */
static int gather_disks(struct vmctl *v, uint16_t id, const char *name,
			struct kmig_disks *ds)
{
	uint32_t ids[KEEL_VBD_MAX * 2];
	struct keel_store *st = vmctl_store(v);
	struct vmctl_vbd_row r;
	char err[512];
	size_t n, i;
	int rc;

	if (!st)
		return -ENOENT;
	n = vmctl_vbd_ids(st, id, ids, KEEL_VBD_MAX * 2);
	for (i = 0; i < n; i++) {
		vmctl_vbd_row_read(st, id, ids[i], &r);
		if (!r.image[0])
			continue;
		rc = kmig_disks_add(ds, r.image, err, sizeof(err));
		if (!rc && r.base[0])
			rc = kmig_disks_add(ds, r.base, err, sizeof(err));
		if (rc) {
			vmctl_err(v, "migrate: '%s': %s", name, err);
			return rc;
		}
	}
	return 0;
}

/* --with-storage before the stream: announce, then copy while it runs. */
static int disks_precopy(struct vmctl *v, int fd, struct kmig_disks *ds,
			 const char *name, const char *host)
{
	char err[512];
	int rc;

	rc = kmig_disks_announce(fd, ds, err, sizeof(err));
	if (rc) {
		vmctl_err(v, "migrate: %s refused the disk images of '%s': %s; it keeps "
			  "running here", host, name, err);
		return rc;
	}
	fprintf(stderr, "disks: copying %u image%s while '%s' runs\n", ds->n,
		ds->n == 1 ? "" : "s", name);
	rc = kmig_disks_precopy(fd, ds, err, sizeof(err));
	if (rc) {
		vmctl_err(v, "migrate: copying the disk images of '%s' failed: %s; it "
			  "keeps running here", name, err);
		return rc;
	}
	fprintf(stderr, "disks: %u pass%s, %llu MiB sent; the last pass follows "
		"while it is paused\n", ds->rounds, ds->rounds == 1 ? "" : "es",
		(unsigned long long)(ds->bytes_sent >> 20));
	return 0;
}

static int cmd_migrate(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_migrate_opts o;
	struct vmctl_migrate_result res = { 0 };
	struct progress_ctx pc = { .tty = isatty(2) };
	struct keel_mig_opts mo = { 0 };
	struct sigaction sa = { 0 }, old_int;
	struct kmig_disks ds = { .cancel = &mig_cancel };
	struct kmig_relay relay;
	struct keel_dominfo info;
	struct keel_ctl *h;
	struct kxs *xs = NULL;
	char name[64], err[512], msg[512];
	double t0, t_sent, t_run;
	uint16_t id;
	int fd = -1, out_fd, rc, status, ret = VMCTL_FAIL;

	if (vmctl_migrate_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)) ||
	    vmctl_not_dom0(v, "migrate", id))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	rc = keel_domain_getinfo(h, id, &info);
	if (rc) {
		vmctl_err(v, "migrate: cannot read domain %u: %s", id, strerror(-rc));
		return VMCTL_FAIL;
	}
	if (!name[0]) {
		vmctl_err(v, "migrate: domain %u has no name in the store", id);
		return VMCTL_FAIL;
	}
	if (o.with_storage && gather_disks(v, id, name, &ds))
		goto out_close_disks;
	rc = kxs_open(NULL, NULL, &xs);
	if (rc) {
		vmctl_err(v, "cannot connect to the store (xenstored): %s", strerror(-rc));
		goto out_close_disks;
	}
	signal(SIGPIPE, SIG_IGN);
	mig_cancel = 0;
	mig_too_late = 0;
	sa.sa_handler = on_sigint;        /* no SA_RESTART: blocking calls end */
	sigaction(SIGINT, &sa, &old_int);
	fd = open_session(v, &o);
	if (fd < 0)
		goto out_restore_sigint;
	pc.fd = fd;
	if (send_offer(v, fd, &o, name, &info))
		goto out_restore_sigint;
	t0 = now_ms();
	if (ds.n && disks_precopy(v, fd, &ds, name, o.host))
		goto out_restore_sigint;
	/* With --with-storage the stream goes through the relay even for a
	 * guest without disks (its last pass is then empty). */
	if (o.with_storage) {
		rc = kmig_relay_start(&relay, fd, &ds, &out_fd);
	} else {
		out_fd = fd;
		rc = kmig_send(fd, KMIG_STRM, NULL, 0);
	}
	if (rc) {
		vmctl_err(v, "migrate: cannot start the stream: %s", strerror(-rc));
		goto out_restore_sigint;
	}

	mo.live = o.live;
	mo.max_downtime_ms = o.max_downtime_ms;
	mo.progress = on_progress;
	mo.progress_arg = &pc;
	mo.cancel = &mig_cancel;
	err[0] = '\0';
	rc = keel_mig_save(h, xs, name, out_fd, &mo, &res.rep, err, sizeof(err));
	if (o.with_storage) {
		int rrc;

		close(out_fd);
		rrc = kmig_relay_finish(&relay);
		if (!rc && rrc && !relay.end_sent) {
			/* The target never had the END record: it starts nothing
			 * and frees all; the guest may run on here. */
			char rerr[256];

			if (keel_mig_resume_source(h, xs, name, rerr, sizeof(rerr)))
				vmctl_err(v, "migrate: cannot resume '%s' here: %s", name, rerr);
			snprintf(err, sizeof(err), "%s", relay.err);
			rc = rrc;
		}
	}
	t_sent = now_ms();
	mig_too_late = 1;
	progress_end(&pc);
	if (rc && (pc.target_spoke || rc == -EPIPE || rc == -ECONNRESET) &&
	    !kmig_result_recv(fd, 5000, &status, msg, sizeof(msg)) && status) {
		shutdown(fd, SHUT_RDWR);
		vmctl_err(v, "migrate: %s could not take '%s': %s; it keeps running here",
			  o.host, name, msg);
		goto out_restore_sigint;
	}
	if (rc) {
		shutdown(fd, SHUT_RDWR);
		if (rc == -ECANCELED)
			vmctl_err(v, "migrate: cancelled; '%s' keeps running here and %s "
				  "frees what it received", name, o.host);
		else
			vmctl_err(v, "migrate: '%s' to %s failed: %s; it keeps running here",
				  name, o.host, err[0] ? err : strerror(-rc));
		goto out_restore_sigint;
	}

	/* The guest is paused here; only the target's word decides. */
	rc = kmig_result_recv(fd, VMCTL_MIGRATE_RESULT_S * 1000, &status, msg,
			      sizeof(msg));
	t_run = now_ms();
	if (rc) {
		vmctl_err(v, "migrate: %s; '%s' is left PAUSED here, as %s may run it: "
			  "check 'vmctl list' there, then 'vmctl migrate-abort %s' (it "
			  "does not run there) or 'vmctl destroy %s' (it does) here", msg,
			  name, o.host, name, name);
		goto out_restore_sigint;
	}
	if (status) {
		char rerr[256];
		int urc = keel_mig_resume_source(h, xs, name, rerr, sizeof(rerr));

		vmctl_err(v, "migrate: %s could not start '%s': %s; %s%s", o.host, name, msg,
			  urc ? "it is left paused here: " : "it runs on here",
			  urc ? rerr : "");
		goto out_restore_sigint;
	}
	res.domain = name;
	res.host = o.host;
	res.live = o.live;
	res.disks = ds.n;
	res.disk_passes = ds.rounds;
	res.disk_bytes = ds.bytes_sent;
	/* The engine timed up to its last byte; the guest was down until the
	 * target said it runs. */
	res.rep.downtime_ms += t_run - t_sent;
	res.rep.total_ms = t_run - t0;
	rc = keel_domain_teardown(h, vmctl_store(v), id);
	if (rc)
		vmctl_err(v, "migrate: '%s' runs on %s, but destroying the copy here "
			  "(id %u) failed: %s; 'vmctl destroy %u'", name, o.host, id,
			  strerror(-rc), id);
	if (o.json) {
		char *json = NULL;
		/* Two statements: the order a call's arguments are evaluated
		 * in is unspecified, json could be read before it is set. */
		int jrc = vmctl_migrate_json(&res, &json);

		ret = vmctl_put_json(v, jrc, json);
	} else {
		vmctl_migrate_print(v->out, &res);
		ret = VMCTL_OK;
	}
	if (rc)
		ret = VMCTL_FAIL;

out_restore_sigint:
	sigaction(SIGINT, &old_int, NULL);
	if (fd >= 0)
		close(fd);
	kxs_close(xs);
out_close_disks:
	kmig_disks_close(&ds);
	return ret;
}

static int cmd_migrate_abort(struct vmctl *v, int argc, char **argv)
{
	struct keel_ctl *h;
	struct kxs *xs;
	char name[64], err[256];
	uint16_t id;
	int rc;

	if (argc != 2)
		return vmctl_usage_error(v, vmctl_find_cmd("migrate-abort"),
					 "migrate-abort: expected one DOMAIN");
	if (vmctl_resolve(v, argv[1], &id, name, sizeof(name)) ||
	    vmctl_not_dom0(v, "migrate-abort", id))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	rc = kxs_open(NULL, NULL, &xs);
	if (rc) {
		vmctl_err(v, "cannot connect to the store (xenstored): %s", strerror(-rc));
		return VMCTL_FAIL;
	}
	rc = keel_mig_resume_source(h, xs, name, err, sizeof(err));
	kxs_close(xs);
	if (rc) {
		vmctl_err(v, "migrate-abort: cannot resume '%s': %s", name, err);
		return VMCTL_FAIL;
	}
	fprintf(v->out, "'%s' runs here again\n", name);
	return VMCTL_OK;
}
