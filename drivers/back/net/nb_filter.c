/*
 * keel-netback: the anti-spoof filter (nb_filter.h).
 */
#include "nb_filter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define ETH_HLEN      14u
#define ETHTYPE_IPV4  0x0800u
#define ETHTYPE_ARP   0x0806u
#define IP_PROTO_UDP  17u

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static bool ip_allowed(const struct nb_filter *f, uint32_t ip)
{
	for (unsigned int i = 0; i < f->nips; i++)
		if (f->ips[i] == ip)
			return true;
	return false;
}

/* A DHCP client's request before it has an address: 0.0.0.0, UDP
 * 68 -> 67. */
static bool dhcp_request(const uint8_t *ip, size_t len)
{
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;

	return ip[9] == IP_PROTO_UDP && ihl >= 20 && len >= ihl + 8 &&
	       be16(ip + ihl) == 68 && be16(ip + ihl + 2) == 67;
}

static int check_ipv4(const struct nb_filter *f, const uint8_t *ip, size_t len)
{
	uint32_t src;

	if (len < 20 || (ip[0] >> 4) != 4)
		return NB_DROP_IP_SPOOF;
	memcpy(&src, ip + 12, 4);
	if (ip_allowed(f, src))
		return NB_FILTER_PASS;
	if (src == 0 && dhcp_request(ip, len))
		return NB_FILTER_PASS;
	return NB_DROP_IP_SPOOF;
}

/* ARP for IPv4 over Ethernet: htype 1, ptype 0x0800, hlen 6, plen 4;
 * sender MAC at 8, sender IP at 14. */
static int check_arp(const struct nb_filter *f, const uint8_t *arp, size_t len)
{
	uint32_t sip;

	if (len < 28 || be16(arp) != 1 || be16(arp + 2) != ETHTYPE_IPV4 ||
	    arp[4] != 6 || arp[5] != 4)
		return NB_DROP_ARP_SPOOF;
	if (memcmp(arp + 8, f->mac, 6) != 0)
		return NB_DROP_ARP_SPOOF;
	memcpy(&sip, arp + 14, 4);
	if (sip != 0 && !ip_allowed(f, sip))
		return NB_DROP_ARP_SPOOF;
	return NB_FILTER_PASS;
}

int nb_filter_check(const struct nb_filter *f, const uint8_t *frame,
		    size_t len)
{
	uint16_t type;

	if (len < ETH_HLEN)
		return NB_DROP_BAD_REQUEST;
	if (memcmp(frame + 6, f->mac, 6) != 0)
		return NB_DROP_MAC_SPOOF;
	type = be16(frame + 12);
	if (type == ETHTYPE_ARP)
		return f->nips ? check_arp(f, frame + ETH_HLEN, len - ETH_HLEN) :
		       (len >= ETH_HLEN + 14 &&
			memcmp(frame + ETH_HLEN + 8, f->mac, 6) != 0 ?
			NB_DROP_ARP_SPOOF : NB_FILTER_PASS);
	if (!f->nips)
		return NB_FILTER_PASS;
	if (type == ETHTYPE_IPV4)
		return check_ipv4(f, frame + ETH_HLEN, len - ETH_HLEN);
	return NB_DROP_ETHERTYPE;
}

int nb_filter_set_ips(struct nb_filter *f, const char *list)
{
	char one[32];
	const char *p = list, *e;
	struct in_addr a;
	size_t l;

	f->nips = 0;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (e = p; *e && *e != ' ' && *e != '\t'; e++)
			;
		l = (size_t)(e - p);
		if (l >= sizeof(one) || f->nips >= NB_FILTER_MAX_IPS)
			return -EINVAL;
		memcpy(one, p, l);
		one[l] = '\0';
		if (inet_pton(AF_INET, one, &a) != 1)
			return -EINVAL;
		f->ips[f->nips++] = a.s_addr;
		p = e;
	}
	return 0;
}

int nb_parse_mac(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	const char *h, *l;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		h = s[i * 3] ? strchr(hex, s[i * 3] | 0x20) : NULL;
		l = s[i * 3 + 1] ? strchr(hex, s[i * 3 + 1] | 0x20) : NULL;
		if (!h || !l)
			return -EINVAL;
		mac[i] = (uint8_t)((h - hex) << 4 | (l - hex));
	}
	/* a unicast address: the group bit of the first byte clear */
	return mac[0] & 1 ? -EINVAL : 0;
}
