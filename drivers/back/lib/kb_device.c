/*
 * libkeelback: one device's life cycle -- what the handshake decided
 * (kb_state.c) carried out: setup (the class's connect(), InitWait),
 * connect (map the ring, bind the port, Connected), service (copy out,
 * serve, push, notify), teardown (unbind, unmap, disconnect(), Closed).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <public/io/xenbus.h>

#include "kb_private.h"

#define RING_REF_MAX 0xffffffffUL
#define PORT_MAX     4095UL

struct kb_device *kb_dev_new(struct kb_backend *b, uint16_t domid,
			     uint32_t devid)
{
	struct kb_device *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->b = b;
	d->domid = domid;
	d->devid = devid;
	d->port = -1;
	d->watch_fd = -1;
	snprintf(d->be_path, sizeof(d->be_path), "%s/%u/%u", b->class_path,
		 domid, devid);
	snprintf(d->fe_path, sizeof(d->fe_path), "/local/domain/%u/device/%s/%u",
		 domid, b->cfg.ops->device_class, devid);
	return d;
}

void kb_dev_free(struct kb_device *d)
{
	char path[KB_PATH_MAX + 16];

	if (d->fe_watched) {
		snprintf(path, sizeof(path), "%s/state", d->fe_path);
		kxs_unwatch(d->b->xs, path, "fe");
	}
	free(d);
}

static void write_state(struct kb_device *d, int state)
{
	char v[4];

	snprintf(v, sizeof(v), "%d", state);
	kb_write_str(d->b, d->be_path, "state", v);
}

void kb_dev_unmap(struct kb_device *d)
{
	if (d->connected && d->b->cfg.ops->stop)
		d->b->cfg.ops->stop(d);
	if (d->port >= 0)
		keel_evtchn_unbind(d->b->ev, (uint32_t)d->port);
	if (d->ring_map)
		keel_gnt_unmap_pages(d->b->gnt, d->ring_map, d->ring_pages);
	for (unsigned int i = 0; i < d->nr_rings; i++)
		if (d->rings[i])
			keel_gnt_unmap_pages(d->b->gnt, d->rings[i], 1);
	memset(d->rings, 0, sizeof(d->rings));
	d->nr_rings = 0;
	d->watch_fd = -1;
	d->wake_set = false;
	d->port = -1;
	d->ring_map = NULL;
	d->connected = false;
	d->more = false;
}

void kb_dev_teardown(struct kb_device *d, bool write)
{
	bool was = d->setup || d->connected;

	kb_dev_unmap(d);
	if (d->setup && d->b->cfg.ops->disconnect)
		d->b->cfg.ops->disconnect(d);
	d->setup = false;
	d->stale_valid = false;
	if (write)
		write_state(d, KEEL_XBS_CLOSED);
	if (was)
		kb_dev_log(d, KEEL_LOG_INFO, "disconnected");
}

/* The frontend's ring keys as one string: "order:ref0,ref1,...:port",
 * or "" when incomplete.  Only compared, never parsed again. */
static void ring_keys(struct kb_device *d, char *out, size_t size)
{
	unsigned long order = 0, v, port;
	size_t len;
	char key[32];

	out[0] = '\0';
	if (d->b->cfg.ops->ring_keys) {
		const char *const *k = d->b->cfg.ops->ring_keys;

		len = 0;
		for (; *k; k++) {
			if (kb_read_uint(d->b, d->fe_path, *k, RING_REF_MAX, &v) < 0)
				goto incomplete;
			len += (size_t)snprintf(out + len, size - len, "%lu,", v);
			if (len >= size)
				goto incomplete;
		}
		goto port;
	}
	if (kb_read_uint(d->b, d->fe_path, "ring-page-order",
			 d->b->cfg.ops->max_ring_order, &order) < 0)
		order = 0;
	len = (size_t)snprintf(out, size, "%lu:", order);
	for (unsigned int i = 0; i < (1u << order); i++) {
		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		if (kb_read_uint(d->b, d->fe_path, key, RING_REF_MAX, &v) < 0)
			goto incomplete;
		len += (size_t)snprintf(out + len, size - len, "%lu,", v);
		if (len >= size)
			goto incomplete;
	}
port:
	if (kb_read_uint(d->b, d->fe_path, "event-channel", PORT_MAX, &port) < 0)
		goto incomplete;
	snprintf(out + len, size - len, ":%lu", port);
	return;

incomplete:
	out[0] = '\0';
}

