/*
 * The tree operations behind the protocol's node requests: permission
 * checks, implicit creation of parents, recursive removal, quotas, and the
 * watch events each change produces.  Each call works in one store batch or
 * one transaction, chosen by the context.
 */
#ifndef KEEL_XSD_TREE_H
#define KEEL_XSD_TREE_H

#include "event.h"
#include "perms.h"
#include "quota.h"
#include "store.h"

struct xsd_op_ctx {
	struct xsd_store *st;
	struct xsd_txn *t;                /* NULL: not in a transaction      */
	const struct xsd_who *who;
	const struct xsd_quota *quota;
	struct xsd_event_list *events;    /* where changes are recorded      */
};

/* Reads node @path for reading its value, children or permissions.
 * 0, -ENOENT, -EACCES, or a store error. */
int xsd_tree_read(struct xsd_op_ctx *c, const char *path, struct xsd_node *n);

/* Sets @path's value, creating it and missing parents.  0, -EACCES,
 * -ENOSPC (quota), -ENOENT (no ancestor: cannot happen with a root), or a
 * store error. */
int xsd_tree_write(struct xsd_op_ctx *c, const char *path, const void *data,
		   uint32_t len);

/* Creates @path with an empty value unless it exists. Errors as write. */
int xsd_tree_mkdir(struct xsd_op_ctx *c, const char *path);

/* Removes @path and everything below.  0 (also when @path is absent but its
 * parent exists), -ENOENT, -EACCES, -EINVAL for "/". */
int xsd_tree_rm(struct xsd_op_ctx *c, const char *path);

/* Replaces @path's permissions.  0, -ENOENT, -EACCES, -EPERM (a non-owner,
 * or an unprivileged owner giving the node away). */
int xsd_tree_set_perms(struct xsd_op_ctx *c, const char *path,
		       const struct xsd_perm *p, uint32_t nperms);

#endif
