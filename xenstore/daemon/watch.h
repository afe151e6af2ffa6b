/*
 * Watches of one connection: (path, token) pairs.  A watch fires for a
 * change at its path or below; a removal also fires every watch below the
 * removed node.  Special '@' watches fire only for their exact name.
 */
#ifndef KEEL_XSD_WATCH_H
#define KEEL_XSD_WATCH_H

#include <stdbool.h>

#include "event.h"

struct xsd_watch {
	struct xsd_watch *next;
	char *token;
	bool relative;  /* registered with a relative path: report relative */
	char path[];    /* absolute path, or a special '@' name            */
};

struct xsd_watch_list {
	struct xsd_watch *head;
	unsigned count;
};

/* Adds a watch.  0, -EEXIST (same path and token), -ENOMEM. */
int xsd_watch_add(struct xsd_watch_list *l, const char *path,
		  const char *token, bool relative);

/* Removes a watch.  0 or -ENOENT. */
int xsd_watch_del(struct xsd_watch_list *l, const char *path,
		  const char *token);

void xsd_watch_clear(struct xsd_watch_list *l);

/*
 * Does @ev fire @w?  If so returns the absolute path to report (the
 * changed node, or the watch's own path for a watch below a removed node).
 */
const char *xsd_watch_match(const struct xsd_watch *w,
			    const struct xsd_event *ev);

#endif
