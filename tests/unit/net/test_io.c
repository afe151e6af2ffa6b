/*
 * keel-netback's data paths (nb_io.c) against rings in memory, a fake
 * grant copy over an array of "granted pages" (one copy call counted per
 * pass) and a SOCK_SEQPACKET socket pair standing in for the tap: frames
 * and responses in order, slot accounting across passes, chains that are
 * not complete yet or never end, a producer far ahead, the rate limiter
 * holding a packet on the ring, rx buffers posted and not, multi-slot rx
 * with feature-sg, the bounded rx queue.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nb_filter.h"
#include "nb_vif.h"
#include "tests.h"

/* ---- the library, faked --------------------------------------------- */

struct kb_device {
	int closed;
	char why[128];
	int notified;
	unsigned int wake_ms;
};

#define NPAGES 16
static uint8_t pages[NPAGES][4096];
static int granted[NPAGES];
static int copies;                 /* kb_grant_copy calls */

int kb_grant_copy(struct kb_device *d, struct keel_ioctl_gntdev_copy_seg *segs,
		  size_t n)
{
	(void)d;
	copies++;
	for (size_t i = 0; i < n; i++) {
		struct keel_ioctl_gntdev_copy_seg *s = &segs[i];
		uint8_t *buf = (uint8_t *)(uintptr_t)s->addr;

		if (s->ref >= NPAGES || !granted[s->ref]) {
			s->status = -EACCES;
			continue;
		}
		if (s->len == 0 || s->offset + s->len > 4096 ||
		    (s->addr % 4096) + s->len > 4096) {
			s->status = -EINVAL;
			continue;
		}
		if (s->flags & KEEL_GNTDEV_COPY_TO_GUEST)
			memcpy(&pages[s->ref][s->offset], buf, s->len);
		else
			memcpy(buf, &pages[s->ref][s->offset], s->len);
		s->status = 0;
	}
	return 0;
}

void kb_dev_close(struct kb_device *d, const char *why)
{
	d->closed = 1;
	snprintf(d->why, sizeof(d->why), "%s", why);
}

void kb_dev_notify(struct kb_device *d) { d->notified++; }
void kb_dev_kick(struct kb_device *d) { (void)d; }
void kb_dev_wake_in(struct kb_device *d, unsigned int ms) { d->wake_ms = ms; }

/* ---- the setup --------------------------------------------------------- */

