/*
 * The last CONS_BACKLOG_SIZE bytes of a guest's output, replayed to a
 * client that attaches.
 */
#ifndef KEEL_CONS_BACKLOG_H
#define KEEL_CONS_BACKLOG_H

#include <stddef.h>
#include <stdint.h>

#define CONS_BACKLOG_SIZE (16u * 1024)

struct cons_backlog {
	char buf[CONS_BACKLOG_SIZE];
	uint64_t total;      /* bytes ever appended */
};

void cons_backlog_append(struct cons_backlog *b, const char *data, size_t len);

/* Copies the held bytes, oldest first, into @out (CONS_BACKLOG_SIZE
 * bytes); returns how many. */
size_t cons_backlog_copy(const struct cons_backlog *b, char *out);

#endif
