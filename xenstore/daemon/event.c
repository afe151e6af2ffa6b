/* Pending watch events.  See event.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

void xsd_event_list_init(struct xsd_event_list *l)
{
	l->head = NULL;
	l->tail = &l->head;
}

int xsd_event_add(struct xsd_event_list *l, const char *path, bool recursive,
		  const struct xsd_perm *perms, uint32_t nperms)
{
	size_t plen = strlen(path) + 1;
	struct xsd_event *e = calloc(1, sizeof(*e) + plen);

	if (!e)
		return -ENOMEM;
	memcpy(e->path, path, plen);
	e->recursive = recursive;
	if (perms && nperms) {
		e->perms = malloc(nperms * sizeof(*perms));
		if (!e->perms) {
			free(e);
			return -ENOMEM;
		}
		memcpy(e->perms, perms, nperms * sizeof(*perms));
		e->nperms = nperms;
	}
	*l->tail = e;
	l->tail = &e->next;
	return 0;
}

void xsd_event_list_splice(struct xsd_event_list *dst,
			   struct xsd_event_list *src)
{
	if (!src->head)
		return;
	*dst->tail = src->head;
	dst->tail = src->tail;
	xsd_event_list_init(src);
}

void xsd_event_list_clear(struct xsd_event_list *l)
{
	struct xsd_event *e, *next;

	for (e = l->head; e; e = next) {
		next = e->next;
		free(e->perms);
		free(e);
	}
	xsd_event_list_init(l);
}
