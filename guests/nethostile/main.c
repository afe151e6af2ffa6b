/*
 * nethostile: a raw network frontend (no TCP/IP stack) that breaks the
 * netif rules on purpose (docs/network.md, "Hostile frontends") and checks
 * keel-netback's answers: each bad tx request gets an error status and is
 * counted, spoofed frames are dropped (status DROPPED) and counted, a
 * flood of tiny packets is answered, and a broken ring -- an endless
 * chain, a producer index far ahead -- disconnects only that vif.  It
 * never posts an rx buffer on vif 0, so what dom0 sends it is dropped as
 * rx-no-buffer.  vif 1 asks for no copy-mode rx and must be refused.
 * First, round trips through dom0's own stack check the data paths
 * themselves: dom0 answers its ARP request and its ping (dom0's kernel
 * checks our checksums, we check its reply byte for byte), a UDP datagram
 * with a blank checksum is answered (keel-netback filled it in), and an
 * rx buffer whose ref was never granted gets an error.
 *
 * Its vifs (guests/nethostile.cfg): 0 with ip=169.254.77.50 for the tx
 * cases and the spoofing, 1 for the refusal, 2 for the producer index.
 * One "PASS: name" / "FAIL: name: why" line per check, then
 * "nethostile: N passed, N failed".  The dom0 test reads the drop
 * counters (vmctl network-list) and sends vif 0 frames it never reads.
 * "wait-flood" on the command line: before the last, disconnecting cases
 * it waits for dom0 to write data/go (so the counters can be read while
 * vif 0 still runs).
 */
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#include <public/io/netif.h>
#include <public/io/xenbus.h>

#define BOUND_NS    (30 * NS_PER_SEC)
#define TX_SLOTS    256u
#define FLOOD       (8 * TX_SLOTS)
#define NOT_GRANTED 400u           /* a ref this program never uses */

struct vif {
	char fe[64], be[96];
	uint8_t mac[6];
	uint32_t ip;                   /* network order, from the backend's ip */
	struct keel_sring_header *tx, *rx;
	union keel_netif_tx_slot *txs;
	keel_evtchn_port_t port;
	keel_ring_idx_t rsp_cons;
	union keel_netif_rx_slot *rxs;
	keel_ring_idx_t rx_cons;
	uint8_t peer[6];               /* dom0's bridge MAC, from its ARP reply */
};

#define RX_SLOTS 512u               /* 8-byte slots in one page */
#define RX_BUFS  8u
static uint8_t *rx_page[RX_BUFS];
static uint32_t rx_ref[RX_BUFS];

static unsigned int passed, failed;
static uint8_t *page;              /* frames are built here          */
static uint32_t data_ref;          /* page granted to dom0, read-only */

static void result(const char *name, int ok, const char *why)
{
	if (ok)
		passed++;
	else
		failed++;
	printk(ok ? "PASS: %s\n" : "FAIL: %s: %s\n", name, why);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int h = hexval(s[i * 3]), l = hexval(s[i * 3 + 1]);

		if (h < 0 || l < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return 0;
		mac[i] = (uint8_t)(h << 4 | l);
	}
	return 1;
}

/* "a.b.c.d" (the first address of the ip key) in network order; 0 if none. */
static uint32_t parse_ip(const char *s)
{
	uint32_t v = 0, part;

	for (int i = 0; i < 4; i++) {
		if (*s < '0' || *s > '9')
			return 0;
		for (part = 0; *s >= '0' && *s <= '9'; s++)
			part = part * 10 + (uint32_t)(*s - '0');
		if (part > 255 || (i < 3 && *s++ != '.'))
			return 0;
		v |= part << (8 * i);
	}
	return v;
}

