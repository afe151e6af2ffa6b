/* Log file names from guest-controlled names.  See cons_logname.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cons_logname.h"

bool cons_name_ok(const char *name)
{
	size_t i, n;

	if (!name)
		return false;
	n = strlen(name);
	if (n == 0 || n > CONS_NAME_MAX || name[0] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.'))
			return false;
	}
	return true;
}

int cons_log_path(const char *dir, const char *name, uint16_t domid,
		  char *buf, size_t size)
{
	int n;

	if (cons_name_ok(name))
		n = snprintf(buf, size, "%s/%s.log", dir, name);
	else
		n = snprintf(buf, size, "%s/dom%u.log", dir, (unsigned)domid);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}
