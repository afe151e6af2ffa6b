/*
 * keel-netback: the tx rate limiter (nb_rate.h).
 */
#include "nb_rate.h"

#include <errno.h>
#include <stdlib.h>

#define MAX_PACKET 65535u

void nb_rate_init(struct nb_rate *r, uint64_t bytes, uint64_t interval_us,
		  uint64_t now_us)
{
	r->bytes = bytes;
	r->interval_us = interval_us ? interval_us : 1;
	r->cap = bytes > MAX_PACKET ? bytes : MAX_PACKET;
	r->credit = bytes;
	r->next_us = now_us + r->interval_us;
}

static void refill(struct nb_rate *r, uint64_t now_us)
{
	uint64_t periods;

	if (now_us < r->next_us)
		return;
	periods = (now_us - r->next_us) / r->interval_us + 1;
	/* avoid overflow: more periods than it takes to fill the bucket
	 * fill it */
	if (periods > r->cap / r->bytes + 1)
		r->credit = r->cap;
	else if (r->credit + periods * r->bytes > r->cap)
		r->credit = r->cap;
	else
		r->credit += periods * r->bytes;
	r->next_us += periods * r->interval_us;
}

bool nb_rate_take(struct nb_rate *r, uint32_t size, uint64_t now_us)
{
	if (r->bytes == 0)
		return true;
	refill(r, now_us);
	if (r->credit < size)
		return false;
	r->credit -= size;
	return true;
}

uint64_t nb_rate_wait_us(const struct nb_rate *r, uint64_t now_us)
{
	return r->bytes == 0 || now_us >= r->next_us ? 0 : r->next_us - now_us;
}

static int parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (s == end)
		return -EINVAL;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

int nb_rate_parse(const char *s, uint64_t *bytes, uint64_t *interval_us)
{
	const char *comma = s;

	while (*comma && *comma != ',')
		comma++;
	if (*comma != ',' || parse_u64(s, comma, bytes) < 0 ||
	    parse_u64(comma + 1, comma + 1 + __builtin_strlen(comma + 1),
		      interval_us) < 0 ||
	    *bytes == 0 || *interval_us == 0 || *interval_us > 10000000)
		return -EINVAL;
	return 0;
}
