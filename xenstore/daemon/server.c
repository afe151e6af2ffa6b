/* The daemon's event loop.  See server.h. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "sock.h"

struct poll_set {
	struct pollfd *fds;
	struct xsd_conn **conns;   /* conns[i] belongs to fds[i]; NULL: not */
	size_t n, cap;
};

static int poll_set_add(struct poll_set *ps, int fd, short events,
			struct xsd_conn *c)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 32;
		struct pollfd *f = realloc(ps->fds, cap * sizeof(*f));
		struct xsd_conn **cs;

		if (!f)
			return -ENOMEM;
		ps->fds = f;
		cs = realloc(ps->conns, cap * sizeof(*cs));
		if (!cs)
			return -ENOMEM;
		ps->conns = cs;
		ps->cap = cap;
	}
	ps->fds[ps->n].fd = fd;
	ps->fds[ps->n].events = events;
	ps->fds[ps->n].revents = 0;
	ps->conns[ps->n] = c;
	ps->n++;
	return 0;
}

/* Fills the poll set: the listener, the signal fd, the extra fd (or -1,
 * which poll ignores), then every client. */
#define PS_FIRST_CONN 3

static int build_poll_set(struct xsd *x, struct poll_set *ps, int lfd,
			  int sigfd, int xfd)
{
	struct xsd_conn *c;
	int rc;

	ps->n = 0;
	rc = poll_set_add(ps, lfd, POLLIN, NULL);
	if (rc == 0)
		rc = poll_set_add(ps, sigfd, POLLIN, NULL);
	if (rc == 0)
		rc = poll_set_add(ps, xfd, POLLIN, NULL);
	for (c = xsd_conn_first(x); c && rc == 0; c = xsd_conn_next(c)) {
		short ev = 0;
		int fd = xsd_conn_fd(c);

		if (fd < 0)
			continue;
		if (xsd_conn_wants_input(c))
			ev |= POLLIN;
		if (xsd_conn_polls_out(c) && xsd_conn_has_output(c))
			ev |= POLLOUT;
		if (!xsd_conn_polls_out(c))
			ev |= POLLIN;  /* the event channel also says "space" */
		rc = poll_set_add(ps, fd, ev, c);
	}
	return rc;
}

/* Handles a client's poll result: reads and handles its requests.  The
 * replies are written by reap() once every client had its turn, so with
 * --sync one fsync covers all the commits of the round (group commit). */
static void serve_conn(struct xsd_conn *c, short revents)
{
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		xsd_conn_ack(c);
		xsd_conn_input(c);
	}
}

/* Requests read ahead that wait in a connection's buffer, which poll()
 * cannot see (input was paused, or the batch limit was reached). */
static bool buffered_ready(struct xsd_conn *c)
{
	return c && !xsd_conn_is_dead(c) && xsd_conn_wants_input(c) &&
	       xsd_conn_has_buffered_input(c);
}

static bool any_buffered_ready(struct xsd *x)
{
	struct xsd_conn *c;

	for (c = xsd_conn_first(x); c; c = xsd_conn_next(c))
		if (buffered_ready(c))
			return true;
	return false;
}

/* Flushes every connection and destroys the dead ones. */
static void reap(struct xsd *x, const struct xs_logger *log)
{
	struct xsd_conn *c, *next;

	for (c = xsd_conn_first(x); c; c = next) {
		next = xsd_conn_next(c);
		if (!xsd_conn_is_dead(c) && xsd_conn_has_output(c))
			xsd_conn_flush(c);
		if (xsd_conn_is_dead(c)) {
			xs_log(log, XS_LOG_DEBUG, "client disconnected");
			xsd_conn_destroy(c);
		}
	}
}

static bool got_term_signal(int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			return true;
	return false;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The poll timeout: until the next tick, 0 to go round again, or -1. */
static int poll_timeout(const struct xsd_server_extra *xt, bool again,
			int64_t next_tick)
{
	int64_t left;

	if (again)
		return 0;
	if (!xt || !xt->tick || xt->tick_ms <= 0)
		return -1;
	left = next_tick - now_ms();
	return left < 0 ? 0 : (int)left;
}

int xsd_server_run(struct xsd *x, int lfd, int sigfd,
		   const struct xsd_server_extra *xt,
		   const struct xs_logger *log)
{
	struct poll_set ps = { 0 };
	int64_t next_tick = xt ? now_ms() + xt->tick_ms : 0;
	bool again = false;
	size_t i;
	int rc;

	for (;;) {
		rc = build_poll_set(x, &ps, lfd, sigfd, xt ? xt->fd : -1);
		if (rc)
			break;
		if (poll(ps.fds, ps.n, poll_timeout(xt, again, next_tick)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		if ((ps.fds[1].revents & POLLIN) && got_term_signal(sigfd))
			break;
		if (xt && xt->ready && (ps.fds[2].revents & POLLIN))
			xt->ready(xt->ctx);
		for (i = PS_FIRST_CONN; i < ps.n; i++)
			if (ps.fds[i].revents)
				serve_conn(ps.conns[i], ps.fds[i].revents);
			else if (buffered_ready(ps.conns[i]))
				serve_conn(ps.conns[i], POLLIN);
		if (ps.fds[0].revents & POLLIN)
			while (xsd_sock_accept(x, lfd, log) == 0)
				;
		again = xt && xt->after ? xt->after(xt->ctx) : false;
		again |= any_buffered_ready(x);
		if (xt && xt->tick && xt->tick_ms > 0 && now_ms() >= next_tick) {
			xt->tick(xt->ctx);
			next_tick = now_ms() + xt->tick_ms;
		}
		reap(x, log);
	}
	free(ps.fds);
	free(ps.conns);
	return rc;
}
