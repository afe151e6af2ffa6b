/*
 * netecho: echo and throughput services on lwIP's raw API
 * (docs/guests.md).
 *
 *   udp 7   echo: every datagram goes back to its sender
 *   tcp 7   echo: every byte goes back (flow-controlled: what the send
 *           buffer cannot take yet is not acknowledged to the sender)
 *   tcp 9   sink: reads and counts; at the end "netecho: sink: N bytes
 *           in T ms"
 *   tcp 19  source: sends the net_pattern.h stream until the peer closes
 *
 * cmdline "peer=A.B.C.D [peer_bytes=N]": also connect to another
 * netecho's tcp 7, send N bytes (default 1 MiB) of the pattern, check
 * the echo byte for byte, and print "netecho: peer A: PASS N bytes
 * echoed in T ms" or "netecho: peer A: FAIL ...".  The connection is
 * tried again every second until NETECHO_PEER_TIMEOUT_NS.  After a PASS,
 * NETECHO_UDP_COUNT 64-byte datagrams to its udp 7, one at a time (each
 * sent again after a second without its echo, at most 3 times): "netecho:
 * peer A: udp PASS 100 datagrams echoed (R resent)" or "... udp FAIL".
 */
#include "kernel.h"
#include "net.h"
#include "net_cmdline.h"
#include "net_pattern.h"

#include "lwip/ip4_addr.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#define NETECHO_CONNS          16
#define NETECHO_CHUNK          (8u * TCP_MSS)   /* whole segments */
#define NETECHO_PEER_TIMEOUT_NS (120 * NS_PER_SEC)
#define NETECHO_PEER_DEFAULT   (1u << 20)
#define NETECHO_UDP_COUNT      100u
#define NETECHO_UDP_SIZE       64u
#define NETECHO_UDP_TRIES      3u

enum svc { SVC_ECHO = 7, SVC_SINK = 9, SVC_SOURCE = 19 };

struct conn {
	struct tcp_pcb *pcb;
	enum svc svc;
	struct pbuf *pending;     /* echo: received, not yet written back */
	uint64_t bytes;
	uint64_t start_ns;
	uint64_t idle0_ns;        /* net_idle_ns() at the start */
	int closing;
	int eof;                  /* the peer closed its side */
};

static struct conn conns[NETECHO_CONNS];
static uint8_t chunk[NETECHO_CHUNK];

/* ---- connections -------------------------------------------------------- */

static void conn_release(struct conn *c)
{
	if (c->pending)
		pbuf_free(c->pending);
	memset(c, 0, sizeof(*c));
}

static void conn_report(struct conn *c)
{
	uint64_t ms = (time_now_ns() - c->start_ns) / NS_PER_MS;
	uint64_t idle = (net_idle_ns() - c->idle0_ns) / NS_PER_MS;

	if (c->svc == SVC_SINK)
		printk("netecho: sink: %lu bytes in %lu ms, idle %lu ms\n",
		       (unsigned long)c->bytes, (unsigned long)ms, (unsigned long)idle);
	else if (c->svc == SVC_SOURCE)
		printk("netecho: source: %lu bytes in %lu ms, idle %lu ms\n",
		       (unsigned long)c->bytes, (unsigned long)ms, (unsigned long)idle);
	if (c->svc != SVC_ECHO)
		net_print_stats();
}

static void conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	if (!c->closing)
		conn_report(c);
	c->closing = 1;
	if (tcp_close(pcb) != ERR_OK)
		return;                  /* the poll callback tries again */
	tcp_arg(pcb, NULL);
	tcp_recv(pcb, NULL);
	tcp_sent(pcb, NULL);
	tcp_err(pcb, NULL);
	tcp_poll(pcb, NULL, 0);
	conn_release(c);
}