static void do_setup(struct kb_device *d, int fe_state)
{
	const struct kb_ops *ops = d->b->cfg.ops;
	int rc;

	rc = ops->connect(d);
	if (rc < 0) {
		d->failed = true;
		write_state(d, KEEL_XBS_CLOSED);
		return;
	}
	d->setup = true;
	kb_dev_printf(d, "max-ring-page-order", "%u", ops->max_ring_order);
	/* A Connected frontend has a ring from before our offer (we
	 * restarted) with requests in flight: connect only to the one it
	 * makes for this offer.  An Initialised one never saw a backend
	 * connect to its ring (or already made a new one): it is fresh. */
	d->stale_valid = fe_state == KEEL_XBS_CONNECTED;
	if (d->stale_valid)
		ring_keys(d, d->stale_keys, sizeof(d->stale_keys));
	write_state(d, KEEL_XBS_INITWAIT);
	kb_dev_log(d, KEEL_LOG_INFO, "offered (InitWait)%s",
		   d->stale_valid ? ", frontend has a ring from before" : "");
}

/* Maps the ring and binds the port; Connected.  On a bad key or a failed
 * map the device is closed: the frontend broke the protocol. */
/* A class's own one-page rings (kb_ops.ring_keys).  0, or -1 after
 * closing the device. */
static int map_own_rings(struct kb_device *d)
{
	const char *const *k = d->b->cfg.ops->ring_keys;
	unsigned long v;
	uint32_t ref;
	char why[96];

	for (; *k && d->nr_rings < KB_MAX_RINGS; k++) {
		if (kb_read_uint(d->b, d->fe_path, *k, RING_REF_MAX, &v) < 0) {
			snprintf(why, sizeof(why), "missing or bad %s", *k);
			kb_dev_close(d, why);
			return -1;
		}
		ref = (uint32_t)v;
		d->rings[d->nr_rings] = keel_gnt_map_pages(d->b->gnt, d->domid,
							   &ref, 1,
							   PROT_READ | PROT_WRITE);
		if (!d->rings[d->nr_rings]) {
			snprintf(why, sizeof(why), "cannot map %s", *k);
			kb_dev_close(d, why);
			return -1;
		}
		d->nr_rings++;
	}
	return 0;
}

static void do_connect(struct kb_device *d)
{
	const struct kb_ops *ops = d->b->cfg.ops;
	unsigned long order = 0, port, v;
	uint32_t refs[1u << KEEL_RING_MAX_ORDER];
	char key[32];
	long local;

	if (ops->ring_keys) {
		if (kb_read_uint(d->b, d->fe_path, "event-channel", PORT_MAX,
				 &port) < 0) {
			kb_dev_close(d, "missing or bad event-channel");
			return;
		}
		if (map_own_rings(d) < 0)
			return;
		goto bind;
	}
	if (kb_read_uint(d->b, d->fe_path, "ring-page-order", ops->max_ring_order,
			 &order) == -EINVAL) {
		kb_dev_close(d, "bad ring-page-order");
		return;
	}
	for (unsigned int i = 0; i < (1u << order); i++) {
		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		if (kb_read_uint(d->b, d->fe_path, key, RING_REF_MAX, &v) < 0) {
			kb_dev_close(d, "missing or bad ring-ref");
			return;
		}
		refs[i] = (uint32_t)v;
	}
	if (kb_read_uint(d->b, d->fe_path, "event-channel", PORT_MAX, &port) < 0) {
		kb_dev_close(d, "missing or bad event-channel");
		return;
	}
	d->ring_pages = 1u << order;
	d->ring_map = keel_gnt_map_pages(d->b->gnt, d->domid, refs,
					 d->ring_pages, PROT_READ | PROT_WRITE);
	if (!d->ring_map) {
		kb_dev_close(d, "cannot map the ring");
		return;
	}
	if (kb_ring_init(&d->ring, d->ring_map, d->ring_pages * KEEL_PAGE_SIZE,
			 ops->slot_size, ops->req_size, ops->rsp_size) < 0) {
		kb_dev_close(d, "ring too small");
		return;
	}
bind:
	local = keel_evtchn_bind_interdomain(d->b->ev, d->domid, (uint32_t)port);
	if (local < 0) {
		kb_dev_close(d, "cannot bind the event channel");
		return;
	}
	d->port = local;
	d->connected = true;
	if (ops->start) {
		d->why[0] = '\0';
		if (ops->start(d) < 0) {
			kb_dev_close(d, d->why[0] ? d->why : "refused the frontend");
			return;
		}
	}
	write_state(d, KEEL_XBS_CONNECTED);
	if (ops->ring_keys)
		kb_dev_log(d, KEEL_LOG_INFO, "connected: %u ring(s), port %lu",
			   d->nr_rings, port);
	else
		kb_dev_log(d, KEEL_LOG_INFO, "connected: %u ring page(s), %u slots, port %lu",
			   d->ring_pages, d->ring.size, port);
	/* Requests queued before we bound raised no event here. */
	kb_dev_service(d);
}

