/* JSON dump of a subtree with yajl.  See kxs_json.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "kxs_json.h"

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

/* Copy of @s with invalid UTF-8 bytes replaced, so yajl accepts it. */
static char *utf8_clean(const char *s, size_t len)
{
	char *out = malloc(len * 3 + 1), *o = out;
	size_t i = 0, n, k;

	if (!out)
		return NULL;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3
		  : (c >> 3) == 30 ? 4 : 0;
		for (k = 1; n && k < n; k++)
			if (i + k >= len || ((unsigned char)s[i + k] >> 6) != 2)
				n = 0;
		if (n == 0 || (n == 1 && c == 0)) {
			memcpy(o, "\xef\xbf\xbd", 3);  /* U+FFFD */
			o += 3;
			i++;
			continue;
		}
		memcpy(o, s + i, n);
		o += n;
		i += n;
	}
	*o = '\0';
	return out;
}

static int dump_node(struct kxs *h, yajl_gen g, const char *path, int depth)
{
	char *val = NULL, *perms = NULL, *kids = NULL, *clean, *p;
	size_t vlen, plen, klen;
	int rc;

	if (depth > 1600)
		return -ELOOP;
	rc = kxs_read(h, 0, path, &val, &vlen);
	if (rc == 0)
		rc = kxs_get_perms(h, 0, path, &perms, &plen);
	if (rc == 0)
		rc = kxs_directory(h, 0, path, &kids, &klen);
	if (rc)
		goto out;
	yajl_gen_map_open(g);
	gen_str(g, "value");
	clean = utf8_clean(val, vlen);
	gen_str(g, clean ? clean : "");
	free(clean);
	gen_str(g, "perms");
	yajl_gen_array_open(g);
	for (p = perms; p < perms + plen; p += strlen(p) + 1)
		gen_str(g, p);
	yajl_gen_array_close(g);
	gen_str(g, "children");
	yajl_gen_map_open(g);
	for (p = kids; p < kids + klen && rc == 0; p += strlen(p) + 1) {
		size_t n = strlen(path) + strlen(p) + 2;
		char *cp = malloc(n);

		if (!cp) {
			rc = -ENOMEM;
			break;
		}
		snprintf(cp, n, "%s/%s", strcmp(path, "/") ? path : "", p);
		gen_str(g, p);
		rc = dump_node(h, g, cp, depth + 1);
		if (rc == -ENOENT || rc == -EACCES) {
			yajl_gen_null(g);  /* vanished or hidden meanwhile */
			rc = 0;
		}
		free(cp);
	}
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
out:
	free(val);
	free(perms);
	free(kids);
	return rc;
}

int kxs_json_dump(struct kxs *h, const char *path, FILE *out)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	size_t len;
	int rc;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	gen_str(g, "path");
	gen_str(g, path);
	gen_str(g, "node");
	rc = dump_node(h, g, path, 0);
	yajl_gen_map_close(g);
	if (rc == 0 && yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
		fwrite(buf, 1, len, out);
	yajl_gen_free(g);
	return rc;
}
