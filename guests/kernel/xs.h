/*
 * Store client (io/xs_wire.h) over the page at start_info.store_gfn and
 * port start_info.store_evtchn.  Requests are synchronous and made from
 * main context only; watch events that arrive meanwhile are queued and
 * their callbacks run from kernel_poll() (xs_poll), never inside a request.
 *
 * Every call returns 0 (or a length/count) on success, or a negative
 * KEEL_E* value: the store's error name mapped back (ENOENT, EACCES, ...),
 * -KEEL_EIO for a broken ring, -KEEL_E2BIG for a request too long,
 * -KEEL_ERANGE for a reply that does not fit the caller's buffer.
 */
#ifndef GUEST_XS_H
#define GUEST_XS_H

#include <stddef.h>
#include <stdint.h>

#define XS_NO_TX 0u

typedef void (*xs_watch_fn)(const char *path, const char *token, void *arg);

int xs_init(void);
/* Value of path into buf (NUL-terminated): its length. */
int xs_read(uint32_t tx, const char *path, char *buf, size_t len);
int xs_write(uint32_t tx, const char *path, const char *value);
int xs_mkdir(uint32_t tx, const char *path);
int xs_rm(uint32_t tx, const char *path);
/* Child names, NUL-separated, into buf: how many. */
int xs_directory(uint32_t tx, const char *path, char *buf, size_t len);
int xs_transaction_start(uint32_t *tx);
/* commit = 0 aborts; -KEEL_EAGAIN: conflict, start again. */
int xs_transaction_end(uint32_t tx, int commit);
/* Register a watch; fn runs (main context) for each event with this
 * token, including the one the store sends at once on registration. */
int xs_watch(const char *path, const char *token, xs_watch_fn fn, void *arg);
int xs_unwatch(const char *path, const char *token);
/* After a restore: register every watch again with the (new) store
 * daemon.  0 or the first error. */
int xs_resume(void);
/* Pull replies/events off the ring and run queued watch callbacks. */
void xs_poll(void);
/* xs_num.c: dir/key as a decimal number: the value, or -1 when it is
 * missing, unreadable or not a number. */
long xs_read_num(const char *dir, const char *key);
int xs_write_num(const char *dir, const char *key, long v);
/* Waits (kernel_wait, looking every 20 ms) until dir/key reads `want`:
 * 1, or 0 after bound_ns. */
int xs_wait_num(const char *dir, const char *key, long want, uint64_t bound_ns);
/* "<home>/<rel>" into buf: 0, or -KEEL_ERANGE if it does not fit. */
int xs_home_path(char *buf, size_t len, const char *rel);

#endif
