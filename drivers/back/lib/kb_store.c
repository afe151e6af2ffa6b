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

#define WRITE_TRIES 8

/*
 * Writes dir/key only while dir exists: a write to a directory the
 * toolstack just removed (a detach, a destroy) would create it again --
 * a stray "state" that makes the next attach of that device look taken.
 * The check and the write are one transaction, retried when it races.
 * 0, -ENOENT when dir is gone, or -errno.
 */
int kb_write_str(struct kb_backend *b, const char *dir, const char *key,
		 const char *val)
{
	char path[KB_PATH_MAX + 64], *cur = NULL;
	uint32_t tx;
	int rc = -EAGAIN;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	for (int i = 0; i < WRITE_TRIES && rc == -EAGAIN; i++) {
		rc = kxs_tx_start(b->xs, &tx);
		if (rc < 0)
			return rc;
		rc = kxs_read(b->xs, tx, dir, &cur, NULL);
		free(cur);
		cur = NULL;
		if (rc == 0)
			rc = kxs_write(b->xs, tx, path, val, strlen(val));
		if (rc < 0) {
			kxs_tx_end(b->xs, tx, false);
			return rc;
		}
		rc = kxs_tx_end(b->xs, tx, true);
	}
	return rc;
}
