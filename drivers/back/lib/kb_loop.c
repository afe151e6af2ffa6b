/*
 * libkeelback: opening the devices, the scan of the store, and the loop.
 *
 * Watches: the class's backend directory (token "be": devices added or
 * removed, toolstack writes), each frontend's state ("fe", added per
 * device) and @releaseDomain ("rel").  Any event means "look again": the
 * loop rescans every device and re-decides, so a coalesced or missed
 * intermediate event changes nothing.
 *
 * When the store goes away (xenstored died) the rings keep being served
 * and nothing is rescanned -- an unreadable store must not look like an
 * empty one -- while a new connection is tried every second; once it is
 * there the watches are set again and everything is rescanned.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "kb_private.h"

#define EVENTS_PER_ROUND 256
#define POLL_MS 1000
#define RECONNECT_MS 1000

void kb_log(struct kb_backend *b, enum keel_log_level level, const char *fmt,
	    ...)
{
	va_list ap;

	va_start(ap, fmt);
	b->cfg.log->log(b->cfg.log, level, fmt, ap);
	va_end(ap);
}

int kb_open(const struct kb_config *cfg, struct kb_backend **out)
{
	const struct kb_ops *ops = cfg ? cfg->ops : NULL;
	struct kb_backend *b;
	size_t slots;
	int rc = -ENOMEM;

	if (!ops || !cfg->log || !ops->device_class || !ops->connect)
		return -EINVAL;
	if (ops->ring_keys) {
		/* its own rings: the class consumes them */
		if (!ops->service || !ops->ring_keys[0])
			return -EINVAL;
		for (slots = 0; ops->ring_keys[slots]; slots++)
			if (slots >= KB_MAX_RINGS)
				return -EINVAL;
	} else if (!ops->serve || ops->max_ring_order > KEEL_RING_MAX_ORDER ||
		   !ops->slot_size || ops->req_size > ops->slot_size ||
		   ops->rsp_size > ops->slot_size) {
		return -EINVAL;
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->cfg = *cfg;
	snprintf(b->class_path, sizeof(b->class_path),
		 "/local/domain/0/backend/%s", ops->device_class);
	if (!ops->ring_keys) {
		slots = keel_ring_slots(KEEL_PAGE_SIZE << ops->max_ring_order,
					ops->slot_size);
		b->reqs = calloc(slots, ops->req_size);
		b->rsps = calloc(slots, ops->rsp_size);
		if (!b->reqs || !b->rsps)
			goto err_free;
	}
	b->ctl = keel_ctl_open(cfg->log, 0);
	if (!b->ctl)
		goto err_errno;
	b->ev = keel_evtchn_open(cfg->log, KEEL_EVTCHN_NONBLOCK);
	if (!b->ev)
		goto err_errno;
	b->gnt = keel_gnt_open(cfg->log, 0);
	if (!b->gnt)
		goto err_errno;
	rc = kxs_open(NULL, NULL, &b->xs);
	if (rc < 0) {
		kb_log(b, KEEL_LOG_ERROR, "cannot reach the store: %s",
		       strerror(-rc));
		goto err_close;
	}
	/* The loop notices the store's hang-up and reconnects itself
	 * (store_reconnect): libkxs must not block it waiting. */
	kxs_set_reconnect(b->xs, 0);
	*out = b;
	return 0;

err_errno:
	rc = -errno;
err_close:
	keel_gnt_close(b->gnt);
	keel_evtchn_close(b->ev);
	keel_ctl_close(b->ctl);
err_free:
	free(b->reqs);
	free(b->rsps);
	free(b);
	return rc;
}

void kb_close(struct kb_backend *b)
{
	if (!b)
		return;
	while (b->devs) {
		struct kb_device *d = b->devs;

		b->devs = d->next;
		kb_dev_teardown(d, false);
		kb_dev_free(d);
	}
	if (b->xs)
		kxs_close(b->xs);
	keel_gnt_close(b->gnt);
	keel_evtchn_close(b->ev);
	keel_ctl_close(b->ctl);
	free(b->reqs);
	free(b->rsps);
	free(b->pfd);
	free(b->pfd_dev);
	free(b);
}

void kb_stop(struct kb_backend *b) { b->stop = true; }
void *kb_priv(struct kb_backend *b) { return b->cfg.priv; }

