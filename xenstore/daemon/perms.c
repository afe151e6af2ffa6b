/* Node access rules.  See perms.h. */
#include "perms.h"

static unsigned access_as(uint32_t domid, const struct xsd_perm *p,
			  uint32_t nperms)
{
	uint32_t i;

	if (p[0].domid == domid)
		return XSD_PERM_BOTH;
	for (i = 1; i < nperms; i++)
		if (p[i].domid == domid)
			return p[i].mode & XSD_PERM_BOTH;
	return p[0].mode & XSD_PERM_BOTH;
}

unsigned xsd_perm_access(const struct xsd_who *who, const struct xsd_perm *p,
			 uint32_t nperms)
{
	unsigned a;

	if (who->priv)
		return XSD_PERM_BOTH;
	if (nperms == 0)
		return XSD_PERM_NONE;
	a = access_as(who->domid, p, nperms);
	if (who->has_target)
		a |= access_as(who->target, p, nperms);
	return a;
}

bool xsd_perm_allows(const struct xsd_who *who, const struct xsd_node *n,
		     unsigned want)
{
	return (xsd_perm_access(who, n->perms, n->nperms) & want) == want;
}

bool xsd_perm_may_chmod(const struct xsd_who *who, const struct xsd_node *n)
{
	if (who->priv)
		return true;
	if (n->perms[0].domid == who->domid)
		return true;
	return who->has_target && n->perms[0].domid == who->target;
}
