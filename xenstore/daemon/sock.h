/*
 * The Unix socket transport: a listening socket, and one connection per
 * accepted client.  Every socket client is treated as dom0 (privileged)
 * until it asks for RESTRICT.
 */
#ifndef KEEL_XSD_SOCK_H
#define KEEL_XSD_SOCK_H

#include "xsd.h"

/* Creates the directory if needed, replaces a stale socket, binds and
 * listens on @path.  Returns the listening fd or a negative errno. */
int xsd_sock_listen(const char *path, const struct xs_logger *log);

/* Accepts one client on @lfd and makes it a connection of @x.
 * 0, -EAGAIN (nobody waiting), or a negative errno. */
int xsd_sock_accept(struct xsd *x, int lfd, const struct xs_logger *log);

#endif
