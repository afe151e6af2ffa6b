/* Store wire messages (xs_msg.h).  Pure: no hardware, no globals. */
#include <public/errno.h>

#include "xs_msg.h"

#define HDR_SIZE sizeof(struct keel_xs_msg_hdr)

static void copy(void *dst, const void *src, size_t n)
{
	char *d = dst;
	const char *s = src;

	while (n--)
		*d++ = *s++;
}

long xs_msg_build(void *buf, size_t cap, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const struct xs_iov *iov, unsigned int n)
{
	struct keel_xs_msg_hdr hdr = { type, req_id, tx_id, 0 };
	size_t len = 0, off;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (iov[i].len > KEEL_XS_PAYLOAD_MAX)
			return -KEEL_E2BIG;
		len += iov[i].len;
	}
	if (len > KEEL_XS_PAYLOAD_MAX)
		return -KEEL_E2BIG;
	if (cap < HDR_SIZE + len)
		return -KEEL_ENOSPC;
	hdr.len = (uint32_t)len;
	copy(buf, &hdr, HDR_SIZE);
	off = HDR_SIZE;
	for (i = 0; i < n; i++) {
		copy((char *)buf + off, iov[i].base, iov[i].len);
		off += iov[i].len;
	}
	return (long)off;
}

void xs_rx_reset(struct xs_rx *rx)
{
	rx->have = 0;
	rx->hdr.len = 0;
	rx->payload[0] = '\0';
}

size_t xs_rx_need(const struct xs_rx *rx)
{
	if (rx->have < HDR_SIZE)
		return HDR_SIZE - rx->have;
	return HDR_SIZE + rx->hdr.len - rx->have;
}

long xs_rx_feed(struct xs_rx *rx, const void *data, size_t len, int *done)
{
	const char *src = data;
	size_t used = 0;

	*done = 0;
	if (rx->have < HDR_SIZE) {
		size_t n = HDR_SIZE - rx->have;

		if (n > len)
			n = len;
		copy((char *)&rx->hdr + rx->have, src, n);
		rx->have += (uint32_t)n;
		used = n;
		if (rx->have < HDR_SIZE)
			return (long)used;
		if (rx->hdr.len > KEEL_XS_PAYLOAD_MAX)
			return -KEEL_EIO;
	}
	{
		size_t got = rx->have - HDR_SIZE;
		size_t n = rx->hdr.len - got;

		if (n > len - used)
			n = len - used;
		copy(rx->payload + got, src + used, n);
		rx->have += (uint32_t)n;
		used += n;
	}
	if (rx->have == HDR_SIZE + rx->hdr.len) {
		rx->payload[rx->hdr.len] = '\0';
		*done = 1;
	}
	return (long)used;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

int xs_reply_errno(uint32_t type, const char *payload, uint32_t len)
{
	unsigned int i;

	if (type != KEEL_XS_ERROR)
		return 0;
	/* The name must be NUL-terminated inside the payload. */
	for (i = 0; i < len && payload[i]; i++)
		;
	if (i == len)
		return -KEEL_EIO;
	for (i = 0; i < KEEL_XS_ERRNAME_COUNT; i++)
		if (str_eq(keel_xs_errnames[i].name, payload))
			return -keel_xs_errnames[i].errnum;
	return -KEEL_EIO;
}

int xs_parse_watch_event(const char *payload, uint32_t len,
			 const char **path, const char **token)
{
	uint32_t i = 0, tok;

	while (i < len && payload[i])
		i++;
	if (i == len || i == 0)
		return -KEEL_EINVAL;
	tok = ++i;
	while (i < len && payload[i])
		i++;
	if (i == len)
		return -KEEL_EINVAL;
	*path = payload;
	*token = payload + tok;
	return 0;
}

unsigned int xs_dir_count(const char *payload, uint32_t len)
{
	unsigned int n = 0;
	uint32_t i;

	for (i = 0; i < len; i++)
		if (payload[i] == '\0')
			n++;
	return n;
}
