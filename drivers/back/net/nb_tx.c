/*
 * keel-netback: one tx packet's requests decoded and checked (nb_tx.h).
 */
#include "nb_tx.h"

#include <string.h>

#define PAGE 4096u

static void mark_bad(struct nb_tx_packet *p, enum nb_drop why)
{
	if (!p->bad) {
		p->bad = true;
		p->why = why;
	}
}

/* An extra-info slot: multicast filters are accepted (and ignored: the
 * bridge floods multicast), GSO was not offered, anything else is
 * unknown. */
static void check_extra(const struct keel_netif_extra_info *ex,
			struct nb_tx_packet *p)
{
	switch (ex->type) {
	case KEEL_NETIF_EXTRA_TYPE_MCAST_ADD:
	case KEEL_NETIF_EXTRA_TYPE_MCAST_DEL:
		break;
	default:
		mark_bad(p, NB_DROP_BAD_REQUEST);
	}
}

unsigned int nb_tx_decode(const union keel_netif_tx_slot *slots,
			  unsigned int n, struct nb_tx_packet *p)
{
	struct keel_netif_tx_request first, r;
	struct keel_netif_extra_info ex;
	unsigned int i = 1, reqs = 1, extras = 0;
	uint32_t rest = 0, first_len;
	bool more;

	memset(p, 0, sizeof(*p));
	if (n == 0)
		return 0;
	first = slots[0].req;
	if (first.flags & KEEL_NETTXF_EXTRA_INFO) {
		do {
			if (i >= n)
				return 0;
			ex = slots[i++].extra;
			if (++extras > NB_TX_MAX_EXTRA)
				mark_bad(p, NB_DROP_BAD_REQUEST);
			check_extra(&ex, p);
		} while (ex.flags & KEEL_NETIF_EXTRA_FLAG_MORE);
	}
	p->frags[0] = (struct nb_tx_frag){ first.gref, first.offset, 0 };
	p->nfrags = 1;
	more = first.flags & KEEL_NETTXF_MORE_DATA;
	while (more) {
		if (i >= n)
			return 0;
		r = slots[i++].req;
		more = r.flags & KEEL_NETTXF_MORE_DATA;
		if (++reqs > KEEL_NETIF_MAX_SLOTS) {
			mark_bad(p, NB_DROP_TOO_MANY_SLOTS);
			continue;
		}
		/* Extra info belongs to the first request only. */
		if (r.flags & KEEL_NETTXF_EXTRA_INFO)
			mark_bad(p, NB_DROP_BAD_REQUEST);
		if ((uint32_t)r.offset + r.size > PAGE)
			mark_bad(p, NB_DROP_BAD_REQUEST);
		rest += r.size;
		if (r.size && p->nfrags < KEEL_NETIF_MAX_SLOTS)
			p->frags[p->nfrags++] =
				(struct nb_tx_frag){ r.gref, r.offset, r.size };
	}
	p->slots = i;
	if (first.size < NB_ETH_HLEN || rest > first.size)
		mark_bad(p, NB_DROP_BAD_REQUEST);
	first_len = first.size >= rest ? first.size - rest : 0;
	if ((uint32_t)first.offset + first_len > PAGE)
		mark_bad(p, NB_DROP_BAD_REQUEST);
	if (p->bad) {
		p->nfrags = 0;
		return i;
	}
	p->len = first.size;
	p->csum_blank = first.flags & KEEL_NETTXF_CSUM_BLANK;
	if (first_len) {
		p->frags[0].len = (uint16_t)first_len;
	} else {
		/* all the data is in the later fragments */
		memmove(&p->frags[0], &p->frags[1],
			(p->nfrags - 1) * sizeof(p->frags[0]));
		p->nfrags--;
	}
	return i;
}

void nb_tx_responses(const union keel_netif_tx_slot *slots,
		     unsigned int p_slots, int16_t status,
		     struct keel_netif_tx_response *rsps)
{
	unsigned int i = 0;
	bool extra_next = false;
	uint16_t flags;

	while (i < p_slots) {
		if (extra_next) {
			rsps[i] = (struct keel_netif_tx_response){
				0, KEEL_NETIF_RSP_NULL };
			extra_next = slots[i].extra.flags &
				     KEEL_NETIF_EXTRA_FLAG_MORE;
			i++;
			continue;
		}
		flags = slots[i].req.flags;
		rsps[i] = (struct keel_netif_tx_response){ slots[i].req.id, status };
		/* only the first request carries extras (as nb_tx_decode) */
		extra_next = i == 0 && (flags & KEEL_NETTXF_EXTRA_INFO);
		i++;
	}
}
