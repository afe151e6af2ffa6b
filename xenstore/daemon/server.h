/*
 * The daemon's event loop: polls the listening socket, every connection's
 * transport and a signal descriptor; returns when SIGTERM or SIGINT
 * arrives.
 */
#ifndef KEEL_XSD_SERVER_H
#define KEEL_XSD_SERVER_H

#include "xsd.h"

/* Runs until a termination signal (blocked by the caller and readable
 * on @sigfd).  0, or a negative errno if polling itself failed. */
int xsd_server_run(struct xsd *x, int lfd, int sigfd,
		   const struct xs_logger *log);

#endif
