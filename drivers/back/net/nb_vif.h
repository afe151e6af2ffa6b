/*
 * keel-netback: one vif's state, shared by the daemon (netback.c) and the
 * data paths (nb_io.c).
 */
#ifndef NB_VIF_H
#define NB_VIF_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <keelback.h>
#include <kb_ring.h>
#include <public/io/netif.h>

#include "nb_drop.h"
#include "nb_filter.h"
#include "nb_rate.h"

#define NB_TX_SLOTS   256u      /* one ring page of tx slots              */
#define NB_RX_SLOTS   256u      /* one ring page of rx slots              */
#define NB_RXQ_LEN    128u      /* frames waiting for the guest's buffers */
#define NB_RXQ_BYTES  (1u << 20) /* ... and their bytes, at most          */
#define NB_RX_BATCH   64u       /* frames copied to the guest per pass    */
#define NB_TX_BUF     (1u << 20) /* tx bytes copied in per pass           */
#define NB_FRAME_MAX  65536u

struct nb_frame {
	uint8_t *data;          /* page-aligned (one grant copy per page)  */
	uint32_t len;
};

struct nb_stats {
	uint64_t tx_packets, tx_bytes;     /* guest -> dom0 (its tx ring)    */
	uint64_t rx_packets, rx_bytes;     /* dom0 -> guest (its rx ring)    */
	uint64_t drops[NB_DROP_COUNT];
};

struct nb_vif {
	struct kb_device *dev;
	char tap_name[IFNAMSIZ];
	char bridge[IFNAMSIZ];
	int tap;
	struct nb_filter filter;
	uint64_t rate_bytes, rate_us;      /* 0: no limit                    */
	struct nb_rate rate;
	bool sg;                           /* frontend feature-sg=1          */
	/* rings (between start and stop) */
	bool running;
	struct kb_ring tx, rx;
	union keel_netif_tx_slot txp[NB_TX_SLOTS];  /* taken, unanswered     */
	unsigned int ntxp;
	struct keel_netif_rx_request rxreq[NB_RX_SLOTS]; /* posted buffers   */
	unsigned int nrxreq;
	/* frames from the tap waiting for rx buffers (a ring of NB_RXQ_LEN) */
	struct nb_frame rxq[NB_RXQ_LEN];
	unsigned int rxq_head, rxq_len;
	uint32_t rxq_bytes;
	struct nb_stats st;
	char shown[512];                   /* keel-stats last written        */
};

/* One tx packet of a pass (nb_io.c). */
struct nb_tx_plan {
	unsigned int first, nslots;    /* its slots in v->txp               */
	uint32_t buf_off, len;         /* its bytes in the pass buffer      */
	unsigned int seg0, nseg;       /* its grant copy segments           */
	bool csum;
	int16_t status;
	int drop;                      /* enum nb_drop, or -1               */
};

/* One rx frame of a pass (nb_io.c). */
struct nb_rx_plan {
	unsigned int first, nslots;    /* its buffers in v->rxreq           */
	unsigned int seg0;
	struct nb_frame f;
};

/* Working memory of one pass, shared by every vif (one thread): the
 * daemon's, hung on kb_config.priv. */
struct nb_scratch {
	uint8_t *txbuf;                    /* NB_TX_BUF, page-aligned        */
	uint8_t *frame;                    /* NB_FRAME_MAX, for tap reads    */
	struct keel_ioctl_gntdev_copy_seg *segs;   /* KEEL_GNTDEV_COPY_MAX  */
	struct nb_tx_plan tx_plans[NB_TX_SLOTS];
	struct keel_netif_tx_response tx_rsps[NB_TX_SLOTS];
	struct nb_rx_plan rx_plans[NB_RX_BATCH];
	struct keel_netif_rx_response rx_rsps[NB_RX_SLOTS];
};

/* Allocates the scratch memory: 0 or -ENOMEM. */
int nb_scratch_init(struct nb_scratch *s);

/* nb_io.c: the data paths.  Each returns true when work is left. */
bool nb_tx_pass(struct nb_vif *v, struct nb_scratch *s);
bool nb_rx_pass(struct nb_vif *v, struct nb_scratch *s);
/* Reads what the tap has (bounded) into the rx queue, dropping what does
 * not fit (counted: the guest is not reading). */
void nb_tap_read(struct nb_vif *v, struct nb_scratch *s);
/* Frees the queued frames. */
void nb_rxq_flush(struct nb_vif *v);
uint64_t nb_now_us(void);

#endif
