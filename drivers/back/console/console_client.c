/* `vmctl console`'s side of the console socket.  See console_client.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "cons_proto.h"
#include "console_client.h"

static int connect_daemon(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("KEEL_CONSOLE_SOCK");
	int fd, rc;

	if (!path || !*path)
		path = CONS_SOCK_PATH;
	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads the daemon's answer line; on "ok" calls @attached, then
 * leftover bytes (the backlog) go to @out_fd.  0 on "ok", else -errno. */
static int read_answer(int sfd, int out_fd, void (*attached)(void *arg),
		       void *arg)
{
	char buf[256];
	size_t have = 0;
	char *nl;
	ssize_t n;

	for (;;) {
		n = read(sfd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		have += (size_t)n;
		buf[have] = '\0';
		nl = memchr(buf, '\n', have);
		if (nl)
			break;
		if (have == sizeof(buf) - 1)
			return -EPROTO;
	}
	if (strncmp(buf, "ok\n", 3) != 0)
		return strncmp(buf, "error ", 6) == 0 ? -ENXIO : -EPROTO;
	if (attached)
		attached(arg);
	return write_all(out_fd, nl + 1, have - (size_t)(nl + 1 - buf));
}

/* Passes @buf to the guest up to the escape byte.  1 if it was seen. */
static int forward_input(int sfd, const char *buf, size_t len, int *rc)
{
	const char *esc = memchr(buf, KEEL_CONSOLE_ESCAPE, len);
	size_t n = esc ? (size_t)(esc - buf) : len;

	*rc = n ? write_all(sfd, buf, n) : 0;
	return esc != NULL;
}

static int pump(int sfd, int in_fd, int out_fd)
{
	struct pollfd p[2] = { { sfd, POLLIN, 0 }, { in_fd, POLLIN, 0 } };
	char buf[4096];
	ssize_t n;
	int rc;

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents) {
			n = read(sfd, buf, sizeof(buf));
			if (n < 0 && errno != EINTR)
				return -errno;
			if (n == 0)
				return -EPIPE;
			if (n > 0 && (rc = write_all(out_fd, buf, (size_t)n)))
				return rc;
		}
		if (p[1].revents) {
			n = read(in_fd, buf, sizeof(buf));
			if (n < 0 && errno != EINTR)
				return -errno;
			if (n == 0)
				return 0;       /* end of input: detach */
			if (n > 0 && forward_input(sfd, buf, (size_t)n, &rc))
				return rc;
			if (n > 0 && rc)
				return rc;
		}
	}
}

int keel_console_attach(uint16_t domid, int in_fd, int out_fd)
{
	return keel_console_attach_cb(domid, in_fd, out_fd, NULL, NULL);
}

int keel_console_attach_cb(uint16_t domid, int in_fd, int out_fd,
			   void (*attached)(void *arg), void *arg)
{
	struct termios saved, raw;
	bool tty = isatty(in_fd);
	char line[32];
	int sfd, rc;

	sfd = connect_daemon();
	if (sfd < 0)
		return sfd;
	snprintf(line, sizeof(line), "attach %u\n", (unsigned)domid);
	rc = write_all(sfd, line, strlen(line));
	if (rc == 0)
		rc = read_answer(sfd, out_fd, attached, arg);
	if (rc)
		goto err_close;
	if (tty && tcgetattr(in_fd, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(in_fd, TCSANOW, &raw);
	} else {
		tty = false;
	}
	rc = pump(sfd, in_fd, out_fd);
	if (tty)
		tcsetattr(in_fd, TCSANOW, &saved);
err_close:
	close(sfd);
	return rc;
}
