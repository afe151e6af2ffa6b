/* Injected logger: formatting front end.  See xs_log.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "xs_log.h"

static const char *const level_names[] = { "err", "warn", "info", "debug" };

void xs_log(const struct xs_logger *lg, enum xs_log_level level,
	    const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (!lg || !lg->emit || level > lg->max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	lg->emit(lg->ctx, level, buf);
}

const char *xs_log_level_name(enum xs_log_level level)
{
	if ((unsigned)level < sizeof(level_names) / sizeof(level_names[0]))
		return level_names[level];
	return "?";
}

int xs_log_level_parse(const char *name, enum xs_log_level *out)
{
	unsigned i;

	for (i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum xs_log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

char *xs_log_stamp(char *buf, size_t size, const struct timespec *ts)
{
	char day[24];
	struct tm tm;
	int n;

	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(day, sizeof(day), "@%lld", (long long)ts->tv_sec);
	n = snprintf(buf, size, "%s.%03ld", day, ts->tv_nsec / 1000000);
	if (n < 0 || (size_t)n >= size) {
		if (size >= 2)
			snprintf(buf, size, "?");
	}
	return buf;
}
