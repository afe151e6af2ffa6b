/* Store path rules.  See path.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "path.h"
#include "public/io/xs_wire.h"

static bool valid_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '_' ||
	       c == '@';
}

/*
 * Length of the part of @path after "/local/domain/<N>/" (0 for other
 * paths), which Xen limits to KEEL_XS_REL_PATH_MAX for
 * every caller.
 */
static size_t path_local_len(const char *path, size_t len)
{
	static const char pfx[] = "/local/domain/";
	size_t i = sizeof(pfx) - 1;

	if (strncmp(path, pfx, i) != 0 || path[i] < '0' || path[i] > '9')
		return 0;
	while (path[i] >= '0' && path[i] <= '9')
		i++;
	return path[i] == '/' ? len - i - 1 : 0;
}

bool xsd_path_valid(const char *path)
{
	size_t i, len = strlen(path);

	if (len == 0 || path[0] != '/' || len > KEEL_XS_ABS_PATH_MAX)
		return false;
	if (path_local_len(path, len) > KEEL_XS_REL_PATH_MAX)
		return false;
	if (len == 1)
		return true;
	if (path[len - 1] == '/')
		return false;
	for (i = 0; i < len; i++) {
		if (!valid_char(path[i]))
			return false;
		if (path[i] == '/' && path[i + 1] == '/')
			return false;
	}
	return true;
}

void xsd_path_home(uint32_t domid, char *out, size_t size)
{
	snprintf(out, size, "/local/domain/%u", domid);
}

int xsd_path_canon(uint32_t domid, const char *in, bool allow_special,
		   char *out)
{
	size_t len = strlen(in);
	int n;

	if (in[0] == '@') {
		/* Any '@' name may be watched, as in Xen; only the two
		 * special ones ever fire. */
		if (!allow_special || len > KEEL_XS_REL_PATH_MAX)
			return -EINVAL;
		memcpy(out, in, len + 1);
		return 0;
	}
	if (in[0] == '/') {
		if (!xsd_path_valid(in))
			return -EINVAL;
		memcpy(out, in, len + 1);
		return 0;
	}
	if (len == 0 || len > KEEL_XS_REL_PATH_MAX)
		return -EINVAL;
	n = snprintf(out, XSD_PATH_BUF, "/local/domain/%u/%s", domid, in);
	if (n < 0 || (size_t)n >= XSD_PATH_BUF || !xsd_path_valid(out))
		return -EINVAL;
	return 0;
}

int xsd_path_parent(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (!slash || strcmp(path, "/") == 0)
		return -EINVAL;
	n = slash == path ? 1 : (size_t)(slash - path);
	memcpy(out, path, n);
	out[n] = '\0';
	return 0;
}

const char *xsd_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

bool xsd_path_is_within(const char *path, const char *ancestor)
{
	size_t al = strlen(ancestor);

	if (strcmp(ancestor, "/") == 0)
		return path[0] == '/';
	if (strncmp(path, ancestor, al) != 0)
		return false;
	return path[al] == '\0' || path[al] == '/';
}
