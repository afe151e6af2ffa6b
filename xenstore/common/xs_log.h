/*
 * Injected logger shared by the store daemon, its library and the client
 * library.  Library code never prints on its own: it calls the logger it was
 * given (which may be NULL: then nothing is logged).
 */
#ifndef KEEL_XS_LOG_H
#define KEEL_XS_LOG_H

#include <stddef.h>
#include <time.h>

enum xs_log_level {
	XS_LOG_ERR   = 0,
	XS_LOG_WARN  = 1,
	XS_LOG_INFO  = 2,
	XS_LOG_DEBUG = 3,
};

struct xs_logger {
	/* Called with one formatted line (no trailing newline). */
	void (*emit)(void *ctx, enum xs_log_level level, const char *msg);
	void *ctx;
	enum xs_log_level max_level;  /* messages above this are dropped */
};

/* Format and pass one message to @lg; a NULL @lg drops it. */
void xs_log(const struct xs_logger *lg, enum xs_log_level level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Name of a level, "err" .. "debug"; parse one back (-EINVAL if unknown). */
const char *xs_log_level_name(enum xs_log_level level);
int xs_log_level_parse(const char *name, enum xs_log_level *out);

/*
 * Writes @ts as "2026-12-04 18:25:01.123" (UTC, milliseconds) into @buf,
 * the time stamp of xenstored's log lines.  Returns @buf ("?" if @size is
 * too small).
 */
char *xs_log_stamp(char *buf, size_t size, const struct timespec *ts);

#endif
