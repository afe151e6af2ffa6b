/*
 * Test harness: a daemon handle on an in-memory database, and connections
 * over a fake transport whose bytes the tests push and pull directly.
 */
#ifndef XS_TEST_HARNESS_H
#define XS_TEST_HARNESS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "public/io/xs_wire.h"
#include "xsd.h"

struct tconn {
	struct xsd_conn *c;
	uint8_t *in;              /* bytes the daemon will read    */
	size_t in_len, in_off;
	uint8_t *out;             /* bytes the daemon wrote        */
	size_t out_len, out_off;
	size_t write_cap;         /* max bytes accepted per write() (0: any) */
	bool gone;                /* read() reports the peer gone  */
	bool closed;              /* the daemon closed it          */
	/* watch events received, "path\0token\0" each */
	char events[64][256];
	unsigned nev, ev_read;
};

struct trep {
	uint32_t type, req_id, tx_id, len;
	char data[KEEL_XS_PAYLOAD_MAX + 1];
};

extern struct xsd *tx_x;   /* the daemon of the running test */

/* Opens tx_x on a fresh in-memory db with @cfg (NULL: defaults).
 * Used as a Check fixture through xs_setup()/xs_teardown(). */
void xs_open_with(const struct xsd_config *cfg);
void xs_setup(void);
void xs_teardown(void);

/* A connection of domain @domid. */
struct tconn *tc_new(uint32_t domid, bool priv);

/* Pushes raw bytes, lets the daemon run, collects its output. */
void tc_push(struct tconn *t, const void *buf, size_t len);

/* Sends one request and returns the reply: 0 with @r filled, -errno for an
 * ERROR reply, -EPIPE if the daemon dropped the connection, -ETIME if no
 * reply came.  Watch events are queued on @t. */
int tc_req(struct tconn *t, uint32_t type, uint32_t tx, const void *payload,
	   size_t len, struct trep *r);

/* Shorthands; payloads are built from NUL-terminated strings. */
int tc_read(struct tconn *t, uint32_t tx, const char *path, char *out);
int tc_write(struct tconn *t, uint32_t tx, const char *path, const char *v);
int tc_mkdir(struct tconn *t, uint32_t tx, const char *path);
int tc_rm(struct tconn *t, uint32_t tx, const char *path);
int tc_dir(struct tconn *t, uint32_t tx, const char *path, char *out);
int tc_perms(struct tconn *t, const char *path, char *out);
int tc_setperms(struct tconn *t, uint32_t tx, const char *path,
		const char *perms);  /* "b0 r5" space-separated */
int tc_watch(struct tconn *t, const char *path, const char *token);
int tc_unwatch(struct tconn *t, const char *path, const char *token);
int tc_txstart(struct tconn *t, uint32_t *tx);
int tc_txend(struct tconn *t, uint32_t tx, bool commit);
int tc_simple(struct tconn *t, uint32_t type, const char *args);

/* Next queued event as "path token", or NULL. */
const char *tc_event(struct tconn *t);

/* Lets the daemon flush output to every connection and collects it. */
void tc_pump(void);

/* Suites. */
Suite *suite_basics(void);
Suite *suite_tree(void);
Suite *suite_perms(void);
Suite *suite_watch(void);
Suite *suite_txn(void);
Suite *suite_quota(void);
Suite *suite_msg(void);
Suite *suite_ring(void);
Suite *suite_db(void);
Suite *suite_domring(void);
Suite *suite_control(void);
Suite *suite_dblog(void);

#endif
