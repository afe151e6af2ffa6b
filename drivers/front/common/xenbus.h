/*
 * What every frontend does with the store (docs/backends.md): keys of a
 * device directory, the `state` keys of both ends, the lowest device id
 * under <home>/device/<class>, and watches on both ends' states.  Used by
 * blkfront and netfront; on the guest kernel's store client (xs.h), so
 * every call is synchronous and from main context only.
 *
 * Returns are xs.h's: 0 (or a length), or a negative KEEL_E*;
 * -KEEL_ERANGE when dir/key does not fit XB_KEY_MAX.
 */
#ifndef FRONT_XENBUS_H
#define FRONT_XENBUS_H

#include <stddef.h>
#include <stdint.h>

#include "xs.h"

#define XB_KEY_MAX 128

/* "<dir>/<key>" into buf (XB_KEY_MAX bytes). */
int xb_path(char *buf, const char *dir, const char *key);
int xb_read(uint32_t tx, const char *dir, const char *key, char *val, size_t len);
int xb_write(uint32_t tx, const char *dir, const char *key, const char *val);
int xb_write_u64(uint32_t tx, const char *dir, const char *key, uint64_t v);
/* A decimal key: 0 and *out, -KEEL_ENOENT, -KEEL_EINVAL (not a number). */
int xb_read_u64(const char *dir, const char *key, uint64_t *out);
/* Remove dir/key; a missing one is not an error (nothing returned). */
void xb_rm(const char *dir, const char *key);
/* A `state` key: a missing one reads as Closed (its directory was
 * removed), a malformed one as Unknown. */
int xb_read_state(const char *dir);
/* Write our `state`, unless the toolstack removed our directory
 * meanwhile (writing would create it again): -KEEL_ENOENT then. */
int xb_write_state(const char *dir, int state);
/* The lowest numeric child of <home>/<rel> ("device/vbd"): it, or
 * -KEEL_ENODEV when there is none. */
long xb_lowest_id(const char *rel);
/* Watch both ends' `state` keys with one callback; tokens are
 * "<prefix>-be-<id>" and "<prefix>-fe-<id>" (32 bytes each in w). */
struct xb_watch {
	char be_token[32], fe_token[32];
	int active;
};
int xb_watch_states(struct xb_watch *w, const char *prefix, unsigned int id,
		    const char *be_dir, const char *fe_dir, xs_watch_fn fn, void *arg);
void xb_unwatch_states(struct xb_watch *w, const char *be_dir, const char *fe_dir);

#endif
