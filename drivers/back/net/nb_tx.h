/*
 * keel-netback: decoding one tx packet from requests already copied out of
 * the ring, pure (unit-tested with a table of bad requests).  Every field
 * is the guest's and hostile.
 *
 * A packet is a request, optionally followed by extra-info slots (when it
 * has KEEL_NETTXF_EXTRA_INFO; each extra with KEEL_NETIF_EXTRA_FLAG_MORE is
 * followed by another), then more requests while KEEL_NETTXF_MORE_DATA is
 * set.  The first request's size is the packet's length; each later one
 * its own fragment's; the first fragment holds the rest.
 */
#ifndef NB_TX_H
#define NB_TX_H

#include <stdbool.h>
#include <stdint.h>

#include <public/io/netif.h>

#include "nb_drop.h"

#define NB_ETH_HLEN     14u
#define NB_TX_MAX_EXTRA 4u      /* extra-info slots one packet may carry */

struct nb_tx_frag {
	uint32_t gref;
	uint16_t offset;
	uint16_t len;            /* 1 .. 4096 - offset */
};

struct nb_tx_packet {
	unsigned int slots;      /* ring slots it spans, extras included      */
	bool bad;                /* answer every slot with an error ...       */
	enum nb_drop why;        /* ... counted under this reason             */
	bool csum_blank;         /* KEEL_NETTXF_CSUM_BLANK: fill it in        */
	uint32_t len;            /* frame bytes (valid packets)               */
	unsigned int nfrags;
	struct nb_tx_frag frags[KEEL_NETIF_MAX_SLOTS];
};

/*
 * Decodes the packet starting at slots[0] (n slots available).  Returns
 * the number of slots it spans (> 0) with *p filled: valid, or bad with a
 * reason; 0 when its chain goes on past slot n-1 (not all published yet:
 * the caller waits, or gives up on an endless chain once n is the ring's
 * size).
 */
unsigned int nb_tx_decode(const union keel_netif_tx_slot *slots,
			  unsigned int n, struct nb_tx_packet *p);

/*
 * The responses of a packet that spans p_slots slots from slots[0]: a
 * request's slot gets {its id, status}, an extra-info slot {0,
 * KEEL_NETIF_RSP_NULL}.  rsps has p_slots entries.
 */
void nb_tx_responses(const union keel_netif_tx_slot *slots,
		     unsigned int p_slots, int16_t status,
		     struct keel_netif_tx_response *rsps);

#endif