static int read_state(struct kb_device *d, const char *dir)
{
	unsigned long v;

	return kb_read_uint(d->b, dir, "state", 255, &v) < 0 ? 0 : (int)v;
}

static bool domain_alive(struct kb_device *d)
{
	struct keel_dominfo info;

	if (keel_domain_getinfo(d->b->ctl, d->domid, &info) < 0)
		return false;
	return !(info.flags & (KEEL_DOMINF_dying | KEEL_DOMINF_shutdown));
}

void kb_dev_update(struct kb_device *d)
{
	struct kb_view v = { 0 };
	unsigned long online = 0;
	char path[KB_PATH_MAX + 16], keys[64];
	enum kb_action a;

	if (!d->fe_watched) {
		snprintf(path, sizeof(path), "%s/state", d->fe_path);
		d->fe_watched = kxs_watch(d->b->xs, path, "fe") == 0;
	}
	v.alive = domain_alive(d);
	v.online = kb_read_uint(d->b, d->be_path, "online", 1, &online) == 0 &&
		   online == 1;
	v.be_state = read_state(d, d->be_path);
	v.fe_state = read_state(d, d->fe_path);
	v.setup = d->setup;
	v.connected = d->connected;
	v.failed = d->failed;
	v.fe_connected_ok = d->b->cfg.ops->fe_connected_ok;
	/* A frontend that went back to Initialising/InitWait after our offer
	 * is making a new ring: whatever it writes next is fresh. */
	if (d->setup && !d->connected && d->stale_valid &&
	    (v.fe_state == KEEL_XBS_INITIALISING || v.fe_state == KEEL_XBS_INITWAIT))
		d->stale_valid = false;
	if (d->setup && !d->connected && d->stale_valid &&
	    (v.fe_state == KEEL_XBS_INITIALISED ||
	     (v.fe_connected_ok && v.fe_state == KEEL_XBS_CONNECTED))) {
		ring_keys(d, keys, sizeof(keys));
		v.fe_stale = !keys[0] || strcmp(keys, d->stale_keys) == 0;
	}
	a = kb_decide(&v);
	if (a != KB_ACT_NONE)
		kb_dev_log(d, KEEL_LOG_DEBUG, "backend %s, frontend %s: %s",
			   kb_state_name(v.be_state), kb_state_name(v.fe_state),
			   kb_action_name(a));
	switch (a) {
	case KB_ACT_NONE:
		break;
	case KB_ACT_SETUP:
		do_setup(d, v.fe_state);
		break;
	case KB_ACT_CONNECT:
		do_connect(d);
		break;
	case KB_ACT_RECONNECT:
		kb_dev_unmap(d);
		d->stale_valid = false;
		write_state(d, KEEL_XBS_INITWAIT);
		break;
	case KB_ACT_CLOSE:
		kb_dev_teardown(d, true);
		break;
	case KB_ACT_FORGET:
		kb_dev_teardown(d, false);
		break;
	case KB_ACT_RESET:
		kb_dev_log(d, KEEL_LOG_INFO, "written anew by the toolstack: "
			   "starting afresh");
		kb_dev_teardown(d, false);
		d->failed = false;
		d->b->rescan = true;
		break;
	}
}

/*
 * One bounded pass: at most a ring's worth of requests, in batches of a
 * ring's size, each batch served and answered before the next is taken.
 * Work left over sets d->more; the loop comes back after the others.
 */
