/*
 * Network frontend (netfront.h): the store handshake and the two netif
 * rings, on the guest kernel's grant table, event channels and store
 * client.  The pure parts -- tx buffer ids, response checks, the
 * handshake decisions -- are in netfront_ring.c.
 *
 * Buffers never move: 64 pages of tx buffers (two 2 KiB buffers each,
 * granted read-only) and 128 rx pages (granted writable) are granted
 * once per connection; the backend copies into and out of them with
 * grant copy, so nothing of ours stays mapped.  The ring pages are new
 * at every (re)connection: a backend that died with them mapped may
 * still hold them, and a fresh ring cannot be confused with the old.
 */
#include "netfront.h"
#include "kernel.h"
#include "mm.h"
#include "xenbus.h"
#include "xs.h"

#define NF_PATH_MAX   96
#define NF_POLL_NS    (100 * NS_PER_MS)
#define NF_CLOSE_WAIT_NS (10 * NS_PER_SEC)
#define NF_TX_PAGES   (NETFRONT_TX_BUFS / 2)
#define NF_TX_SLOTS   KEEL_NETIF_TX_RING_SLOTS
#define NF_RX_SLOTS   KEEL_NETIF_RX_RING_SLOTS

struct netfront {
	int used;
	unsigned int handle;
	char name[8];                 /* "vif0" */
	uint16_t backend_id;
	uint8_t mac[6];
	char fe_path[NF_PATH_MAX];
	char be_path[NF_PATH_MAX];
	struct xb_watch watch;        /* watch.active: both states watched */

	enum netfront_phase phase;
	int prev_be;
	int broken;                   /* ring protocol broken: close at next poll */
	netfront_rx_fn rx_fn;
	netfront_link_fn link_fn;
	void *arg;

	/* rings: pages from the allocator, new at each setup */
	struct keel_netif_tx_sring *tx;
	struct keel_netif_rx_sring *rx;
	uint32_t tx_ring_ref, rx_ring_ref;
	keel_ring_idx_t tx_prod_pvt, tx_rsp_cons;
	keel_ring_idx_t rx_prod_pvt, rx_rsp_cons;
	long port;                    /* ours, unbound for the backend; -1 */
	volatile uint64_t events;
	uint64_t events_seen;

	int pool_ready;
	uint64_t tx_gfn[NF_TX_PAGES];
	uint32_t tx_ref[NF_TX_PAGES];
	uint64_t rx_gfn[NETFRONT_RX_BUFS];
	uint32_t rx_ref[NETFRONT_RX_BUFS];
	unsigned long leaked;         /* pages the backend still held at the end */

	struct netfront_txq txq;
	uint8_t rx_posted[NETFRONT_RX_BUFS];
	struct netfront_stats stats;
};

static struct netfront devs[NETFRONT_MAX_DEVS];

static void *page_ptr(uint64_t gfn)
{
	return (void *)(uintptr_t)(gfn << KEEL_PAGE_SHIFT);
}

static uint64_t ptr_gfn(const void *p)
{
	return (uint64_t)(uintptr_t)p >> KEEL_PAGE_SHIFT;
}

/* ---- store helpers (drivers/front/common/xenbus.h) ----------------------- */

static int read_key(uint32_t tx, const char *dir, const char *key, char *val,
		    size_t len)
{
	return xb_read(tx, dir, key, val, len);
}

static int write_key(uint32_t tx, const char *dir, const char *key,
		     const char *val)
{
	return xb_write(tx, dir, key, val);
}

static int write_u64(uint32_t tx, const char *dir, const char *key, uint64_t v)
{
	return xb_write_u64(tx, dir, key, v);
}

static int write_state(struct netfront *nf, int state)
{
	return xb_write_state(nf->fe_path, state);
}

/* ---- grants ---------------------------------------------------------------- */

/* End a grant; the page goes back to the allocator only if the backend
 * no longer holds it (else it is kept aside for ever). */
static void end_grant(struct netfront *nf, uint32_t *ref, uint64_t *gfn)
{
	int rc = 0;

	if (*ref)
		rc = gnttab_end_access(*ref);
	if (rc < 0)
		nf->leaked++;
	else if (*gfn)
		mm_free_page(*gfn);
	*ref = 0;
	*gfn = 0;
}

