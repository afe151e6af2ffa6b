/* Byte rings of the console and store pages (ring.h). */
#include <public/errno.h>

#include "ring.h"

#define CONS_IN_SIZE  sizeof(((struct keel_console_ring *)0)->in)
#define CONS_OUT_SIZE sizeof(((struct keel_console_ring *)0)->out)

static uint32_t load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Our own index is ours alone, but it sits in shared memory: read it once. */
static uint32_t load_once(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Producer side of a byte ring of `size` bytes (a power of two). */
static long ring_put(char *ring, uint32_t size, uint32_t *prodp,
		     const uint32_t *consp, const char *data, size_t len)
{
	uint32_t cons = load_acquire(consp);
	uint32_t prod = load_once(prodp);
	uint32_t used = prod - cons, n = 0;

	if (used > size)
		return -KEEL_EIO;
	while (n < len && used + n < size) {
		ring[(prod + n) & (size - 1)] = data[n];
		n++;
	}
	store_release(prodp, prod + n);
	return n;
}

/* Consumer side. */
static long ring_get(const char *ring, uint32_t size, const uint32_t *prodp,
		     uint32_t *consp, char *buf, size_t len)
{
	uint32_t prod = load_acquire(prodp);
	uint32_t cons = load_once(consp);
	uint32_t avail = prod - cons, n = 0;

	if (avail > size)
		return -KEEL_EIO;
	while (n < len && n < avail) {
		buf[n] = ring[(cons + n) & (size - 1)];
		n++;
	}
	store_release(consp, cons + n);
	return n;
}

long cons_ring_put(struct keel_console_ring *r, const char *data, size_t len)
{
	return ring_put(r->out, CONS_OUT_SIZE, &r->out_prod, &r->out_cons, data, len);
}

long cons_ring_get(struct keel_console_ring *r, char *buf, size_t len)
{
	return ring_get(r->in, CONS_IN_SIZE, &r->in_prod, &r->in_cons, buf, len);
}

long xs_ring_put(struct keel_xs_ring *r, const void *data, size_t len)
{
	return ring_put(r->req, KEEL_XS_RING_SIZE, &r->req_prod, &r->req_cons,
			data, len);
}

long xs_ring_get(struct keel_xs_ring *r, void *buf, size_t len)
{
	return ring_get(r->rsp, KEEL_XS_RING_SIZE, &r->rsp_prod, &r->rsp_cons,
			buf, len);
}

uint32_t xs_ring_rsp_avail(const struct keel_xs_ring *r)
{
	uint32_t avail = load_acquire(&r->rsp_prod) - load_once(&r->rsp_cons);

	return avail > KEEL_XS_RING_SIZE ? 0 : avail;
}
