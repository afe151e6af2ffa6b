/* Console ring copy-in and copy-out with hostile indices.  See cons_ring.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "cons_ring.h"

#define OUT_SIZE sizeof(((struct keel_console_ring *)0)->out)
#define IN_SIZE  sizeof(((struct keel_console_ring *)0)->in)

static uint32_t load_idx(const keel_cons_idx_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_idx(keel_cons_idx_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

ssize_t cons_ring_take_output(struct keel_console_ring *r, char *buf,
			      size_t len)
{
	uint32_t cons = load_idx(&r->out_cons);
	uint32_t prod = load_idx(&r->out_prod);  /* then the data (acquire) */
	uint32_t avail = prod - cons, off, chunk;

	if (avail > OUT_SIZE)
		return -EPROTO;
	if (avail > len)
		avail = (uint32_t)len;
	if (avail == 0)
		return 0;
	off = KEEL_CONS_OUT_MASK(cons);
	chunk = OUT_SIZE - off;
	if (chunk > avail)
		chunk = avail;
	memcpy(buf, r->out + off, chunk);
	memcpy(buf + chunk, r->out, avail - chunk);
	store_idx(&r->out_cons, cons + avail);
	return avail;
}

ssize_t cons_ring_put_input(struct keel_console_ring *r, const char *buf,
			    size_t len)
{
	uint32_t prod = load_idx(&r->in_prod);
	uint32_t cons = load_idx(&r->in_cons);
	uint32_t used = prod - cons, space, off, chunk;

	if (used > IN_SIZE)
		return -EPROTO;
	space = IN_SIZE - used;
	if (space > len)
		space = (uint32_t)len;
	if (space == 0)
		return 0;
	off = KEEL_CONS_IN_MASK(prod);
	chunk = IN_SIZE - off;
	if (chunk > space)
		chunk = space;
	memcpy(r->in + off, buf, chunk);
	memcpy(r->in, buf + chunk, space - chunk);
	store_idx(&r->in_prod, prod + space);   /* after the data */
	return space;
}
