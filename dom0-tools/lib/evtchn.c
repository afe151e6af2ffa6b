/*
 * libkeelctl: dom0 event channels through /dev/keel/evtchn.  See keelctl.h
 * and public/dom0/evtchn.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "keelctl_private.h"

struct keel_evtchn {
	struct keel_logger *log;
	int fd;
};

/* Opens path for a device handle, logging why it failed unless quiet. */
int keel_dev_open(struct keel_logger *log, const char *path, int oflags,
		  int quiet)
{
	int fd = open(path, oflags | O_CLOEXEC);
	int err;

	if (fd >= 0)
		return fd;
	err = errno;
	if (log && log->log && !quiet) {
		struct keel_ctl tmp = { .log = log };

		keel_ctl_log(&tmp, KEEL_LOG_ERROR, "cannot open %s: %s%s", path,
			     strerror(err),
			     err == ENOENT ? ": is the keel module loaded (are we running under Keel)?" :
			     err == EACCES ? ": only root may use it" : "");
	}
	errno = err;
	return -1;
}

struct keel_evtchn *keel_evtchn_open(struct keel_logger *log,
				     unsigned int flags)
{
	struct keel_evtchn *e;
	int oflags = O_RDWR;

	if (flags & ~(KEEL_EVTCHN_NONBLOCK | KEEL_EVTCHN_QUIET)) {
		errno = EINVAL;
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		errno = ENOMEM;
		return NULL;
	}
	if (flags & KEEL_EVTCHN_NONBLOCK)
		oflags |= O_NONBLOCK;
	e->log = log;
	e->fd = keel_dev_open(log, KEEL_EVTCHN_DEV_PATH, oflags,
			      flags & KEEL_EVTCHN_QUIET);
	if (e->fd < 0) {
		int err = errno;

		free(e);
		errno = err;
		return NULL;
	}
	return e;
}

void keel_evtchn_close(struct keel_evtchn *e)
{
	if (!e)
		return;
	close(e->fd);
	free(e);
}

int keel_evtchn_fd(struct keel_evtchn *e)
{
	return e->fd;
}

/* Issues an ioctl whose result is a port (or 0); returns it or -errno. */
static long evtchn_ioctl(struct keel_evtchn *e, unsigned long cmd, void *arg)
{
	int rc = ioctl(e->fd, cmd, arg);

	if (rc < 0)
		return -errno;
	return rc;
}

long keel_evtchn_bind_interdomain(struct keel_evtchn *e, uint16_t domid,
				  uint32_t remote_port)
{
	struct keel_ioctl_evtchn_bind_interdomain b = {
		.remote_domain = domid,
		.remote_port = remote_port,
	};

	return evtchn_ioctl(e, KEEL_IOCTL_EVTCHN_BIND_INTERDOMAIN, &b);
}

long keel_evtchn_bind_unbound(struct keel_evtchn *e, uint16_t remote_domid)
{
	struct keel_ioctl_evtchn_bind_unbound_port b = {
		.remote_domain = remote_domid,
	};

	return evtchn_ioctl(e, KEEL_IOCTL_EVTCHN_BIND_UNBOUND_PORT, &b);
}

long keel_evtchn_bind_virq(struct keel_evtchn *e, unsigned int virq)
{
	struct keel_ioctl_evtchn_bind_virq b = { .virq = virq };

	return evtchn_ioctl(e, KEEL_IOCTL_EVTCHN_BIND_VIRQ, &b);
}

int keel_evtchn_unbind(struct keel_evtchn *e, uint32_t port)
{
	struct keel_ioctl_evtchn_port p = { .port = port };

	return (int)evtchn_ioctl(e, KEEL_IOCTL_EVTCHN_UNBIND, &p);
}

int keel_evtchn_notify(struct keel_evtchn *e, uint32_t port)
{
	struct keel_ioctl_evtchn_port p = { .port = port };

	return (int)evtchn_ioctl(e, KEEL_IOCTL_EVTCHN_NOTIFY, &p);
}

long keel_evtchn_pending(struct keel_evtchn *e)
{
	uint32_t port;
	ssize_t n;

	do
		n = read(e->fd, &port, sizeof(port));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n != sizeof(port))
		return -EIO;
	return (long)port;
}

int keel_evtchn_unmask(struct keel_evtchn *e, uint32_t port)
{
	ssize_t n = write(e->fd, &port, sizeof(port));

	if (n < 0)
		return -errno;
	if (n != sizeof(port))
		return -EIO;
	return 0;
}
