/*
 * keel-netback: the data paths of one vif.
 *
 * tx (guest -> dom0): take what the guest published (into v->txp, copied
 * once), decode packet by packet (nb_tx.c), plan one grant copy segment
 * per fragment and dom0 page, copy the whole pass in with one
 * kb_grant_copy(), then per packet: fill a blank checksum, filter
 * (nb_filter.c), write it to the tap; answer every slot.  A chain not yet
 * complete waits in v->txp; one over the whole ring closes the vif.  A
 * packet the rate limiter holds back waits in v->txp for the next credit.
 *
 * rx (dom0 -> guest): frames read from the tap wait in a bounded queue;
 * each takes one posted buffer (or several with feature-sg); one
 * kb_grant_copy() copies the pass's frames out; every buffer used is
 * answered with its bytes or an error.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nb_csum.h"
#include "nb_tx.h"
#include "nb_vif.h"

#define PAGE 4096u

uint64_t nb_now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Adds the copy segments of one fragment at buf (split at dom0 pages). */
static unsigned int plan_frag(struct keel_ioctl_gntdev_copy_seg *segs,
			      uint8_t *buf, const struct nb_tx_frag *f)
{
	uint32_t first = PAGE - (uint32_t)((uintptr_t)buf % PAGE);
	unsigned int n = 0;

	if (first > f->len)
		first = f->len;
	segs[n++] = (struct keel_ioctl_gntdev_copy_seg){
		.addr = (uintptr_t)buf, .ref = f->gref, .offset = f->offset,
		.len = (uint16_t)first };
	if (first < f->len)
		segs[n++] = (struct keel_ioctl_gntdev_copy_seg){
			.addr = (uintptr_t)(buf + first), .ref = f->gref,
			.offset = (uint16_t)(f->offset + first),
			.len = (uint16_t)(f->len - first) };
	return n;
}

/* After the copy: one packet's fate. */
static void tx_finish(struct nb_vif *v, struct nb_scratch *s,
		      struct nb_tx_plan *pl, int copy_rc)
{
	uint8_t *frame = s->txbuf + pl->buf_off;
	int verdict;
	ssize_t w;

	for (unsigned int i = 0; i < pl->nseg; i++)
		if (copy_rc < 0 || s->segs[pl->seg0 + i].status != 0) {
			pl->status = KEEL_NETIF_RSP_ERROR;
			pl->drop = NB_DROP_GRANT;
			return;
		}
	if (pl->csum && nb_csum_fill(frame, pl->len) < 0) {
		pl->status = KEEL_NETIF_RSP_ERROR;
		pl->drop = NB_DROP_BAD_REQUEST;
		return;
	}
	verdict = nb_filter_check(&v->filter, frame, pl->len);
	if (verdict != NB_FILTER_PASS) {
		pl->status = KEEL_NETIF_RSP_DROPPED;
		pl->drop = verdict;
		return;
	}
	w = write(v->tap, frame, pl->len);
	if (w != (ssize_t)pl->len) {
		pl->status = KEEL_NETIF_RSP_DROPPED;
		pl->drop = NB_DROP_TAP;
		return;
	}
	v->st.tx_packets++;
	v->st.tx_bytes += pl->len;
}

/*
 * Decodes the packets waiting in v->txp and plans their copies into the
 * pass buffer, up to the buffer's size, the copy segments' limit or the
 * rate limiter's credit.  Returns how many packets (*nslots: the slots
 * they span, *nseg: the copy segments), or -1 after closing the vif.
 * *more: stopped for room (come back at once); *held: for credit.
 */