/* Echo: write back what the send buffer takes; acknowledge only that. */
static void echo_flush(struct conn *c)
{
	u16_t done = 0;

	while (c->pending) {
		struct pbuf *q = c->pending;
		u16_t room = tcp_sndbuf(c->pcb);
		u16_t n = q->len < room ? q->len : room;

		if (n == 0 || tcp_write(c->pcb, q->payload, n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		done += n;
		c->bytes += n;
		c->pending = pbuf_free_header(q, n);
	}
	if (done) {
		tcp_recved(c->pcb, done);
		tcp_output(c->pcb);
	}
}

static void source_fill(struct conn *c)
{
	int queued = 0;

	for (;;) {
		u16_t room = tcp_sndbuf(c->pcb);
		size_t n = room < NETECHO_CHUNK ? room : NETECHO_CHUNK;

		n -= n % TCP_MSS;          /* full segments only */
		if (n == 0)
			break;
		net_pattern_fill(chunk, c->bytes, n);
		if (tcp_write(c->pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		c->bytes += n;
		queued = 1;
	}
	if (queued)
		tcp_output(c->pcb);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (!p) {
		c->eof = 1;
		if (!c->pending)
			conn_close(c);
		return ERR_OK;
	}
	switch (c->svc) {
	case SVC_ECHO:
		if (c->pending)
			pbuf_cat(c->pending, p);
		else
			c->pending = p;
		echo_flush(c);
		return ERR_OK;
	case SVC_SINK:
		c->bytes += p->tot_len;
		break;
	case SVC_SOURCE:
		break;           /* what a source's peer sends is ignored */
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)pcb;
	(void)len;
	if (c->closing)
		conn_close(c);
	else if (c->svc == SVC_ECHO) {
		echo_flush(c);
		if (c->eof && !c->pending)
			conn_close(c);
	} else if (c->svc == SVC_SOURCE)
		source_fill(c);
	return ERR_OK;
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	return on_sent(arg, pcb, 0);
}

static void on_err(void *arg, err_t err)
{
	struct conn *c = arg;

	(void)err;
	if (!c)
		return;
	if (!c->closing)
		conn_report(c);     /* a source's peer that stopped reading: RST */
	conn_release(c);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c = NULL;

	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (unsigned int i = 0; i < NETECHO_CONNS && !c; i++)
		if (!conns[i].pcb)
			c = &conns[i];
	if (!c) {
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->pcb = pcb;
	c->svc = (enum svc)(uintptr_t)arg;
	c->start_ns = time_now_ns();
	c->idle0_ns = net_idle_ns();
	tcp_arg(pcb, c);
	tcp_recv(pcb, on_recv);
	tcp_sent(pcb, on_sent);
	tcp_err(pcb, on_err);
	tcp_poll(pcb, on_poll, 2);
	tcp_nagle_disable(pcb);
	if (c->svc == SVC_SOURCE)
		source_fill(c);
	return ERR_OK;
}

static int listen_on(enum svc svc)
{
	struct tcp_pcb *pcb = tcp_new();

	if (!pcb || tcp_bind(pcb, IP_ANY_TYPE, (u16_t)svc) != ERR_OK)
		return -KEEL_EBUSY;
	pcb = tcp_listen(pcb);
	if (!pcb)
		return -KEEL_ENOMEM;
	tcp_arg(pcb, (void *)(uintptr_t)svc);
	tcp_accept(pcb, on_accept);
	return 0;
}

static void udp_echo(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		     const ip_addr_t *addr, u16_t port)
{
	(void)arg;
	udp_sendto(pcb, p, addr, port);
	pbuf_free(p);
}

/* ---- peer check: the client side of tcp 7 ------------------------------------ */

struct peer {
	ip4_addr_t addr;
	char addr_str[16];
	struct tcp_pcb *pcb;
	uint64_t total, sent, received;
	uint64_t start_ns;
	int connected, done;      /* done: 1 PASS, -1 FAIL */
};

static struct peer peer;

/* The UDP part of the peer check, after the TCP part passed. */
struct udp_peer {
	struct udp_pcb *pcb;
	uint32_t seq;             /* the datagram waiting for its echo */
	uint32_t tries, resent;
	uint64_t sent_ns;
	int acked, done;
};

static struct udp_peer up;

static void udp_peer_payload(uint8_t *buf, uint32_t seq)
{
	memset(buf, 0, NETECHO_UDP_SIZE);
	gk_snprintf((char *)buf, NETECHO_UDP_SIZE, "keel-udp-%u", seq);
	net_pattern_fill(buf + 16, seq, NETECHO_UDP_SIZE - 16);
}

static void udp_peer_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
			  const ip_addr_t *addr, u16_t port)
{
	uint8_t want[NETECHO_UDP_SIZE], got[NETECHO_UDP_SIZE];

	(void)arg;
	(void)pcb;
	(void)addr;
	(void)port;
	udp_peer_payload(want, up.seq);
	if (p->tot_len == NETECHO_UDP_SIZE &&
	    pbuf_copy_partial(p, got, NETECHO_UDP_SIZE, 0) == NETECHO_UDP_SIZE &&
	    memcmp(got, want, NETECHO_UDP_SIZE) == 0)
		up.acked = 1;          /* echoes of earlier tries are ignored */
	pbuf_free(p);
}

static void udp_peer_send(void)
{
	struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, NETECHO_UDP_SIZE, PBUF_RAM);
	ip_addr_t a;

	if (!p)
		return;               /* tried again after the timeout */
	udp_peer_payload(p->payload, up.seq);
	ip_addr_copy_from_ip4(a, peer.addr);
	udp_sendto(up.pcb, p, &a, SVC_ECHO);
	pbuf_free(p);
	up.sent_ns = time_now_ns();
	up.tries++;
}

/* One step of the UDP check: the next deadline it needs (0: none). */
static uint64_t udp_peer_step(void)
{
	uint64_t now = time_now_ns();

	if (up.done || peer.done != 1)
		return 0;
	if (!up.pcb) {
		up.pcb = udp_new();
		if (!up.pcb || udp_bind(up.pcb, IP_ANY_TYPE, 0) != ERR_OK) {
			printk("netecho: peer %s: udp FAIL no socket\n", peer.addr_str);
			up.done = -1;
			return 0;
		}
		udp_recv(up.pcb, udp_peer_recv, NULL);
		udp_peer_send();
	}
	while (up.acked) {
		up.acked = 0;
		up.tries = 0;
		if (++up.seq == NETECHO_UDP_COUNT) {
			printk("netecho: peer %s: udp PASS %u datagrams echoed (%u resent)\n",
			       peer.addr_str, NETECHO_UDP_COUNT, up.resent);
			up.done = 1;
			return 0;
		}
		udp_peer_send();
	}
	if (now - up.sent_ns >= NS_PER_SEC) {
		if (up.tries >= NETECHO_UDP_TRIES) {
			printk("netecho: peer %s: udp FAIL datagram %u not echoed after %u tries\n",
			       peer.addr_str, up.seq, up.tries);
			up.done = -1;
			return 0;
		}
		up.resent++;
		udp_peer_send();
	}
	return up.sent_ns + NS_PER_SEC;
}

static void peer_finish(int ok, const char *why, uint64_t at)
{
	uint64_t ms = (time_now_ns() - peer.start_ns) / NS_PER_MS;

	peer.done = ok ? 1 : -1;
	if (ok)
		printk("netecho: peer %s: PASS %lu bytes echoed in %lu ms\n",
		       peer.addr_str, (unsigned long)peer.total, (unsigned long)ms);
	else
		printk("netecho: peer %s: FAIL %s at byte %lu\n", peer.addr_str, why,
		       (unsigned long)at);
	if (peer.pcb) {
		tcp_arg(peer.pcb, NULL);
		tcp_recv(peer.pcb, NULL);
		tcp_sent(peer.pcb, NULL);
		tcp_err(peer.pcb, NULL);
		if (tcp_close(peer.pcb) != ERR_OK)
			tcp_abort(peer.pcb);
		peer.pcb = NULL;
	}
}

static void peer_send(void)
{
	int queued = 0;

	while (peer.sent < peer.total) {
		u16_t room = tcp_sndbuf(peer.pcb);
		uint64_t left = peer.total - peer.sent;
		size_t n = left < NETECHO_CHUNK ? (size_t)left : NETECHO_CHUNK;

		if (n > room)
			n = room;
		if (n == 0)
			break;
		net_pattern_fill(chunk, peer.sent, n);
		if (tcp_write(peer.pcb, chunk, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
			break;
		peer.sent += n;
		queued = 1;
	}
	if (queued)
		tcp_output(peer.pcb);
}

static err_t peer_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	(void)err;
	if (!p) {
		peer_finish(0, "connection closed by the peer", peer.received);
		return ERR_OK;
	}
	for (struct pbuf *q = p; q; q = q->next) {
		size_t bad = net_pattern_check(q->payload, peer.received, q->len);

		if (bad != q->len || peer.received + q->len > peer.total) {
			tcp_recved(pcb, p->tot_len);
			pbuf_free(p);
			peer_finish(0, "echo differs from what was sent", peer.received + bad);
			return ERR_OK;
		}
		peer.received += q->len;
	}
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	if (peer.received == peer.total)
		peer_finish(1, NULL, 0);
	return ERR_OK;
}

static err_t peer_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	(void)arg;
	(void)pcb;
	(void)len;
	peer_send();
	return ERR_OK;
}

static void peer_err(void *arg, err_t err)
{
	(void)arg;
	peer.pcb = NULL;         /* freed by lwIP */
	if (peer.connected) {
		printk("netecho: peer %s: lwIP error %d\n", peer.addr_str, err);
		peer_finish(0, "connection reset or timed out", peer.received);
	}
	/* not connected yet: peer_step tries again */
}

static err_t peer_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	(void)arg;
	(void)pcb;
	if (err != ERR_OK)
		return err;
	peer.connected = 1;
	peer.start_ns = time_now_ns();
	printk("netecho: peer %s: connected, sending %lu bytes\n", peer.addr_str,
	       (unsigned long)peer.total);
	peer_send();
	return ERR_OK;
}

static void peer_connect(void)
{
	ip_addr_t a;

	ip_addr_copy_from_ip4(a, peer.addr);
	peer.pcb = tcp_new();
	if (!peer.pcb)
		return;
	tcp_recv(peer.pcb, peer_recv);
	tcp_sent(peer.pcb, peer_sent);
	tcp_err(peer.pcb, peer_err);
	tcp_nagle_disable(peer.pcb);
	if (tcp_connect(peer.pcb, &a, SVC_ECHO, peer_connected) != ERR_OK) {
		tcp_abort(peer.pcb);
		peer.pcb = NULL;
	}
}

int guest_main(const char *cmdline)
{
	struct udp_pcb *u;
	char val[32];
	uint64_t deadline = 0, next_try = 0;
	int rc;

	rc = net_init(cmdline);
	if (rc < 0) {
		printk("netecho: no network: error %d\n", rc);
		return rc;
	}
	u = udp_new();
	if (!u || udp_bind(u, IP_ANY_TYPE, SVC_ECHO) != ERR_OK) {
		printk("netecho: cannot bind udp %d\n", SVC_ECHO);
		return -KEEL_EBUSY;
	}
	udp_recv(u, udp_echo, NULL);
	rc = listen_on(SVC_ECHO);
	if (rc == 0)
		rc = listen_on(SVC_SINK);
	if (rc == 0)
		rc = listen_on(SVC_SOURCE);
	if (rc < 0) {
		printk("netecho: cannot listen: error %d\n", rc);
		return rc;
	}
	printk("netecho: %s: udp echo 7, tcp echo 7, sink 9, source 19\n", net_addr_str());

	rc = net_cmdline_value(cmdline, "peer=", val, sizeof(val));
	if (rc != 0) {
		uint64_t n = NETECHO_PEER_DEFAULT;
		char nb[24];

		if (rc < 0 || !ip4addr_aton(val, &peer.addr)) {
			printk("netecho: peer= is not an IPv4 address: %s\n", cmdline);
			return -KEEL_EINVAL;
		}
		rc = net_cmdline_value(cmdline, "peer_bytes=", nb, sizeof(nb));
		if (rc < 0 || (rc > 0 && (gk_parse_u64(nb, strlen(nb), &n) < 0 || n == 0))) {
			printk("netecho: peer_bytes= is not a positive number: %s\n", cmdline);
			return -KEEL_EINVAL;
		}
		peer.total = n;
		gk_strlcpy(peer.addr_str, val, sizeof(peer.addr_str));
		deadline = time_now_ns() + NETECHO_PEER_TIMEOUT_NS;
	}
	for (;;) {
		uint64_t now = time_now_ns();

		if (deadline && !peer.done && !peer.connected && !peer.pcb) {
			if (now >= deadline) {
				peer_finish(0, "no connection within 120 s", 0);
			} else if (now >= next_try) {
				next_try = now + NS_PER_SEC;
				peer_connect();
			}
		}
		uint64_t udp_wake = udp_peer_step();

		if (udp_wake)
			net_wait(udp_wake);
		else
			net_wait(deadline && !peer.done && next_try > now ? next_try : 0);
	}
}
