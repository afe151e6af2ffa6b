/*
 * keel-migrated: dom0's migration receiver (docs/migration.md,
 * "Transport").  Listens on TCP port 8002 of the migration link address
 * only, and serves each connection in a child process (serve.c): the
 * sender proves it holds the hosts' shared key, offers a domain, streams
 * it, and gets the result.  Started at boot under keel-supervise by
 * /etc/keel/init.d/S40keel-migrated.
 *
 *   keel-migrated [--listen ADDR] [--port N] [--key FILE]
 *
 * ADDR defaults to the link address in /run/keel/migration.addr
 * (S06keel-migration); the key file to /etc/keel/migration.key, read anew
 * for each connection.  Log lines go to stderr (the supervisor appends
 * them to /var/log/keel-migrated.log).  SIGTERM stops the daemon and
 * every connection it serves: a migration in flight is abandoned and
 * whatever it had created here is freed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keelctl.h"
#include "keelmig.h"
#include "builder.h"
#include "store.h"
#include "kxs.h"
#include "migrated.h"

#define ADDR_FILE "/run/keel/migration.addr"
/* Connections served at once; more are refused with a log line. */
#define MAX_CONNS 4

struct daemon_ctx {
	struct keel_stderr_logger lib_log;
	struct keel_ctl *ctl;
};

static volatile sig_atomic_t stopping;
static int conn_fd = -1;        /* in a child: the connection it serves */

static void logline(struct migrated *m, const char *fmt, ...)
{
	struct timespec ts;
	struct tm tm;
	char when[32];
	va_list ap;

	(void)m;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld keel-migrated: ", when, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

static struct keel_ctl *ctl_of(struct migrated *m)
{
	struct daemon_ctx *d = m->ctx;

	if (!d->ctl)
		d->ctl = keel_ctl_open(&d->lib_log.base, 0);
	return d->ctl;
}

static int name_running(struct migrated *m, const char *name)
{
	struct keel_store st;
	uint16_t domid;
	int rc;

	(void)m;
	rc = keel_store_open(&st);
	if (rc)
		return rc;
	rc = keel_dom_store_find(&st, name, &domid);
	keel_store_close(&st);
	if (rc == -ENOENT)
		return 0;
	return rc ? rc : 1;
}

static int mem_fits(struct migrated *m, uint64_t mem_bytes, char *err,
		    size_t errlen)
{
	struct keel_ctl *h = ctl_of(m);
	uint64_t need = keel_build_pool_pages((mem_bytes + 4095) / 4096);
	long free_pages;

	if (!h) {
		snprintf(err, errlen, "cannot open the hypervisor: %s", strerror(errno));
		return -errno;
	}
	free_pages = keel_free_memory_pages(h);
	if (free_pages < 0) {
		snprintf(err, errlen, "cannot read the free memory: %s",
			 strerror((int)-free_pages));
		return (int)free_pages;
	}
	if ((uint64_t)free_pages < need) {
		snprintf(err, errlen, "not enough free memory here: the guest needs "
			 "%llu KiB, %llu KiB are free",
			 (unsigned long long)need * 4, (unsigned long long)free_pages * 4);
		return -ENOMEM;
	}
	return 0;
}

static void xs_emit(void *ctx, enum xs_log_level level, const char *msg)
{
	(void)level;
	logline(ctx, "store: %s", msg);
}

static int restore(struct migrated *m, int fd, uint16_t *domid, char *err,
		   size_t errlen)
{
	struct xs_logger xl = { xs_emit, m, XS_LOG_WARN };
	struct keel_ctl *h = ctl_of(m);
	struct timeval tv = { MIGRATED_STREAM_IDLE_S, 0 };
	struct kxs *xs;
	int rc;

	if (!h) {
		snprintf(err, errlen, "cannot open the hypervisor: %s", strerror(errno));
		return -errno;
	}
	rc = kxs_open(NULL, &xl, &xs);
	if (rc) {
		snprintf(err, errlen, "cannot connect to the store: %s", strerror(-rc));
		return rc;
	}
	/* A stream that stops (a cut link) fails the restore, which frees
	 * all it made, instead of waiting forever. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rc = keel_mig_restore(h, xs, fd, domid, err, errlen);
	kxs_close(xs);
	return rc;
}

static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
	/* In a child: end the stream, so the restore fails and cleans up. */
	if (conn_fd >= 0)
		shutdown(conn_fd, SHUT_RDWR);
}

static void on_chld(int sig)
{
	(void)sig;
}

static int listen_on(const char *addr, unsigned int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		logline(NULL, "--listen %s: not an IPv4 address", addr);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 4)) {
		int rc = -errno;

		logline(NULL, "cannot listen on %s:%u: %s", addr, port, strerror(-rc));
		close(fd);
		return rc;
	}
	return fd;
}