static int tx_plan(struct nb_vif *v, struct nb_scratch *s, unsigned int *nslots,
		   unsigned int *nseg, bool *more, bool *held)
{
	struct nb_tx_packet p;
	unsigned int off = 0, np = 0, r, i;
	uint32_t used = 0;
	uint64_t now = 0;

	*nseg = 0;
	while (off < v->ntxp) {
		struct nb_tx_plan *pl = &s->tx_plans[np];

		r = nb_tx_decode(v->txp + off, v->ntxp - off, &p);
		if (r == 0) {
			if (off == 0 && v->ntxp == NB_TX_SLOTS) {
				kb_dev_close(v->dev, "endless tx chain (a packet "
					     "over the whole ring)");
				return -1;
			}
			break;
		}
		*pl = (struct nb_tx_plan){ .first = off, .nslots = r,
					   .status = KEEL_NETIF_RSP_OKAY, .drop = -1 };
		if (p.bad) {
			pl->status = KEEL_NETIF_RSP_ERROR;
			pl->drop = (int)p.why;
			np++;
			off += r;
			continue;
		}
		if (used + p.len > NB_TX_BUF ||
		    *nseg + 2 * p.nfrags > KEEL_GNTDEV_COPY_MAX) {
			*more = true;
			break;
		}
		if (v->rate_bytes) {
			if (!now)
				now = nb_now_us();
			if (!nb_rate_take(&v->rate, p.len, now)) {
				uint64_t us = nb_rate_wait_us(&v->rate, now);

				kb_dev_wake_in(v->dev, (unsigned int)(us / 1000 + 1));
				*held = true;
				break;
			}
		}
		pl->buf_off = used;
		pl->len = p.len;
		pl->csum = p.csum_blank;
		pl->seg0 = *nseg;
		for (i = 0; i < p.nfrags; i++) {
			*nseg += plan_frag(s->segs + *nseg, s->txbuf + used, &p.frags[i]);
			used += p.frags[i].len;
		}
		pl->nseg = *nseg - pl->seg0;
		np++;
		off += r;
	}
	*nslots = off;
	return (int)np;
}

bool nb_tx_pass(struct nb_vif *v, struct nb_scratch *s)
{
	unsigned int nslots = 0, nseg = 0;
	bool more = false, held = false;
	int n, np, rc = 0;

	n = kb_ring_take(&v->tx, v->txp + v->ntxp, NB_TX_SLOTS - v->ntxp);
	if (n < 0) {
		kb_dev_close(v->dev, "broken tx ring (producer index out of range)");
		return false;
	}
	v->ntxp += (unsigned int)n;
	np = tx_plan(v, s, &nslots, &nseg, &more, &held);
	if (np < 0)
		return false;
	if (nseg)
		rc = kb_grant_copy(v->dev, s->segs, nseg);
	for (int i = 0; i < np; i++) {
		struct nb_tx_plan *pl = &s->tx_plans[i];

		if (pl->status == KEEL_NETIF_RSP_OKAY)
			tx_finish(v, s, pl, rc);
		if (pl->drop >= 0)
			v->st.drops[pl->drop]++;
		nb_tx_responses(v->txp + pl->first, pl->nslots, pl->status,
				s->tx_rsps + pl->first);
	}
	if (nslots) {
		bool notify = kb_ring_push(&v->tx, s->tx_rsps, nslots);

		memmove(v->txp, v->txp + nslots,
			(v->ntxp - nslots) * sizeof(v->txp[0]));
		v->ntxp -= nslots;
		if (notify)
			kb_dev_notify(v->dev);
	}
	if (!more && !held && kb_ring_final_check(&v->tx))
		more = v->ntxp < NB_TX_SLOTS;
	return more;
}

static void rxq_pop(struct nb_vif *v)
{
	v->rxq_bytes -= v->rxq[v->rxq_head].len;
	v->rxq_head = (v->rxq_head + 1) % NB_RXQ_LEN;
	v->rxq_len--;
}