static void rings_release(struct netfront *nf)
{
	uint64_t g;

	g = nf->tx ? ptr_gfn(nf->tx) : 0;
	end_grant(nf, &nf->tx_ring_ref, &g);
	g = nf->rx ? ptr_gfn(nf->rx) : 0;
	end_grant(nf, &nf->rx_ring_ref, &g);
	nf->tx = NULL;
	nf->rx = NULL;
}

static void pool_release(struct netfront *nf)
{
	unsigned long leaked = nf->leaked;

	for (unsigned int i = 0; i < NF_TX_PAGES; i++)
		end_grant(nf, &nf->tx_ref[i], &nf->tx_gfn[i]);
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++)
		end_grant(nf, &nf->rx_ref[i], &nf->rx_gfn[i]);
	nf->pool_ready = 0;
	if (nf->leaked != leaked)
		printk("netfront: %s: %lu pages still in use by the backend, kept aside\n",
		       nf->name, nf->leaked - leaked);
}

/* A fresh page granted to the backend: 0, or an error with nothing held. */
static int grant_new_page(struct netfront *nf, int readonly, uint64_t *gfn,
			  uint32_t *ref)
{
	long g = mm_alloc_page(), r;

	if (g < 0)
		return (int)g;
	r = gnttab_grant_access(nf->backend_id, (uint64_t)g, readonly);
	if (r < 0) {
		mm_free_page((uint64_t)g);
		return (int)r;
	}
	*gfn = (uint64_t)g;
	*ref = (uint32_t)r;
	return 0;
}

static int pool_setup(struct netfront *nf)
{
	int rc = 0;

	if (nf->pool_ready)
		return 0;
	for (unsigned int i = 0; rc == 0 && i < NF_TX_PAGES; i++)
		rc = grant_new_page(nf, 1, &nf->tx_gfn[i], &nf->tx_ref[i]);
	for (unsigned int i = 0; rc == 0 && i < NETFRONT_RX_BUFS; i++)
		rc = grant_new_page(nf, 0, &nf->rx_gfn[i], &nf->rx_ref[i]);
	if (rc < 0) {
		pool_release(nf);
		return rc;
	}
	nf->pool_ready = 1;
	return 0;
}

/* New ring pages under new grant refs (then the old ones ended), empty,
 * with every rx buffer posted: 0, or an error with the old rings kept
 * (act_setup then closes). */
static int rings_setup(struct netfront *nf)
{
	uint64_t tg = 0, rg = 0;
	uint32_t tref = 0, rref = 0;
	int rc;

	/* The new grants first, then end the old ones: the new refs cannot
	 * be the old numbers, so every ring key differs from before. */
	rc = grant_new_page(nf, 0, &tg, &tref);
	if (rc < 0)
		return rc;
	rc = grant_new_page(nf, 0, &rg, &rref);
	if (rc < 0) {
		end_grant(nf, &tref, &tg);
		return rc;
	}
	rings_release(nf);
	nf->tx_ring_ref = tref;
	nf->rx_ring_ref = rref;
	nf->tx = page_ptr(tg);
	nf->rx = page_ptr(rg);
	memset(nf->tx, 0, KEEL_PAGE_SIZE);
	memset(nf->rx, 0, KEEL_PAGE_SIZE);
	nf->tx->hdr.req_event = 1;
	nf->tx->hdr.rsp_event = 1;
	nf->rx->hdr.req_event = 1;
	nf->rx->hdr.rsp_event = 1;
	nf->tx_prod_pvt = nf->tx_rsp_cons = 0;
	nf->rx_prod_pvt = nf->rx_rsp_cons = 0;
	netfront_txq_reset(&nf->txq);
	for (unsigned int i = 0; i < NETFRONT_RX_BUFS; i++) {
		struct keel_netif_rx_request *req = &nf->rx->ring[i].req;

		req->id = (uint16_t)i;
		req->gref = nf->rx_ref[i];
		nf->rx_posted[i] = 1;
	}
	nf->rx_prod_pvt = NETFRONT_RX_BUFS;
	__atomic_store_n(&nf->rx->hdr.req_prod, nf->rx_prod_pvt, __ATOMIC_RELEASE);
	return 0;
}

/* ---- the handshake ------------------------------------------------------------- */

static void ring_handler(keel_evtchn_port_t port, void *arg)
{
	struct netfront *nf = arg;

	(void)port;
	nf->events++;
	kernel_kick();
}

static void notify(struct netfront *nf)
{
	nf->stats.notifies++;
	evtchn_send((keel_evtchn_port_t)nf->port);
}

