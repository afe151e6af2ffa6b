/*
 * xenstored: the configuration store daemon.
 *
 *   xenstored [-F] [--db PATH] [--memory | --sync] [--socket PATH]
 *             [--log-level err|warn|info|debug] [--syslog]
 *             [--pid-file PATH] [--quota NAME=N]... [--compact-bytes N]
 *
 * Durability (docs/store.md): by default every commit is appended to a log
 * before its reply (survives the daemon's death, no fsync), compacted into
 * the TDB image in the background; --sync adds one fsync per poll round
 * shared by all commits waiting (survives power loss); --memory keeps
 * nothing.  --no-sync is the old name of the default (deprecated).
 *
 * The socket defaults to $XENSTORED_PATH, else $XENSTORED_RUNDIR/socket,
 * else /var/run/xenstored/socket; the database to /var/lib/xenstored/tdb.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "domring.h"
#include "domring_keel.h"
#include "server.h"
#include "sock.h"
#include "xsd.h"

#define DOMAIN_CHECK_MS 1000   /* how often vanished domains are looked for */

#define DEFAULT_DB     "/var/lib/xenstored/tdb"
#define DEFAULT_RUNDIR "/var/run/xenstored"

struct options {
	const char *db;
	const char *socket;
	const char *pid_file;
	bool foreground, memory, sync, use_syslog;
	size_t compact_bytes;
	enum xs_log_level level;
	struct xsd_config cfg;
};

static void log_stderr(void *ctx, enum xs_log_level level, const char *msg)
{
	struct timespec ts;
	char stamp[40];

	(void)ctx;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(stderr, "%s xenstored[%d] %s: %s\n",
		xs_log_stamp(stamp, sizeof(stamp), &ts), (int)getpid(),
		xs_log_level_name(level), msg);
}

static void log_syslog(void *ctx, enum xs_log_level level, const char *msg)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

	(void)ctx;
	syslog(prio[level], "%s", msg);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: xenstored [-F] [--db PATH] [--memory | --sync]\n"
		"                 [--socket PATH] [--log-level LEVEL] [--syslog]\n"
		"                 [--pid-file PATH] [--quota NAME=N]...\n"
		"                 [--compact-bytes N]\n"
		"durability: default = a log written before each reply (survives\n"
		"  the daemon's death); --sync = also fsync, shared by the commits\n"
		"  of one round (survives power loss); --memory = none\n"
		"quota names: nodes entry-size watches transactions\n"
		"             outstanding request-size (0 = unlimited)\n");
}