static int read_addr_file(char *buf, size_t size)
{
	FILE *f = fopen(ADDR_FILE, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (!ok)
		return -EINVAL;
	buf[strcspn(buf, " \t\r\n")] = '\0';
	return buf[0] ? 0 : -EINVAL;
}

/* A child's life: one connection, then exit. */
static void child(struct migrated *m, int fd, const char *peer)
{
	int one = 1;

	conn_fd = fd;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	if (stopping)
		_exit(1);
	_exit(migrated_serve(m, fd, peer) ? 1 : 0);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: keel-migrated [--listen ADDR] [--port N] [--key FILE]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "key", required_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_ctx d = { 0 };
	struct migrated m = {
		.key_path = KMIG_KEY_FILE, .log = logline, .name_running = name_running,
		.mem_fits = mem_fits, .restore = restore, .ctx = &d,
	};
	struct sigaction sa = { 0 };
	char addr[64] = "";
	unsigned long port = KMIG_PORT;
	int opt, lfd, conns = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			snprintf(addr, sizeof(addr), "%s", optarg);
			break;
		case 'p':
			port = strtoul(optarg, NULL, 10);
			if (port < 1 || port > 65535) {
				fprintf(stderr, "keel-migrated: --port %s: expected 1..65535\n", optarg);
				return 2;
			}
			break;
		case 'k':
			m.key_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!addr[0] && read_addr_file(addr, sizeof(addr))) {
		logline(&m, "no --listen address and no %s: this host has no "
			"migration link (keel.migration= on dom0's command line)", ADDR_FILE);
		return 1;
	}
	keel_stderr_logger_init(&d.lib_log, "keel-migrated", KEEL_LOG_WARN);

	/* Our own process group: stopping ends our children, nothing else. */
	setpgid(0, 0);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* SIGCHLD ends accept() (no SA_RESTART): children are reaped below. */
	sa.sa_handler = on_chld;
	sigaction(SIGCHLD, &sa, NULL);

	lfd = listen_on(addr, (unsigned int)port);
	if (lfd < 0)
		return 1;
	logline(&m, "listening on %s:%lu (key %s)", addr, port, m.key_path);

	while (!stopping) {
		struct sockaddr_in peer_sa;
		socklen_t sl = sizeof(peer_sa);
		char peer[64], ip[INET_ADDRSTRLEN];
		pid_t pid;
		int fd;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			conns--;
		fd = accept4(lfd, (struct sockaddr *)&peer_sa, &sl, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				logline(&m, "accept: %s", strerror(errno));
			continue;
		}
		inet_ntop(AF_INET, &peer_sa.sin_addr, ip, sizeof(ip));
		snprintf(peer, sizeof(peer), "%s:%u", ip, ntohs(peer_sa.sin_port));
		if (conns >= MAX_CONNS) {
			logline(&m, "refused %s: %d connections are being served already",
				peer, conns);
			close(fd);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			close(lfd);
			child(&m, fd, peer);
		}
		if (pid < 0)
			logline(&m, "refused %s: cannot fork: %s", peer, strerror(errno));
		else
			conns++;
		close(fd);
	}
	logline(&m, "stopping; ending the connections in flight");
	close(lfd);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0)
		;
	keel_ctl_close(d.ctl);
	return 0;
}