static void set_link(struct netfront *nf, int up)
{
	if (nf->link_fn)
		nf->link_fn(nf->arg, up);
}

/* The ring keys, the features and state 4 in one transaction (as Linux's
 * netfront writes them): 0 or a store error.  -KEEL_ENOENT: our
 * directory is gone (detached meanwhile). */
static int publish(struct netfront *nf)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		uint32_t tx;
		char val[8];
		int rc = xs_transaction_start(&tx);

		if (rc < 0)
			return rc;
		rc = read_key(tx, nf->fe_path, "state", val, sizeof(val));
		if (rc >= 0)
			rc = write_u64(tx, nf->fe_path, "tx-ring-ref", nf->tx_ring_ref);
		if (rc >= 0)
			rc = write_u64(tx, nf->fe_path, "rx-ring-ref", nf->rx_ring_ref);
		if (rc >= 0)
			rc = write_u64(tx, nf->fe_path, "event-channel", (uint64_t)nf->port);
		if (rc >= 0)
			rc = write_key(tx, nf->fe_path, "request-rx-copy", "1");
		if (rc >= 0)
			rc = write_key(tx, nf->fe_path, "feature-rx-notify", "1");
		if (rc >= 0)
			rc = write_key(tx, nf->fe_path, "feature-sg", "0");
		if (rc >= 0)
			rc = write_key(tx, nf->fe_path, "feature-no-csum-offload", "1");
		if (rc >= 0)
			rc = write_u64(tx, nf->fe_path, "state", KEEL_XBS_CONNECTED);
		if (rc < 0) {
			(void)xs_transaction_end(tx, 0);
			return rc;
		}
		rc = xs_transaction_end(tx, 1);
		if (rc != -KEEL_EAGAIN)
			return rc;
	}
	return -KEEL_EAGAIN;
}

static void act_close(struct netfront *nf, int be);

/* The backend is in InitWait: fresh rings, a new port, keys + state 4. */
static void act_setup(struct netfront *nf)
{
	long port;
	int rc;

	if (nf->phase == NETFRONT_UP)
		set_link(nf, 0);
	if (nf->phase != NETFRONT_INIT && nf->phase != NETFRONT_CLOSED)
		nf->stats.reconnects++;
	nf->broken = 0;
	rc = pool_setup(nf);
	if (rc == 0)
		rc = rings_setup(nf);
	if (rc < 0) {
		printk("netfront: %s: no pages or grant refs for the rings, error %d\n",
		       nf->name, rc);
		act_close(nf, nf->prev_be);
		return;
	}
	/* The new port first, then close the old one: a different number,
	 * so the backend's stale-key check sees a new ring. */
	port = evtchn_alloc_unbound(nf->backend_id);
	rc = port < 0 ? (int)port : evtchn_bind((keel_evtchn_port_t)port, ring_handler, nf);
	if (port >= 0 && rc < 0)
		(void)evtchn_close((keel_evtchn_port_t)port);
	if (nf->port >= 0)
		(void)evtchn_close((keel_evtchn_port_t)nf->port);
	nf->port = rc < 0 ? -1 : port;
	if (rc == 0)
		rc = publish(nf);
	if (rc < 0) {
		printk("netfront: %s: cannot publish the rings, error %d\n", nf->name, rc);
		act_close(nf, nf->prev_be);
		return;
	}
	nf->phase = NETFRONT_WAIT_CONNECT;
}

static void act_link_up(struct netfront *nf)
{
	const uint8_t *m = nf->mac;

	nf->phase = NETFRONT_UP;
	printk("netfront: %s: connected, mac %02x:%02x:%02x:%02x:%02x:%02x, backend domain %u%s\n",
	       nf->name, m[0], m[1], m[2], m[3], m[4], m[5], nf->backend_id,
	       nf->stats.reconnects ? " (reconnected)" : "");
	/* Rx buffers posted before the backend bound raised no event. */
	notify(nf);
	set_link(nf, 1);
}

static void act_close(struct netfront *nf, int be)
{
	if (nf->phase == NETFRONT_UP)
		set_link(nf, 0);
	rings_release(nf);
	pool_release(nf);
	if (nf->port >= 0)
		(void)evtchn_close((keel_evtchn_port_t)nf->port);
	nf->port = -1;
	(void)write_state(nf, KEEL_XBS_CLOSED);
	nf->phase = NETFRONT_CLOSED;
	printk("netfront: %s: closed (backend state %d)\n", nf->name, be);
}

