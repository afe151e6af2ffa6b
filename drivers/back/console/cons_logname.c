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

int cons_log_separator(char *buf, size_t size, const char *name,
		       uint16_t domid, time_t when)
{
	char stamp[32];
	struct tm tm;
	int n;

	if (!gmtime_r(&when, &tm) ||
	    !strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(stamp, sizeof(stamp), "@%lld", (long long)when);
	if (cons_name_ok(name))
		n = snprintf(buf, size, "==== %s UTC: %s (domain %u) started ====\n",
			     stamp, name, (unsigned)domid);
	else
		n = snprintf(buf, size, "==== %s UTC: domain %u started ====\n",
			     stamp, (unsigned)domid);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}
