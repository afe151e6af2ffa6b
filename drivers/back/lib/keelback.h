/*
 * libkeelback: the part every dom0 backend daemon repeats, done once.
 *
 * A backend serves one device class (the store's name for it, e.g. "vbd")
 * for every guest.  The library finds the class's devices in the store
 * (/local/domain/0/backend/<class>/<domid>/<devid>), runs the XenbusState
 * handshake with each frontend, maps the frontend's shared ring (one page,
 * or 2^ring-page-order pages), binds its event channel, copies requests
 * out of the ring in batches, pushes the responses the device filled in
 * and notifies when the frontend asked for it, and lets go of everything
 * when either side closes or the guest dies.  A backend that is killed and
 * started again finds its devices in the store and offers them again
 * (state InitWait): the frontend reconnects and resubmits what was in
 * flight (docs/backends.md, "Restart").
 *
 * The device class is a struct kb_ops: sizes and four callbacks.  The
 * loop is the library's: kb_open(), kb_run(), kb_close().
 *
 * Threading: one thread; every callback runs on the thread in kb_run().
 * Errors are negative errno values; the library never exits.
 */
#ifndef KEELBACK_H
#define KEELBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keelctl.h>

struct kb_backend;
struct kb_device;

struct kb_ops {
	const char *device_class;  /* store name: "vbd", "vif", "hello"    */
	uint32_t slot_size;        /* bytes of one ring slot (req | rsp)   */
	uint32_t req_size;         /* bytes copied out per request          */
	uint32_t rsp_size;         /* bytes written back per response       */
	unsigned int max_ring_order; /* 0 .. 4: advertised max-ring-page-order */

	/*
	 * A device appeared (or the daemon restarted): open what serves it
	 * and write its parameters with kb_dev_printf().  Returns 0 (the
	 * library then offers the device: InitWait), or -errno with a reason
	 * set by kb_dev_fail(): the device is left Closed.  Required.
	 */
	int (*connect)(struct kb_device *dev);
	/*
	 * n requests copied out of the ring (n * req_size bytes at reqs);
	 * fill the n responses (n * rsp_size bytes at rsps, zeroed).  Must
	 * answer every request; it cannot fail as a whole.  Required.
	 */
	void (*serve)(struct kb_device *dev, const void *reqs, void *rsps,
		      unsigned int n);
	/* The device is going away (closed, detached, guest dead, daemon
	 * stopping): free what connect() opened.  Optional. */
	void (*disconnect)(struct kb_device *dev);
	/* About once a second for every connected device (statistics).
	 * Optional. */
	void (*poll)(struct kb_device *dev);

	/*
	 * A class with rings of its own (net: a tx and an rx ring, each one
	 * page, and one event channel) instead of the library's single
	 * request/response ring.  All optional; the default is "ring-ref"
	 * (+ ring-page-order) served through serve().
	 */
	/* NULL-terminated frontend keys of one-page rings, mapped in this
	 * order (kb_dev_ring(dev, i)): {"tx-ring-ref", "rx-ring-ref", NULL}.
	 * At most KB_MAX_RINGS.  Requires service. */
	const char *const *ring_keys;
	/* The frontend may go straight from its keys to Connected, skipping
	 * Initialised (Linux's netfront does): connect on either. */
	bool fe_connected_ok;
	/* The rings are mapped and the port bound, before Connected is
	 * written: check the frontend's keys, set up the class's ring
	 * state.  0, or -errno after kb_dev_fail("why"): the device is
	 * closed.  Optional. */
	int (*start)(struct kb_device *dev);
	/* The rings are about to be unmapped (reconnect, close, guest gone):
	 * forget everything that points into them.  Optional. */
	void (*stop)(struct kb_device *dev);
	/* The class's own ring consumer: an event arrived, a kick or a
	 * wake-up is due.  Do a bounded amount of work; return true when
	 * work is left (the loop comes back after the other devices). */
	bool (*service)(struct kb_device *dev);
	/* The fd given to kb_dev_watch_fd() is readable.  Optional. */
	void (*fd_ready)(struct kb_device *dev);
};

#define KB_MAX_RINGS 4

/* Options of kb_open(). */
struct kb_config {
	const struct kb_ops *ops;
	struct keel_logger *log;   /* where messages go (required)         */
	void *priv;                /* the daemon's own context             */
};

/*
 * Opens the hypervisor, event-channel and grant devices and the store.
 * Returns 0 and *out, or -errno (ENOENT: no /dev/keel, ECONNREFUSED: no
 * store), having logged why.
 */
int kb_open(const struct kb_config *cfg, struct kb_backend **out);

/*
 * Serves until kb_stop() or SIGTERM/SIGINT (blocked and taken through a
 * signalfd while it runs).  Returns 0 after a stop or a signal, -errno
 * when it cannot run.  A lost store connection does not end it: the
 * connected devices are served on while it reconnects every second, then
 * it sets its watches again and rescans.
 * Every device is disconnected before it returns.
 */
int kb_run(struct kb_backend *b);
void kb_stop(struct kb_backend *b);
void kb_close(struct kb_backend *b);
void *kb_priv(struct kb_backend *b);

/* ---- for the callbacks -------------------------------------------------- */

uint16_t kb_dev_domid(const struct kb_device *dev);
uint32_t kb_dev_devid(const struct kb_device *dev);
struct kb_backend *kb_dev_backend(struct kb_device *dev);
/* The device's own pointer, for the daemon's per-device state. */
void *kb_dev_get(const struct kb_device *dev);
void kb_dev_set(struct kb_device *dev, void *p);

/* Reads a key of the backend directory (malloc'd in *val) or of the
 * frontend's (kb_dev_read_fe: guest-written, hostile).  0 or -errno. */
int kb_dev_read(struct kb_device *dev, const char *key, char **val);
int kb_dev_read_fe(struct kb_device *dev, const char *key, char **val);
/* Writes a key of the backend directory (at most 1023 bytes: longer
 * values are cut).  0 or -errno. */
int kb_dev_printf(struct kb_device *dev, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records why connect() failed: logged and written as hotplug-error. */
void kb_dev_fail(struct kb_device *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void kb_dev_log(struct kb_device *dev, enum keel_log_level level,
		const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Grant copy for the whole batch: fills each segment's domid with the
 * device's frontend and issues one ioctl (the module splits it into
 * hypercalls of 64).  0 once tried (each segment has its status), -errno.
 */
int kb_grant_copy(struct kb_device *dev, struct keel_ioctl_gntdev_copy_seg *segs,
		  size_t n);

/* For classes with their own rings (kb_ops.ring_keys): ring i's page
 * (NULL when not connected). */
void *kb_dev_ring(struct kb_device *dev, unsigned int i);
/* Notifies the frontend on the device's event channel. */
void kb_dev_notify(struct kb_device *dev);
/* Asks for service() again soon (after the other devices) ... */
void kb_dev_kick(struct kb_device *dev);
/* ... or in ms milliseconds (a rate limiter's next credit).  The
 * earliest request wins; it is forgotten when the rings go. */
void kb_dev_wake_in(struct kb_device *dev, unsigned int ms);
/* Adds fd (the class's own: a tap) to the loop's poll while the device
 * is connected: fd_ready(dev) when readable.  -1 removes it. */
void kb_dev_watch_fd(struct kb_device *dev, int fd);

/* Closes the connection from the backend's side (a broken frontend):
 * the ring is unmapped and the state set to Closing, then Closed. */
void kb_dev_close(struct kb_device *dev, const char *why);

#endif
