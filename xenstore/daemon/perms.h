/*
 * Access rules for nodes.  A requester is a domain, privileged (dom0) or
 * not, optionally with a target domain it manages (SET_TARGET).
 *
 * Rules: a privileged requester may do anything.  The owner (perms[0]) may
 * read and write.  A domain listed in perms[1..] gets its entry's access.
 * Everyone else gets perms[0]'s access.  A requester with a target gets the
 * better of its own access and the target's.
 */
#ifndef KEEL_XSD_PERMS_H
#define KEEL_XSD_PERMS_H

#include <stdbool.h>
#include <stdint.h>

#include "node.h"

struct xsd_who {
	uint32_t domid;
	bool priv;
	bool has_target;
	uint32_t target;
};

/* The XSD_PERM_* access @who has to a node with permissions @p. */
unsigned xsd_perm_access(const struct xsd_who *who, const struct xsd_perm *p,
			 uint32_t nperms);

/* True if @who has every bit of @want on @n. */
bool xsd_perm_allows(const struct xsd_who *who, const struct xsd_node *n,
		     unsigned want);

/* True if @who may change the permissions (owner or privileged). */
bool xsd_perm_may_chmod(const struct xsd_who *who, const struct xsd_node *n);

#endif
