/* Tree operations.  See tree.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "tree.h"

int xsd_tree_read(struct xsd_op_ctx *c, const char *path, struct xsd_node *n)
{
	int rc = xsd_store_get(c->st, c->t, path, n);

	if (rc)
		return rc;
	if (!xsd_perm_allows(c->who, n, XSD_PERM_READ)) {
		xsd_node_clear(n);
		return -EACCES;
	}
	return 0;
}

static bool quota_on(const struct xsd_op_ctx *c)
{
	return !c->who->priv && c->quota;
}

/* Counts the components of @path below its ancestor @anc. */
static unsigned missing_levels(const char *path, const char *anc)
{
	const char *p = path + (strcmp(anc, "/") == 0 ? 0 : strlen(anc));
	unsigned n = 0;

	for (; *p; p++)
		if (*p == '/')
			n++;
	return n;
}

/*
 * Finds the nearest existing ancestor of absent @path: its path into
 * @anc, its node into @n.
 */
static int find_ancestor(struct xsd_op_ctx *c, const char *path, char *anc,
			 struct xsd_node *n)
{
	int rc;

	strcpy(anc, path);
	do {
		rc = xsd_path_parent(anc, anc);
		if (rc)
			return -ENOENT;
		rc = xsd_store_get(c->st, c->t, anc, n);
	} while (rc == -ENOENT);
	return rc;
}

/*
 * Creates the child of @parent (path @ppath) on the way to @path: records
 * its name in the parent, stores both, and moves down (the new node becomes
 * *@parent, its path @ppath).
 */
static int create_child(struct xsd_op_ctx *c, char *ppath,
			struct xsd_node *parent, const char *path)
{
	struct xsd_node child = { 0 };
	size_t plen = strcmp(ppath, "/") == 0 ? 0 : strlen(ppath);
	const char *name = path + plen + 1;
	const char *end = strchr(name, '/');
	size_t nlen = end ? (size_t)(end - name) : strlen(name), cut;
	char saved;
	int rc;

	if (xsd_node_set_perms(&child, parent->perms, parent->nperms) ||
	    xsd_node_set_data(&child, "", 0))
		goto err_nomem;
	child.children = calloc(1, 1);
	if (!child.children)
		goto err_nomem;
	if (!c->who->priv)
		child.perms[0].domid = c->who->domid;
	/* the child's path, cut at its end, names it in the parent */
	ppath[plen] = '/';
	memcpy(ppath + plen + 1, name, nlen);
	ppath[plen + 1 + nlen] = '\0';
	rc = xsd_node_add_child(parent, ppath + plen + 1);
	if (rc)
		goto err_clear;
	cut = plen ? plen : 1;
	saved = ppath[cut];
	ppath[cut] = '\0';
	rc = xsd_store_put(c->st, c->t, ppath, parent);
	ppath[cut] = saved;
	if (rc)
		goto err_clear;
	rc = xsd_store_put(c->st, c->t, ppath, &child);
	if (rc)
		goto err_clear;
	xsd_node_clear(parent);
	*parent = child;
	return 0;

err_nomem:
	rc = -ENOMEM;
err_clear:
	xsd_node_clear(&child);
	return rc;
}

/*
 * Creates absent @path and its missing parents; on success @n holds the
 * new node (already stored with an empty value).
 */
static int create_path(struct xsd_op_ctx *c, const char *path,
		       struct xsd_node *n)
{
	char *anc = malloc(XSD_PATH_BUF);
	unsigned levels;
	int rc;

	if (!anc)
		return -ENOMEM;
	rc = find_ancestor(c, path, anc, n);
	if (rc)
		goto out_free;
	if (!xsd_perm_allows(c->who, n, XSD_PERM_WRITE)) {
		rc = -EACCES;
		goto out_clear;
	}
	levels = missing_levels(path, anc);
	if (quota_on(c) && c->quota->nodes &&
	    xsd_store_owned(c->st, c->t, c->who->domid) + levels >
	    c->quota->nodes) {
		rc = -ENOSPC;
		goto out_clear;
	}
	while (strcmp(anc, path) != 0) {
		rc = create_child(c, anc, n, path);
		if (rc)
			goto out_clear;
	}
	goto out_free;

out_clear:
	xsd_node_clear(n);
out_free:
	free(anc);
	return rc;
}

int xsd_tree_write(struct xsd_op_ctx *c, const char *path, const void *data,
		   uint32_t len)
{
	struct xsd_node n;
	int rc;

	if (quota_on(c) && c->quota->entry_size && len > c->quota->entry_size)
		return -ENOSPC;
	rc = xsd_store_get(c->st, c->t, path, &n);
	if (rc == -ENOENT)
		rc = create_path(c, path, &n);
	else if (rc == 0 && !xsd_perm_allows(c->who, &n, XSD_PERM_WRITE))
		rc = -EACCES;
	else if (rc)
		return rc;
	if (rc)
		goto out_clear;
	rc = xsd_node_set_data(&n, data, len);
	if (rc == 0)
		rc = xsd_store_put(c->st, c->t, path, &n);
	if (rc == 0)
		rc = xsd_event_add(c->events, path, false, n.perms, n.nperms);
out_clear:
	xsd_node_clear(&n);
	return rc;
}

