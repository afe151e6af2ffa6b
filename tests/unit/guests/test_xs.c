/* Store messages: request encoding, stream reassembly with watch events
 * interleaved with replies, error names, watch-event parsing. */
#include <string.h>

#include <public/errno.h>

#include "tests.h"
#include "xs_msg.h"

static char buf[XS_MSG_MAX + 64];
static struct xs_rx rx;

START_TEST(test_build_write)
{
	struct xs_iov iov[2] = { { "data/hello", 11 }, { "hi", 2 } };
	struct keel_xs_msg_hdr h;
	long n = xs_msg_build(buf, sizeof(buf), KEEL_XS_WRITE, 7, 3, iov, 2);

	ck_assert_int_eq(n, 16 + 13);
	memcpy(&h, buf, sizeof(h));
	ck_assert_uint_eq(h.type, KEEL_XS_WRITE);
	ck_assert_uint_eq(h.req_id, 7);
	ck_assert_uint_eq(h.tx_id, 3);
	ck_assert_uint_eq(h.len, 13);
	ck_assert_mem_eq(buf + 16, "data/hello\0hi", 13);
}
END_TEST

START_TEST(test_build_limits)
{
	static char big[KEEL_XS_PAYLOAD_MAX + 1];
	struct xs_iov ok = { big, KEEL_XS_PAYLOAD_MAX };
	struct xs_iov too = { big, KEEL_XS_PAYLOAD_MAX + 1 };
	struct xs_iov two[2] = { { big, 4000 }, { big, 97 } };

	ck_assert_int_eq(xs_msg_build(buf, sizeof(buf), KEEL_XS_WRITE, 1, 0, &ok, 1),
			 16 + KEEL_XS_PAYLOAD_MAX);
	ck_assert_int_eq(xs_msg_build(buf, sizeof(buf), KEEL_XS_WRITE, 1, 0, &too, 1),
			 -KEEL_E2BIG);
	ck_assert_int_eq(xs_msg_build(buf, sizeof(buf), KEEL_XS_WRITE, 1, 0, two, 2),
			 -KEEL_E2BIG);
	ck_assert_int_eq(xs_msg_build(buf, 20, KEEL_XS_WRITE, 1, 0, &ok, 1),
			 -KEEL_ENOSPC);
}
END_TEST

/* Append one message to a byte stream. */
static size_t put_msg(char *s, uint32_t type, uint32_t req, const void *p, uint32_t len)
{
	struct keel_xs_msg_hdr h = { type, req, 0, len };

	memcpy(s, &h, sizeof(h));
	memcpy(s + sizeof(h), p, len);
	return sizeof(h) + len;
}

START_TEST(test_rx_byte_by_byte)
{
	size_t total = put_msg(buf, KEEL_XS_READ, 5, "value", 5);
	int done = 0;

	xs_rx_reset(&rx);
	for (size_t i = 0; i < total; i++) {
		ck_assert(!done);
		ck_assert_uint_eq(xs_rx_need(&rx), i < 16 ? 16 - i : total - i);
		ck_assert_int_eq(xs_rx_feed(&rx, buf + i, 1, &done), 1);
	}
	ck_assert(done);
	ck_assert_uint_eq(rx.hdr.req_id, 5);
	ck_assert_str_eq(rx.payload, "value");
}
END_TEST

START_TEST(test_rx_interleaved_event)
{
	size_t n = 0, off = 0;
	int done, events = 0, replies = 0;

	n += put_msg(buf + n, KEEL_XS_WATCH_EVENT, 0, "/local/domain/3/memory/target\0balloon", 38);
	n += put_msg(buf + n, KEEL_XS_READ, 9, "8192", 4);
	n += put_msg(buf + n, KEEL_XS_WATCH_EVENT, 0, "/a\0t", 5);
	xs_rx_reset(&rx);
	while (off < n) {
		/* Feed in odd-sized chunks, never past the current message. */
		size_t chunk = xs_rx_need(&rx) < 7 ? xs_rx_need(&rx) : 7;
		long used = xs_rx_feed(&rx, buf + off, chunk, &done);

		ck_assert_int_eq(used, (long)chunk);
		off += (size_t)used;
		if (!done)
			continue;
		if (rx.hdr.type == KEEL_XS_WATCH_EVENT) {
			const char *path, *token;

			ck_assert_int_eq(xs_parse_watch_event(rx.payload, rx.hdr.len,
							      &path, &token), 0);
			if (events++ == 0) {
				ck_assert_str_eq(path, "/local/domain/3/memory/target");
				ck_assert_str_eq(token, "balloon");
			} else {
				ck_assert_str_eq(path, "/a");
				ck_assert_str_eq(token, "t");
			}
		} else {
			replies++;
			ck_assert_uint_eq(rx.hdr.req_id, 9);
			ck_assert_str_eq(rx.payload, "8192");
		}
		xs_rx_reset(&rx);
	}
	ck_assert_int_eq(events, 2);
	ck_assert_int_eq(replies, 1);
}
END_TEST