static int set_quota(struct xsd_quota *q, const char *arg)
{
	static const struct { const char *name; size_t off; } names[] = {
		{ "nodes", offsetof(struct xsd_quota, nodes) },
		{ "entry-size", offsetof(struct xsd_quota, entry_size) },
		{ "watches", offsetof(struct xsd_quota, watches) },
		{ "transactions", offsetof(struct xsd_quota, transactions) },
		{ "outstanding", offsetof(struct xsd_quota, outstanding) },
		{ "request-size", offsetof(struct xsd_quota, request_size) },
	};
	const char *eq = strchr(arg, '=');
	unsigned i;
	char *end;
	unsigned long v;

	if (!eq)
		return -EINVAL;
	v = strtoul(eq + 1, &end, 10);
	if (*end || eq[1] == '\0')
		return -EINVAL;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == (size_t)(eq - arg) &&
		    strncmp(names[i].name, arg, (size_t)(eq - arg)) == 0) {
			*(unsigned *)((char *)q + names[i].off) = (unsigned)v;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "foreground", no_argument, NULL, 'F' },
		{ "db", required_argument, NULL, 'd' },
		{ "memory", no_argument, NULL, 'm' },
		{ "no-sync", no_argument, NULL, 'N' },
		{ "sync", no_argument, NULL, 'Y' },
		{ "compact-bytes", required_argument, NULL, 'C' },
		{ "socket", required_argument, NULL, 's' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "syslog", no_argument, NULL, 'S' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "quota", required_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "Fd:s:l:p:q:h", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'F': o->foreground = true; break;
		case 'd': o->db = optarg; break;
		case 'm': o->memory = true; break;
		case 'N':
			fprintf(stderr, "xenstored: --no-sync is deprecated: it is "
				"the default now (a log without fsync)\n");
			break;
		case 'Y': o->sync = true; break;
		case 'C': {
			char *end;

			o->compact_bytes = strtoul(optarg, &end, 10);
			if (*end || optarg[0] == '\0' || o->compact_bytes == 0) {
				fprintf(stderr, "bad --compact-bytes %s\n", optarg);
				return -EINVAL;
			}
			break;
		}
		case 's': o->socket = optarg; break;
		case 'S': o->use_syslog = true; break;
		case 'p': o->pid_file = optarg; break;
		case 'l':
			if (xs_log_level_parse(optarg, &o->level)) {
				fprintf(stderr, "bad log level %s\n", optarg);
				return -EINVAL;
			}
			break;
		case 'q':
			if (set_quota(&o->cfg.quota, optarg)) {
				fprintf(stderr, "bad quota %s\n", optarg);
				return -EINVAL;
			}
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	if (o->memory && o->sync) {
		fprintf(stderr, "xenstored: --memory and --sync exclude each other\n");
		return -EINVAL;
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

/* The socket path from the options or the environment, into @buf. */
static const char *socket_path(const struct options *o, char *buf,
			       size_t size)
{
	const char *env;

	if (o->socket)
		return o->socket;
	env = getenv("XENSTORED_PATH");
	if (env && *env)
		return env;
	env = getenv("XENSTORED_RUNDIR");
	snprintf(buf, size, "%s/socket", env && *env ? env : DEFAULT_RUNDIR);
	return buf;
}

static int open_db(const struct options *o, const struct xs_logger *log,
		   struct xsd_db **db)
{
	char *dir;

	if (o->memory)
		return xsd_db_open_mem(db);
	dir = strdup(o->db);
	if (dir && strrchr(dir, '/') && strrchr(dir, '/') != dir) {
		*strrchr(dir, '/') = '\0';
		mkdir(dir, 0700);
	}
	free(dir);
	return xsd_db_open_log(o->db, o->sync ? XSD_DB_SYNC : 0,
			       o->compact_bytes, log, db);
}

static int block_signals(void)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void write_pid_file(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
}

/* The event loop's view of the guest rings. */
static void rings_ready(void *ctx) { xsd_domrings_events(ctx); }
static bool rings_after(void *ctx) { return xsd_domrings_resume(ctx); }
static void rings_tick(void *ctx) { xsd_domrings_check(ctx); }

/*
 * Hooks guest store rings up when the hypervisor's devices are there;
 * otherwise the daemon serves its socket only, and says so.  Fills @xt
 * for the event loop.
 */
static void open_rings(struct xsd *x, const struct xs_logger *log,
		       struct xsd_domring_keel **k, struct xsd_domrings **dr,
		       struct xsd_server_extra *xt)
{
	int rc = xsd_domring_keel_open(log, k);

	if (rc == 0)
		rc = xsd_domrings_open(x, &xsd_domring_keel_ops, *k, log, dr);
	if (rc) {
		xs_log(log, XS_LOG_INFO,
		       "no guest rings (event channels unavailable: %s): serving sockets only",
		       strerror(-rc));
		xsd_domring_keel_close(*k);
		*k = NULL;
		*dr = NULL;
		return;
	}
	xt->fd = xsd_domrings_fd(*dr);
	xt->ready = rings_ready;
	xt->after = rings_after;
	xt->tick = rings_tick;
	xt->tick_ms = DOMAIN_CHECK_MS;
	xt->ctx = *dr;
	xs_log(log, XS_LOG_INFO, "guest store rings enabled (event channel fd %d)",
	       xt->fd);
}

int main(int argc, char **argv)
{
	struct options o = { .db = DEFAULT_DB, .level = XS_LOG_INFO };
	struct xs_logger log = { log_stderr, NULL, XS_LOG_INFO };
	char pathbuf[256];
	const char *sock;
	struct xsd_server_extra xt = { .fd = -1 };
	struct xsd_domring_keel *keel = NULL;
	struct xsd_domrings *dr = NULL;
	struct xsd_db *db;
	struct xsd *x;
	int lfd, sigfd, rc;

	xsd_config_default(&o.cfg);
	if (parse_args(argc, argv, &o))
		return 2;
	log.max_level = o.level;
	if (o.use_syslog) {
		openlog("xenstored", LOG_PID, LOG_DAEMON);
		log.emit = log_syslog;
	}
	if (!o.foreground && daemon(0, o.use_syslog ? 0 : 1) < 0) {
		perror("daemon");
		return 1;
	}
	sock = socket_path(&o, pathbuf, sizeof(pathbuf));
	rc = open_db(&o, &log, &db);
	if (rc == 0)
		rc = xsd_open(db, &o.cfg, &log, &x);
	if (rc) {
		xs_log(&log, XS_LOG_ERR, "cannot open the store: %s",
		       strerror(-rc));
		return 1;
	}
	sigfd = block_signals();
	lfd = sigfd < 0 ? -errno : xsd_sock_listen(sock, &log);
	if (lfd < 0) {
		xsd_close(x);
		return 1;
	}
	if (o.pid_file)
		write_pid_file(o.pid_file);
	xs_log(&log, XS_LOG_INFO, "listening on %s, database %s%s", sock,
	       o.memory ? "(memory)" : o.db,
	       o.memory ? "" : o.sync ? " (log, fsync per round)" :
	       " (log, no fsync)");
	open_rings(x, &log, &keel, &dr, &xt);
	/* Guests introduced before a restart: reconnect their rings. */
	rc = xsd_restore(x);
	if (rc < 0)
		xs_log(&log, XS_LOG_ERR, "cannot restore the domains: %s",
		       strerror(-rc));
	rc = xsd_server_run(x, lfd, sigfd, dr ? &xt : NULL, &log);
	xs_log(&log, XS_LOG_INFO, "exiting");
	close(lfd);
	unlink(sock);
	xsd_close(x);             /* closes the rings' connections first */
	xsd_domrings_close(dr);
	xsd_domring_keel_close(keel);
	return rc ? 1 : 0;
}