int xsd_tree_mkdir(struct xsd_op_ctx *c, const char *path)
{
	struct xsd_node n;
	int rc = xsd_store_get(c->st, c->t, path, &n);

	if (rc == 0) {
		xsd_node_clear(&n);
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	rc = create_path(c, path, &n);
	if (rc)
		return rc;
	rc = xsd_event_add(c->events, path, false, n.perms, n.nperms);
	xsd_node_clear(&n);
	return rc;
}

/* Deletes @path's record and those of everything below it. */
static int rm_subtree(struct xsd_op_ctx *c, const char *path,
		      const struct xsd_node *n)
{
	size_t plen = strlen(path);
	uint32_t off = 0;
	int rc = 0;

	while (off < n->childlen && rc == 0) {
		const char *name = n->children + off;
		size_t nlen = strlen(name);
		char *cpath = malloc(plen + nlen + 2);
		struct xsd_node child;

		if (!cpath)
			return -ENOMEM;
		memcpy(cpath, path, plen);
		cpath[plen] = '/';
		memcpy(cpath + plen + 1, name, nlen + 1);
		rc = xsd_store_get(c->st, c->t, cpath, &child);
		if (rc == 0) {
			rc = rm_subtree(c, cpath, &child);
			xsd_node_clear(&child);
		} else if (rc == -ENOENT) {
			rc = 0;  /* a dangling name: nothing to delete */
		}
		free(cpath);
		off += nlen + 1;
	}
	if (rc == 0)
		rc = xsd_store_del(c->st, c->t, path);
	return rc;
}

/* Drops @path's name from its parent's list of children. */
static int unlink_from_parent(struct xsd_op_ctx *c, const char *path)
{
	char *ppath = malloc(XSD_PATH_BUF);
	struct xsd_node parent;
	int rc;

	if (!ppath)
		return -ENOMEM;
	rc = xsd_path_parent(path, ppath);
	if (rc == 0)
		rc = xsd_store_get(c->st, c->t, ppath, &parent);
	if (rc == 0) {
		xsd_node_del_child(&parent, xsd_path_base(path));
		rc = xsd_store_put(c->st, c->t, ppath, &parent);
		xsd_node_clear(&parent);
	}
	free(ppath);
	return rc;
}

/* RM of an absent node: fine if its parent exists. */
static int rm_absent(struct xsd_op_ctx *c, const char *path)
{
	char *ppath = malloc(XSD_PATH_BUF);
	struct xsd_node parent;
	int rc;

	if (!ppath)
		return -ENOMEM;
	rc = xsd_path_parent(path, ppath);
	if (rc == 0)
		rc = xsd_store_get(c->st, c->t, ppath, &parent);
	if (rc == 0)
		xsd_node_clear(&parent);
	free(ppath);
	return rc ? -ENOENT : 0;
}

int xsd_tree_rm(struct xsd_op_ctx *c, const char *path)
{
	struct xsd_node n;
	int rc;

	if (strcmp(path, "/") == 0)
		return -EINVAL;
	rc = xsd_store_get(c->st, c->t, path, &n);
	if (rc == -ENOENT)
		return rm_absent(c, path);
	if (rc)
		return rc;
	if (!xsd_perm_allows(c->who, &n, XSD_PERM_WRITE)) {
		rc = -EACCES;
		goto out_clear;
	}
	rc = rm_subtree(c, path, &n);
	if (rc == 0)
		rc = unlink_from_parent(c, path);
	if (rc == 0)
		rc = xsd_event_add(c->events, path, true, n.perms, n.nperms);
out_clear:
	xsd_node_clear(&n);
	return rc;
}

int xsd_tree_set_perms(struct xsd_op_ctx *c, const char *path,
		       const struct xsd_perm *p, uint32_t nperms)
{
	struct xsd_node n;
	int rc;

	if (nperms == 0 || nperms > XSD_PERMS_MAX)
		return -EINVAL;
	rc = xsd_store_get(c->st, c->t, path, &n);
	if (rc)
		return rc;
	if (!xsd_perm_allows(c->who, &n, XSD_PERM_WRITE)) {
		rc = -EACCES;
		goto out_clear;
	}
	if (!xsd_perm_may_chmod(c->who, &n) ||
	    (!c->who->priv && p[0].domid != n.perms[0].domid)) {
		rc = -EPERM;
		goto out_clear;
	}
	rc = xsd_node_set_perms(&n, p, nperms);
	if (rc == 0)
		rc = xsd_store_put(c->st, c->t, path, &n);
	if (rc == 0)
		rc = xsd_event_add(c->events, path, false, n.perms, n.nperms);
out_clear:
	xsd_node_clear(&n);
	return rc;
}
