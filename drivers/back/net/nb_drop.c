/*
 * keel-netback: the drop reasons' names (nb_drop.h).
 */
#include "nb_drop.h"

const char *nb_drop_name(unsigned int reason)
{
	static const char *const names[NB_DROP_COUNT] = {
		[NB_DROP_BAD_REQUEST] = "bad-request",
		[NB_DROP_TOO_MANY_SLOTS] = "too-many-slots",
		[NB_DROP_GRANT] = "grant-copy",
		[NB_DROP_MAC_SPOOF] = "mac-spoof",
		[NB_DROP_IP_SPOOF] = "ip-spoof",
		[NB_DROP_ARP_SPOOF] = "arp-spoof",
		[NB_DROP_ETHERTYPE] = "ethertype",
		[NB_DROP_TAP] = "tap-write",
		[NB_DROP_RX_NO_BUFFER] = "rx-no-buffer",
		[NB_DROP_RX_TOO_BIG] = "rx-too-big",
		[NB_DROP_RX_GRANT] = "rx-grant-copy",
	};

	return reason < NB_DROP_COUNT ? names[reason] : "?";
}