void kb_dev_service(struct kb_device *d)
{
	const struct kb_ops *ops = d->b->cfg.ops;
	unsigned int budget = d->ring.size;
	bool notify = false;
	int n;

	if (!d->connected)
		return;
	d->more = false;
	if (ops->service) {
		bool more = ops->service(d);

		if (d->connected)
			d->more = more;
		return;
	}
	while (budget > 0) {
		n = kb_ring_take(&d->ring, d->b->reqs,
				 budget < d->ring.size ? budget : d->ring.size);
		if (n < 0) {
			kb_dev_close(d, "broken ring (producer index out of range)");
			return;
		}
		if (n == 0) {
			if (!kb_ring_final_check(&d->ring))
				break;
			continue;
		}
		memset(d->b->rsps, 0, (size_t)n * ops->rsp_size);
		ops->serve(d, d->b->reqs, d->b->rsps, (unsigned int)n);
		if (!d->connected)     /* serve() closed it */
			return;
		notify |= kb_ring_push(&d->ring, d->b->rsps, (unsigned int)n);
		budget -= (unsigned int)n;
	}
	if (budget == 0)
		d->more = true;
	if (notify)
		keel_evtchn_notify(d->b->ev, (uint32_t)d->port);
}

void kb_dev_close(struct kb_device *d, const char *why)
{
	kb_dev_log(d, KEEL_LOG_WARN, "closing: %s", why);
	kb_dev_printf(d, "hotplug-error", "%s", why);
	d->failed = true;
	kb_dev_teardown(d, true);
}

/* ---- the callbacks' accessors ------------------------------------------- */

uint16_t kb_dev_domid(const struct kb_device *d) { return d->domid; }
uint32_t kb_dev_devid(const struct kb_device *d) { return d->devid; }
struct kb_backend *kb_dev_backend(struct kb_device *d) { return d->b; }
void *kb_dev_get(const struct kb_device *d) { return d->user; }
void kb_dev_set(struct kb_device *d, void *p) { d->user = p; }

void *kb_dev_ring(struct kb_device *d, unsigned int i)
{
	return d->connected && i < d->nr_rings ? d->rings[i] : NULL;
}

void kb_dev_notify(struct kb_device *d)
{
	if (d->port >= 0)
		keel_evtchn_notify(d->b->ev, (uint32_t)d->port);
}

void kb_dev_kick(struct kb_device *d)
{
	if (d->connected)
		d->more = true;
}

void kb_dev_wake_in(struct kb_device *d, unsigned int ms)
{
	struct timespec t;

	if (!d->connected)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	if (!d->wake_set || kb_ms_until(&d->wake_at) > (int64_t)ms) {
		d->wake_at = t;
		d->wake_set = true;
	}
}

void kb_dev_watch_fd(struct kb_device *d, int fd)
{
	d->watch_fd = fd;
}

int kb_dev_read(struct kb_device *d, const char *key, char **val)
{
	char path[KB_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", d->be_path, key);
	return kxs_read(d->b->xs, 0, path, val, NULL);
}

int kb_dev_read_fe(struct kb_device *d, const char *key, char **val)
{
	char path[KB_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", d->fe_path, key);
	return kxs_read(d->b->xs, 0, path, val, NULL);
}

int kb_dev_printf(struct kb_device *d, const char *key, const char *fmt, ...)
{
	char val[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return kb_write_str(d->b, d->be_path, key, val);
}

void kb_dev_fail(struct kb_device *d, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(d->why, sizeof(d->why), "%.127s", msg);
	kb_dev_log(d, KEEL_LOG_ERROR, "%s", msg);
	kb_write_str(d->b, d->be_path, "hotplug-error", msg);
}

void kb_dev_log(struct kb_device *d, enum keel_log_level level,
		const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kb_log(d->b, level, "%s %u/%u: %s", d->b->cfg.ops->device_class,
	       d->domid, d->devid, msg);
}

int kb_grant_copy(struct kb_device *d, struct keel_ioctl_gntdev_copy_seg *segs,
		  size_t n)
{
	for (size_t i = 0; i < n; i++)
		segs[i].domid = d->domid;
	return keel_gnt_copy(d->b->gnt, segs, n);
}
