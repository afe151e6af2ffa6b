/*
 * The store daemon as a library: an opaque handle owning the store, the
 * domain table and the connections.  The program around it (xenstored.c,
 * or a test) owns the event loop and the transports: it creates a
 * connection per client with a transport, calls xsd_conn_input() when the
 * transport has bytes and xsd_conn_flush() when it can take bytes.
 *
 * Not thread-safe: one thread drives a handle.
 */
#ifndef KEEL_XSD_H
#define KEEL_XSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "db.h"
#include "quota.h"
#include "xs_log.h"

struct xsd;
struct xsd_conn;

/* How a connection moves bytes.  Every function gets the transport's ctx. */
struct xsd_transport_ops {
	/* Up to @len bytes: >0 read, 0 nothing now, <0 -errno: gone. */
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	/* Up to @len bytes: >=0 written (0: full now), <0 -errno: gone. */
	ssize_t (*write)(void *ctx, const void *buf, size_t len);
	/* Called once after a batch of reads or writes (ring: notify).
	 * May be NULL. */
	void (*kick)(void *ctx);
	/* Releases the transport when its connection is destroyed.  May be
	 * NULL. */
	void (*close)(void *ctx);
	/* The file descriptor an event loop polls for this transport (-1:
	 * none), and whether to poll it for POLLOUT while output waits
	 * (a socket) or only for POLLIN (an event channel). */
	int (*fd)(void *ctx);
	bool poll_out;
	/* Consumes a pending notification after fd() polled readable.  May
	 * be NULL. */
	void (*ack)(void *ctx);
};

/* Called when dom0 introduces or releases a domain.  introduce() may
 * attach a ring connection with xsd_conn_new(); release() must not destroy
 * the connection (the daemon does). */
struct xsd_domain_hooks {
	int (*introduce)(void *ctx, struct xsd *x, uint32_t domid,
			 uint64_t gfn, uint32_t port);
	void (*release)(void *ctx, struct xsd *x, uint32_t domid);
	void *ctx;
};

struct xsd_config {
	struct xsd_quota quota;   /* limits for unprivileged domains        */
	size_t out_max;           /* bytes queued to one client before it is
				   * disconnected (0: 16 MiB)               */
	bool control_no_files;    /* CONTROL logfile / memreport FILE refused
				   * (EACCES): for fuzzing                  */
};

/* Fills @cfg with the default quotas. */
void xsd_config_default(struct xsd_config *cfg);

/* Opens the daemon on @db (taking ownership).  0 or a negative errno. */
int xsd_open(struct xsd_db *db, const struct xsd_config *cfg,
	     const struct xs_logger *log, struct xsd **out);

/* Destroys every connection and closes the store. */
void xsd_close(struct xsd *x);

void xsd_set_domain_hooks(struct xsd *x, const struct xsd_domain_hooks *h);

/* Releases introduced domain @domid as a RELEASE request would (hook,
 * ring connection marked dead, @releaseDomain fired), for a domain found
 * gone.  0 or -ENOENT. */
int xsd_domain_release(struct xsd *x, uint32_t domid);

/*
 * After a restart: re-introduces every domain the database records
 * (through the domain hook: ring mapped, port bound again) and gives its
 * ring connection its recorded watches, without firing anything.  A domain
 * that cannot be reconnected is forgotten.  Returns how many domains were
 * reconnected, or a negative errno.
 */
int xsd_restore(struct xsd *x);

/* Fills @ids with up to @max introduced domain ids; returns how many. */
unsigned xsd_domain_list(struct xsd *x, uint32_t *ids, unsigned max);

/*
 * A new connection for domain @domid (@priv: dom0-level privilege) over
 * transport @ops/@ctx.  For a domain's ring, @domid must be introduced and
 * the connection becomes that domain's.  0 or -ENOMEM.
 */
int xsd_conn_new(struct xsd *x, const struct xsd_transport_ops *ops,
		 void *ctx, uint32_t domid, bool priv, struct xsd_conn **out);

/* Aborts the connection's transactions, drops its watches, closes its
 * transport and frees it. */
void xsd_conn_destroy(struct xsd_conn *c);

/* Reads and handles what the transport holds.  0, or a negative errno when
 * the connection must be destroyed (client gone or protocol broken). */
int xsd_conn_input(struct xsd_conn *c);

/* Writes queued output.  0 or a negative errno (destroy the connection). */
int xsd_conn_flush(struct xsd_conn *c);

/* Whether input should be read now (false while too many replies wait). */
bool xsd_conn_wants_input(const struct xsd_conn *c);

/* Whether input was read ahead and waits in the connection's buffer: the
 * transport's descriptor will not poll readable for it, so the event
 * loop calls xsd_conn_input() again once xsd_conn_wants_input(). */
bool xsd_conn_has_buffered_input(const struct xsd_conn *c);

/* Whether output is queued. */
bool xsd_conn_has_output(const struct xsd_conn *c);

/* Whether the connection failed and should be destroyed. */
bool xsd_conn_is_dead(const struct xsd_conn *c);

/* The transport's poll descriptor (-1: none), whether to poll it for
 * output, and consuming its notification: see struct xsd_transport_ops. */
int xsd_conn_fd(const struct xsd_conn *c);
bool xsd_conn_polls_out(const struct xsd_conn *c);
void xsd_conn_ack(struct xsd_conn *c);

/* The transport context given to xsd_conn_new(). */
void *xsd_conn_transport(const struct xsd_conn *c);

/* Iterates connections: xsd_conn_first(x), then xsd_conn_next(c). */
struct xsd_conn *xsd_conn_first(struct xsd *x);
struct xsd_conn *xsd_conn_next(struct xsd_conn *c);

#endif
