/*
 * libFuzzer harness for the shared-ring transport: the input is a guest
 * that writes arbitrary ring indices and bytes into the page between the
 * daemon's turns.  The daemon must never crash or read outside the page,
 * and a broken ring must end only that connection.
 *
 * Input: a sequence of steps; each step is one opcode byte and operands.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ring.h"

static void ev_notify(void *ctx) { (void)ctx; }
static int ev_fd(void *ctx) { (void)ctx; return -1; }
static void ev_ack(void *ctx) { (void)ctx; }

static const struct xsd_evtchn_ops ev_ops = {
	ev_notify, ev_fd, ev_ack, NULL,
};

static uint32_t take32(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;

	if (end - *p >= 4) {
		memcpy(&v, *p, 4);
		*p += 4;
	}
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct keel_xs_ring page;
	const uint8_t *p = data, *end = data + size;
	struct xsd_conn *c;
	struct xsd_db *db;
	struct xsd *x;

	memset(&page, 0, sizeof(page));
	if (xsd_db_open_mem(&db) || xsd_open(db, NULL, NULL, &x))
		abort();
	if (xsd_ring_attach(x, 3, &page, &ev_ops, NULL, &c))
		abort();
	while (p < end && !xsd_conn_is_dead(c)) {
		uint8_t op = *p++;
		size_t n;

		switch (op % 4) {
		case 0:  /* guest produces bytes */
			n = (size_t)(end - p) < 64 ? (size_t)(end - p) : 64;
			for (size_t i = 0; i < n; i++)
				page.req[KEEL_XS_RING_IDX(page.req_prod + i)] =
					(char)p[i];
			page.req_prod += (uint32_t)n;
			p += n;
			break;
		case 1:  /* guest consumes replies */
			page.rsp_cons = page.rsp_prod;
			break;
		case 2:  /* guest scribbles on the indices */
			page.req_prod = take32(&p, end);
			page.rsp_cons = take32(&p, end);
			break;
		default:
			break;
		}
		xsd_conn_input(c);
		xsd_conn_flush(c);
	}
	xsd_close(x);
	return 0;
}
