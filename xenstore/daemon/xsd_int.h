/*
 * Internals shared by the daemon library's files (not for its users):
 * the handle, connections, the domain table.
 */
#ifndef KEEL_XSD_INT_H
#define KEEL_XSD_INT_H

#include <stdio.h>

#include "public/io/xs_wire.h"
#include "perms.h"
#include "store.h"
#include "watch.h"
#include "xsd.h"

struct xsd_domain {
	struct xsd_domain *next;
	uint32_t domid;
	uint64_t gfn;
	uint32_t port;
	bool has_target;
	uint32_t target;
	struct xsd_conn *conn;   /* its ring connection, if any */
};

struct xsd_outmsg {
	struct xsd_outmsg *next;
	size_t len, off;
	uint8_t data[];
};

struct xsd_conn_txn {
	struct xsd_conn_txn *next;
	uint32_t id;
	struct xsd_txn *t;
};

struct xsd_conn {
	struct xsd_conn *next, *prev;
	struct xsd *x;
	const struct xsd_transport_ops *ops;
	void *ctx;
	uint32_t domid;
	bool priv;
	bool dead;

	/* input: a header, then its payload (+1 for a terminating NUL) */
	uint8_t hdr_buf[sizeof(struct keel_xs_msg_hdr)];
	size_t in_have;
	uint8_t payload[KEEL_XS_PAYLOAD_MAX + 1];
	/* Sockets read ahead into rbuf (one recv() per request instead of
	 * header, payload and a last one that finds nothing); rings read
	 * exactly what they need.  rbuf_drained: the last read returned
	 * less than asked, so the socket had nothing more then. */
	uint8_t rbuf[sizeof(struct keel_xs_msg_hdr) + KEEL_XS_PAYLOAD_MAX];
	size_t rbuf_off, rbuf_len;
	bool rbuf_drained;

	struct xsd_outmsg *out_head, **out_tail;
	unsigned out_count;   /* replies and events not yet written */
	size_t out_bytes;

	struct xsd_watch_list watches;
	struct xsd_conn_txn *txns;
	unsigned ntxns;
	uint32_t next_txid;
	bool restored;   /* reconnected by xsd_restore(): ids below
			  * XSD_TXID_AFTER_RESTART were the old daemon's */
};

/* First transaction id of a connection restored after a restart; an
 * unknown id below it gets EAGAIN (the transaction died with the old
 * daemon: retry), not ENOENT. */
#define XSD_TXID_AFTER_RESTART 0x40000000u

struct xsd {
	const struct xs_logger *log;
	struct xsd_store *st;
	struct xsd_config cfg;
	struct xsd_conn *conns;
	struct xsd_domain *domains;
	struct xsd_domain_hooks hooks;
	struct xsd_quota soft_quota;   /* CONTROL quota-soft: warn only   */
	bool trace;                    /* CONTROL log on: trace requests  */
	FILE *trace_file;              /* CONTROL logfile (NULL: the log) */
};

/* Who is asking on @c (privilege and SET_TARGET target). */
void xsd_conn_who(const struct xsd_conn *c, struct xsd_who *who);

/* Queues one message; on failure marks the connection dead. */
void xsd_conn_send(struct xsd_conn *c, uint32_t type, uint32_t req_id,
		   uint32_t tx_id, const void *data, size_t len);

/* A mark in the output queue, and dropping everything queued after it
 * (a reply whose database commit then failed). */
struct xsd_outmsg **xsd_conn_out_mark(struct xsd_conn *c);
void xsd_conn_out_rollback(struct xsd_conn *c, struct xsd_outmsg **mark);

/* Queues an error reply naming @err (positive errno). */
void xsd_conn_send_error(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			 int err);

/* Handles one complete request (ops.c). */
void xsd_dispatch(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		  char *payload);

/* Sends every event of @evs to the watches that match (and may see it),
 * then empties @evs. */
void xsd_fire(struct xsd *x, struct xsd_event_list *evs);

/* Sends @w's first event, right after it was registered. */
void xsd_fire_initial(struct xsd_conn *c, const struct xsd_watch *w);

/* The domain table (domain.c). */
struct xsd_domain *xsd_domain_find(struct xsd *x, uint32_t domid);
void xsd_domain_free_all(struct xsd *x);

/* Domain requests (domain.c); each returns 0 after replying, or -errno. */
int xsd_op_introduce(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		     const char *const *args, unsigned nargs);
int xsd_op_release(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		   const char *const *args, unsigned nargs);
int xsd_op_is_introduced(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
			 const char *const *args, unsigned nargs);
int xsd_op_get_domain_path(struct xsd_conn *c,
			   const struct keel_xs_msg_hdr *h,
			   const char *const *args, unsigned nargs);
int xsd_op_resume(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		  const char *const *args, unsigned nargs);
int xsd_op_set_target(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		      const char *const *args, unsigned nargs);

/* Parses a decimal domain id (< 0x7ff0).  0 or -EINVAL. */
int xsd_parse_domid(const char *s, uint32_t *out);

#endif