/* vif n's directories and the backend's offer. */
static int find_vif(struct vif *v, unsigned int n)
{
	char path[128], val[64];

	gk_snprintf(path, sizeof(path), "device/vif/%u", n);
	xs_home_path(v->fe, sizeof(v->fe), path);
	gk_snprintf(path, sizeof(path), "%s/backend", v->fe);
	if (xs_read(XS_NO_TX, path, v->be, sizeof(v->be)) <= 0)
		return 0;
	if (!xs_wait_num(v->be, "state", KEEL_XBS_INITWAIT, BOUND_NS))
		return 0;
	gk_snprintf(path, sizeof(path), "%s/mac", v->fe);
	if (xs_read(XS_NO_TX, path, val, sizeof(val)) <= 0 || !parse_mac(val, v->mac))
		return 0;
	gk_snprintf(path, sizeof(path), "%s/ip", v->be);
	v->ip = xs_read(XS_NO_TX, path, val, sizeof(val)) > 0 ? parse_ip(val) : 0;
	return 1;
}

static struct keel_sring_header *ring_page(uint32_t *ref)
{
	long gfn = mm_alloc_page();
	struct keel_sring_header *s;

	if (gfn < 0)
		return NULL;
	s = (struct keel_sring_header *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
	memset(s, 0, KEEL_PAGE_SIZE);
	s->req_event = s->rsp_event = 1;
	*ref = (uint32_t)gnttab_grant_access(0, (uint64_t)gfn, 0);
	return s;
}

/* Linux netfront's handshake: keys, then Connected. */
static void write_keys(struct vif *v, int rx_copy)
{
	uint32_t txref, rxref;

	v->tx = ring_page(&txref);
	v->rx = ring_page(&rxref);
	v->txs = (union keel_netif_tx_slot *)((uint8_t *)v->tx + KEEL_RING_HEADER_SIZE);
	v->rxs = (union keel_netif_rx_slot *)((uint8_t *)v->rx + KEEL_RING_HEADER_SIZE);
	v->port = (keel_evtchn_port_t)evtchn_alloc_unbound(0);
	evtchn_bind(v->port, NULL, NULL);
	xs_write_num(v->fe, "tx-ring-ref", txref);
	xs_write_num(v->fe, "rx-ring-ref", rxref);
	xs_write_num(v->fe, "event-channel", v->port);
	if (rx_copy)
		xs_write_num(v->fe, "request-rx-copy", 1);
	xs_write_num(v->fe, "feature-rx-notify", 1);
	xs_write_num(v->fe, "feature-sg", 0);
	xs_write_num(v->fe, "state", KEEL_XBS_CONNECTED);
}

/* Waits until the backend's state is one of want/want2: 1, or 0. */
static int wait_be(struct vif *v, long want, long want2)
{
	uint64_t deadline = time_now_ns() + BOUND_NS;
	long s;

	while ((s = xs_read_num(v->be, "state")) != want && s != want2) {
		if (time_now_ns() > deadline)
			return 0;
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	}
	return 1;
}

/*
 * Puts the n slots on the tx ring, notifies and waits for n responses.
 * Returns the status of the first response (of the last packet put when
 * n covers several packets: the caller says which), or 99 on timeout.
 * *all_same is set when every request slot got that status.
 */
static int submit(struct vif *v, const union keel_netif_tx_slot *s,
		  unsigned int n, int *all_same)
{
	uint64_t deadline = time_now_ns() + BOUND_NS;
	keel_ring_idx_t prod = v->tx->req_prod;
	int first = 99, same = 1;

	for (unsigned int i = 0; i < n; i++)
		v->txs[(prod + i) % TX_SLOTS] = s[i];
	__atomic_store_n(&v->tx->req_prod, prod + n, __ATOMIC_RELEASE);
	evtchn_send(v->port);
	for (unsigned int i = 0; i < n;) {
		if (v->rsp_cons == __atomic_load_n(&v->tx->rsp_prod, __ATOMIC_ACQUIRE)) {
			if (time_now_ns() > deadline)
				return 99;
			v->tx->rsp_event = v->rsp_cons + 1;
			kernel_block(time_now_ns() + NS_PER_MS);
			continue;
		}
		{
			struct keel_netif_tx_response r = v->txs[v->rsp_cons++ % TX_SLOTS].rsp;

			if (i == 0)
				first = r.status;
			else if (r.status != first && r.status != KEEL_NETIF_RSP_NULL)
				same = 0;
		}
		i++;
	}
	if (all_same)
		*all_same = same;
	return first;
}

static uint16_t ip_csum(const uint8_t *p, unsigned int len)
{
	uint32_t s = 0;

	for (unsigned int i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A UDP/IPv4 frame at page+off to dom0 (169.254.77.1, port 9, discard)
 * from src_mac/src_ip: its length (60). */
static unsigned int udp_frame(unsigned int off, const uint8_t *dst_mac,
			      const uint8_t *src_mac, uint32_t src_ip)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t *f = page + off, *ip = f + 14, *udp = ip + 20;
	uint32_t dst = 1u << 24 | 77u << 16 | 254u << 8 | 169u;

	memset(f, 0, 60);
	memcpy(f, dst_mac ? dst_mac : bcast, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 20 + 8 + 18;
	ip[8] = 64;
	ip[9] = 17;
	memcpy(ip + 12, &src_ip, 4);
	memcpy(ip + 16, &dst, 4);
	{
		uint16_t c = ip_csum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	udp[1] = 9;
	udp[3] = 9;
	udp[5] = 8 + 18;             /* checksum 0: none */
	memcpy(udp + 8, "keel nethostile!!", 17);
	return 60;
}

/* A gratuitous ARP at page+off from eth_src with sender sha/spa. */
static unsigned int arp_frame(unsigned int off, const uint8_t *eth_src,
			      const uint8_t *sha, uint32_t spa)
{
	uint8_t *f = page + off, *a = f + 14;

	memset(f, 0, 60);
	memset(f, 0xff, 6);
	memcpy(f + 6, eth_src, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	a[1] = 1;                    /* Ethernet */
	a[2] = 0x08;                 /* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;                    /* request */
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 24, &spa, 4);
	return 60;
}

static union keel_netif_tx_slot req(uint32_t gref, uint16_t offset, uint16_t size,
				    uint16_t flags, uint16_t id)
{
	union keel_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.req.gref = gref;
	s.req.offset = offset;
	s.req.size = size;
	s.req.flags = flags;
	s.req.id = id;
	return s;
}

static void expect(struct vif *v, const char *name,
		   const union keel_netif_tx_slot *s, unsigned int n, int want)
{
	char why[64];
	int same = 1, st = submit(v, s, n, &same);

	gk_snprintf(why, sizeof(why), "status %d%s, expected %d", st,
		    same ? "" : " (not on every slot)", want);
	result(name, st == want && same, why);
}

/* Posts rx buffer b (or a ref never granted when bad). */
static void post_rx(struct vif *v, unsigned int b, int bad)
{
	keel_ring_idx_t prod = v->rx->req_prod;
	union keel_netif_rx_slot *s = &v->rxs[prod % RX_SLOTS];

	memset(s, 0, sizeof(*s));
	s->req.id = (uint16_t)b;
	s->req.gref = bad ? NOT_GRANTED : rx_ref[b];
	__atomic_store_n(&v->rx->req_prod, prod + 1, __ATOMIC_RELEASE);
	evtchn_send(v->port);
}

/*
 * Waits (bounded) for the next rx response: 1 and *r, or 0.  Its buffer
 * is not posted again: the caller decides.
 */
static int next_rx(struct vif *v, struct keel_netif_rx_response *r,
		   uint64_t deadline)
{
	while (v->rx_cons == __atomic_load_n(&v->rx->rsp_prod, __ATOMIC_ACQUIRE)) {
		if (time_now_ns() > deadline)
			return 0;
		v->rx->rsp_event = v->rx_cons + 1;
		kernel_block(time_now_ns() + NS_PER_MS);
	}
	*r = v->rxs[v->rx_cons++ % RX_SLOTS].rsp;
	return 1;
}

typedef int (*frame_match_t)(struct vif *v, const uint8_t *f, unsigned int len);

/*
 * Keeps buffer 0 posted and waits for a frame that match() accepts;
 * other frames (dom0's own broadcasts) are skipped.  1, or 0 after the
 * bound; *why says what came instead.
 */
static int receive(struct vif *v, frame_match_t match, char *why, size_t size)
{
	uint64_t deadline = time_now_ns() + 10 * NS_PER_SEC;
	struct keel_netif_rx_response r;
	unsigned int seen = 0;

	gk_snprintf(why, size, "nothing received");
	for (;;) {
		post_rx(v, 0, 0);
		if (!next_rx(v, &r, deadline))
			return 0;
		seen++;
		if (r.id != 0 || r.status <= 0 || (unsigned int)r.offset + (unsigned int)r.status > KEEL_PAGE_SIZE ||
		    (r.flags & KEEL_NETRXF_MORE_DATA)) {
			gk_snprintf(why, size, "bad response: id %u offset %u flags %#x "
				    "status %d", r.id, r.offset, r.flags, r.status);
			return 0;
		}
		if (match(v, rx_page[0] + r.offset, (unsigned int)r.status))
			return 1;
		gk_snprintf(why, size, "%u frames, none matching (last %d bytes, "
			    "type %02x%02x)", seen, r.status, rx_page[0][r.offset + 12],
			    rx_page[0][r.offset + 13]);
	}
}

static const uint8_t dom0_ip[4] = { 169, 254, 77, 1 };

static int is_arp_reply(struct vif *v, const uint8_t *f, unsigned int len)
{
	if (len < 42 || f[12] != 0x08 || f[13] != 0x06 || f[21] != 2 ||
	    memcmp(f + 28, dom0_ip, 4) != 0 || memcmp(f, v->mac, 6) != 0)
		return 0;
	memcpy(v->peer, f + 22, 6);
	return 1;
}

#define PING_ID  0x4b45
#define PING_LEN 64u

static int is_echo_reply(struct vif *v, const uint8_t *f, unsigned int len)
{
	const uint8_t *ip = f + 14, *icmp = f + 34;

	(void)v;
	if (len < 34 + 8 + PING_LEN || f[12] != 0x08 || f[13] != 0x00 ||
	    ip[9] != 1 || icmp[0] != 0 || icmp[4] != (PING_ID >> 8) ||
	    icmp[5] != (PING_ID & 0xff) || ip_csum(ip, 20) != 0 ||
	    ip_csum(icmp, 8 + PING_LEN) != 0)
		return 0;
	for (unsigned int i = 0; i < PING_LEN; i++)
		if (icmp[8 + i] != (uint8_t)(i * 13 + 7))
			return 0;
	return 1;
}

/* ICMP port unreachable about our UDP datagram to port 9 */
static int is_port_unreachable(struct vif *v, const uint8_t *f, unsigned int len)
{
	const uint8_t *icmp = f + 34;

	(void)v;
	return len >= 34 + 8 + 28 && f[12] == 0x08 && f[13] == 0x00 &&
	       f[23] == 1 && icmp[0] == 3 && icmp[1] == 3 &&
	       icmp[8 + 9] == 17 && icmp[8 + 20 + 3] == 9;
}

/*
 * Round trips through dom0's own stack: an ARP request answered, an ICMP
 * echo answered with the same bytes (dom0's kernel checks the checksums
 * of what we sent, we check what it sent), a UDP datagram sent with a
 * blank checksum that keel-netback fills in (dom0 answers a closed port
 * only for a datagram whose checksum is right), and an rx buffer with a
 * ref never granted, answered with an error.  Buffers are posted one at
 * a time: afterwards none is left posted on this vif.
 */
static void round_trips(struct vif *v)
{
	union keel_netif_tx_slot s[1];
	struct keel_netif_rx_response r;
	char why[96];
	unsigned int len;
	uint8_t *f, *ip, *icmp;

	for (unsigned int i = 0; i < RX_BUFS; i++) {
		long gfn = mm_alloc_page();

		rx_page[i] = (uint8_t *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
		rx_ref[i] = (uint32_t)gnttab_grant_access(0, (uint64_t)gfn, 0);
	}
	/* who has 169.254.77.1? */
	len = arp_frame(0, v->mac, v->mac, v->ip);
	memcpy(page + 38, dom0_ip, 4);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 100);
	if (submit(v, s, 1, NULL) != KEEL_NETIF_RSP_OKAY || !receive(v, is_arp_reply, why, sizeof(why))) {
		result("arp_reply_from_dom0", 0, why);
		return;
	}
	result("arp_reply_from_dom0", 1, "");

	len = 14 + 20 + 8 + PING_LEN;
	f = page + 256;
	memset(f, 0, len);
	memcpy(f, v->peer, 6);
	memcpy(f + 6, v->mac, 6);
	f[12] = 0x08;
	ip = f + 14;
	ip[0] = 0x45;
	ip[3] = (uint8_t)(20 + 8 + PING_LEN);
	ip[8] = 64;
	ip[9] = 1;
	memcpy(ip + 12, &v->ip, 4);
	memcpy(ip + 16, dom0_ip, 4);
	{
		uint16_t c = ip_csum(ip, 20);

		ip[10] = (uint8_t)(c >> 8);
		ip[11] = (uint8_t)c;
	}
	icmp = ip + 20;
	icmp[0] = 8;
	icmp[4] = PING_ID >> 8;
	icmp[5] = PING_ID & 0xff;
	icmp[7] = 1;
	for (unsigned int i = 0; i < PING_LEN; i++)
		icmp[8 + i] = (uint8_t)(i * 13 + 7);
	{
		uint16_t c = ip_csum(icmp, 8 + PING_LEN);

		icmp[2] = (uint8_t)(c >> 8);
		icmp[3] = (uint8_t)c;
	}
	s[0] = req(data_ref, 256, (uint16_t)len, 0, 101);
	result("ping_dom0_round_trip",
	       submit(v, s, 1, NULL) == KEEL_NETIF_RSP_OKAY &&
	       receive(v, is_echo_reply, why, sizeof(why)), why);

	/* UDP to dom0's port 9 (closed), checksum left blank: garbage in the
	 * field, CSUM_BLANK set. */
	len = udp_frame(0, v->peer, v->mac, v->ip);
	page[14 + 20 + 6] = 0x12;
	page[14 + 20 + 7] = 0x34;
	s[0] = req(data_ref, 0, (uint16_t)len, KEEL_NETTXF_CSUM_BLANK, 102);
	result("blank_udp_checksum_filled",
	       submit(v, s, 1, NULL) == KEEL_NETIF_RSP_OKAY &&
	       receive(v, is_port_unreachable, why, sizeof(why)), why);

	/* A buffer we never granted: the next frame for us lands on it. */
	post_rx(v, 1, 1);
	s[0] = req(data_ref, 256, (uint16_t)(14 + 20 + 8 + PING_LEN), 0, 103);
	submit(v, s, 1, NULL);
	if (!next_rx(v, &r, time_now_ns() + 10 * NS_PER_SEC))
		result("rx_buffer_not_granted_answered_error", 0, "no response");
	else
		result("rx_buffer_not_granted_answered_error",
		       r.id == 1 && r.status == KEEL_NETIF_RSP_ERROR, "status not ERROR");
}

static void tx_cases(struct vif *v)
{
	static union keel_netif_tx_slot s[TX_SLOTS];
	static const uint8_t other_mac[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x99 };
	uint32_t other_ip = v->ip ^ (3u << 24);          /* .50 -> .49 */
	long gfn = mm_alloc_page();
	uint32_t foreign = (uint32_t)gnttab_grant_access(5, (uint64_t)gfn, 1);
	unsigned int len, i;
	int same;

	len = udp_frame(0, NULL, v->mac, v->ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 1);
	expect(v, "good_frame", s, 1, KEEL_NETIF_RSP_OKAY);
	/* The same frame in two fragments (first 20 bytes, then the rest). */
	s[0] = req(data_ref, 0, (uint16_t)len, KEEL_NETTXF_MORE_DATA, 2);
	s[1] = req(data_ref, 20, (uint16_t)(len - 20), 0, 3);
	s[0].req.size = (uint16_t)len;
	/* first fragment holds len - (len-20) = 20 bytes */
	expect(v, "good_two_fragment_frame", s, 2, KEEL_NETIF_RSP_OKAY);

	s[0] = req(data_ref, 0, 0, 0, 4);
	expect(v, "size_0", s, 1, KEEL_NETIF_RSP_ERROR);
	s[0] = req(data_ref, 0, 13, 0, 5);
	expect(v, "runt_13_bytes", s, 1, KEEL_NETIF_RSP_ERROR);
	s[0] = req(data_ref, 4000, 200, 0, 6);
	expect(v, "offset_plus_size_past_page", s, 1, KEEL_NETIF_RSP_ERROR);
	s[0] = req(data_ref, 5000, 60, 0, 7);
	expect(v, "offset_past_page", s, 1, KEEL_NETIF_RSP_ERROR);
	/* 18 fragments of 4096 claim 73728 bytes: over 64 KiB, and over the
	 * packet's own size. */
	for (i = 0; i < 18; i++)
		s[i] = req(data_ref, 0, 4096, i < 17 ? KEEL_NETTXF_MORE_DATA : 0,
			   (uint16_t)(10 + i));
	s[0].req.size = 0xffff;
	expect(v, "chain_over_64k", s, 18, KEEL_NETIF_RSP_ERROR);
	/* 19 requests: one over the slot limit. */
	for (i = 0; i < KEEL_NETIF_MAX_SLOTS + 1; i++)
		s[i] = req(data_ref, 0, 60, i < KEEL_NETIF_MAX_SLOTS ?
			   KEEL_NETTXF_MORE_DATA : 0, (uint16_t)(40 + i));
	s[0].req.size = (uint16_t)(60 * (KEEL_NETIF_MAX_SLOTS + 1));
	expect(v, "chain_over_slot_limit", s, KEEL_NETIF_MAX_SLOTS + 1,
	       KEEL_NETIF_RSP_ERROR);
	/* A GSO extra: not offered. */
	s[0] = req(data_ref, 0, (uint16_t)len, KEEL_NETTXF_EXTRA_INFO, 70);
	memset(&s[1], 0, sizeof(s[1]));
	s[1].extra.type = KEEL_NETIF_EXTRA_TYPE_GSO;
	expect(v, "gso_extra_not_offered", s, 2, KEEL_NETIF_RSP_ERROR);
	s[0] = req(NOT_GRANTED, 0, (uint16_t)len, 0, 71);
	expect(v, "ref_not_granted", s, 1, KEEL_NETIF_RSP_ERROR);
	s[0] = req(100000, 0, (uint16_t)len, 0, 72);
	expect(v, "ref_out_of_range", s, 1, KEEL_NETIF_RSP_ERROR);
	s[0] = req(foreign, 0, (uint16_t)len, 0, 73);
	expect(v, "ref_granted_to_another_domain", s, 1, KEEL_NETIF_RSP_ERROR);

	/* Spoofing: dropped, not sent. */
	len = udp_frame(0, NULL, other_mac, v->ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 80);
	expect(v, "spoofed_source_mac", s, 1, KEEL_NETIF_RSP_DROPPED);
	len = udp_frame(0, NULL, v->mac, other_ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 81);
	expect(v, "spoofed_source_ip", s, 1, KEEL_NETIF_RSP_DROPPED);
	len = arp_frame(0, v->mac, other_mac, v->ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 82);
	expect(v, "spoofed_arp_sender_mac", s, 1, KEEL_NETIF_RSP_DROPPED);
	len = arp_frame(0, v->mac, v->mac, other_ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 83);
	expect(v, "spoofed_arp_sender_ip", s, 1, KEEL_NETIF_RSP_DROPPED);
	len = arp_frame(0, v->mac, v->mac, v->ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 84);
	expect(v, "own_arp_passes", s, 1, KEEL_NETIF_RSP_OKAY);

	/* A flood of tiny frames to our own MAC (the bridge keeps them on
	 * our port: nobody else sees them), a ring's worth at a time. */
	len = udp_frame(0, v->mac, v->mac, v->ip);
	for (i = 0; i < TX_SLOTS; i++)
		s[i] = req(data_ref, 0, (uint16_t)len, 0, (uint16_t)i);
	same = 1;
	for (i = 0; i < FLOOD / TX_SLOTS && same; i++)
		same = submit(v, s, TX_SLOTS, &same) == KEEL_NETIF_RSP_OKAY && same;
	result("flood_of_tiny_frames", same, "a frame of the flood failed or timed out");
	len = udp_frame(0, NULL, v->mac, v->ip);
	s[0] = req(data_ref, 0, (uint16_t)len, 0, 90);
	expect(v, "good_frame_after_all_that", s, 1, KEEL_NETIF_RSP_OKAY);
}

/* The last case of vif 0: a chain that never ends fills the ring. */
static void endless_chain(struct vif *v)
{
	keel_ring_idx_t prod = v->tx->req_prod;

	for (unsigned int i = 0; i < TX_SLOTS; i++)
		v->txs[(prod + i) % TX_SLOTS] =
			req(data_ref, 0, 60, KEEL_NETTXF_MORE_DATA, (uint16_t)i);
	v->txs[prod % TX_SLOTS].req.size = 60 * 255;
	__atomic_store_n(&v->tx->req_prod, prod + TX_SLOTS, __ATOMIC_RELEASE);
	evtchn_send(v->port);
	result("endless_chain_disconnects", wait_be(v, KEEL_XBS_CLOSED, KEEL_XBS_CLOSING),
	       "backend not Closed");
	xs_write_num(v->fe, "state", KEEL_XBS_CLOSED);
}

int guest_main(const char *cmdline)
{
	struct vif v0, v1, v2;
	long gfn;

	(void)cmdline;
	memset(&v0, 0, sizeof(v0));
	memset(&v1, 0, sizeof(v1));
	memset(&v2, 0, sizeof(v2));
	gfn = mm_alloc_page();
	page = (uint8_t *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
	data_ref = (uint32_t)gnttab_grant_access(0, (uint64_t)gfn, 1);

	/* vif 1: no request-rx-copy: refused, this vif only. */
	if (find_vif(&v1, 1)) {
		write_keys(&v1, 0);
		result("refused_without_rx_copy", wait_be(&v1, KEEL_XBS_CLOSED, -2),
		       "backend not Closed");
		xs_write_num(v1.fe, "state", KEEL_XBS_CLOSED);
	} else {
		result("refused_without_rx_copy", 0, "no vif 1 or no offer");
	}

	if (!find_vif(&v0, 0) || !v0.ip) {
		result("connect", 0, "no vif 0 with an ip, or no offer");
		goto out;
	}
	write_keys(&v0, 1);
	if (!wait_be(&v0, KEEL_XBS_CONNECTED, -2)) {
		result("connect", 0, "backend not Connected");
		goto out;
	}
	result("connect", 1, "");
	round_trips(&v0);
	tx_cases(&v0);

	/* vif 2: a producer index far ahead. */
	if (find_vif(&v2, 2)) {
		write_keys(&v2, 1);
		if (wait_be(&v2, KEEL_XBS_CONNECTED, -2)) {
			__atomic_store_n(&v2.tx->req_prod, v2.tx->req_prod + 1000,
					 __ATOMIC_RELEASE);
			evtchn_send(v2.port);
			result("producer_far_ahead_disconnects",
			       wait_be(&v2, KEEL_XBS_CLOSED, KEEL_XBS_CLOSING),
			       "backend not Closed");
			xs_write_num(v2.fe, "state", KEEL_XBS_CLOSED);
		} else {
			result("producer_far_ahead_disconnects", 0, "vif 2 not Connected");
		}
	}

	if (cmdline_has("wait-flood")) {
		char path[96];

		printk("nethostile: vif 0 up, waiting for dom0 (data/go)\n");
		xs_home_path(path, sizeof(path), "data");
		if (!xs_wait_num(path, "go", 1, 120 * NS_PER_SEC))
			printk("nethostile: no data/go after 120 s; going on\n");
	}
	endless_chain(&v0);
out:
	printk("nethostile: %u passed, %u failed\n", passed, failed);
	for (;;)
		kernel_wait(0);
}
