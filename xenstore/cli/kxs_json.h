/* JSON dump of a store subtree (for `kxs dump --json`). */
#ifndef KEEL_KXS_JSON_H
#define KEEL_KXS_JSON_H

#include <stdio.h>

#include "kxs.h"

/*
 * Writes the subtree at @path to @out as one JSON object:
 *   {"path": P, "value": V, "perms": ["b0", ...],
 *    "children": {"name": {"value": ..., "perms": ..., "children": ...}}}
 * Values are strings (bytes that are not UTF-8 are replaced by U+FFFD).
 * 0 or a negative errno.
 */
int kxs_json_dump(struct kxs *h, const char *path, FILE *out);

#endif