bool nb_rx_pass(struct nb_vif *v, struct nb_scratch *s)
{
	struct nb_rx_plan *plans = s->rx_plans;
	struct keel_netif_rx_response *rsps = s->rx_rsps;
	unsigned int used = 0, np = 0, nseg = 0, need, k;
	bool more = false, starved = false;
	int n, rc = 0;

	while (v->rxq_len && np < NB_RX_BATCH) {
		struct nb_frame *f = &v->rxq[v->rxq_head];

		need = (f->len + PAGE - 1) / PAGE;
		if (v->nrxreq - used < need) {
			n = kb_ring_take(&v->rx, v->rxreq + v->nrxreq,
					 NB_RX_SLOTS - v->nrxreq);
			if (n < 0) {
				kb_dev_close(v->dev, "broken rx ring (producer "
					     "index out of range)");
				return false;
			}
			v->nrxreq += (unsigned int)n;
		}
		if (v->nrxreq - used < need) {
			starved = true;
			break;
		}
		plans[np] = (struct nb_rx_plan){ .first = used, .nslots = need,
					      .seg0 = nseg, .f = *f };
		for (k = 0; k < need; k++) {
			uint32_t len = f->len - k * PAGE;

			s->segs[nseg++] = (struct keel_ioctl_gntdev_copy_seg){
				.addr = (uintptr_t)(f->data + k * PAGE),
				.ref = v->rxreq[used + k].gref,
				.len = (uint16_t)(len > PAGE ? PAGE : len),
				.flags = KEEL_GNTDEV_COPY_TO_GUEST };
		}
		used += need;
		np++;
		rxq_pop(v);
	}
	if (nseg)
		rc = kb_grant_copy(v->dev, s->segs, nseg);
	for (unsigned int i = 0; i < np; i++) {
		struct nb_rx_plan *pl = &plans[i];
		bool failed = rc < 0;

		for (k = 0; k < pl->nslots; k++)
			failed |= s->segs[pl->seg0 + k].status != 0;
		for (k = 0; k < pl->nslots; k++) {
			struct keel_netif_rx_response *r = &rsps[pl->first + k];

			r->id = v->rxreq[pl->first + k].id;
			r->offset = 0;
			r->flags = k + 1 < pl->nslots ? KEEL_NETRXF_MORE_DATA : 0;
			r->status = failed ? KEEL_NETIF_RSP_ERROR :
				    (int16_t)s->segs[pl->seg0 + k].len;
		}
		if (failed) {
			v->st.drops[NB_DROP_RX_GRANT]++;
		} else {
			v->st.rx_packets++;
			v->st.rx_bytes += pl->f.len;
		}
		free(pl->f.data);
	}
	if (used) {
		bool notify = kb_ring_push(&v->rx, rsps, used);

		memmove(v->rxreq, v->rxreq + used,
			(v->nrxreq - used) * sizeof(v->rxreq[0]));
		v->nrxreq -= used;
		if (notify)
			kb_dev_notify(v->dev);
	}
	if (v->rxq_len && !starved)
		more = true;
	else if (starved && kb_ring_final_check(&v->rx))
		more = true;       /* buffers arrived while we looked */
	return more;
}

void nb_tap_read(struct nb_vif *v, struct nb_scratch *s)
{
	struct nb_frame *f;
	ssize_t r;
	void *p;

	/* Bounded: a busy tap cannot keep us from the other vifs. */
	for (unsigned int i = 0; i < NB_RXQ_LEN; i++) {
		r = read(v->tap, s->frame, NB_FRAME_MAX);
		if (r < 0)
			break;        /* EAGAIN: drained */
		if (r < (ssize_t)NB_ETH_HLEN)
			continue;
		if ((!v->sg && r > (ssize_t)PAGE) ||
		    (uint32_t)r > NB_RX_SLOTS / 2 * PAGE) {
			v->st.drops[NB_DROP_RX_TOO_BIG]++;
			continue;
		}
		if (v->rxq_len == NB_RXQ_LEN ||
		    v->rxq_bytes + (uint32_t)r > NB_RXQ_BYTES ||
		    posix_memalign(&p, PAGE, (size_t)r) != 0) {
			v->st.drops[NB_DROP_RX_NO_BUFFER]++;
			continue;
		}
		memcpy(p, s->frame, (size_t)r);
		f = &v->rxq[(v->rxq_head + v->rxq_len) % NB_RXQ_LEN];
		f->data = p;
		f->len = (uint32_t)r;
		v->rxq_len++;
		v->rxq_bytes += (uint32_t)r;
	}
}

void nb_rxq_flush(struct nb_vif *v)
{
	while (v->rxq_len) {
		free(v->rxq[v->rxq_head].data);
		rxq_pop(v);
	}
	v->rxq_head = 0;
	v->rxq_bytes = 0;
}

int nb_scratch_init(struct nb_scratch *s)
{
	void *p;

	memset(s, 0, sizeof(*s));
	if (posix_memalign(&p, PAGE, NB_TX_BUF) != 0)
		return -ENOMEM;
	s->txbuf = p;
	if (posix_memalign(&p, PAGE, NB_FRAME_MAX) != 0)
		return -ENOMEM;
	s->frame = p;
	s->segs = calloc(KEEL_GNTDEV_COPY_MAX, sizeof(*s->segs));
	return s->segs ? 0 : -ENOMEM;
}
