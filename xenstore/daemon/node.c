/* Node records and permission strings.  See node.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node.h"

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
	return p + sizeof(v);
}

int xsd_node_decode(const uint8_t *buf, size_t len, struct xsd_node *n)
{
	uint32_t np, dl, cl, i;
	const uint8_t *p;
	size_t need;

	memset(n, 0, sizeof(*n));
	if (len < XSD_NODE_HDR_SIZE)
		return -EIO;
	memcpy(&n->gen, buf, sizeof(n->gen));
	np = get_u32(buf + 8);
	dl = get_u32(buf + 12);
	cl = get_u32(buf + 16);
	need = (size_t)XSD_NODE_HDR_SIZE + (size_t)np * 8 + dl + cl;
	if (np == 0 || np > XSD_PERMS_MAX || need != len)
		return -EIO;
	if (cl && buf[len - 1] != '\0')
		return -EIO;
	n->perms = malloc(np * sizeof(*n->perms));
	n->data = malloc(dl + 1);
	n->children = malloc(cl + 1);
	if (!n->perms || !n->data || !n->children) {
		xsd_node_clear(n);
		return -ENOMEM;
	}
	p = buf + XSD_NODE_HDR_SIZE;
	for (i = 0; i < np; i++, p += 8) {
		n->perms[i].domid = get_u32(p);
		n->perms[i].mode = get_u32(p + 4) & XSD_PERM_BOTH;
	}
	n->nperms = np;
	memcpy(n->data, p, dl);
	n->data[dl] = '\0';
	n->datalen = dl;
	memcpy(n->children, p + dl, cl);
	n->children[cl] = '\0';
	n->childlen = cl;
	return 0;
}

int xsd_node_encode(const struct xsd_node *n, uint8_t **buf, size_t *len)
{
	size_t total = (size_t)XSD_NODE_HDR_SIZE + (size_t)n->nperms * 8 +
		       n->datalen + n->childlen;
	uint8_t *b = malloc(total), *p;
	uint32_t i;

	if (!b)
		return -ENOMEM;
	memcpy(b, &n->gen, sizeof(n->gen));
	p = put_u32(b + 8, n->nperms);
	p = put_u32(p, n->datalen);
	p = put_u32(p, n->childlen);
	for (i = 0; i < n->nperms; i++) {
		p = put_u32(p, n->perms[i].domid);
		p = put_u32(p, n->perms[i].mode);
	}
	memcpy(p, n->data, n->datalen);
	memcpy(p + n->datalen, n->children, n->childlen);
	*buf = b;
	*len = total;
	return 0;
}

void xsd_node_clear(struct xsd_node *n)
{
	free(n->perms);
	free(n->data);
	free(n->children);
	memset(n, 0, sizeof(*n));
}

int xsd_node_copy(struct xsd_node *dst, const struct xsd_node *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->gen = src->gen;
	if (xsd_node_set_perms(dst, src->perms, src->nperms) ||
	    xsd_node_set_data(dst, src->data, src->datalen))
		goto err_clear;
	dst->children = malloc(src->childlen + 1);
	if (!dst->children)
		goto err_clear;
	memcpy(dst->children, src->children, src->childlen);
	dst->children[src->childlen] = '\0';
	dst->childlen = src->childlen;
	return 0;

err_clear:
	xsd_node_clear(dst);
	return -ENOMEM;
}

int xsd_node_set_data(struct xsd_node *n, const void *data, uint32_t len)
{
	char *d = malloc(len + 1);

	if (!d)
		return -ENOMEM;
	memcpy(d, data, len);
	d[len] = '\0';
	free(n->data);
	n->data = d;
	n->datalen = len;
	return 0;
}

int xsd_node_set_perms(struct xsd_node *n, const struct xsd_perm *p,
		       uint32_t nperms)
{
	struct xsd_perm *np = malloc(nperms * sizeof(*np));

	if (!np)
		return -ENOMEM;
	memcpy(np, p, nperms * sizeof(*np));
	free(n->perms);
	n->perms = np;
	n->nperms = nperms;
	return 0;
}

/* Offset of child @name in the children list, or -1. */
static long find_child(const struct xsd_node *n, const char *name)
{
	uint32_t off = 0;

	while (off < n->childlen) {
		const char *c = n->children + off;

		if (strcmp(c, name) == 0)
			return off;
		off += strlen(c) + 1;
	}
	return -1;
}

int xsd_node_add_child(struct xsd_node *n, const char *name)
{
	size_t nl = strlen(name) + 1;
	char *c;

	if (find_child(n, name) >= 0)
		return 0;
	c = realloc(n->children, n->childlen + nl + 1);
	if (!c)
		return -ENOMEM;
	memcpy(c + n->childlen, name, nl);
	n->childlen += nl;
	c[n->childlen] = '\0';
	n->children = c;
	return 0;
}

void xsd_node_del_child(struct xsd_node *n, const char *name)
{
	long off = find_child(n, name);
	size_t nl;

	if (off < 0)
		return;
	nl = strlen(name) + 1;
	memmove(n->children + off, n->children + off + nl,
		n->childlen - off - nl);
	n->childlen -= nl;
	n->children[n->childlen] = '\0';
}

int xsd_perm_parse(const char *s, struct xsd_perm *p)
{
	unsigned long id;
	char *end;

	switch (s[0]) {
	case 'n': p->mode = XSD_PERM_NONE; break;
	case 'r': p->mode = XSD_PERM_READ; break;
	case 'w': p->mode = XSD_PERM_WRITE; break;
	case 'b': p->mode = XSD_PERM_BOTH; break;
	default: return -EINVAL;
	}
	if (s[1] < '0' || s[1] > '9')
		return -EINVAL;
	errno = 0;
	id = strtoul(s + 1, &end, 10);
	if (errno || *end != '\0' || id > 0xffffu)
		return -EINVAL;
	p->domid = (uint32_t)id;
	return 0;
}

int xsd_perm_format(const struct xsd_perm *p, char *buf, size_t size)
{
	static const char letters[] = { 'n', 'r', 'w', 'b' };

	return snprintf(buf, size, "%c%u", letters[p->mode & XSD_PERM_BOTH],
			p->domid);
}
