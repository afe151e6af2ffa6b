/*
 * keel-netback: why a frame was dropped.  Every drop is counted under one
 * reason, published in the store (keel-stats, docs/network.md) and shown
 * by `vmctl network-list`.  Pure: the names only.
 */
#ifndef NB_DROP_H
#define NB_DROP_H

enum nb_drop {
	NB_DROP_BAD_REQUEST,    /* tx: runt, offset/size past the page, sizes */
	NB_DROP_TOO_MANY_SLOTS, /* tx: a chain over KEEL_NETIF_MAX_SLOTS       */
	NB_DROP_GRANT,          /* tx: a grant the guest cannot give us        */
	NB_DROP_MAC_SPOOF,      /* source MAC is not the vif's                 */
	NB_DROP_IP_SPOOF,       /* IPv4 source is not a configured ip=         */
	NB_DROP_ARP_SPOOF,      /* ARP sender MAC or IP is not the vif's       */
	NB_DROP_ETHERTYPE,      /* not IPv4/ARP on a vif with ip=              */
	NB_DROP_TAP,            /* tx: dom0's tap would not take the frame     */
	NB_DROP_RX_NO_BUFFER,   /* rx: the guest posts no buffers: queue full  */
	NB_DROP_RX_TOO_BIG,     /* rx: needs more pages than the guest allows  */
	NB_DROP_RX_GRANT,       /* rx: a posted buffer we cannot write         */
	NB_DROP_COUNT
};

/* "bad-request", "mac-spoof", ...; "?" for a value out of range. */
const char *nb_drop_name(unsigned int reason);

#endif
