/*
 * Store wire messages (io/xs_wire.h): building requests, reassembling
 * replies and watch events from a byte stream, and reading their payloads.
 * Pure (xs_msg.c), also built into the host unit tests.
 */
#ifndef GUEST_XS_MSG_H
#define GUEST_XS_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <public/io/xs_wire.h>

#define XS_MSG_MAX (sizeof(struct keel_xs_msg_hdr) + KEEL_XS_PAYLOAD_MAX)

/* One payload piece; strings include their NUL in len. */
struct xs_iov {
	const void *base;
	size_t len;
};

/* Header + pieces into buf: total bytes, -KEEL_E2BIG if the payload is
 * over KEEL_XS_PAYLOAD_MAX, -KEEL_ENOSPC if buf is too small. */
long xs_msg_build(void *buf, size_t cap, uint32_t type, uint32_t req_id,
		  uint32_t tx_id, const struct xs_iov *iov, unsigned int n);

/* Reassembly of one incoming message.  payload[len] is always NUL so a
 * payload can be read as a string. */
struct xs_rx {
	struct keel_xs_msg_hdr hdr;
	char payload[KEEL_XS_PAYLOAD_MAX + 1];
	uint32_t have;      /* bytes of header + payload received */
};

void xs_rx_reset(struct xs_rx *rx);
/* Bytes still needed to complete the current message (header first). */
size_t xs_rx_need(const struct xs_rx *rx);
/* Feed up to len bytes: returns bytes consumed (never more than
 * xs_rx_need()), sets *done when the message is complete; -KEEL_EIO if the
 * header announces a payload longer than KEEL_XS_PAYLOAD_MAX. */
long xs_rx_feed(struct xs_rx *rx, const void *data, size_t len, int *done);

/* A reply: 0 if it is not KEEL_XS_ERROR, else the negated errno its name
 * stands for (-KEEL_EIO for a name we do not know). */
int xs_reply_errno(uint32_t type, const char *payload, uint32_t len);
/* A watch event's payload "path\0token\0": 0 and pointers into payload,
 * or -KEEL_EINVAL if it is not two NUL-terminated strings. */
int xs_parse_watch_event(const char *payload, uint32_t len,
			 const char **path, const char **token);
/* A DIRECTORY reply: number of NUL-terminated names in the payload. */
unsigned int xs_dir_count(const char *payload, uint32_t len);

#endif