START_TEST(test_rx_feed_stops_at_message_end)
{
	size_t n = put_msg(buf, KEEL_XS_WRITE, 1, "OK", 3);
	int done;

	n += put_msg(buf + n, KEEL_XS_WRITE, 2, "OK", 3);
	xs_rx_reset(&rx);
	ck_assert_int_eq(xs_rx_feed(&rx, buf, n, &done), 19);
	ck_assert(done);
	ck_assert_uint_eq(rx.hdr.req_id, 1);
}
END_TEST

START_TEST(test_rx_empty_payload)
{
	int done;

	put_msg(buf, KEEL_XS_READ, 4, "", 0);
	xs_rx_reset(&rx);
	ck_assert_int_eq(xs_rx_feed(&rx, buf, 16, &done), 16);
	ck_assert(done);
	ck_assert_str_eq(rx.payload, "");
}
END_TEST

START_TEST(test_rx_oversized)
{
	struct keel_xs_msg_hdr h = { KEEL_XS_READ, 1, 0, KEEL_XS_PAYLOAD_MAX + 1 };
	int done;

	xs_rx_reset(&rx);
	ck_assert_int_eq(xs_rx_feed(&rx, &h, sizeof(h), &done), -KEEL_EIO);
}
END_TEST

START_TEST(test_reply_errno)
{
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_READ, "ENOENT", 7), 0);
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_ERROR, "ENOENT", 7), -KEEL_ENOENT);
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_ERROR, "EACCES", 7), -KEEL_EACCES);
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_ERROR, "EAGAIN", 7), -KEEL_EAGAIN);
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_ERROR, "EWHAT", 6), -KEEL_EIO);
	ck_assert_int_eq(xs_reply_errno(KEEL_XS_ERROR, "ENOENT", 6), -KEEL_EIO);
}
END_TEST

START_TEST(test_watch_event_malformed)
{
	const char *p, *t;

	ck_assert_int_eq(xs_parse_watch_event("path", 4, &p, &t), -KEEL_EINVAL);
	ck_assert_int_eq(xs_parse_watch_event("path\0tok", 8, &p, &t), -KEEL_EINVAL);
	ck_assert_int_eq(xs_parse_watch_event("\0tok", 5, &p, &t), -KEEL_EINVAL);
	ck_assert_int_eq(xs_parse_watch_event("p\0\0", 3, &p, &t), 0);
	ck_assert_str_eq(t, "");
}
END_TEST

START_TEST(test_dir_count)
{
	ck_assert_uint_eq(xs_dir_count("a\0bb\0ccc", 9), 3);
	ck_assert_uint_eq(xs_dir_count("", 0), 0);
}
END_TEST

Suite *suite_xs(void)
{
	Suite *s = suite_create("xs_msg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_build_write);
	tcase_add_test(tc, test_build_limits);
	tcase_add_test(tc, test_rx_byte_by_byte);
	tcase_add_test(tc, test_rx_interleaved_event);
	tcase_add_test(tc, test_rx_feed_stops_at_message_end);
	tcase_add_test(tc, test_rx_empty_payload);
	tcase_add_test(tc, test_rx_oversized);
	tcase_add_test(tc, test_reply_errno);
	tcase_add_test(tc, test_watch_event_malformed);
	tcase_add_test(tc, test_dir_count);
	suite_add_tcase(s, tc);
	return s;
}
