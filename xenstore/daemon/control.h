/*
 * CONTROL requests (xenstore-control) and the request trace they switch
 * on.  See control.c for the commands.
 */
#ifndef KEEL_XSD_CONTROL_H
#define KEEL_XSD_CONTROL_H

#include <stdio.h>

#include "public/io/xs_wire.h"
#include "quota.h"

struct xsd;
struct xsd_conn;

/* Runs CONTROL args[0] with the rest as its arguments; replies and returns
 * 0, or returns -EINVAL (unknown command or bad arguments), -ENOSYS (a Xen
 * command this store does not have), or another -errno. */
int xsd_op_control(struct xsd_conn *c, const struct keel_xs_msg_hdr *h,
		   const char *const *args, unsigned nargs);

/* Sets quota @name (see xenstored --quota) to decimal @val.  0 or
 * -EINVAL. */
int xsd_quota_set(struct xsd_quota *q, const char *name, const char *val);

/* Writes one trace line for request @h (the log, or the logfile). */
void xsd_trace(struct xsd *x, const struct xsd_conn *c,
	       const struct keel_xs_msg_hdr *h, const char *payload);

#endif
