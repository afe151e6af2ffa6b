/*
 * lwIP's Ethernet driver on netfront (netif->state): frames go out
 * through netfront's tx buffers (one copy from the pbuf chain) and come
 * in as copies into pbufs from lwIP's pool.  Main context only.
 */
#include "kernel.h"
#include "net.h"
#include "netfront.h"

#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
	struct netfront *nf = netif->state;
	void *buf;
	int id, err;

	buf = netfront_tx_alloc(nf, p->tot_len, &id, &err);
	if (!buf)
		return err == -KEEL_EAGAIN ? ERR_MEM : ERR_IF;
	if (pbuf_copy_partial(p, buf, p->tot_len, 0) != p->tot_len)
		return ERR_BUF;   /* never: tot_len is the chain's length */
	return netfront_tx_send(nf, id, p->tot_len) == 0 ? ERR_OK : ERR_IF;
}

void netif_netfront_input(void *arg, const void *frame, size_t len)
{
	struct netif *netif = arg;
	struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);

	if (!p) {
		netfront_count_drop(netif->state, NETFRONT_DROP_RX_NOMEM);
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	if (netif->input(p, netif) != ERR_OK)
		pbuf_free(p);
}

err_t netif_netfront_init(struct netif *netif)
{
	struct netfront *nf = netif->state;

	netif->name[0] = 'e';
	netif->name[1] = 't';
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, netfront_mac(nf), ETH_HWADDR_LEN);
	netif->mtu = NETFRONT_MTU;
	netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	netif->output = etharp_output;
	netif->linkoutput = linkoutput;
	return ERR_OK;
}
