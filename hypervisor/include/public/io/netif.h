/*
 * netif: the network split device's wire format (the layout of Xen's
 * io/netif.h, so stock frontends such as Linux's xen-netfront could talk
 * to keel-netback).  Two rings (io/ring.h), one page each:
 *
 *   tx: the guest sends.  12-byte slots (a request; the response is 4
 *       bytes in the same slot): 256 per page.  A packet is one request,
 *       or a chain of requests linked by KEEL_NETTXF_MORE_DATA; the first
 *       request's size is the whole packet's length, each later one its
 *       own fragment's.  A request with KEEL_NETTXF_EXTRA_INFO is followed
 *       by one keel_netif_extra_info slot (which gets a NULL response).
 *   rx: the guest posts empty pages (a request each: id, gref of a page
 *       it granted writable); the backend copies a received packet into
 *       one or more of them (copy mode: "request-rx-copy" = 1) and answers
 *       with offset, flags and the length (status >= 0) or an error.
 *
 * Every grant is a whole page; a tx fragment must not cross its page
 * (offset + size <= 4096).  A packet is at most KEEL_NETIF_MAX_TX_SIZE
 * bytes and at most KEEL_NETIF_MAX_SLOTS requests.
 *
 * Store keys (docs/network.md):
 *   backend  /local/domain/0/backend/vif/<domid>/<n>/: frontend,
 *            frontend-id, handle, mac, bridge, ip, rate, state,
 *            feature-sg, feature-rx-copy (1), feature-rx-flip (0),
 *            feature-gso-tcpv4 (0)
 *   frontend /local/domain/<domid>/device/vif/<n>/: backend, backend-id,
 *            handle, mac, state, tx-ring-ref, rx-ring-ref, event-channel,
 *            request-rx-copy (1), feature-rx-notify (1), feature-sg,
 *            feature-no-csum-offload
 */
#ifndef KEEL_PUBLIC_IO_NETIF_H
#define KEEL_PUBLIC_IO_NETIF_H

#include "../types.h"
#include "ring.h"

/* tx request flags */
#define KEEL_NETTXF_CSUM_BLANK     (1u << 0) /* checksum not yet computed */
#define KEEL_NETTXF_DATA_VALIDATED (1u << 1) /* checksum already checked */
#define KEEL_NETTXF_MORE_DATA      (1u << 2) /* another fragment follows  */
#define KEEL_NETTXF_EXTRA_INFO     (1u << 3) /* an extra-info slot follows */

/* rx response flags */
#define KEEL_NETRXF_DATA_VALIDATED (1u << 0)
#define KEEL_NETRXF_CSUM_BLANK     (1u << 1)
#define KEEL_NETRXF_MORE_DATA      (1u << 2)
#define KEEL_NETRXF_EXTRA_INFO     (1u << 3)
#define KEEL_NETRXF_GSO_PREFIX     (1u << 4)

/* response status */
#define KEEL_NETIF_RSP_DROPPED (-2)
#define KEEL_NETIF_RSP_ERROR   (-1)
#define KEEL_NETIF_RSP_OKAY      0
#define KEEL_NETIF_RSP_NULL      1   /* the response of an extra-info slot */

#define KEEL_NETIF_MAX_TX_SIZE 0xffffu
#define KEEL_NETIF_MAX_SLOTS   18u   /* Xen's XEN_NETIF_NR_SLOTS_MIN */

struct keel_netif_tx_request {
	uint32_t gref;     /* IN: grant of the page holding the data     */
	uint16_t offset;   /* IN: where the data starts in that page     */
	uint16_t flags;    /* IN: KEEL_NETTXF_*                          */
	uint16_t id;       /* IN: echoed in the response                 */
	uint16_t size;     /* IN: packet length (first), fragment (later) */
};
KEEL_ABI_SIZE_CHECK(struct keel_netif_tx_request, 12);

struct keel_netif_tx_response {
	uint16_t id;       /* OUT: the request's id                      */
	int16_t  status;   /* OUT: KEEL_NETIF_RSP_*                      */
};
KEEL_ABI_SIZE_CHECK(struct keel_netif_tx_response, 4);

/* Extra-info types and flags (Xen's XEN_NETIF_EXTRA_*). */
#define KEEL_NETIF_EXTRA_TYPE_NONE     0
#define KEEL_NETIF_EXTRA_TYPE_GSO      1
#define KEEL_NETIF_EXTRA_TYPE_MCAST_ADD 2
#define KEEL_NETIF_EXTRA_TYPE_MCAST_DEL 3
#define KEEL_NETIF_EXTRA_TYPE_HASH     4
#define KEEL_NETIF_EXTRA_FLAG_MORE     (1u << 0)

struct keel_netif_extra_info {
	uint8_t type;      /* KEEL_NETIF_EXTRA_TYPE_*                    */
	uint8_t flags;     /* KEEL_NETIF_EXTRA_FLAG_*                    */
	union {
		struct {
			uint16_t size;     /* GSO segment size             */
			uint8_t  type;     /* 1 = TCPv4, 2 = TCPv6         */
			uint8_t  pad;
			uint16_t features;
		} gso;
		struct {
			uint8_t addr[6];   /* multicast address            */
		} mcast;
		uint16_t pad[3];
	} u;
};
KEEL_ABI_SIZE_CHECK(struct keel_netif_extra_info, 8);

union keel_netif_tx_slot {
	struct keel_netif_tx_request req;
	struct keel_netif_extra_info extra;
	struct keel_netif_tx_response rsp;
};
KEEL_ABI_SIZE_CHECK(union keel_netif_tx_slot, 12);

struct keel_netif_rx_request {
	uint16_t id;       /* IN: echoed in the response                 */
	uint16_t pad;
	uint32_t gref;     /* IN: grant of an empty, writable page       */
};
KEEL_ABI_SIZE_CHECK(struct keel_netif_rx_request, 8);

struct keel_netif_rx_response {
	uint16_t id;       /* OUT: the request's id                      */
	uint16_t offset;   /* OUT: where the data starts in the page     */
	uint16_t flags;    /* OUT: KEEL_NETRXF_*                         */
	int16_t  status;   /* OUT: bytes in this page (>= 0), or an error */
};
KEEL_ABI_SIZE_CHECK(struct keel_netif_rx_response, 8);

union keel_netif_rx_slot {
	struct keel_netif_rx_request req;
	struct keel_netif_extra_info extra;
	struct keel_netif_rx_response rsp;
};
KEEL_ABI_SIZE_CHECK(union keel_netif_rx_slot, 8);

struct keel_netif_tx_sring {
	struct keel_sring_header hdr;
	union keel_netif_tx_slot ring[];
};

struct keel_netif_rx_sring {
	struct keel_sring_header hdr;
	union keel_netif_rx_slot ring[];
};

/* Slots in one-page rings: 256 each. */
#define KEEL_NETIF_TX_RING_SLOTS \
	keel_ring_slots(4096u, sizeof(union keel_netif_tx_slot))
#define KEEL_NETIF_RX_RING_SLOTS \
	keel_ring_slots(4096u, sizeof(union keel_netif_rx_slot))

#endif
