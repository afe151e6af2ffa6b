/* Checksum filling (nb_csum.c) for frames sent with CSUM_BLANK. */
#include <errno.h>
#include <string.h>

#include "nb_csum.h"
#include "tests.h"

/* RFC 1071 over the whole UDP/TCP segment with its pseudo-header: 0xffff
 * (i.e. 0 after the complement) when the checksum in it is right. */
static uint16_t verify(const uint8_t *f, size_t len)
{
	const uint8_t *ip = f + 14;
	size_t ihl = (size_t)(ip[0] & 0xf) * 4, l4len = len - 14 - ihl;
	uint32_t s = 0;

	for (int i = 12; i < 20; i += 2)
		s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
	s += ip[9];
	s += (uint32_t)l4len;
	for (size_t i = 0; i < l4len; i += 2)
		s += (uint32_t)(ip[ihl + i] << 8 |
				(i + 1 < l4len ? ip[ihl + i + 1] : 0));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static size_t frame(uint8_t *f, uint8_t proto, size_t payload)
{
	size_t l4 = (proto == 6 ? 20 : 8) + payload;

	memset(f, 0, 14 + 20 + l4);
	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((20 + l4) >> 8);
	f[17] = (uint8_t)(20 + l4);
	f[23] = proto;
	f[26] = 169; f[27] = 254; f[28] = 77; f[29] = 11;
	f[30] = 169; f[31] = 254; f[32] = 77; f[33] = 1;
	for (size_t i = 0; i < payload; i++)
		f[14 + 20 + l4 - payload + i] = (uint8_t)(i * 7 + 3);
	if (proto == 17) {
		f[38] = (uint8_t)(l4 >> 8);
		f[39] = (uint8_t)l4;
	} else {
		f[46] = 0x50;            /* data offset 5 */
	}
	return 14 + 20 + l4;
}

START_TEST(udp_and_tcp_filled)
{
	uint8_t f[1600];
	size_t len;

	len = frame(f, 17, 33);             /* odd length */
	ck_assert_int_eq(nb_csum_fill(f, len), 0);
	ck_assert_uint_eq(verify(f, len), 0xffff);
	len = frame(f, 6, 1000);
	f[50] = f[51] = 0xaa;               /* garbage in the field */
	ck_assert_int_eq(nb_csum_fill(f, len), 0);
	ck_assert_uint_eq(verify(f, len), 0xffff);
}
END_TEST

START_TEST(others_left_alone)
{
	uint8_t f[128], g[128];
	size_t len = frame(f, 1, 20);       /* ICMP */

	memcpy(g, f, sizeof(f));
	ck_assert_int_eq(nb_csum_fill(f, len), 0);
	ck_assert_mem_eq(f, g, len);
	f[12] = 0x08;
	f[13] = 0x06;                       /* ARP */
	ck_assert_int_eq(nb_csum_fill(f, 60), 0);
}
END_TEST

START_TEST(truncated_headers_refused)
{
	uint8_t f[128];
	size_t len = frame(f, 6, 0);

	ck_assert_int_eq(nb_csum_fill(f, 14 + 19), -EINVAL);
	f[17] = 200;                        /* total length past the frame */
	ck_assert_int_eq(nb_csum_fill(f, len), -EINVAL);
	len = frame(f, 6, 0);
	f[14] = 0x44;                       /* IHL 16 bytes */
	ck_assert_int_eq(nb_csum_fill(f, len), -EINVAL);
}
END_TEST

Suite *suite_csum(void)
{
	Suite *s = suite_create("csum");
	TCase *tc = tcase_create("fill");

	tcase_add_test(tc, udp_and_tcp_filled);
	tcase_add_test(tc, others_left_alone);
	tcase_add_test(tc, truncated_headers_refused);
	suite_add_tcase(s, tc);
	return s;
}
