/*
 * netfront's pure parts (netfront_ring.c): the tx buffer table, checks of
 * what the backend answers on both rings, the MAC key parser and the
 * handshake decisions.  No hypercalls, no store: also compiled into the
 * host unit tests (tests/unit/guests/test_netfront.c).
 *
 * Every tx buffer is half a page (a frame of at most NETFRONT_MTU + 14
 * bytes never crosses its page: netif.h) and has a fixed id, so a
 * response's id names the buffer it frees.  An rx buffer is a whole page,
 * posted once per connection and posted again (same id, same grant) as
 * soon as the frame in it has been copied out.
 *
 * The backend is trusted no more than a guest is trusted by it: a
 * response for an id that is not in flight, a length that leaves its
 * page, an index ahead of what we published -- each is dropped and
 * counted (netfront_stats), never followed.
 */
#ifndef NETFRONT_RING_H
#define NETFRONT_RING_H

#include <stdint.h>

#include <public/keel.h>
#include <public/io/netif.h>
#include <public/io/xenbus.h>

#define NETFRONT_MTU        1500u
#define NETFRONT_ETH_HLEN   14u
#define NETFRONT_FRAME_MAX  (NETFRONT_MTU + NETFRONT_ETH_HLEN)   /* 1514 */
#define NETFRONT_TX_BUFS    128u   /* half pages: 64 pages               */
#define NETFRONT_TX_BUF_SIZE 2048u
#define NETFRONT_RX_BUFS    128u   /* pages; the ring has 256 slots      */

_Static_assert(NETFRONT_FRAME_MAX <= NETFRONT_TX_BUF_SIZE, "a frame fits its buffer");
_Static_assert(NETFRONT_TX_BUFS <= 256u && NETFRONT_RX_BUFS <= 256u,
	       "no more buffers than ring slots");

/* Why a received or sent packet was dropped (netfront_stats.drops[]). */
enum netfront_drop {
	NETFRONT_DROP_RX_STATUS = 0,  /* the backend answered an error status */
	NETFRONT_DROP_RX_BAD_ID,      /* rx response for an id not posted     */
	NETFRONT_DROP_RX_BAD_LEN,     /* offset + length past the page, 0, or
				       * above a frame's size                  */
	NETFRONT_DROP_RX_MULTI,       /* more_data / extra-info: we asked for
				       * single-slot frames (feature-sg = 0)   */
	NETFRONT_DROP_RX_NOMEM,       /* no buffer in the stack for it        */
	NETFRONT_DROP_TX_STATUS,      /* tx answered ERROR or DROPPED         */
	NETFRONT_DROP_TX_BAD_ID,      /* tx response for an id not in flight  */
	NETFRONT_DROP_TX_BUSY,        /* no free tx buffer or link down       */
	NETFRONT_DROP_TX_TOO_BIG,     /* frame larger than NETFRONT_FRAME_MAX */
	NETFRONT_DROP_NR
};

struct netfront_stats {
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	uint64_t drops[NETFRONT_DROP_NR];
	uint64_t reconnects;          /* fresh rings after a backend restart */
	uint64_t notifies;            /* events we sent the backend          */
	uint64_t events;              /* events the backend sent us          */
};

/* The name of a drop reason, for logs ("rx-status", ...). */
const char *netfront_drop_name(enum netfront_drop why);

/* ---- tx buffers -------------------------------------------------------- */
struct netfront_txq {
	uint8_t busy[NETFRONT_TX_BUFS];   /* 1: on the ring, awaiting its response */
	uint16_t free[NETFRONT_TX_BUFS];  /* stack of free ids                      */
	uint32_t nr_free;
};

void netfront_txq_init(struct netfront_txq *q);
/* A free buffer id, now busy; -KEEL_ENOSPC when all are in flight. */
long netfront_txq_get(struct netfront_txq *q);
/* A tx response copied out of the ring: frees its buffer and returns the
 * id, or -KEEL_EIO for an id out of range or not in flight (nothing
 * changes).  A NULL response (extra-info slot) is -KEEL_EIO too: we never
 * send extra-info. */
long netfront_txq_complete(struct netfront_txq *q,
			   const struct keel_netif_tx_response *rsp);
/* Every busy buffer back to free (fresh rings: the old ones are gone). */
void netfront_txq_reset(struct netfront_txq *q);
/* A single-slot tx request for buffer `id` of `len` bytes: its page is
 * grefs[id / 2], offset (id % 2) * 2048.  No flags: no checksum offload,
 * no more_data. */
void netfront_build_tx(struct keel_netif_tx_request *req, uint16_t id,
		       uint32_t gref, uint16_t len);

/* ---- rx ------------------------------------------------------------------- */
/*
 * An rx response copied out of the ring, for the buffer table posted[]
 * (1: id posted and not answered).  Returns the frame's length (> 0) and
 * clears posted[id]; or -(1 + reason) with reason an enum netfront_drop:
 * for RX_STATUS / RX_BAD_LEN / RX_MULTI the id was valid and posted[id]
 * is cleared as well (the caller reposts it), for RX_BAD_ID nothing
 * changes.
 */
long netfront_rx_check(uint8_t posted[NETFRONT_RX_BUFS],
		       const struct keel_netif_rx_response *rsp);
/* Decode netfront_rx_check's negative answer: the drop reason. */
static inline enum netfront_drop netfront_rx_reason(long rc)
{
	return (enum netfront_drop)(-rc - 1);
}

/*
 * The backend's response index against ours: how many responses wait
 * (rsp_prod - rsp_cons), or -KEEL_EIO when that exceeds the ring or the
 * requests published and not yet answered (req_prod - rsp_cons).
 */
long netfront_ring_check(uint32_t rsp_prod, uint32_t rsp_cons,
			 uint32_t req_prod, uint32_t ring_slots);

/* "00:16:3e:5e:00:01" (exactly 17 characters, hex pairs, ':' between)
 * into mac[6]: 0, or -KEEL_EINVAL (nothing written).  A multicast
 * address (low bit of the first byte) is refused too. */
int netfront_parse_mac(const char *s, uint8_t mac[6]);

/* ---- handshake ------------------------------------------------------------ */
enum netfront_phase {
	NETFRONT_INIT = 0,        /* opened, nothing published               */
	NETFRONT_WAIT_CONNECT,    /* rings, keys and state 4 written: waiting
				   * for the backend's 4                     */
	NETFRONT_UP,              /* both Connected: link up                 */
	NETFRONT_WAIT_BACKEND,    /* backend gone below InitWait: link down  */
	NETFRONT_CLOSED,          /* state 6, rings and buffers given back   */
};

enum netfront_action {
	NETFRONT_ACT_NONE = 0,
	NETFRONT_ACT_SETUP,       /* fresh rings, new port, keys and state 4
				   * in one transaction                      */
	NETFRONT_ACT_LINK_UP,
	NETFRONT_ACT_LINK_DOWN,   /* stop sending, wait for the backend      */
	NETFRONT_ACT_CLOSE,       /* end grants, close port, state 6         */
};

/*
 * What to do, from our phase, the backend state at the previous event
 * (prev_be), the one now (be; a missing key reads Closed) and our own
 * state key (fe_key: the toolstack writes 1 there for a new connection
 * after a close).  As Linux's netfront: set up when the backend is in
 * InitWait, link up when it is Connected; and (unlike Linux) a backend
 * back in InitWait after it had moved on is a restarted keel-netback:
 * set up again on fresh rings.  docs/network.md has the table.
 */
enum netfront_action netfront_decide(enum netfront_phase phase, int prev_be,
				     int be, int fe_key);

#endif
