/* Unix socket transport.  See sock.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sock.h"

struct sock_ctx {
	int fd;
};

static ssize_t sock_read(void *ctx, void *buf, size_t len)
{
	struct sock_ctx *s = ctx;
	ssize_t n = recv(s->fd, buf, len, MSG_DONTWAIT);

	if (n > 0)
		return n;
	if (n == 0)
		return -EPIPE;  /* orderly shutdown */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

static ssize_t sock_write(void *ctx, const void *buf, size_t len)
{
	struct sock_ctx *s = ctx;
	ssize_t n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n >= 0)
		return n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return 0;
	return -errno;
}

static void sock_close(void *ctx)
{
	struct sock_ctx *s = ctx;

	close(s->fd);
	free(s);
}

static int sock_fd(void *ctx)
{
	return ((struct sock_ctx *)ctx)->fd;
}

static const struct xsd_transport_ops sock_ops = {
	.read = sock_read,
	.write = sock_write,
	.close = sock_close,
	.fd = sock_fd,
	.poll_out = true,
};

static void make_parent_dir(const char *path)
{
	char *dir = strdup(path), *slash;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);  /* EEXIST is fine; bind() reports the rest */
	}
	free(dir);
}

int xsd_sock_listen(const char *path, const struct xs_logger *log)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	make_parent_dir(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(path, 0600) < 0 || listen(fd, 64) < 0) {
		err = -errno;
		xs_log(log, XS_LOG_ERR, "cannot listen on %s: %s", path,
		       strerror(errno));
		close(fd);
		return err;
	}
	return fd;
}

int xsd_sock_accept(struct xsd *x, int lfd, const struct xs_logger *log)
{
	struct xsd_conn *c;
	struct sock_ctx *s;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int rc;

	if (fd < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ? -EAGAIN
								  : -errno;
	s = malloc(sizeof(*s));
	if (!s) {
		rc = -ENOMEM;
		goto err_close_fd;
	}
	s->fd = fd;
	rc = xsd_conn_new(x, &sock_ops, s, 0, true, &c);
	if (rc)
		goto err_free;
	xs_log(log, XS_LOG_DEBUG, "new socket client fd %d", fd);
	return 0;

err_free:
	free(s);
err_close_fd:
	close(fd);
	return rc;
}
