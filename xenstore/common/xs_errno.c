/* errno <-> protocol error name.  See xs_errno.h. */
#include <errno.h>
#include <string.h>

#include "public/io/xs_wire.h"
#include "xs_errno.h"

const char *xs_errno_name(int err)
{
	unsigned i;

	for (i = 0; i < KEEL_XS_ERRNAME_COUNT; i++)
		if (keel_xs_errnames[i].errnum == err)
			return keel_xs_errnames[i].name;
	return "EINVAL";
}

int xs_errno_from_name(const char *name)
{
	unsigned i;

	for (i = 0; i < KEEL_XS_ERRNAME_COUNT; i++)
		if (strcmp(keel_xs_errnames[i].name, name) == 0)
			return keel_xs_errnames[i].errnum;
	return EINVAL;
}
