/*
 * A list of pending watch events: the nodes a request changed, kept until
 * the change is committed (at once, or when its transaction commits) and
 * then matched against every watch.
 */
#ifndef KEEL_XSD_EVENT_H
#define KEEL_XSD_EVENT_H

#include <stdbool.h>
#include <stdint.h>

#include "node.h"

struct xsd_event {
	struct xsd_event *next;
	bool recursive;          /* the subtree went away (RM)              */
	uint32_t nperms;         /* who may see it: the node's permissions  */
	struct xsd_perm *perms;  /* NULL for special '@' paths              */
	char path[];
};

struct xsd_event_list {
	struct xsd_event *head;
	struct xsd_event **tail;
};

void xsd_event_list_init(struct xsd_event_list *l);

/* Appends an event (copies @path and @perms).  0 or -ENOMEM. */
int xsd_event_add(struct xsd_event_list *l, const char *path, bool recursive,
		  const struct xsd_perm *perms, uint32_t nperms);

/* Moves every event of @src to the end of @dst. */
void xsd_event_list_splice(struct xsd_event_list *dst,
			   struct xsd_event_list *src);

void xsd_event_list_clear(struct xsd_event_list *l);

#endif
