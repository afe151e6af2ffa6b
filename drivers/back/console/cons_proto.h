/*
 * The console socket's protocol (/run/keel/console.sock).  A client
 * sends one line:
 *
 *   attach <domid>\n       domid decimal, 1 .. 32751
 *
 * at most CONS_LINE_MAX bytes with the newline.  The daemon answers
 * "ok\n" followed by the guest's backlog and then its live output, or
 * "error <reason>\n" and closes.  After "ok" every byte the client sends
 * is keyboard input for the guest; the client detaches by closing.
 */
#ifndef KEEL_CONS_PROTO_H
#define KEEL_CONS_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define CONS_SOCK_PATH  "/run/keel/console.sock"
#define CONS_LINE_MAX   64
#define CONS_DOMID_MAX  0x7fefu

enum cons_cmd_type {
	CONS_CMD_ATTACH = 1,
};

struct cons_cmd {
	enum cons_cmd_type type;
	uint16_t domid;
};

/*
 * Looks for a complete line in the @len bytes at @buf.  Returns the bytes
 * the line took including its newline (> 0) with @cmd filled in; 0 if no
 * newline came yet and fewer than CONS_LINE_MAX bytes are there; -EINVAL
 * for a malformed line (unknown verb, bad or out-of-range domid, a NUL,
 * extra words) and -E2BIG for a line too long.
 */
int cons_proto_parse(const char *buf, size_t len, struct cons_cmd *cmd);

#endif
