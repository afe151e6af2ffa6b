/*
 * The per-guest log file: <dir>/<name>.log.  The name comes from the store
 * (/local/domain/<id>/name), which the guest itself may rewrite, so it is
 * used only if it is a plain file name: 1..64 of [A-Za-z0-9_.-], not
 * starting with '.'; anything else gives "dom<id>".
 */
#ifndef KEEL_CONS_LOGNAME_H
#define KEEL_CONS_LOGNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define CONS_LOG_DIR      "/var/log/keel/console"
#define CONS_NAME_MAX     64

/* Whether @name (NULL allowed) may become a file name. */
bool cons_name_ok(const char *name);

/* Writes "<dir>/<name>.log" (or "<dir>/dom<id>.log") into @buf.
 * 0, or -ENAMETOOLONG if @size is too small. */
int cons_log_path(const char *dir, const char *name, uint16_t domid,
		  char *buf, size_t size);

/*
 * Writes the line that marks a guest's start in its log, as the same name
 * may run many times: "==== 2026-12-04 18:25:01 UTC: hello (domain 3)
 * started ====\n" for @when (UTC), the name only if cons_name_ok().
 * Returns its length, or -ENAMETOOLONG if @size is too small.
 */
int cons_log_separator(char *buf, size_t size, const char *name,
		       uint16_t domid, time_t when);

#endif