static struct kb_device *find_dev(struct kb_backend *b, uint16_t domid,
				  uint32_t devid)
{
	for (struct kb_device *d = b->devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

/* Marks every device listed under <class>/<domid>/ as seen (new ones are
 * created). */
static void scan_domain(struct kb_backend *b, uint16_t domid)
{
	char path[KB_PATH_MAX + 16], *names = NULL;
	unsigned long devid;
	size_t len = 0, off;
	struct kb_device *d;

	snprintf(path, sizeof(path), "%s/%u", b->class_path, domid);
	if (kxs_directory(b->xs, 0, path, &names, &len) < 0)
		return;
	for (off = 0; off < len; off += strlen(names + off) + 1) {
		if (kb_parse_uint(names + off, 0xffffffffUL, &devid) < 0)
			continue;
		d = find_dev(b, domid, (uint32_t)devid);
		if (!d) {
			d = kb_dev_new(b, domid, (uint32_t)devid);
			if (!d)
				continue;
			d->next = b->devs;
			b->devs = d;
			kb_dev_log(d, KEEL_LOG_INFO, "found");
		}
		d->seen = true;
	}
	free(names);
}

/* Finds the devices in the store, forgets those gone, re-decides all. */
static void rescan(struct kb_backend *b)
{
	char *names = NULL;
	unsigned long domid;
	size_t len = 0, off;
	struct kb_device **pp, *d;

	b->rescan = false;
	for (d = b->devs; d; d = d->next)
		d->seen = false;
	if (kxs_directory(b->xs, 0, b->class_path, &names, &len) == 0) {
		for (off = 0; off < len; off += strlen(names + off) + 1)
			if (kb_parse_uint(names + off, KEEL_DOMID_MAX, &domid) == 0 &&
			    domid > 0)
				scan_domain(b, (uint16_t)domid);
		free(names);
	}
	for (pp = &b->devs; (d = *pp);) {
		if (!d->seen) {
			kb_dev_log(d, KEEL_LOG_INFO, "removed from the store");
			*pp = d->next;
			kb_dev_teardown(d, false);
			kb_dev_free(d);
			continue;
		}
		kb_dev_update(d);
		pp = &d->next;
	}
}

static void handle_events(struct kb_backend *b)
{
	struct kb_device *d;
	long port;

	for (unsigned int i = 0; i < EVENTS_PER_ROUND; i++) {
		port = keel_evtchn_pending(b->ev);
		if (port == -EAGAIN)
			return;
		if (port == -EFBIG) {       /* events lost: serve everyone */
			for (d = b->devs; d; d = d->next)
				d->more = d->connected;
			continue;
		}
		if (port < 0) {
			kb_log(b, KEEL_LOG_WARN, "event channel: %s",
			       strerror((int)-port));
			return;
		}
		for (d = b->devs; d; d = d->next)
			if (d->connected && d->port == port)
				kb_dev_service(d);
		keel_evtchn_unmask(b->ev, (uint32_t)port);
	}
}

/* The backend's own watches on connection xs; 0 or -errno. */
static int watch_class(struct kb_backend *b, struct kxs *xs)
{
	int rc;

	if ((rc = kxs_watch(xs, b->class_path, "be")) < 0 ||
	    (rc = kxs_watch(xs, "@releaseDomain", "rel")) < 0)
		return rc;
	return 0;
}

/*
 * One try to replace the lost store connection: a new connection with the
 * watches set, every frontend watch to be set again, and a rescan.  0 or
 * -errno (the old, dead connection stays until then).
 */
static int store_reconnect(struct kb_backend *b)
{
	struct kxs *xs;
	int rc;

	rc = kxs_open(NULL, NULL, &xs);
	if (rc < 0)
		return rc;
	kxs_set_reconnect(xs, 0);   /* as in kb_open: the loop reconnects */
	rc = watch_class(b, xs);
	if (rc < 0) {
		kxs_close(xs);
		return rc;
	}
	kxs_close(b->xs);
	b->xs = xs;
	for (struct kb_device *d = b->devs; d; d = d->next)
		d->fe_watched = false;
	b->rescan = true;
	return 0;
}

/* Drains watch events; returns -errno when the store is gone. */
static int handle_watches(struct kb_backend *b)
{
	char *path, *token;
	int rc;

	while ((rc = kxs_read_watch(b->xs, 0, &path, &token)) == 0) {
		free(path);
		free(token);
		b->rescan = true;
	}
	return rc == -ETIMEDOUT ? 0 : rc;
}

int64_t kb_ms_until(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(t->tv_sec - now.tv_sec) * 1000 +
	       (t->tv_nsec - now.tv_nsec) / 1000000;
}

static int64_t ms_since(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int64_t)(now.tv_sec - t->tv_sec) * 1000 +
	       (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Once a second: the poll hook, and a rescan (domains that died without
 * an event we saw). */
static void periodic(struct kb_backend *b)
{
	if (ms_since(&b->last_poll) < POLL_MS)
		return;
	clock_gettime(CLOCK_MONOTONIC, &b->last_poll);
	b->rescan = true;
	if (b->cfg.ops->poll)
		for (struct kb_device *d = b->devs; d; d = d->next)
			if (d->connected)
				b->cfg.ops->poll(d);
}

static bool any_more(struct kb_backend *b)
{
	for (struct kb_device *d = b->devs; d; d = d->next)
		if (d->more)
			return true;
	return false;
}

/* The poll set: the three fixed fds, then every connected device's own fd
 * (kb_dev_watch_fd).  Returns the count, or -ENOMEM. */
static int build_pollset(struct kb_backend *b, int sigfd, bool lost)
{
	size_t n = 3;

	for (struct kb_device *d = b->devs; d; d = d->next)
		n += d->connected && d->watch_fd >= 0;
	if (n > b->pfd_cap) {
		struct pollfd *p = realloc(b->pfd, n * sizeof(*p));
		struct kb_device **pd;

		if (!p)
			return -ENOMEM;
		b->pfd = p;
		pd = realloc(b->pfd_dev, n * sizeof(*pd));
		if (!pd)
			return -ENOMEM;
		b->pfd_dev = pd;
		b->pfd_cap = n;
	}
	b->pfd[0] = (struct pollfd){ .fd = sigfd, .events = POLLIN };
	b->pfd[1] = (struct pollfd){ .fd = keel_evtchn_fd(b->ev), .events = POLLIN };
	b->pfd[2] = (struct pollfd){ .fd = lost ? -1 : kxs_fd(b->xs),
				     .events = POLLIN };
	b->pfd_dev[0] = b->pfd_dev[1] = b->pfd_dev[2] = NULL;
	n = 3;
	for (struct kb_device *d = b->devs; d; d = d->next) {
		if (!d->connected || d->watch_fd < 0)
			continue;
		b->pfd[n] = (struct pollfd){ .fd = d->watch_fd, .events = POLLIN };
		b->pfd_dev[n++] = d;
	}
	return (int)n;
}

/* Milliseconds until the earliest device wake-up, at most max; devices
 * whose wake-up is due get served (more). */
static int wake_timeout(struct kb_backend *b, int max)
{
	int64_t t;

	for (struct kb_device *d = b->devs; d; d = d->next) {
		if (!d->wake_set)
			continue;
		t = kb_ms_until(&d->wake_at);
		if (t <= 0) {
			d->wake_set = false;
			d->more = d->connected;
			t = 0;
		}
		if (t < max)
			max = (int)t;
	}
	return max;
}

int kb_run(struct kb_backend *b)
{
	struct pollfd *pfd;
	struct timespec lost_at = { 0, 0 };
	bool lost = false;
	unsigned int tries = 0;
	sigset_t set, old;
	int sigfd, rc = 0, npfd, timeout;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sigfd < 0) {
		rc = -errno;
		goto out_mask;
	}
	if ((rc = watch_class(b, b->xs)) < 0) {
		kb_log(b, KEEL_LOG_ERROR, "cannot watch the store: %s",
		       strerror(-rc));
		goto out_sig;
	}
	clock_gettime(CLOCK_MONOTONIC, &b->last_poll);
	kb_log(b, KEEL_LOG_INFO, "serving %s devices", b->cfg.ops->device_class);
	b->rescan = true;
	while (!b->stop) {
		if (lost && ms_since(&lost_at) >= RECONNECT_MS) {
			clock_gettime(CLOCK_MONOTONIC, &lost_at);
			rc = store_reconnect(b);
			if (rc == 0) {
				kb_log(b, KEEL_LOG_INFO, "connected to the store again");
				lost = false;
				tries = 0;
			} else if (tries++ == 0) {
				kb_log(b, KEEL_LOG_WARN, "cannot reach the store: %s; "
				       "still trying", strerror(-rc));
			}
		}
		if (b->rescan && !lost)
			rescan(b);
		wake_timeout(b, 0);
		for (struct kb_device *d = b->devs; d; d = d->next)
			if (d->more)
				kb_dev_service(d);
		npfd = build_pollset(b, sigfd, lost);
		if (npfd < 0) {
			rc = npfd;
			break;
		}
		pfd = b->pfd;
		timeout = any_more(b) || (b->rescan && !lost) ? 0 :
			  wake_timeout(b, POLL_MS);
		if (poll(pfd, (nfds_t)npfd, timeout) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		for (int i = 3; i < npfd; i++) {
			struct kb_device *d = b->pfd_dev[i];

			if ((pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) &&
			    d->connected && d->watch_fd == pfd[i].fd &&
			    b->cfg.ops->fd_ready)
				b->cfg.ops->fd_ready(d);
		}
		if (pfd[0].revents & POLLIN) {
			kb_log(b, KEEL_LOG_INFO, "signal: stopping");
			break;
		}
		if (pfd[1].revents & POLLIN)
			handle_events(b);
		rc = lost ? 0 : handle_watches(b);
		if (!lost && (rc < 0 || (pfd[2].revents & (POLLHUP | POLLERR)))) {
			kb_log(b, KEEL_LOG_WARN, "lost the store (%s): serving the "
			       "connected devices and reconnecting",
			       strerror(rc < 0 ? -rc : EPIPE));
			clock_gettime(CLOCK_MONOTONIC, &lost_at);
			lost = true;
		}
		rc = 0;
		periodic(b);
	}
	for (struct kb_device *d = b->devs; d; d = d->next)
		kb_dev_teardown(d, false);
out_sig:
	close(sigfd);
out_mask:
	sigprocmask(SIG_SETMASK, &old, NULL);
	return rc;
}
