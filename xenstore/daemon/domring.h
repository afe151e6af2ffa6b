/*
 * Guest store rings: the INTRODUCE hook for real domains.
 *
 * On INTRODUCE(domid, gfn, port) the hook maps the guest's store page (gfn
 * is the guest's frame number), binds a local event-channel port to the
 * guest's unbound @port and attaches the ring transport (ring.h), so the
 * guest's requests are served with that domain's permissions and quotas.
 * All rings share one event-channel descriptor: the event loop polls
 * xsd_domrings_fd() and calls xsd_domrings_events(), which reads the
 * pending ports, runs each one's connection and unmasks the port.
 *
 * RELEASE, a ring the guest broke, or a domain that vanished (found by
 * xsd_domrings_check(), which the loop calls about once a second) all end
 * the same way: the connection is destroyed, and its channel's close
 * unbinds the port and unmaps the page.
 *
 * The hypervisor services are an ops table (struct xsd_domring_ops):
 * domring_keel.c implements it on libkeelctl, the unit tests on fakes.
 * Not thread-safe; one per daemon handle.
 */
#ifndef KEEL_XSD_DOMRING_H
#define KEEL_XSD_DOMRING_H

#include <stdbool.h>
#include <stdint.h>

#include "xsd.h"

/* What the hook needs from the hypervisor.  Every int return is 0 (or the
 * documented non-negative value) or a negative errno. */
struct xsd_domring_ops {
	/* Maps page @gfn of @domid read-write into our address space. */
	int (*map)(void *ctx, uint32_t domid, uint64_t gfn, void **page);
	void (*unmap)(void *ctx, void *page);
	/* Binds a local port to @domid's unbound @remote_port; returns the
	 * local port (> 0). */
	int (*bind)(void *ctx, uint32_t domid, uint32_t remote_port);
	void (*unbind)(void *ctx, uint32_t local_port);
	int (*notify)(void *ctx, uint32_t local_port);
	/* The next pending local port (> 0); -EAGAIN when none is left,
	 * -EFBIG when events were lost (every ring is then looked at). */
	int (*pending)(void *ctx);
	int (*unmask)(void *ctx, uint32_t local_port);
	/* The descriptor that polls readable when a port is pending. */
	int (*fd)(void *ctx);
	/* 1: the domain runs; 0: it is gone or dying; <0: cannot tell.
	 * May be NULL (never checked). */
	int (*alive)(void *ctx, uint32_t domid);
};

struct xsd_domrings;

/* Installs the domain hooks on @x.  @ops/@ctx stay the caller's and must
 * outlive the handle.  0 or -ENOMEM. */
int xsd_domrings_open(struct xsd *x, const struct xsd_domring_ops *ops,
		      void *ctx, const struct xs_logger *log,
		      struct xsd_domrings **out);

/* Removes the hooks.  Call before xsd_close() destroys the connections
 * only if @dr is freed first; otherwise close @x first, then this. */
void xsd_domrings_close(struct xsd_domrings *dr);

/* The event-channel descriptor to poll (-1: none). */
int xsd_domrings_fd(const struct xsd_domrings *dr);

/* Handles every pending port: reads the ring's requests, writes what
 * fits of the replies, unmasks the port.  Unknown ports are unmasked and
 * ignored. */
void xsd_domrings_events(struct xsd_domrings *dr);

/* Reads requests left in rings whose connection paused input (too many
 * replies waiting) or stopped after a batch.  Returns true if some ring
 * still holds unread requests (poll again without waiting). */
bool xsd_domrings_resume(struct xsd_domrings *dr);

/* Releases every introduced domain whose ops->alive() says it is gone,
 * as RELEASE would (firing @releaseDomain).  Returns how many. */
unsigned xsd_domrings_check(struct xsd_domrings *dr);

/* Number of attached rings (for tests and the log). */
unsigned xsd_domrings_count(const struct xsd_domrings *dr);

#endif
