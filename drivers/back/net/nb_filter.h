/*
 * keel-netback: the anti-spoof filter, pure (unit-tested).  A frame from
 * the guest passes only when its source MAC is the vif's; when the vif
 * has addresses (ip=), an IPv4 frame's source must be one of them (or
 * 0.0.0.0 for a DHCP request, UDP 68 -> 67), an ARP frame's sender MAC
 * must be the vif's and its sender IP one of them (or 0.0.0.0: a probe),
 * and other ethertypes do not pass.
 */
#ifndef NB_FILTER_H
#define NB_FILTER_H

#include <stddef.h>
#include <stdint.h>

#include "nb_drop.h"

#define NB_FILTER_MAX_IPS 8

struct nb_filter {
	uint8_t mac[6];
	unsigned int nips;
	uint32_t ips[NB_FILTER_MAX_IPS];   /* network byte order */
};

#define NB_FILTER_PASS (-1)

/* NB_FILTER_PASS, or the enum nb_drop reason to drop the frame for. */
int nb_filter_check(const struct nb_filter *f, const uint8_t *frame,
		    size_t len);

/*
 * Parses the backend's ip key: addresses separated by blanks
 * ("169.254.77.11" or "169.254.77.11 169.254.77.12"); "" means none.
 * 0, or -EINVAL (a bad address, too many).
 */
int nb_filter_set_ips(struct nb_filter *f, const char *list);

/* Parses "00:16:3e:..:..:.." into mac.  0 or -EINVAL. */
int nb_parse_mac(const char *s, uint8_t mac[6]);

#endif
