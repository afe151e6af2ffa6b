/*
 * Store path rules.  A node path is absolute ("/a/b"), made of the
 * characters [A-Za-z0-9-/_@], without "//" or a trailing '/' (except "/"
 * itself).  A path without the leading '/' is relative to the caller's home
 * /local/domain/<domid>.  Names starting with '@' are special watch paths.
 */
#ifndef KEEL_XSD_PATH_H
#define KEEL_XSD_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XSD_PATH_BUF 3200u  /* fits any valid absolute path and its NUL */

/*
 * Turns the path @in given by domain @domid into an absolute path in @out
 * (XSD_PATH_BUF bytes).  Special '@' paths are accepted only when
 * @allow_special.  Returns 0 or -EINVAL.
 */
int xsd_path_canon(uint32_t domid, const char *in, bool allow_special,
		   char *out);

/* True if @path is a well-formed absolute node path. */
bool xsd_path_valid(const char *path);

/* The parent of absolute @path ("/" for "/a") into @out; -EINVAL for "/". */
int xsd_path_parent(const char *path, char *out);

/* The last component of @path ("" for "/"). */
const char *xsd_path_base(const char *path);

/* True if @path is @ancestor or lies below it. */
bool xsd_path_is_within(const char *path, const char *ancestor);

/* The home directory of @domid ("/local/domain/<domid>") into @out. */
void xsd_path_home(uint32_t domid, char *out, size_t size);

#endif