/* After a close the toolstack may attach again under the same handle:
 * read where the backend is now. */
static int read_backend(struct netfront *nf)
{
	char val[32];
	uint64_t id = 0;
	int rc;

	rc = read_key(XS_NO_TX, nf->fe_path, "backend", nf->be_path, sizeof(nf->be_path));
	if (rc == -KEEL_ENOENT)
		return -KEEL_ENODEV;
	if (rc < 0)
		return rc;
	rc = read_key(XS_NO_TX, nf->fe_path, "backend-id", val, sizeof(val));
	if (rc >= 0 && (gk_parse_u64(val, (size_t)rc, &id) < 0 || id >= KEEL_DOMID_SELF))
		return -KEEL_EINVAL;
	if (rc < 0 && rc != -KEEL_ENOENT)
		return rc;
	nf->backend_id = (uint16_t)id;
	rc = read_key(XS_NO_TX, nf->fe_path, "mac", val, sizeof(val));
	if (rc < 0)
		return rc == -KEEL_ENOENT ? -KEEL_EINVAL : rc;
	return netfront_parse_mac(val, nf->mac);
}

/* Re-read both states and take at most one step. */
static void netfront_update(struct netfront *nf)
{
	int be, fe;

	if (!nf->used)
		return;
	be = xb_read_state(nf->be_path);
	fe = xb_read_state(nf->fe_path);
	switch (netfront_decide(nf->phase, nf->prev_be, be, fe)) {
	case NETFRONT_ACT_NONE:
		break;
	case NETFRONT_ACT_SETUP:
		if (nf->phase == NETFRONT_CLOSED && read_backend(nf) < 0)
			break;
		if (nf->phase != NETFRONT_INIT && nf->phase != NETFRONT_CLOSED)
			printk("netfront: %s: backend restarted (state %d after %d): reconnecting\n",
			       nf->name, be, nf->prev_be);
		act_setup(nf);
		break;
	case NETFRONT_ACT_LINK_UP:
		act_link_up(nf);
		break;
	case NETFRONT_ACT_LINK_DOWN:
		printk("netfront: %s: backend left (state %d): link down\n", nf->name, be);
		if (nf->phase == NETFRONT_UP)
			set_link(nf, 0);
		nf->phase = NETFRONT_WAIT_BACKEND;
		break;
	case NETFRONT_ACT_CLOSE:
		act_close(nf, be);
		break;
	}
	nf->prev_be = be;
}

static void watch_fn(const char *path, const char *token, void *arg)
{
	(void)path;
	(void)token;
	netfront_update(arg);
}

/* ---- the rings ---------------------------------------------------------------- */

/* A backend that broke the ring protocol: no more traffic with it.  The
 * close itself (which tells lwIP the link is down) waits for
 * netfront_poll: this may run inside lwIP's output path. */
static void ring_broken(struct netfront *nf, const char *ring, long val)
{
	if (nf->broken)
		return;
	nf->broken = 1;
	printk("netfront: %s: %s response index %ld beyond the requests: closing\n",
	       nf->name, ring, val);
	(void)write_state(nf, KEEL_XBS_CLOSING);
}

static int tx_reap(struct netfront *nf)
{
	struct keel_sring_header *h = &nf->tx->hdr;
	int n = 0;

	for (;;) {
		keel_ring_idx_t rp = __atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE);

		if (netfront_ring_check(rp, nf->tx_rsp_cons, nf->tx_prod_pvt,
					NF_TX_SLOTS) < 0) {
			ring_broken(nf, "tx", (long)(keel_ring_idx_t)(rp - nf->tx_rsp_cons));
			return -KEEL_EIO;
		}
		for (; nf->tx_rsp_cons != rp; nf->tx_rsp_cons++) {
			struct keel_netif_tx_response rsp;

			memcpy(&rsp, &nf->tx->ring[nf->tx_rsp_cons & (NF_TX_SLOTS - 1)].rsp,
			       sizeof(rsp));
			if (netfront_txq_complete(&nf->txq, &rsp) < 0)
				nf->stats.drops[NETFRONT_DROP_TX_BAD_ID]++;
			else if (rsp.status != KEEL_NETIF_RSP_OKAY)
				nf->stats.drops[NETFRONT_DROP_TX_STATUS]++;
			n++;
		}
		__atomic_store_n(&h->rsp_event, nf->tx_rsp_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE) == nf->tx_rsp_cons)
			break;
	}
	return n;
}

