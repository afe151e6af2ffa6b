/* Output backlog.  See cons_backlog.h. */
#include <string.h>

#include "cons_backlog.h"

void cons_backlog_append(struct cons_backlog *b, const char *data, size_t len)
{
	size_t off, chunk;

	if (len > CONS_BACKLOG_SIZE) {          /* only the tail survives */
		b->total += len - CONS_BACKLOG_SIZE;
		data += len - CONS_BACKLOG_SIZE;
		len = CONS_BACKLOG_SIZE;
	}
	off = b->total % CONS_BACKLOG_SIZE;
	chunk = CONS_BACKLOG_SIZE - off;
	if (chunk > len)
		chunk = len;
	memcpy(b->buf + off, data, chunk);
	memcpy(b->buf, data + chunk, len - chunk);
	b->total += len;
}

size_t cons_backlog_copy(const struct cons_backlog *b, char *out)
{
	size_t off;

	if (b->total <= CONS_BACKLOG_SIZE) {
		memcpy(out, b->buf, b->total);
		return b->total;
	}
	off = b->total % CONS_BACKLOG_SIZE;
	memcpy(out, b->buf + off, CONS_BACKLOG_SIZE - off);
	memcpy(out + CONS_BACKLOG_SIZE - off, b->buf, off);
	return CONS_BACKLOG_SIZE;
}
