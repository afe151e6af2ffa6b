/*
 * libkeelback's internals, shared by its files.
 */
#ifndef KB_PRIVATE_H
#define KB_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <time.h>

#include <kxs.h>

#include "keelback.h"
#include "kb_parse.h"
#include "kb_ring.h"
#include "kb_state.h"

#define KB_PATH_MAX 128

struct kb_device {
	struct kb_device *next;
	struct kb_backend *b;
	uint16_t domid;
	uint32_t devid;
	char be_path[KB_PATH_MAX + 32]; /* /local/domain/0/backend/<cls>/<d>/<id> */
	char fe_path[KB_PATH_MAX];    /* the frontend directory (validated)     */
	bool fe_watched;
	bool setup, connected, failed;
	/* ring keys the frontend had when we offered InitWait after a
	 * restart: a ring with these is stale (kb_state.h, fe_stale) */
	bool stale_valid;
	char stale_keys[64];
	unsigned int ring_pages;
	void *ring_map;
	void *rings[KB_MAX_RINGS];     /* ops->ring_keys: one page each         */
	unsigned int nr_rings;
	int watch_fd;                 /* kb_dev_watch_fd, or -1                */
	bool wake_set;                /* kb_dev_wake_in                         */
	struct timespec wake_at;
	char why[128];                /* the last kb_dev_fail reason            */
	struct kb_ring ring;
	long port;                    /* our local port, or -1                 */
	bool more;                    /* work left after a bounded pass        */
	bool seen;                    /* found in the current scan             */
	void *user;                   /* kb_dev_set()                          */
};

struct kb_backend {
	struct kb_config cfg;
	struct keel_ctl *ctl;
	struct keel_evtchn *ev;
	struct keel_gnt *gnt;
	struct kxs *xs;
	struct kb_device *devs;
	char class_path[KB_PATH_MAX]; /* /local/domain/0/backend/<class>     */
	bool stop;
	bool rescan;
	void *reqs, *rsps;            /* one pass's buffers                    */
	struct pollfd *pfd;           /* the loop's poll set, grown as needed   */
	struct kb_device **pfd_dev;   /* the device of each pfd (or NULL)      */
	size_t pfd_cap;
	struct timespec last_poll;
};

void kb_log(struct kb_backend *b, enum keel_log_level level, const char *fmt,
	    ...) __attribute__((format(printf, 3, 4)));

/* kb_device.c */
struct kb_device *kb_dev_new(struct kb_backend *b, uint16_t domid,
			     uint32_t devid);
void kb_dev_free(struct kb_device *d);
/* Looks at the store and acts on the decision (kb_state.h). */
void kb_dev_update(struct kb_device *d);
/* Serves the ring: at most one ring's worth of requests. */
void kb_dev_service(struct kb_device *d);
/* Drops the ring and the port (no store writes). */
void kb_dev_unmap(struct kb_device *d);
/* Everything down, disconnect() called; writes Closed if write_state. */
void kb_dev_teardown(struct kb_device *d, bool write_state);

/* kb_store.c: keys of a directory; numbers parsed with kb_parse_uint */
int kb_read_uint(struct kb_backend *b, const char *dir, const char *key,
		 unsigned long max, unsigned long *out);
/* kb_loop.c: milliseconds from now to t (negative: past) */
int64_t kb_ms_until(const struct timespec *t);

int kb_write_str(struct kb_backend *b, const char *dir, const char *key,
		 const char *val);

#endif
