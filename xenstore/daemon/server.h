/*
 * The daemon's event loop: polls the listening socket, every connection's
 * transport and a signal descriptor; returns when SIGTERM or SIGINT
 * arrives.
 */
#ifndef KEEL_XSD_SERVER_H
#define KEEL_XSD_SERVER_H

#include "xsd.h"

/*
 * Another descriptor for the loop (the guest rings' event channel):
 * ready() runs when @fd polls readable, after() once per round after the
 * connections were served (true: poll again without waiting), tick()
 * about every @tick_ms milliseconds.  Any callback may be NULL; @fd may
 * be -1.
 */
struct xsd_server_extra {
	int fd;
	void (*ready)(void *ctx);
	bool (*after)(void *ctx);
	void (*tick)(void *ctx);
	int tick_ms;
	void *ctx;
};

/* Runs until a termination signal (blocked by the caller and readable
 * on @sigfd).  @extra may be NULL.  0, or a negative errno if polling
 * itself failed. */
int xsd_server_run(struct xsd *x, int lfd, int sigfd,
		   const struct xsd_server_extra *extra,
		   const struct xs_logger *log);

#endif
