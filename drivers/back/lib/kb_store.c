/*
 * libkeelback: store helpers.  Everything under /local/domain/<N>/ is the
 * guest's to rewrite at any time: numbers from there are parsed strictly.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb_private.h"

int kb_read_uint(struct kb_backend *b, const char *dir, const char *key,
		 unsigned long max, unsigned long *out)
{
	char path[KB_PATH_MAX + 64], *val = NULL;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	rc = kxs_read(b->xs, 0, path, &val, NULL);
	if (rc == 0)
		rc = kb_parse_uint(val, max, out);
	free(val);
	return rc;
}

int kb_write_str(struct kb_backend *b, const char *dir, const char *key,
		 const char *val)
{
	char path[KB_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return kxs_write(b->xs, 0, path, val, strlen(val));
}
