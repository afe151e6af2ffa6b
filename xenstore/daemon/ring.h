/*
 * The shared-page transport of a guest domain: the store ring page
 * (struct keel_xs_ring in public/io/xs_wire.h) plus an event channel.
 *
 * The daemon never trusts the page: indices are read once per use, and a
 * producer index more than a ring ahead of the consumer marks the ring
 * broken (error = KEEL_XS_RING_ERR_RINGIDX) and disconnects that domain.
 *
 * The event channel is an interface so tests (and, until the hypervisor's
 * event channels exist, everything) can use eventfds over shared memory.
 */
#ifndef KEEL_XSD_RING_H
#define KEEL_XSD_RING_H

#include "public/io/xs_wire.h"
#include "xsd.h"

struct xsd_evtchn_ops {
	/* Signals the other end. */
	void (*notify)(void *ctx);
	/* A descriptor that polls readable when the other end signalled. */
	int (*fd)(void *ctx);
	/* Consumes the pending signal. */
	void (*ack)(void *ctx);
	/* Releases the channel (may be NULL). */
	void (*close)(void *ctx);
};

/*
 * Makes a connection of @x for domain @domid over the mapped page @intf
 * and event channel @ev/@ev_ctx.  The page stays the caller's (it is not
 * unmapped on close); the channel is closed with the connection.
 * 0 or -ENOMEM.
 */
int xsd_ring_attach(struct xsd *x, uint32_t domid, struct keel_xs_ring *intf,
		    const struct xsd_evtchn_ops *ev, void *ev_ctx,
		    struct xsd_conn **out);

#endif
