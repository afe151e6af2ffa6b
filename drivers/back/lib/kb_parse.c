/*
 * libkeelback: strict parsing of numbers a guest wrote in the store.
 * Pure (no store access), so the unit tests feed it hostile strings.
 */
#include <errno.h>
#include <string.h>

#include "kb_parse.h"

int kb_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s || strlen(s) > 10)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v > max)
		return -EINVAL;
	*out = v;
	return 0;
}
