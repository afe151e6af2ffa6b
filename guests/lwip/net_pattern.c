/* The network guests' test pattern (net_pattern.h). */
#include "net_pattern.h"

void net_pattern_fill(uint8_t *buf, uint64_t off, size_t len)
{
	uint32_t v = (uint32_t)(off % NET_PATTERN_PERIOD);

	for (size_t k = 0; k < len; k++) {
		buf[k] = (uint8_t)v;
		if (++v == NET_PATTERN_PERIOD)
			v = 0;
	}
}

size_t net_pattern_check(const uint8_t *buf, uint64_t off, size_t len)
{
	uint32_t v = (uint32_t)(off % NET_PATTERN_PERIOD);

	for (size_t k = 0; k < len; k++) {
		if (buf[k] != v)
			return k;
		if (++v == NET_PATTERN_PERIOD)
			v = 0;
	}
	return len;
}
