/*
 * A store node: its value, its permissions and the names of its children,
 * and how a node is laid out as a database record.
 *
 * Record layout (host byte order, no padding):
 *   u64 gen | u32 nperms | u32 datalen | u32 childlen |
 *   nperms x (u32 domid, u32 mode) | data | children ("a\0b\0")
 */
#ifndef KEEL_XSD_NODE_H
#define KEEL_XSD_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XSD_PERM_NONE  0u
#define XSD_PERM_READ  1u
#define XSD_PERM_WRITE 2u
#define XSD_PERM_BOTH  (XSD_PERM_READ | XSD_PERM_WRITE)

#define XSD_NODE_HDR_SIZE 20u
#define XSD_PERMS_MAX     1024u   /* entries in one node's permission list */

struct xsd_perm {
	uint32_t domid;
	uint32_t mode;   /* XSD_PERM_* */
};

struct xsd_node {
	uint64_t gen;             /* changes on every modification          */
	uint32_t nperms;          /* >= 1: perms[0] is owner + default      */
	struct xsd_perm *perms;
	uint32_t datalen;
	char *data;               /* datalen bytes, plus a NUL not counted  */
	uint32_t childlen;
	char *children;           /* NUL-terminated names back to back      */
};

/* Decodes a record into @n (all fields malloc'd).  0, -EIO (corrupt) or
 * -ENOMEM. */
int xsd_node_decode(const uint8_t *buf, size_t len, struct xsd_node *n);

/* Encodes @n into a malloc'd record.  0 or -ENOMEM. */
int xsd_node_encode(const struct xsd_node *n, uint8_t **buf, size_t *len);

/* Frees the fields of @n (not @n itself) and zeroes it. */
void xsd_node_clear(struct xsd_node *n);

/* Deep copy.  0 or -ENOMEM. */
int xsd_node_copy(struct xsd_node *dst, const struct xsd_node *src);

/* Replaces the value.  0 or -ENOMEM (node unchanged). */
int xsd_node_set_data(struct xsd_node *n, const void *data, uint32_t len);

/* Replaces the permission list.  0 or -ENOMEM (node unchanged). */
int xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *p,
		       uint32_t nperms);

/* Adds child @name unless present.  0 or -ENOMEM. */
int xsd_node_add_child(struct xsd_node *n, const char *name);

/* Removes child @name if present. */
void xsd_node_del_child(struct xsd_node *n, const char *name);

/* Parses a permission string ("r5").  0 or -EINVAL. */
int xsd_perm_parse(const char *s, struct xsd_perm *p);

/* Formats a permission ("b0") into @buf (>= 12 bytes); returns its length. */
int xsd_perm_format(const struct xsd_perm *p, char *buf, size_t size);

#endif
