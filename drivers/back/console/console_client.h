/*
 * The client side of keel-consoled's socket, for `vmctl console`.
 */
#ifndef KEEL_CONSOLE_CLIENT_H
#define KEEL_CONSOLE_CLIENT_H

#include <stdint.h>

#define KEEL_CONSOLE_ESCAPE 0x1d   /* Ctrl-]: detach */

/*
 * Attaches to guest @domid's console through keel-consoled's socket
 * ($KEEL_CONSOLE_SOCK, else /run/keel/console.sock): writes the backlog
 * and then live output to @out_fd, and passes bytes read from @in_fd to
 * the guest until Ctrl-] (0x1d) is read, which is not passed on.  When
 * @in_fd is a terminal it is put in raw mode meanwhile and restored on
 * every return.
 *
 * Returns 0 after Ctrl-] (or end of input), or a negative errno:
 * -ENXIO no such console (the daemon refused: no guest with a console
 * by that id), -ECONNREFUSED/-ENOENT no daemon (socket missing),
 * -EPIPE the daemon closed the console (the guest went away), other
 * errors of socket(), connect(), read() or write().
 */
int keel_console_attach(uint16_t domid, int in_fd, int out_fd);

/*
 * keel_console_attach(), calling @attached(@arg) (if not NULL) once the
 * daemon has accepted the attach and before any guest output is written:
 * the place for an "attached" banner that must not show when attaching
 * fails.
 */
int keel_console_attach_cb(uint16_t domid, int in_fd, int out_fd,
			   void (*attached)(void *arg), void *arg);

#endif
