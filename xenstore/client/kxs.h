/*
 * libkxs: a small client library for the configuration store.  One handle
 * is one connection (a Unix socket); calls are synchronous.  Watch events
 * that arrive while a call waits for its reply are queued and returned by
 * kxs_read_watch().
 *
 * Every call returns 0 or a negative errno: the store's ERROR replies map
 * to their errno (-ENOENT, -EACCES, -EAGAIN ...), transport failures to
 * -EPIPE/-ECONNRESET/-EPROTO.  A transaction id of 0 means "none".
 * Not thread-safe: one thread per handle.
 *
 * Reconnection: when the store goes away (xenstored restarted), the next
 * call connects again (trying for up to the reconnect time, default
 * KXS_RECONNECT_MS_DEFAULT), registers the handle's RESTRICT and watches
 * again (their first events arrive as after kxs_watch()) and repeats a
 * request that was not in a transaction.  A transaction that was open
 * answers -EAGAIN, as a lost commit race would: retry it.  kxs_fd() may
 * change across a reconnect: ask for it again each time.
 */
#ifndef KEEL_KXS_H
#define KEEL_KXS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xs_log.h"

struct kxs;

/*
 * Connects to @path, or when NULL to $XENSTORED_PATH, else
 * $XENSTORED_RUNDIR/socket, else /var/run/xenstored/socket.
 */
int kxs_open(const char *path, const struct xs_logger *log, struct kxs **out);
void kxs_close(struct kxs *h);

#define KXS_RECONNECT_MS_DEFAULT 10000

/* How long a call waits for the store to come back (0: do not reconnect;
 * calls then fail with the transport error). */
void kxs_set_reconnect(struct kxs *h, int timeout_ms);

/* How many times the handle has reconnected. */
unsigned kxs_reconnects(const struct kxs *h);

/* The connection's socket, for an event loop: poll it for POLLIN, then
 * take events with kxs_read_watch(h, 0, ...) until -ETIMEDOUT.  Events
 * may also be queued by any call, so drain them after each call too. */
int kxs_fd(const struct kxs *h);

/* Sends one raw request and waits for its reply (malloc'd, NUL added
 * after @rlen bytes).  Returns -errno for an ERROR reply. */
int kxs_request(struct kxs *h, uint32_t type, uint32_t tx,
		const void *payload, size_t len, char **reply, size_t *rlen);

int kxs_read(struct kxs *h, uint32_t tx, const char *path, char **val,
	     size_t *len);
int kxs_write(struct kxs *h, uint32_t tx, const char *path, const void *val,
	      size_t len);
int kxs_mkdir(struct kxs *h, uint32_t tx, const char *path);
int kxs_rm(struct kxs *h, uint32_t tx, const char *path);

/* Child names, NUL-separated, in a malloc'd buffer of @len bytes; large
 * directories are fetched with DIRECTORY_PART. */
int kxs_directory(struct kxs *h, uint32_t tx, const char *path, char **names,
		  size_t *len);

/* Permission strings ("b0"), NUL-separated. */
int kxs_get_perms(struct kxs *h, uint32_t tx, const char *path, char **perms,
		  size_t *len);
int kxs_set_perms(struct kxs *h, uint32_t tx, const char *path,
		  const char *const *perms, unsigned n);

int kxs_watch(struct kxs *h, const char *path, const char *token);
int kxs_unwatch(struct kxs *h, const char *path, const char *token);

/* Next watch event (malloc'd strings); waits up to @timeout_ms (-1:
 * forever).  -ETIMEDOUT when none came. */
int kxs_read_watch(struct kxs *h, int timeout_ms, char **path, char **token);

int kxs_tx_start(struct kxs *h, uint32_t *tx);
/* Commits (@commit) or aborts; -EAGAIN: the commit lost a race. */
int kxs_tx_end(struct kxs *h, uint32_t tx, bool commit);

/* Makes this connection act as unprivileged domain @domid. */
int kxs_restrict(struct kxs *h, uint32_t domid);

int kxs_introduce(struct kxs *h, uint32_t domid, uint64_t gfn, uint32_t port);
int kxs_release(struct kxs *h, uint32_t domid);

#endif
