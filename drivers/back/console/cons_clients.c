/*
 * The console socket (cons_proto.h): accepting clients, reading their
 * "attach" line, replaying the backlog, forwarding live output, and
 * passing their keystrokes into the guest's ring.  A client that cannot
 * keep up (CLIENT_OUT_MAX queued) is dropped; the guest never waits for
 * a client.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cons_ring.h"
#include "consoled.h"

int clients_listen(struct consoled *d)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	char *slash;
	int fd;

	if (strlen(d->sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, d->sock_path);
	strcpy(dir, d->sock_path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(d->sock_path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(d->sock_path, 0600) < 0 || listen(fd, 16) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	d->lfd = fd;
	return 0;
}

void clients_accept(struct consoled *d)
{
	struct cons_client *c;
	int fd;

	while ((fd = accept4(d->lfd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		c = calloc(1, sizeof(*c));
		if (c)
			c->out = malloc(CLIENT_OUT_MAX);
		if (!c || !c->out) {
			if (c)
				free(c);
			close(fd);
			continue;
		}
		c->fd = fd;
		c->next = d->clients;
		d->clients = c;
	}
}

/* Queues bytes for the client; drops a client that fell too far behind. */
static void client_queue(struct cons_client *c, const char *buf, size_t len)
{
	if (c->dead)
		return;
	if (len > CLIENT_OUT_MAX - c->out_len) {
		c->dead = true;
		return;
	}
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
}

static void client_reply(struct cons_client *c, const char *msg)
{
	client_queue(c, msg, strlen(msg));
}

/* The attach line: find the guest, send "ok" and the backlog. */
static void client_attach(struct consoled *d, struct cons_client *c,
			  const struct cons_cmd *cmd)
{
	struct cons_guest *g = guest_find(d, cmd->domid);
	static char backlog[CONS_BACKLOG_SIZE];
	size_t n;

	if (!g || !g->connected) {
		client_reply(c, "error no console for that domain\n");
		c->dead = true;
		return;
	}
	if (g->broken) {
		client_reply(c, "error the guest broke its console ring\n");
		c->dead = true;
		return;
	}
	c->domid = cmd->domid;
	client_reply(c, "ok\n");
	n = cons_backlog_copy(&g->backlog, backlog);
	client_queue(c, backlog, n);
	cd_log(d, KEEL_LOG_INFO, "dom%u: client attached", g->domid);
}

/* Bytes before the attach line: assemble and parse it. */
static void client_line(struct consoled *d, struct cons_client *c,
			const char *buf, size_t len)
{
	struct cons_cmd cmd;
	size_t take = sizeof(c->line) - c->line_len;
	int rc;

	if (take > len)
		take = len;
	memcpy(c->line + c->line_len, buf, take);
	c->line_len += take;
	rc = cons_proto_parse(c->line, c->line_len, &cmd);
	if (rc == 0)
		return;
	if (rc < 0) {
		client_reply(c, rc == -E2BIG ? "error line too long\n"
					     : "error bad request\n");
		c->dead = true;
		return;
	}
	client_attach(d, c, &cmd);
	/* keystrokes that came with the line */
	if (!c->dead && c->line_len > (size_t)rc) {
		size_t extra = c->line_len - (size_t)rc;

		memcpy(c->in, c->line + rc, extra);
		c->in_len = extra;
	}
}

void clients_input(struct consoled *d, struct cons_client *c)
{
	struct cons_guest *g;
	char buf[CLIENT_IN_MAX];
	size_t room = c->domid ? CLIENT_IN_MAX - c->in_len : sizeof(buf);
	ssize_t n;

	if (c->dead || room == 0)
		return;
	n = read(c->fd, buf, room);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		c->dead = true;   /* detached (or gone) */
		return;
	}
	if (!c->domid) {
		client_line(d, c, buf, (size_t)n);
	} else {
		memcpy(c->in + c->in_len, buf, (size_t)n);
		c->in_len += (size_t)n;
	}
	g = c->domid ? guest_find(d, c->domid) : NULL;
	if (g && c->in_len)
		guest_service(d, g);
}

void clients_flush(struct cons_client *c)
{
	ssize_t n;

	while (c->out_len && !c->dead) {
		n = send(c->fd, c->out, c->out_len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			c->dead = true;
			return;
		}
		memmove(c->out, c->out + n, c->out_len - (size_t)n);
		c->out_len -= (size_t)n;
	}
}

void clients_reap(struct consoled *d)
{
	struct cons_client **pp = &d->clients, *c;

	while ((c = *pp)) {
		if (c->dead) {
			if (c->out_len)   /* a last "error ..." line */
				(void)!send(c->fd, c->out, c->out_len,
					    MSG_NOSIGNAL | MSG_DONTWAIT);
			*pp = c->next;
			if (c->domid)
				cd_log(d, KEEL_LOG_INFO, "dom%u: client detached",
				       c->domid);
			close(c->fd);
			free(c->out);
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

void clients_broadcast(struct consoled *d, uint16_t domid, const char *buf,
		       size_t len)
{
	struct cons_client *c;

	for (c = d->clients; c; c = c->next)
		if (c->domid == domid && !c->dead)
			client_queue(c, buf, len);
}

bool clients_feed_guest(struct consoled *d, struct cons_guest *g)
{
	struct cons_client *c;
	bool moved = false;
	ssize_t n;

	for (c = d->clients; c; c = c->next) {
		if (c->domid != g->domid || c->dead || !c->in_len)
			continue;
		n = cons_ring_put_input(g->ring, c->in, c->in_len);
		if (n < 0) {
			g->broken = true;
			cd_log(d, KEEL_LOG_WARN,
			       "dom%u: console input indices are corrupt: console marked broken",
			       g->domid);
			clients_drop_guest(d, g->domid);
			return moved;
		}
		if (n == 0)
			break;   /* ring full: the guest's next event retries */
		memmove(c->in, c->in + n, c->in_len - (size_t)n);
		c->in_len -= (size_t)n;
		moved = true;
	}
	return moved;
}

void clients_drop_guest(struct consoled *d, uint16_t domid)
{
	struct cons_client *c;

	for (c = d->clients; c; c = c->next)
		if (c->domid == domid)
			c->dead = true;
}
