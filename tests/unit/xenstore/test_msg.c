/* Message framing and malformed input. */
#include <errno.h>
#include <string.h>

#include "harness.h"

START_TEST(ids_are_echoed)
{
	struct tconn *t = tc_new(0, true);
	struct keel_xs_msg_hdr h = { KEEL_XS_READ, 0xdeadbeef, 0, 2 };
	struct keel_xs_msg_hdr out;

	tc_push(t, &h, sizeof(h));
	tc_push(t, "/", 2);
	ck_assert_uint_ge(t->out_len, sizeof(out));
	memcpy(&out, t->out, sizeof(out));
	ck_assert_uint_eq(out.type, KEEL_XS_READ);
	ck_assert_uint_eq(out.req_id, 0xdeadbeef);
	ck_assert_uint_eq(out.tx_id, 0);
}
END_TEST

START_TEST(byte_at_a_time)
{
	struct tconn *t = tc_new(0, true);
	struct keel_xs_msg_hdr h = { KEEL_XS_WRITE, 1, 0, 6 };
	uint8_t buf[64];
	size_t i;
	char v[16];

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), "/b\0val", 6);
	for (i = 0; i < sizeof(h) + 6; i++)
		tc_push(t, buf + i, 1);
	t->out_off = t->out_len;  /* skip the write's reply */
	ck_assert_int_eq(tc_read(t, 0, "/b", v), 0);
	ck_assert_str_eq(v, "val");
}
END_TEST

START_TEST(oversize_length_disconnects)
{
	struct tconn *t = tc_new(0, true), *o = tc_new(0, true);
	struct keel_xs_msg_hdr h = { KEEL_XS_READ, 1, 0,
				     KEEL_XS_PAYLOAD_MAX + 1 };

	tc_push(t, &h, sizeof(h));
	ck_assert(t->closed);
	ck_assert_int_eq(tc_write(o, 0, "/still", "ok"), 0);
}
END_TEST

START_TEST(missing_terminator_is_einval)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_req(t, KEEL_XS_READ, 0, "/abc", 4, NULL), -EINVAL);
	ck_assert_int_eq(tc_req(t, KEEL_XS_WRITE, 0, "/abc", 4, NULL), -EINVAL);
	ck_assert_int_eq(tc_req(t, KEEL_XS_WATCH, 0, "/a\0tok", 6, NULL),
			 -EINVAL);
	ck_assert_int_eq(tc_req(t, KEEL_XS_READ, 0, NULL, 0, NULL), -EINVAL);
	ck_assert(!t->closed);
}
END_TEST

/* As Xen: a type the store does not serve gets ENOSYS. */
START_TEST(unknown_types_are_enosys)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_req(t, 999, 0, "/\0", 2, NULL), -ENOSYS);
	ck_assert_int_eq(tc_req(t, KEEL_XS_WATCH_EVENT, 0, "/\0", 2, NULL),
			 -ENOSYS);
	ck_assert_int_eq(tc_req(t, KEEL_XS_ERROR, 0, "/\0", 2, NULL),
			 -ENOSYS);
	ck_assert_int_eq(tc_req(t, KEEL_XS_INVALID, 0, "", 0, NULL), -ENOSYS);
	ck_assert(!t->closed);
}
END_TEST

START_TEST(too_few_arguments_is_einval)
{
	struct tconn *t = tc_new(0, true);

	ck_assert_int_eq(tc_simple(t, KEEL_XS_WATCH, "/onlypath"), -EINVAL);
	ck_assert_int_eq(tc_simple(t, KEEL_XS_INTRODUCE, "1 2"), -EINVAL);
	ck_assert_int_eq(tc_req(t, KEEL_XS_TRANSACTION_END, 0, NULL, 0, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(largest_payload_accepted)
{
	struct tconn *t = tc_new(0, true);
	static char buf[KEEL_XS_PAYLOAD_MAX];
	struct trep r;

	memcpy(buf, "/max", 5);
	memset(buf + 5, 'z', sizeof(buf) - 5);
	ck_assert_int_eq(tc_req(t, KEEL_XS_WRITE, 0, buf, sizeof(buf), NULL), 0);
	ck_assert_int_eq(tc_req(t, KEEL_XS_READ, 0, "/max", 5, &r), 0);
	ck_assert_uint_eq(r.len, KEEL_XS_PAYLOAD_MAX - 5);
}
END_TEST

START_TEST(pipelined_requests)
{
	struct tconn *t = tc_new(0, true);
	uint8_t buf[256];
	struct keel_xs_msg_hdr h = { KEEL_XS_WRITE, 1, 0, 5 };
	struct trep r;
	size_t off = 0;
	int i;

	for (i = 0; i < 5; i++) {
		h.req_id = 10 + i;
		memcpy(buf + off, &h, sizeof(h));
		memcpy(buf + off + sizeof(h), "/p\0v", 4);
		buf[off + sizeof(h) + 4] = (uint8_t)('0' + i);
		off += sizeof(h) + 5;
	}
	tc_push(t, buf, off);
	ck_assert_uint_eq(t->out_len, 5 * (sizeof(h) + 3));
	t->out_off = t->out_len;
	ck_assert_int_eq(tc_req(t, KEEL_XS_READ, 0, "/p", 3, &r), 0);
	ck_assert_str_eq(r.data, "v4");
}
END_TEST

START_TEST(error_names_roundtrip)
{
	unsigned i;

	for (i = 0; i < KEEL_XS_ERRNAME_COUNT; i++)
		ck_assert_ptr_nonnull(keel_xs_errnames[i].name);
	ck_assert_uint_eq(sizeof(struct keel_xs_msg_hdr), 16);
}
END_TEST

Suite *suite_msg(void)
{
	Suite *s = suite_create("messages");
	TCase *tc = tcase_create("messages");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, ids_are_echoed);
	tcase_add_test(tc, byte_at_a_time);
	tcase_add_test(tc, oversize_length_disconnects);
	tcase_add_test(tc, missing_terminator_is_einval);
	tcase_add_test(tc, unknown_types_are_enosys);
	tcase_add_test(tc, too_few_arguments_is_einval);
	tcase_add_test(tc, largest_payload_accepted);
	tcase_add_test(tc, pipelined_requests);
	tcase_add_test(tc, error_names_roundtrip);
	suite_add_tcase(s, tc);
	return s;
}
