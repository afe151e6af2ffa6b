/*
 * libFuzzer harness: arbitrary bytes as the request stream of socket
 * clients (one privileged, one not), cut into pieces at arbitrary places.
 * The daemon must never crash, leak or hang, and the store must still
 * answer afterwards.
 *
 * Input: byte 0 selects the client and chunking; the rest is the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "public/io/xs_wire.h"
#include "xsd.h"

struct fz_transport {
	const uint8_t *data;
	size_t len, off;
	size_t chunk;     /* bytes handed over per read() */
};

static ssize_t fz_read(void *ctx, void *buf, size_t len)
{
	struct fz_transport *t = ctx;
	size_t n = t->len - t->off;

	if (n > len)
		n = len;
	if (n > t->chunk)
		n = t->chunk;
	memcpy(buf, t->data + t->off, n);
	t->off += n;
	return (ssize_t)n;
}

static ssize_t fz_write(void *ctx, const void *buf, size_t len)
{
	return (ssize_t)len;  /* the client reads everything at once */
}

static const struct xsd_transport_ops fz_ops = {
	.read = fz_read, .write = fz_write,
};

/* The store must still serve a well-formed READ of "/". */
static void check_alive(struct xsd *x)
{
	static const uint8_t req[] = { 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
				       2, 0, 0, 0, '/', 0 };
	struct fz_transport t = { req, sizeof(req), 0, sizeof(req) };
	struct xsd_conn *c;

	if (xsd_conn_new(x, &fz_ops, &t, 0, true, &c))
		abort();
	if (xsd_conn_input(c) != 0 || t.off != sizeof(req))
		abort();
	xsd_conn_destroy(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xsd_config cfg;
	struct fz_transport t;
	struct xsd_conn *priv, *dom;
	struct xsd_db *db;
	struct xsd *x;
	unsigned rounds;

	if (size < 1)
		return 0;
	xsd_config_default(&cfg);
	cfg.quota.nodes = 50;
	cfg.quota.outstanding = 4;
	cfg.control_no_files = true;   /* CONTROL must not write files here */
	if (xsd_db_open_mem(&db) || xsd_open(db, &cfg, NULL, &x))
		abort();
	t.data = data + 1;
	t.len = size - 1;
	t.off = 0;
	t.chunk = (data[0] & 0x3f) + 1;
	if (xsd_conn_new(x, &fz_ops, &t, 0, true, &priv) ||
	    xsd_conn_new(x, &fz_ops, &t, 5, false, &dom))
		abort();
	for (rounds = 0; t.off < t.len && rounds < 100000; rounds++) {
		struct xsd_conn *c = (data[0] & 0x40) ? dom : priv;

		if (xsd_conn_is_dead(c))
			break;
		xsd_conn_input(c);
		xsd_conn_flush(priv);
		xsd_conn_flush(dom);
	}
	check_alive(x);
	xsd_close(x);
	return 0;
}
