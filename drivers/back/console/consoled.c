/*
 * keel-consoled: dom0's console backend.
 *
 *   keel-consoled [--log-dir DIR] [--socket PATH] [--debug]
 *
 * For every guest with console/ring-ref and console/port in the store it
 * maps the console ring, binds the event channel, and on each event copies
 * the guest's output to DIR/<name>.log (default /var/log/keel/console),
 * into a 16 KiB backlog and to attached clients (`vmctl console`, through
 * the socket, default /run/keel/console.sock), whose keystrokes go into
 * the ring's input side.  When the store goes away (xenstored died) it
 * keeps serving the consoles it has and connects again every second.
 * Messages go to stderr.  See docs/backends.md.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "consoled.h"

#define CHECK_MS 1000          /* how often dead domains are looked for */
#define EVENTS_MAX 256         /* ports handled per loop round          */
#define RECONNECT_MS 1000      /* between tries to reach a lost store   */

void cd_log(struct consoled *d, enum keel_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	d->log.base.log(&d->log.base, level, fmt, ap);
	va_end(ap);
}

/* Every pending port: service its guest, then unmask it. */
static void handle_events(struct consoled *d)
{
	struct cons_guest *g;
	unsigned i;
	long port;

	for (i = 0; i < EVENTS_MAX; i++) {
		port = keel_evtchn_pending(d->ev);
		if (port == -EAGAIN)
			return;
		if (port == -EFBIG) {      /* events lost: look at everyone */
			for (g = d->guests; g; g = g->next)
				guest_service(d, g);
			continue;
		}
		if (port < 0) {
			cd_log(d, KEEL_LOG_WARN, "event channel: %s",
			       strerror((int)-port));
			return;
		}
		g = guest_find_port(d, (uint32_t)port);
		if (g)
			guest_service(d, g);
		keel_evtchn_unmask(d->ev, (uint32_t)port);
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Connects to the store, watches it and connects the guests it lists; 0,
 * or -errno with d->xs left NULL (the loop tries again later).
 */
static int store_connect(struct consoled *d)
{
	struct kxs *xs;
	int rc;

	rc = kxs_open(NULL, NULL, &xs);
	if (rc)
		return rc;
	/* run() notices the store's hang-up and reconnects (store_lost,
	 * store_retry) without stopping the consoles: libkxs must not block
	 * it waiting for the store. */
	kxs_set_reconnect(xs, 0);
	d->xs = xs;
	rc = store_watch(d);
	if (rc) {
		kxs_close(xs);
		d->xs = NULL;
		return rc;
	}
	store_events(d);   /* the watches' initial events */
	store_scan(d);
	return 0;
}

/*
 * The store went away (xenstored died or was restarted): drop the
 * connection and keep serving the guests we have -- their rings and the
 * clients do not need the store -- until store_connect() succeeds again.
 */
static void store_lost(struct consoled *d)
{
	cd_log(d, KEEL_LOG_WARN, "lost the store connection; reconnecting "
	       "every %d ms, the consoles already open keep working",
	       RECONNECT_MS);
	kxs_close(d->xs);
	d->xs = NULL;
}

/* One try to reach the store again; logs the first failure and success. */
static void store_retry(struct consoled *d, int *failures)
{
	int rc = store_connect(d);

	if (rc == 0) {
		cd_log(d, KEEL_LOG_INFO, "connected to the store%s",
		       *failures ? " again" : "");
		*failures = 0;
		return;
	}
	if ((*failures)++ == 0)
		cd_log(d, KEEL_LOG_WARN, "cannot reach the store: %s; still trying",
		       strerror(-rc));
}

/* The poll set: signals, event channel, store, listener, clients. */
enum { PFD_SIG, PFD_EV, PFD_XS, PFD_LISTEN, PFD_CLIENTS };

static int run(struct consoled *d, int sigfd)
{
	struct pollfd *pfd = NULL;
	struct cons_client *c, **cl = NULL;
	size_t n, cap = 0, i;
	int64_t next_check = now_ms() + CHECK_MS, next_connect = now_ms();
	bool rescan = false;
	int timeout, failures = 0;

	for (;;) {
		n = PFD_CLIENTS;
		for (c = d->clients; c; c = c->next)
			n++;
		if (n > cap) {
			cap = n * 2;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			cl = realloc(cl, cap * sizeof(*cl));
			if (!pfd || !cl)
				return -ENOMEM;
		}
		pfd[PFD_SIG] = (struct pollfd){ sigfd, POLLIN, 0 };
		pfd[PFD_EV] = (struct pollfd){ keel_evtchn_fd(d->ev), POLLIN, 0 };
		pfd[PFD_XS] = (struct pollfd){ d->xs ? kxs_fd(d->xs) : -1, POLLIN, 0 };
		pfd[PFD_LISTEN] = (struct pollfd){ d->lfd, POLLIN, 0 };
		for (i = PFD_CLIENTS, c = d->clients; c; c = c->next, i++) {
			short ev = 0;

			if (!c->domid || c->in_len < CLIENT_IN_MAX)
				ev |= POLLIN;
			if (c->out_len)
				ev |= POLLOUT;
			pfd[i] = (struct pollfd){ c->fd, ev, 0 };
			cl[i] = c;
		}
		timeout = rescan ? 0 : (int)(next_check - now_ms());
		if (!d->xs && next_connect - now_ms() < timeout)
			timeout = (int)(next_connect - now_ms());
		if (poll(pfd, n, timeout < 0 ? 0 : timeout) < 0 && errno != EINTR)
			return -errno;
		if (pfd[PFD_SIG].revents & POLLIN)
			return 0;
		if (pfd[PFD_EV].revents & POLLIN)
			handle_events(d);
		if (d->xs && (pfd[PFD_XS].revents & (POLLHUP | POLLERR))) {
			store_lost(d);
			next_connect = now_ms() + RECONNECT_MS;
		}
		if (!d->xs && now_ms() >= next_connect) {
			store_retry(d, &failures);
			next_connect = now_ms() + RECONNECT_MS;
		}
		if (d->xs) {
			if (store_events(d) || rescan)
				store_scan(d);
			/* the scan's own calls may have queued more events */
			rescan = store_events(d);
		} else {
			rescan = false;
		}
		for (i = PFD_CLIENTS; i < n; i++)
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR))
				clients_input(d, cl[i]);
		if (pfd[PFD_LISTEN].revents & POLLIN)
			clients_accept(d);
		for (c = d->clients; c; c = c->next)
			clients_flush(c);
		clients_reap(d);
		if (now_ms() >= next_check) {
			guests_check_alive(d);
			next_check = now_ms() + CHECK_MS;
		}
	}
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

static void usage(FILE *f)
{
	fprintf(f, "usage: keel-consoled [--log-dir DIR] [--socket PATH] [--debug]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log-dir", required_argument, NULL, 'l' },
		{ "socket", required_argument, NULL, 's' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct consoled d = { .lfd = -1, .log_dir = CONS_LOG_DIR,
			      .sock_path = CONS_SOCK_PATH };
	enum keel_log_level level = KEEL_LOG_INFO;
	struct cons_guest *g;
	int ch, sigfd, rc, status = 1;

	while ((ch = getopt_long(argc, argv, "l:s:dh", opts, NULL)) != -1) {
		switch (ch) {
		case 'l': d.log_dir = optarg; break;
		case 's': d.sock_path = optarg; break;
		case 'd': level = KEEL_LOG_DEBUG; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	setvbuf(stderr, NULL, _IOLBF, 0);
	keel_stderr_logger_init(&d.log, "keel-consoled", level);

	d.ctl = keel_ctl_open(&d.log.base, 0);
	if (!d.ctl)
		return 1;
	d.ev = keel_evtchn_open(&d.log.base, KEEL_EVTCHN_NONBLOCK);
	if (!d.ev)
		goto err_close_ctl;
	rc = clients_listen(&d);
	if (rc) {
		cd_log(&d, KEEL_LOG_ERROR, "cannot listen on %s: %s",
		       d.sock_path, strerror(-rc));
		goto err_close_ev;
	}
	sigfd = block_signals();
	if (sigfd < 0) {
		rc = -errno;
		cd_log(&d, KEEL_LOG_ERROR, "cannot set up: %s", strerror(-rc));
		goto err_close_sock;
	}
	cd_log(&d, KEEL_LOG_INFO, "serving consoles: logs in %s, socket %s",
	       d.log_dir, d.sock_path);
	/* Without the store yet, run() keeps trying to reach it. */
	rc = run(&d, sigfd);
	cd_log(&d, KEEL_LOG_INFO, "exiting%s%s", rc ? ": " : "",
	       rc ? strerror(-rc) : "");
	status = rc ? 1 : 0;
	while ((g = d.guests))
		guest_disconnect(&d, g);
	clients_reap(&d);
err_close_sock:
	close(d.lfd);
	unlink(d.sock_path);
	if (d.xs)
		kxs_close(d.xs);
err_close_ev:
	keel_evtchn_close(d.ev);
err_close_ctl:
	keel_ctl_close(d.ctl);
	return status;
}