static void rx_repost(struct netfront *nf, uint16_t id)
{
	struct keel_netif_rx_request *req =
		&nf->rx->ring[nf->rx_prod_pvt & (NF_RX_SLOTS - 1)].req;

	req->id = id;
	req->gref = nf->rx_ref[id];
	nf->rx_posted[id] = 1;
	nf->rx_prod_pvt++;
}

static int rx_take(struct netfront *nf)
{
	struct keel_sring_header *h = &nf->rx->hdr;
	keel_ring_idx_t old = nf->rx_prod_pvt;
	int n = 0;

	for (;;) {
		keel_ring_idx_t rp = __atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE);

		if (netfront_ring_check(rp, nf->rx_rsp_cons, nf->rx_prod_pvt,
					NF_RX_SLOTS) < 0) {
			ring_broken(nf, "rx", (long)(keel_ring_idx_t)(rp - nf->rx_rsp_cons));
			return -KEEL_EIO;
		}
		for (; nf->rx_rsp_cons != rp; nf->rx_rsp_cons++) {
			struct keel_netif_rx_response rsp;
			long len;

			memcpy(&rsp, &nf->rx->ring[nf->rx_rsp_cons & (NF_RX_SLOTS - 1)].rsp,
			       sizeof(rsp));
			len = netfront_rx_check(nf->rx_posted, &rsp);
			if (len < 0) {
				enum netfront_drop why = netfront_rx_reason(len);

				nf->stats.drops[why]++;
				if (why != NETFRONT_DROP_RX_BAD_ID)
					rx_repost(nf, rsp.id);
				continue;
			}
			nf->stats.rx_packets++;
			nf->stats.rx_bytes += (uint64_t)len;
			if (nf->rx_fn)
				nf->rx_fn(nf->arg, (uint8_t *)page_ptr(nf->rx_gfn[rsp.id]) +
					  rsp.offset, (size_t)len);
			rx_repost(nf, rsp.id);
			n++;
			if (nf->phase != NETFRONT_UP)   /* closed from a callback */
				return n;
		}
		__atomic_store_n(&h->rsp_event, nf->rx_rsp_cons + 1, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&h->rsp_prod, __ATOMIC_ACQUIRE) == nf->rx_rsp_cons)
			break;
	}
	if (nf->rx_prod_pvt != old) {
		__atomic_store_n(&h->req_prod, nf->rx_prod_pvt, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (keel_ring_need_notify(old, nf->rx_prod_pvt,
					  __atomic_load_n(&h->req_event, __ATOMIC_ACQUIRE)))
			notify(nf);
	}
	return n;
}

int netfront_poll(struct netfront *nf)
{
	int n = 0;

	if (!nf || !nf->used || nf->phase != NETFRONT_UP)
		return 0;
	nf->events_seen = nf->events;
	nf->stats.events = nf->events;
	if (!nf->broken && tx_reap(nf) >= 0) {
		n = rx_take(nf);
		if (n < 0)
			n = 0;
	}
	if (nf->broken)
		act_close(nf, nf->prev_be);
	return n;
}

int netfront_pending(const struct netfront *nf)
{
	return nf && nf->used && nf->events != nf->events_seen;
}

void *netfront_tx_alloc(struct netfront *nf, size_t len, int *id, int *err)
{
	long i;

	*err = 0;
	if (len == 0 || len > NETFRONT_FRAME_MAX) {
		nf->stats.drops[NETFRONT_DROP_TX_TOO_BIG]++;
		*err = -KEEL_E2BIG;
		return NULL;
	}
	if (nf->phase != NETFRONT_UP || nf->broken) {
		nf->stats.drops[NETFRONT_DROP_TX_BUSY]++;
		*err = -KEEL_EIO;
		return NULL;
	}
	i = netfront_txq_get(&nf->txq);
	if (i < 0 && tx_reap(nf) >= 0)
		i = netfront_txq_get(&nf->txq);
	if (i < 0) {
		nf->stats.drops[NETFRONT_DROP_TX_BUSY]++;
		*err = nf->phase == NETFRONT_UP && !nf->broken ? -KEEL_EAGAIN : -KEEL_EIO;
		return NULL;
	}
	*id = (int)i;
	return (uint8_t *)page_ptr(nf->tx_gfn[i / 2]) + (i % 2) * NETFRONT_TX_BUF_SIZE;
}

