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
