/* The anti-spoof filter (nb_filter.c): MAC, IPv4 source, ARP sender,
 * ethertypes, DHCP before an address; the ip and mac parsers. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "nb_filter.h"
#include "tests.h"

static const uint8_t MAC[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01 };
static const uint8_t OTHER[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x02 };
static uint8_t f[128];

static struct nb_filter filter(const char *ips)
{
	struct nb_filter fl;

	memset(&fl, 0, sizeof(fl));
	memcpy(fl.mac, MAC, 6);
	ck_assert_int_eq(nb_filter_set_ips(&fl, ips), 0);
	return fl;
}

static size_t ipv4(const uint8_t *src_mac, const char *src, uint8_t proto,
		   uint16_t sport, uint16_t dport)
{
	struct in_addr a;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	f[14] = 0x45;
	f[23] = proto;
	inet_pton(AF_INET, src, &a);
	memcpy(f + 26, &a, 4);
	f[34] = (uint8_t)(sport >> 8);
	f[35] = (uint8_t)sport;
	f[36] = (uint8_t)(dport >> 8);
	f[37] = (uint8_t)dport;
	return 60;
}

static size_t arp(const uint8_t *src_mac, const uint8_t *sha, const char *spa)
{
	struct in_addr a;

	memset(f, 0, sizeof(f));
	memset(f, 0xff, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[15] = 1;
	f[16] = 0x08;
	f[18] = 6;
	f[19] = 4;
	f[21] = 1;
	memcpy(f + 22, sha, 6);
	inet_pton(AF_INET, spa, &a);
	memcpy(f + 28, &a, 4);
	return 60;
}

START_TEST(mac_must_be_the_vifs)
{
	struct nb_filter fl = filter("");

	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "1.2.3.4", 17, 1, 2)),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(OTHER, "1.2.3.4", 17, 1, 2)),
			 NB_DROP_MAC_SPOOF);
	ck_assert_int_eq(nb_filter_check(&fl, f, 13), NB_DROP_BAD_REQUEST);
}
END_TEST

START_TEST(without_ip_any_source_address_passes)
{
	struct nb_filter fl = filter("");

	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "10.9.8.7", 6, 1, 2)),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, MAC, "10.9.8.7")),
			 NB_FILTER_PASS);
	/* but ARP still must carry the vif's MAC */
	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, OTHER, "10.9.8.7")),
			 NB_DROP_ARP_SPOOF);
	f[12] = 0x86;
	f[13] = 0xdd;                   /* IPv6 */
	ck_assert_int_eq(nb_filter_check(&fl, f, 60), NB_FILTER_PASS);
}
END_TEST

START_TEST(ip_source_must_be_configured)
{
	struct nb_filter fl = filter("169.254.77.11  169.254.77.12");

	ck_assert_uint_eq(fl.nips, 2);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "169.254.77.11", 1, 0, 0)),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "169.254.77.12", 1, 0, 0)),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "169.254.77.13", 1, 0, 0)),
			 NB_DROP_IP_SPOOF);
	/* MAC is checked first */
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(OTHER, "169.254.77.11", 1, 0, 0)),
			 NB_DROP_MAC_SPOOF);
	/* a truncated header */
	ipv4(MAC, "169.254.77.11", 1, 0, 0);
	ck_assert_int_eq(nb_filter_check(&fl, f, 14 + 19), NB_DROP_IP_SPOOF);
	/* IPv6 and others do not pass on a vif with addresses */
	f[12] = 0x86;
	f[13] = 0xdd;
	ck_assert_int_eq(nb_filter_check(&fl, f, 60), NB_DROP_ETHERTYPE);
}
END_TEST

START_TEST(dhcp_request_from_zero_passes)
{
	struct nb_filter fl = filter("169.254.77.11");

	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "0.0.0.0", 17, 68, 67)),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "0.0.0.0", 17, 68, 53)),
			 NB_DROP_IP_SPOOF);
	ck_assert_int_eq(nb_filter_check(&fl, f, ipv4(MAC, "0.0.0.0", 6, 68, 67)),
			 NB_DROP_IP_SPOOF);
}
END_TEST

START_TEST(arp_sender_must_be_the_vifs)
{
	struct nb_filter fl = filter("169.254.77.11");

	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, MAC, "169.254.77.11")),
			 NB_FILTER_PASS);
	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, MAC, "0.0.0.0")),
			 NB_FILTER_PASS);   /* a probe */
	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, OTHER, "169.254.77.11")),
			 NB_DROP_ARP_SPOOF);
	ck_assert_int_eq(nb_filter_check(&fl, f, arp(MAC, MAC, "169.254.77.1")),
			 NB_DROP_ARP_SPOOF);
	arp(MAC, MAC, "169.254.77.11");
	f[19] = 16;                     /* not IPv4 over Ethernet */
	ck_assert_int_eq(nb_filter_check(&fl, f, 60), NB_DROP_ARP_SPOOF);
	ck_assert_int_eq(nb_filter_check(&fl, f, 14 + 20), NB_DROP_ARP_SPOOF);
}
END_TEST

START_TEST(ip_list_parser)
{
	struct nb_filter fl;

	memset(&fl, 0, sizeof(fl));
	ck_assert_int_eq(nb_filter_set_ips(&fl, ""), 0);
	ck_assert_uint_eq(fl.nips, 0);
	ck_assert_int_eq(nb_filter_set_ips(&fl, "  1.2.3.4\t5.6.7.8 "), 0);
	ck_assert_uint_eq(fl.nips, 2);
	ck_assert_int_eq(nb_filter_set_ips(&fl, "1.2.3"), -EINVAL);
	ck_assert_int_eq(nb_filter_set_ips(&fl, "1.2.3.4,5.6.7.8"), -EINVAL);
	ck_assert_int_eq(nb_filter_set_ips(&fl, "1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 "
					   "1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9"),
			 -EINVAL);
}
END_TEST

START_TEST(mac_parser)
{
	uint8_t m[6];

	ck_assert_int_eq(nb_parse_mac("00:16:3E:5e:00:01", m), 0);
	ck_assert_uint_eq(m[2], 0x3e);
	ck_assert_uint_eq(m[5], 0x01);
	ck_assert_int_eq(nb_parse_mac("01:16:3e:5e:00:01", m), -EINVAL);  /* group */
	ck_assert_int_eq(nb_parse_mac("00:16:3e:5e:00", m), -EINVAL);
	ck_assert_int_eq(nb_parse_mac("00-16-3e-5e-00-01", m), -EINVAL);
	ck_assert_int_eq(nb_parse_mac("0x:16:3e:5e:00:01", m), -EINVAL);
	ck_assert_int_eq(nb_parse_mac("00:16:3e:5e:00:011", m), -EINVAL);
	ck_assert_int_eq(nb_parse_mac("", m), -EINVAL);
}
END_TEST

Suite *suite_filter(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("spoof");

	tcase_add_test(tc, mac_must_be_the_vifs);
	tcase_add_test(tc, without_ip_any_source_address_passes);
	tcase_add_test(tc, ip_source_must_be_configured);
	tcase_add_test(tc, dhcp_request_from_zero_passes);
	tcase_add_test(tc, arp_sender_must_be_the_vifs);
	tcase_add_test(tc, ip_list_parser);
	tcase_add_test(tc, mac_parser);
	suite_add_tcase(s, tc);
	return s;
}