static const uint8_t MAC[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
static struct kb_device dev;
static struct nb_vif *v;
static struct nb_scratch *s;
static struct keel_sring_header *txs, *rxs;
static int peer;                   /* dom0's end of the "tap" */

static union keel_netif_tx_slot *tx_slot(keel_ring_idx_t i)
{
	return (union keel_netif_tx_slot *)((uint8_t *)txs + KEEL_RING_HEADER_SIZE) +
	       (i % 256);
}

static union keel_netif_rx_slot *rx_slot(keel_ring_idx_t i)
{
	return (union keel_netif_rx_slot *)((uint8_t *)rxs + KEEL_RING_HEADER_SIZE) +
	       (i % 256);
}

static void setup(void)
{
	int sv[2];

	memset(&dev, 0, sizeof(dev));
	memset(pages, 0, sizeof(pages));
	for (int i = 0; i < NPAGES; i++)
		granted[i] = 1;
	granted[NPAGES - 1] = 0;             /* one ref never granted */
	copies = 0;
	v = calloc(1, sizeof(*v));
	s = malloc(sizeof(*s));
	ck_assert_int_eq(nb_scratch_init(s), 0);
	ck_assert_int_eq(posix_memalign((void **)&txs, 4096, 4096), 0);
	ck_assert_int_eq(posix_memalign((void **)&rxs, 4096, 4096), 0);
	memset(txs, 0, 4096);
	memset(rxs, 0, 4096);
	txs->rsp_event = rxs->rsp_event = 1;   /* as a frontend sets them */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	v->tap = sv[0];
	peer = sv[1];
	v->dev = &dev;
	memcpy(v->filter.mac, MAC, 6);
	ck_assert_int_eq(kb_ring_init(&v->tx, txs, 4096, 12, 12, 4), 0);
	ck_assert_int_eq(kb_ring_init(&v->rx, rxs, 4096, 8, 8, 8), 0);
	v->running = true;
}

static void teardown(void)
{
	nb_rxq_flush(v);
	close(v->tap);
	close(peer);
	free(s->txbuf);
	free(s->frame);
	free(s->segs);
	free(s);
	free(v);
	free(txs);
	free(rxs);
}

/* A 60-byte frame from MAC in page p at off, marked with byte tag. */
static void frame_at(unsigned int p, unsigned int off, uint8_t tag)
{
	uint8_t *f = &pages[p][off];

	memset(f, tag, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, MAC, 6);
	f[12] = 0x88;              /* any ethertype: no ip= on this vif */
	f[13] = 0xb5;
}

static void put_tx(uint32_t gref, uint16_t off, uint16_t size, uint16_t flags,
		   uint16_t id)
{
	union keel_netif_tx_slot *sl = tx_slot(txs->req_prod);

	memset(sl, 0, sizeof(*sl));
	sl->req = (struct keel_netif_tx_request){ gref, off, flags, id, size };
	txs->req_prod++;
}

static struct keel_netif_tx_response tx_rsp(keel_ring_idx_t i)
{
	return tx_slot(i)->rsp;
}

static ssize_t tap_frame(uint8_t *buf, size_t size)
{
	return recv(peer, buf, size, MSG_DONTWAIT);
}

/* ---- tx ------------------------------------------------------------------ */

START_TEST(tx_frames_in_order_one_copy)
{
	uint8_t buf[2048];

	frame_at(0, 0, 0xa1);
	frame_at(1, 100, 0xa2);
	frame_at(2, 0, 0xa3);
	put_tx(0, 0, 60, 0, 10);
	put_tx(1, 100, 60, KEEL_NETTXF_MORE_DATA, 11);   /* 20 + 40 bytes */
	put_tx(1, 120, 40, 0, 12);
	put_tx(2, 0, 60, 0, 13);
	nb_tx_pass(v, s);
	ck_assert_int_eq(copies, 1);
	ck_assert_uint_eq(txs->rsp_prod, 4);
	ck_assert_uint_eq(tx_rsp(0).id, 10);
	ck_assert_uint_eq(tx_rsp(1).id, 11);
	ck_assert_uint_eq(tx_rsp(2).id, 12);
	ck_assert_uint_eq(tx_rsp(3).id, 13);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(tx_rsp(i).status, KEEL_NETIF_RSP_OKAY);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_mem_eq(buf, pages[0], 60);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_mem_eq(buf, &pages[1][100], 60);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_uint_eq(buf[59], 0xa3);
	ck_assert_int_lt(tap_frame(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(v->st.tx_packets, 3);
	ck_assert_uint_eq(v->st.tx_bytes, 180);
	ck_assert_int_ge(dev.notified, 1);
}
END_TEST

START_TEST(tx_bad_and_spoofed_answered_in_place)
{
	uint8_t buf[2048];

	frame_at(0, 0, 1);
	frame_at(1, 0, 2);
	pages[1][6] = 0x02;                    /* not our MAC */
	put_tx(0, 0, 0, 0, 1);                 /* size 0 */
	put_tx(1, 0, 60, 0, 2);                /* spoofed */
	put_tx(NPAGES - 1, 0, 60, 0, 3);       /* never granted */
	put_tx(0, 0, 60, 0, 4);                /* good */
	nb_tx_pass(v, s);
	ck_assert_int_eq(tx_rsp(0).status, KEEL_NETIF_RSP_ERROR);
	ck_assert_int_eq(tx_rsp(1).status, KEEL_NETIF_RSP_DROPPED);
	ck_assert_int_eq(tx_rsp(2).status, KEEL_NETIF_RSP_ERROR);
	ck_assert_int_eq(tx_rsp(3).status, KEEL_NETIF_RSP_OKAY);
	ck_assert_uint_eq(v->st.drops[NB_DROP_BAD_REQUEST], 1);
	ck_assert_uint_eq(v->st.drops[NB_DROP_MAC_SPOOF], 1);
	ck_assert_uint_eq(v->st.drops[NB_DROP_GRANT], 1);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_int_lt(tap_frame(buf, sizeof(buf)), 0);
	ck_assert_uint_eq(v->st.tx_packets, 1);
}
END_TEST

START_TEST(tx_chain_waits_until_complete)
{
	uint8_t buf[2048];

	frame_at(0, 0, 7);
	put_tx(0, 0, 60, KEEL_NETTXF_MORE_DATA, 1);  /* 30 + 30 */
	put_tx(0, 30, 30, KEEL_NETTXF_MORE_DATA, 2);
	txs->req_prod--;                             /* second not published */
	nb_tx_pass(v, s);
	ck_assert_uint_eq(txs->rsp_prod, 0);
	ck_assert_uint_eq(v->ntxp, 1);
	txs->req_prod++;                             /* published, still open */
	nb_tx_pass(v, s);
	ck_assert_uint_eq(txs->rsp_prod, 0);
	ck_assert_uint_eq(v->ntxp, 2);
	tx_slot(1)->req.flags = 0;                   /* our copy is kept: */
	nb_tx_pass(v, s);                            /* still waiting */
	ck_assert_uint_eq(txs->rsp_prod, 0);
	put_tx(0, 0, 0, 0, 3);                       /* the guest ends it */
	tx_slot(2)->req.size = 0;
	nb_tx_pass(v, s);
	/* 1 + 2 + 3 with sizes 60/30/0: 60 - 30 = 30 first bytes, valid */
	ck_assert_uint_eq(txs->rsp_prod, 3);
	ck_assert_int_eq(tx_rsp(0).status, KEEL_NETIF_RSP_OKAY);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_mem_eq(buf, pages[0], 60);
	ck_assert(!dev.closed);
}
END_TEST

START_TEST(tx_endless_chain_closes)
{
	for (int i = 0; i < 256; i++)
		put_tx(0, 0, 60, KEEL_NETTXF_MORE_DATA, (uint16_t)i);
	nb_tx_pass(v, s);
	ck_assert(dev.closed);
	ck_assert_ptr_nonnull(strstr(dev.why, "endless tx chain"));
}
END_TEST

START_TEST(tx_producer_far_ahead_closes)
{
	txs->req_prod = 257;
	nb_tx_pass(v, s);
	ck_assert(dev.closed);
	ck_assert_ptr_nonnull(strstr(dev.why, "broken tx ring"));
}
END_TEST

START_TEST(tx_rate_holds_packets_on_the_ring)
{
	uint8_t buf[2048];

	frame_at(0, 0, 1);
	v->rate_bytes = 100;
	v->rate_us = 1000000;                 /* 100 bytes a second */
	nb_rate_init(&v->rate, v->rate_bytes, v->rate_us, nb_now_us());
	put_tx(0, 0, 60, 0, 1);
	put_tx(0, 0, 60, 0, 2);
	nb_tx_pass(v, s);
	ck_assert_uint_eq(txs->rsp_prod, 1);   /* the second waits */
	ck_assert_uint_eq(v->ntxp, 1);
	ck_assert_uint_gt(dev.wake_ms, 0);
	ck_assert_uint_le(dev.wake_ms, 1001);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
	ck_assert_int_lt(tap_frame(buf, sizeof(buf)), 0);
	v->rate.next_us = 0;                   /* the interval is over */
	nb_tx_pass(v, s);
	ck_assert_uint_eq(txs->rsp_prod, 2);
	ck_assert_uint_eq(tx_rsp(1).id, 2);
	ck_assert_int_eq(tap_frame(buf, sizeof(buf)), 60);
}
END_TEST

/* ---- rx ------------------------------------------------------------------ */

static void post_rx(uint32_t gref, uint16_t id)
{
	union keel_netif_rx_slot *sl = rx_slot(rxs->req_prod);

	memset(sl, 0, sizeof(*sl));
	sl->req.id = id;
	sl->req.gref = gref;
	rxs->req_prod++;
}

/* dom0 sends n frames of len bytes (byte value: their number); when the
 * socket is full keel-netback reads the tap, as its poll would. */
static void send_frames(unsigned int n, size_t len)
{
	uint8_t f[9000];

	for (unsigned int i = 0; i < n; i++) {
		memset(f, (int)(i & 0xff), len);
		while (send(peer, f, len, MSG_DONTWAIT) != (ssize_t)len) {
			ck_assert_int_eq(errno, EAGAIN);
			nb_tap_read(v, s);
		}
	}
}

START_TEST(rx_frames_into_posted_buffers)
{
	struct keel_netif_rx_response r;

	send_frames(3, 100);
	nb_tap_read(v, s);
	ck_assert_uint_eq(v->rxq_len, 3);
	post_rx(3, 30);
	post_rx(4, 40);
	nb_rx_pass(v, s);
	ck_assert_int_eq(copies, 1);
	ck_assert_uint_eq(rxs->rsp_prod, 2);
	r = rx_slot(0)->rsp;
	ck_assert_uint_eq(r.id, 30);
	ck_assert_int_eq(r.status, 100);
	ck_assert_uint_eq(r.offset, 0);
	ck_assert_uint_eq(r.flags, 0);
	ck_assert_uint_eq(pages[3][99], 0);
	ck_assert_uint_eq(rx_slot(1)->rsp.id, 40);
	ck_assert_uint_eq(pages[4][0], 1);
	ck_assert_uint_eq(v->rxq_len, 1);     /* waits for a buffer */
	post_rx(5, 50);
	nb_rx_pass(v, s);
	ck_assert_uint_eq(rxs->rsp_prod, 3);
	ck_assert_uint_eq(pages[5][50], 2);
	ck_assert_uint_eq(v->st.rx_packets, 3);
	ck_assert_uint_eq(v->st.rx_bytes, 300);
}
END_TEST

START_TEST(rx_guest_not_reading_drops_its_own)
{
	send_frames(200, 60);
	nb_tap_read(v, s);
	nb_tap_read(v, s);
	ck_assert_uint_eq(v->rxq_len, NB_RXQ_LEN);
	ck_assert_uint_eq(v->st.drops[NB_DROP_RX_NO_BUFFER], 200 - NB_RXQ_LEN);
	nb_rx_pass(v, s);                      /* no buffers: nothing */
	ck_assert_uint_eq(rxs->rsp_prod, 0);
	ck_assert_uint_eq(rxs->req_event, 1);  /* asks to hear of buffers */
}
END_TEST

START_TEST(rx_queue_bounded_in_bytes)
{
	v->sg = true;
	send_frames(150, 9000);
	nb_tap_read(v, s);
	nb_tap_read(v, s);
	ck_assert_uint_eq(v->rxq_len, NB_RXQ_BYTES / 9000);
	ck_assert_uint_le(v->rxq_bytes, NB_RXQ_BYTES);
}
END_TEST

START_TEST(rx_bad_buffer_answered_error)
{
	send_frames(1, 80);
	nb_tap_read(v, s);
	post_rx(NPAGES - 1, 9);
	nb_rx_pass(v, s);
	ck_assert_uint_eq(rxs->rsp_prod, 1);
	ck_assert_uint_eq(rx_slot(0)->rsp.id, 9);
	ck_assert_int_eq(rx_slot(0)->rsp.status, KEEL_NETIF_RSP_ERROR);
	ck_assert_uint_eq(v->st.drops[NB_DROP_RX_GRANT], 1);
}
END_TEST

START_TEST(rx_multi_slot_only_with_sg)
{
	struct keel_netif_rx_response r0, r1;

	send_frames(1, 6000);
	nb_tap_read(v, s);                     /* sg off: too big */
	ck_assert_uint_eq(v->rxq_len, 0);
	ck_assert_uint_eq(v->st.drops[NB_DROP_RX_TOO_BIG], 1);
	v->sg = true;
	send_frames(1, 6000);
	nb_tap_read(v, s);
	post_rx(6, 1);
	nb_rx_pass(v, s);                      /* one buffer: not enough */
	ck_assert_uint_eq(rxs->rsp_prod, 0);
	post_rx(7, 2);
	nb_rx_pass(v, s);
	ck_assert_uint_eq(rxs->rsp_prod, 2);
	r0 = rx_slot(0)->rsp;
	r1 = rx_slot(1)->rsp;
	ck_assert_uint_eq(r0.id, 1);
	ck_assert_int_eq(r0.status, 4096);
	ck_assert_uint_eq(r0.flags, KEEL_NETRXF_MORE_DATA);
	ck_assert_uint_eq(r1.id, 2);
	ck_assert_int_eq(r1.status, 6000 - 4096);
	ck_assert_uint_eq(r1.flags, 0);
}
END_TEST

START_TEST(rx_producer_far_ahead_closes)
{
	send_frames(1, 60);
	nb_tap_read(v, s);
	rxs->req_prod = 300;
	nb_rx_pass(v, s);
	ck_assert(dev.closed);
	ck_assert_ptr_nonnull(strstr(dev.why, "broken rx ring"));
}
END_TEST

Suite *suite_io(void)
{
	Suite *su = suite_create("io");
	TCase *tc = tcase_create("passes");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, tx_frames_in_order_one_copy);
	tcase_add_test(tc, tx_bad_and_spoofed_answered_in_place);
	tcase_add_test(tc, tx_chain_waits_until_complete);
	tcase_add_test(tc, tx_endless_chain_closes);
	tcase_add_test(tc, tx_producer_far_ahead_closes);
	tcase_add_test(tc, tx_rate_holds_packets_on_the_ring);
	tcase_add_test(tc, rx_frames_into_posted_buffers);
	tcase_add_test(tc, rx_guest_not_reading_drops_its_own);
	tcase_add_test(tc, rx_queue_bounded_in_bytes);
	tcase_add_test(tc, rx_bad_buffer_answered_error);
	tcase_add_test(tc, rx_multi_slot_only_with_sg);
	tcase_add_test(tc, rx_producer_far_ahead_closes);
	suite_add_tcase(su, tc);
	return su;
}
