/* Watches of one connection.  See watch.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "path.h"
#include "watch.h"

int xsd_watch_add(struct xsd_watch_list *l, const char *path,
		  const char *token, bool relative)
{
	struct xsd_watch *w;
	size_t plen = strlen(path) + 1;

	for (w = l->head; w; w = w->next)
		if (strcmp(w->path, path) == 0 && strcmp(w->token, token) == 0)
			return -EEXIST;
	w = calloc(1, sizeof(*w) + plen);
	if (!w)
		return -ENOMEM;
	w->token = strdup(token);
	if (!w->token) {
		free(w);
		return -ENOMEM;
	}
	memcpy(w->path, path, plen);
	w->relative = relative;
	w->next = l->head;
	l->head = w;
	l->count++;
	return 0;
}

int xsd_watch_del(struct xsd_watch_list *l, const char *path,
		  const char *token)
{
	struct xsd_watch **pp, *w;

	for (pp = &l->head; (w = *pp); pp = &w->next) {
		if (strcmp(w->path, path) == 0 &&
		    strcmp(w->token, token) == 0) {
			*pp = w->next;
			free(w->token);
			free(w);
			l->count--;
			return 0;
		}
	}
	return -ENOENT;
}

void xsd_watch_clear(struct xsd_watch_list *l)
{
	struct xsd_watch *w, *next;

	for (w = l->head; w; w = next) {
		next = w->next;
		free(w->token);
		free(w);
	}
	l->head = NULL;
	l->count = 0;
}

const char *xsd_watch_match(const struct xsd_watch *w,
			    const struct xsd_event *ev)
{
	if (w->path[0] == '@' || ev->path[0] == '@')
		return strcmp(w->path, ev->path) == 0 ? ev->path : NULL;
	if (xsd_path_is_within(ev->path, w->path))
		return ev->path;
	if (ev->recursive && xsd_path_is_within(w->path, ev->path))
		return w->path;
	return NULL;
}
