/* netfront's pure parts (netfront_ring.h). */
#include <stddef.h>

#include <public/errno.h>

#include "netfront_ring.h"

_Static_assert(KEEL_PAGE_SIZE / NETFRONT_TX_BUF_SIZE == 2, "two tx buffers a page");

const char *netfront_drop_name(enum netfront_drop why)
{
	static const char *const names[NETFRONT_DROP_NR] = {
		"rx-status", "rx-bad-id", "rx-bad-len", "rx-multi", "rx-nomem",
		"tx-status", "tx-bad-id", "tx-busy", "tx-too-big",
	};

	return (unsigned int)why < NETFRONT_DROP_NR ? names[why] : "?";
}

void netfront_txq_init(struct netfront_txq *q)
{
	q->nr_free = 0;
	/* Lowest id on top: ids 0, 1, ... go out first. */
	for (uint32_t i = NETFRONT_TX_BUFS; i-- > 0;) {
		q->busy[i] = 0;
		q->free[q->nr_free++] = (uint16_t)i;
	}
}

long netfront_txq_get(struct netfront_txq *q)
{
	uint16_t id;

	if (q->nr_free == 0)
		return -KEEL_ENOSPC;
	id = q->free[--q->nr_free];
	q->busy[id] = 1;
	return id;
}

long netfront_txq_complete(struct netfront_txq *q,
			   const struct keel_netif_tx_response *rsp)
{
	uint16_t id = rsp->id;

	if (rsp->status == KEEL_NETIF_RSP_NULL || id >= NETFRONT_TX_BUFS ||
	    !q->busy[id])
		return -KEEL_EIO;
	q->busy[id] = 0;
	q->free[q->nr_free++] = id;
	return id;
}

void netfront_txq_reset(struct netfront_txq *q)
{
	netfront_txq_init(q);
}

void netfront_build_tx(struct keel_netif_tx_request *req, uint16_t id,
		       uint32_t gref, uint16_t len)
{
	req->gref = gref;
	req->offset = (uint16_t)((id % 2u) * NETFRONT_TX_BUF_SIZE);
	req->flags = 0;
	req->id = id;
	req->size = len;
}

long netfront_rx_check(uint8_t posted[NETFRONT_RX_BUFS],
		       const struct keel_netif_rx_response *rsp)
{
	uint16_t id = rsp->id;
	enum netfront_drop why;

	if (id >= NETFRONT_RX_BUFS || !posted[id])
		return -1 - (long)NETFRONT_DROP_RX_BAD_ID;
	posted[id] = 0;
	if (rsp->status < 0)
		why = NETFRONT_DROP_RX_STATUS;
	else if (rsp->flags & (KEEL_NETRXF_MORE_DATA | KEEL_NETRXF_EXTRA_INFO |
			       KEEL_NETRXF_GSO_PREFIX))
		why = NETFRONT_DROP_RX_MULTI;
	else if (rsp->status == 0 || (uint32_t)rsp->status > NETFRONT_FRAME_MAX ||
		 (uint32_t)rsp->offset + (uint32_t)rsp->status > KEEL_PAGE_SIZE)
		why = NETFRONT_DROP_RX_BAD_LEN;
	else
		return rsp->status;
	return -1 - (long)why;
}

long netfront_ring_check(uint32_t rsp_prod, uint32_t rsp_cons,
			 uint32_t req_prod, uint32_t ring_slots)
{
	uint32_t avail = rsp_prod - rsp_cons;

	if (avail > ring_slots || avail > (uint32_t)(req_prod - rsp_cons))
		return -KEEL_EIO;
	return avail;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int netfront_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hi < 0 ? -1 : hexval(s[3 * i + 1]);
		char sep = lo < 0 ? 'x' : s[3 * i + 2];

		if (lo < 0 || (i < 5 && sep != ':') || (i == 5 && sep != '\0'))
			return -KEEL_EINVAL;
		m[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m[0] & 1)
		return -KEEL_EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = m[i];
	return 0;
}

enum netfront_action netfront_decide(enum netfront_phase phase, int prev_be,
				     int be, int fe_key)
{
	/* Closing or Closed (or no key): detached.  Before our first setup
	 * that is only a backend that has not written its state yet. */
	if (be == KEEL_XBS_CLOSING || be == KEEL_XBS_CLOSED)
		return phase == NETFRONT_CLOSED || phase == NETFRONT_INIT ?
		       NETFRONT_ACT_NONE : NETFRONT_ACT_CLOSE;
	switch (phase) {
	case NETFRONT_INIT:
		return be == KEEL_XBS_INITWAIT ? NETFRONT_ACT_SETUP : NETFRONT_ACT_NONE;
	case NETFRONT_WAIT_CONNECT:
		if (be == KEEL_XBS_CONNECTED)
			return NETFRONT_ACT_LINK_UP;
		/* Back in InitWait after it had moved on: restarted before
		 * it mapped what we published. */
		if (be == KEEL_XBS_INITWAIT)
			return prev_be > KEEL_XBS_INITWAIT ? NETFRONT_ACT_SETUP
							   : NETFRONT_ACT_NONE;
		return be < KEEL_XBS_INITWAIT ? NETFRONT_ACT_LINK_DOWN : NETFRONT_ACT_NONE;
	case NETFRONT_UP:
		if (be == KEEL_XBS_INITWAIT)
			return NETFRONT_ACT_SETUP;     /* a restarted backend */
		return be == KEEL_XBS_CONNECTED ? NETFRONT_ACT_NONE : NETFRONT_ACT_LINK_DOWN;
	case NETFRONT_WAIT_BACKEND:
		return be == KEEL_XBS_INITWAIT ? NETFRONT_ACT_SETUP : NETFRONT_ACT_NONE;
	case NETFRONT_CLOSED:
		return fe_key == KEEL_XBS_INITIALISING && be == KEEL_XBS_INITWAIT ?
		       NETFRONT_ACT_SETUP : NETFRONT_ACT_NONE;
	}
	return NETFRONT_ACT_NONE;
}