int netfront_tx_send(struct netfront *nf, int id, size_t len)
{
	keel_ring_idx_t old = nf->tx_prod_pvt;
	struct keel_sring_header *h;

	if (nf->phase != NETFRONT_UP || nf->broken)
		return -KEEL_EIO;   /* the ring it was meant for is gone */
	if (id < 0 || (unsigned int)id >= NETFRONT_TX_BUFS || !nf->txq.busy[id] ||
	    len == 0 || len > NETFRONT_FRAME_MAX)
		return -KEEL_EINVAL;
	netfront_build_tx(&nf->tx->ring[nf->tx_prod_pvt & (NF_TX_SLOTS - 1)].req,
			  (uint16_t)id, nf->tx_ref[id / 2], (uint16_t)len);
	nf->tx_prod_pvt++;
	h = &nf->tx->hdr;
	__atomic_store_n(&h->req_prod, nf->tx_prod_pvt, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (keel_ring_need_notify(old, nf->tx_prod_pvt,
				  __atomic_load_n(&h->req_event, __ATOMIC_ACQUIRE)))
		notify(nf);
	nf->stats.tx_packets++;
	nf->stats.tx_bytes += len;
	return 0;
}

/* ---- open and close ------------------------------------------------------------ */

const uint8_t *netfront_mac(const struct netfront *nf) { return nf->mac; }
unsigned int netfront_handle(const struct netfront *nf) { return nf->handle; }
int netfront_link_up(const struct netfront *nf) { return nf->phase == NETFRONT_UP; }
const struct netfront_stats *netfront_stats(const struct netfront *nf) { return &nf->stats; }

void netfront_count_drop(struct netfront *nf, enum netfront_drop why)
{
	if ((unsigned int)why < NETFRONT_DROP_NR)
		nf->stats.drops[why]++;
}

int netfront_open(int handle, netfront_rx_fn rx_fn, netfront_link_fn link_fn,
		  void *arg, struct netfront **out)
{
	struct netfront *nf = NULL;
	char rel[48];
	long h = handle;
	int rc;

	if (handle < 0)
		h = xb_lowest_id("device/vif");
	if (h < 0 || h > 0xffff)
		return h < 0 ? (int)h : -KEEL_EINVAL;
	for (unsigned int i = 0; i < NETFRONT_MAX_DEVS; i++) {
		if (devs[i].used && devs[i].handle == (unsigned int)h)
			return -KEEL_EBUSY;
		if (!devs[i].used && !nf)
			nf = &devs[i];
	}
	if (!nf)
		return -KEEL_ENOSPC;
	memset(nf, 0, sizeof(*nf));
	nf->handle = (unsigned int)h;
	nf->port = -1;
	nf->rx_fn = rx_fn;
	nf->link_fn = link_fn;
	nf->arg = arg;
	gk_snprintf(nf->name, sizeof(nf->name), "vif%u", nf->handle);
	gk_snprintf(rel, sizeof(rel), "device/vif/%u", nf->handle);
	if (xs_home_path(nf->fe_path, sizeof(nf->fe_path), rel) < 0)
		return -KEEL_ENODEV;
	rc = read_backend(nf);
	if (rc < 0) {
		printk("netfront: %s: cannot read backend, backend-id or mac: error %d\n",
		       nf->name, rc);
		return rc;
	}
	nf->used = 1;
	nf->prev_be = KEEL_XBS_UNKNOWN;
	(void)xb_watch_states(&nf->watch, "netfront", nf->handle, nf->be_path,
			      nf->fe_path, watch_fn, nf);
	netfront_update(nf);
	*out = nf;
	return 0;
}

void netfront_close(struct netfront *nf)
{
	uint64_t deadline = time_now_ns() + NF_CLOSE_WAIT_NS;

	if (!nf || !nf->used)
		return;
	if (nf->phase == NETFRONT_UP)
		set_link(nf, 0);
	nf->link_fn = NULL;
	if (nf->phase != NETFRONT_CLOSED && write_state(nf, KEEL_XBS_CLOSING) == 0) {
		while (nf->phase != NETFRONT_CLOSED && time_now_ns() < deadline) {
			kernel_wait(time_now_ns() + NF_POLL_NS);
			if (!nf->watch.active)
				netfront_update(nf);
		}
	}
	xb_unwatch_states(&nf->watch, nf->be_path, nf->fe_path);
	if (nf->phase != NETFRONT_CLOSED)
		act_close(nf, nf->prev_be);
	nf->used = 0;
}
