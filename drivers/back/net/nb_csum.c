/*
 * keel-netback: checksum completion (nb_csum.h).  The Internet checksum
 * (RFC 1071) over the IPv4 pseudo-header and the segment.
 */
#include "nb_csum.h"

#include <errno.h>

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t s)
{
	for (; len > 1; p += 2, len -= 2)
		s += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int nb_csum_fill(uint8_t *f, size_t len)
{
	uint8_t *ip, *l4;
	size_t ihl, tot, l4len, off;
	uint32_t s;
	uint16_t c;

	if (len < 14 || f[12] != 0x08 || f[13] != 0x00)
		return 0;
	ip = f + 14;
	if (len < 14 + 20 || (ip[0] >> 4) != 4)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	tot = (size_t)(ip[2] << 8 | ip[3]);
	if (ihl < 20 || tot < ihl || 14 + tot > len)
		return -EINVAL;
	if ((ip[6] & 0x1f) || ip[7])       /* a fragment: not ours to fill */
		return 0;
	l4 = ip + ihl;
	l4len = tot - ihl;
	if (ip[9] == 6)
		off = 16;
	else if (ip[9] == 17)
		off = 6;
	else
		return 0;
	if (l4len < off + 2)
		return -EINVAL;
	l4[off] = l4[off + 1] = 0;
	s = sum16(ip + 12, 8, 0);           /* source and destination */
	s += ip[9];
	s += (uint32_t)l4len;
	s = sum16(l4, l4len, s);
	c = fold(s);
	if (ip[9] == 17 && c == 0)
		c = 0xffff;                 /* UDP: 0 means "no checksum" */
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return 0;
}
