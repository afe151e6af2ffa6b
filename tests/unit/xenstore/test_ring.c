/*
 * The shared-ring transport, driven as a guest would: the test writes
 * requests into a shared page and reads replies, with a counting event
 * channel standing in for the hypervisor's.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "harness.h"
#include "ring.h"

struct fake_evtchn {
	unsigned notified;
	bool closed;
};

static void ev_notify(void *ctx) { ((struct fake_evtchn *)ctx)->notified++; }
static int ev_fd(void *ctx) { return -1; }
static void ev_ack(void *ctx) { }
static void ev_close(void *ctx) { ((struct fake_evtchn *)ctx)->closed = true; }

static const struct xsd_evtchn_ops fake_ev_ops = {
	ev_notify, ev_fd, ev_ack, ev_close,
};

static struct keel_xs_ring *ring;
static struct fake_evtchn ev;
static struct xsd_conn *rc_conn;

static void ring_setup(void)
{
	xs_setup();
	ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(ring, MAP_FAILED);
	memset(&ev, 0, sizeof(ev));
	ck_assert_int_eq(xsd_ring_attach(tx_x, 7, ring, &fake_ev_ops, &ev,
					 &rc_conn), 0);
}

static void ring_teardown(void)
{
	xs_teardown();
	munmap(ring, 4096);
}

/* Guest side: copies @len bytes into req[]; returns bytes that fit. */
static size_t guest_put(const void *buf, size_t len)
{
	uint32_t prod = ring->req_prod, cons = ring->req_cons;
	size_t i, space = KEEL_XS_RING_SIZE - (prod - cons);

	if (len > space)
		len = space;
	for (i = 0; i < len; i++)
		ring->req[KEEL_XS_RING_IDX(prod + i)] = ((const char *)buf)[i];
	__atomic_store_n(&ring->req_prod, prod + (uint32_t)len,
			 __ATOMIC_RELEASE);
	return len;
}

static size_t guest_get(void *buf, size_t len)
{
	uint32_t prod = ring->rsp_prod, cons = ring->rsp_cons;
	size_t i, avail = prod - cons;

	if (len > avail)
		len = avail;
	for (i = 0; i < len; i++)
		((char *)buf)[i] = ring->rsp[KEEL_XS_RING_IDX(cons + i)];
	__atomic_store_n(&ring->rsp_cons, cons + (uint32_t)len,
			 __ATOMIC_RELEASE);
	return len;
}

/* The daemon's side of a notification. */
static void daemon_run(void)
{
	xsd_conn_input(rc_conn);
	xsd_conn_flush(rc_conn);
}

static void guest_request(uint32_t type, uint32_t id, const void *p,
			  uint32_t len)
{
	struct keel_xs_msg_hdr h = { type, id, 0, len };

	ck_assert_uint_eq(guest_put(&h, sizeof(h)), sizeof(h));
	ck_assert_uint_eq(guest_put(p, len), len);
	daemon_run();
}

static uint32_t guest_reply(char *out)
{
	struct keel_xs_msg_hdr h;

	ck_assert_uint_eq(guest_get(&h, sizeof(h)), sizeof(h));
	ck_assert_uint_eq(guest_get(out, h.len), h.len);
	out[h.len] = '\0';
	return h.type;
}

START_TEST(layout_matches_protocol)
{
	ck_assert_uint_eq(offsetof(struct keel_xs_ring, rsp), 1024);
	ck_assert_uint_eq(offsetof(struct keel_xs_ring, req_cons), 2048);
	ck_assert_uint_eq(offsetof(struct keel_xs_ring, rsp_prod), 2060);
	ck_assert_uint_eq(offsetof(struct keel_xs_ring, error), 2072);
	ck_assert_uint_eq(ring->server_features & KEEL_XS_FEATURE_ERROR,
			  KEEL_XS_FEATURE_ERROR);
}
END_TEST

START_TEST(request_and_reply)
{
	char out[KEEL_XS_PAYLOAD_MAX + 1];

	guest_request(KEEL_XS_GET_DOMAIN_PATH, 1, "7", 2);
	ck_assert_uint_eq(guest_reply(out), KEEL_XS_GET_DOMAIN_PATH);
	ck_assert_str_eq(out, "/local/domain/7");
	ck_assert_uint_gt(ev.notified, 0);
}
END_TEST

START_TEST(indices_wrap_around)
{
	struct tconn *d0 = tc_new(0, true);
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	int i;

	ck_assert_int_eq(tc_write(d0, 0, "/pub", "value"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/pub", "r0"), 0);
	ring->req_prod = ring->req_cons = 0xfffffff0u;
	ring->rsp_prod = ring->rsp_cons = 0xfffffff0u;
	for (i = 0; i < 200; i++) {
		guest_request(KEEL_XS_READ, (uint32_t)i, "/pub", 5);
		ck_assert_uint_eq(guest_reply(out), KEEL_XS_READ);
		ck_assert_str_eq(out, "value");
	}
	ck_assert_uint_lt(ring->req_prod, 0x10000u);
}
END_TEST

START_TEST(full_response_ring_waits_for_guest)
{
	static char big[KEEL_XS_PAYLOAD_MAX];
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	struct tconn *d0 = tc_new(0, true);
	size_t got = 0, n;
	struct keel_xs_msg_hdr h;
	int spins;

	memcpy(big, "/big", 5);
	memset(big + 5, 'q', 3000);
	ck_assert_int_eq(tc_req(d0, KEEL_XS_WRITE, 0, big, 3005, NULL), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/big", "r0"), 0);
	guest_request(KEEL_XS_READ, 1, "/big", 5);
	/* 3016 bytes of reply through a 1024-byte ring */
	ck_assert_uint_eq(guest_get(&h, sizeof(h)), sizeof(h));
	ck_assert_uint_eq(h.len, 3000);
	for (spins = 0; got < h.len && spins < 100; spins++) {
		n = guest_get(out + got, h.len - got);
		got += n;
		daemon_run();
	}
	ck_assert_uint_eq(got, 3000);
	ck_assert_int_eq(out[2999], 'q');
}
END_TEST

START_TEST(bad_producer_index_kills_only_this_ring)
{
	struct tconn *d0 = tc_new(0, true);

	ring->req_prod = ring->req_cons + KEEL_XS_RING_SIZE + 1;
	daemon_run();
	ck_assert_uint_eq(ring->error, KEEL_XS_RING_ERR_RINGIDX);
	ck_assert(xsd_conn_is_dead(rc_conn));
	tc_pump();  /* destroys it */
	ck_assert(ev.closed);
	ck_assert_int_eq(tc_write(d0, 0, "/alive", "yes"), 0);
}
END_TEST

START_TEST(ring_domain_is_unprivileged)
{
	char out[KEEL_XS_PAYLOAD_MAX + 1];

	guest_request(KEEL_XS_WRITE, 3, "/top\0x", 6);
	ck_assert_uint_eq(guest_reply(out), KEEL_XS_ERROR);
	ck_assert_str_eq(out, "EACCES");
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, ring_setup, ring_teardown);
	tcase_add_test(tc, layout_matches_protocol);
	tcase_add_test(tc, request_and_reply);
	tcase_add_test(tc, indices_wrap_around);
	tcase_add_test(tc, full_response_ring_waits_for_guest);
	tcase_add_test(tc, bad_producer_index_kills_only_this_ring);
	tcase_add_test(tc, ring_domain_is_unprivileged);
	suite_add_tcase(s, tc);
	return s;
}
