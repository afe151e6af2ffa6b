/* netfront's pure parts: tx buffers, rx/tx response checks, ring index
 * checks, the mac key, the handshake decisions; and the network guests'
 * test pattern (guests/lwip/net_pattern.c). */
#include <string.h>

#include <public/errno.h>

#include "net_cmdline.h"
#include "net_pattern.h"
#include "netfront_ring.h"
#include "tests.h"

START_TEST(test_txq_all_ids_then_full)
{
	struct netfront_txq q;
	uint8_t seen[NETFRONT_TX_BUFS] = { 0 };

	netfront_txq_init(&q);
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++) {
		long id = netfront_txq_get(&q);

		ck_assert_int_ge(id, 0);
		ck_assert_int_lt(id, NETFRONT_TX_BUFS);
		ck_assert(!seen[id]);
		seen[id] = 1;
	}
	ck_assert_int_eq(netfront_txq_get(&q), -KEEL_ENOSPC);
}
END_TEST

START_TEST(test_txq_first_ids_in_order)
{
	struct netfront_txq q;

	netfront_txq_init(&q);
	ck_assert_int_eq(netfront_txq_get(&q), 0);
	ck_assert_int_eq(netfront_txq_get(&q), 1);
	ck_assert_int_eq(netfront_txq_get(&q), 2);
}
END_TEST

START_TEST(test_txq_complete_frees_once)
{
	struct netfront_txq q;
	struct keel_netif_tx_response r = { .id = 0, .status = KEEL_NETIF_RSP_OKAY };

	netfront_txq_init(&q);
	ck_assert_int_eq(netfront_txq_get(&q), 0);
	ck_assert_int_eq(netfront_txq_complete(&q, &r), 0);
	/* the same id again: not in flight any more */
	ck_assert_int_eq(netfront_txq_complete(&q, &r), -KEEL_EIO);
	ck_assert_int_eq(netfront_txq_get(&q), 0);
}
END_TEST

START_TEST(test_txq_complete_bad)
{
	struct netfront_txq q;
	struct keel_netif_tx_response r = { .id = 5, .status = KEEL_NETIF_RSP_OKAY };

	netfront_txq_init(&q);
	ck_assert_int_eq(netfront_txq_complete(&q, &r), -KEEL_EIO);     /* never issued */
	r.id = NETFRONT_TX_BUFS;
	ck_assert_int_eq(netfront_txq_complete(&q, &r), -KEEL_EIO);     /* out of range */
	r.id = 0xffff;
	ck_assert_int_eq(netfront_txq_complete(&q, &r), -KEEL_EIO);
	ck_assert_int_eq(netfront_txq_get(&q), 0);
	r.id = 0;
	r.status = KEEL_NETIF_RSP_NULL;                                   /* extra-info slot */
	ck_assert_int_eq(netfront_txq_complete(&q, &r), -KEEL_EIO);
	r.status = KEEL_NETIF_RSP_ERROR;       /* an error still frees the buffer */
	ck_assert_int_eq(netfront_txq_complete(&q, &r), 0);
	ck_assert_uint_eq(q.nr_free, NETFRONT_TX_BUFS);
}
END_TEST

START_TEST(test_txq_reset)
{
	struct netfront_txq q;

	netfront_txq_init(&q);
	for (int i = 0; i < 10; i++)
		netfront_txq_get(&q);
	netfront_txq_reset(&q);
	ck_assert_uint_eq(q.nr_free, NETFRONT_TX_BUFS);
	for (unsigned int i = 0; i < NETFRONT_TX_BUFS; i++)
		ck_assert(!q.busy[i]);
}
END_TEST

START_TEST(test_build_tx_halves)
{
	struct keel_netif_tx_request r;

	netfront_build_tx(&r, 6, 77, 1514);
	ck_assert_uint_eq(r.gref, 77);
	ck_assert_uint_eq(r.offset, 0);
	ck_assert_uint_eq(r.id, 6);
	ck_assert_uint_eq(r.size, 1514);
	ck_assert_uint_eq(r.flags, 0);
	netfront_build_tx(&r, 7, 77, 60);
	ck_assert_uint_eq(r.offset, 2048);
	/* a maximal frame never crosses the page */
	ck_assert_uint_le(r.offset + NETFRONT_FRAME_MAX, KEEL_PAGE_SIZE);
}
END_TEST

static uint8_t posted_all[NETFRONT_RX_BUFS];

static void post_all(void)
{
	memset(posted_all, 1, sizeof(posted_all));
}

START_TEST(test_rx_ok)
{
	struct keel_netif_rx_response r = { .id = 3, .offset = 0, .flags = 0, .status = 60 };

	post_all();
	ck_assert_int_eq(netfront_rx_check(posted_all, &r), 60);
	ck_assert(!posted_all[3]);
	/* validated-checksum flag is harmless */
	r.id = 4;
	r.flags = KEEL_NETRXF_DATA_VALIDATED;
	r.offset = 4096 - 1514;
	r.status = 1514;
	ck_assert_int_eq(netfront_rx_check(posted_all, &r), 1514);
}
END_TEST

/* A table of bad rx responses: each dropped with its reason. */
START_TEST(test_rx_bad_table)
{
	static const struct {
		struct keel_netif_rx_response r;
		enum netfront_drop why;
		int frees;   /* posted[id] cleared: the caller reposts it */
	} t[] = {
		{ { 1, 0, 0, KEEL_NETIF_RSP_ERROR }, NETFRONT_DROP_RX_STATUS, 1 },
		{ { 1, 0, 0, KEEL_NETIF_RSP_DROPPED }, NETFRONT_DROP_RX_STATUS, 1 },
		{ { 1, 0, 0, 0 }, NETFRONT_DROP_RX_BAD_LEN, 1 },
		{ { 1, 0, 0, 1515 }, NETFRONT_DROP_RX_BAD_LEN, 1 },
		{ { 1, 0, 0, 0x7fff }, NETFRONT_DROP_RX_BAD_LEN, 1 },
		{ { 1, 4000, 0, 100 }, NETFRONT_DROP_RX_BAD_LEN, 1 },
		{ { 1, 0xffff, 0, 60 }, NETFRONT_DROP_RX_BAD_LEN, 1 },
		{ { 1, 0, KEEL_NETRXF_MORE_DATA, 1000 }, NETFRONT_DROP_RX_MULTI, 1 },
		{ { 1, 0, KEEL_NETRXF_EXTRA_INFO, 1000 }, NETFRONT_DROP_RX_MULTI, 1 },
		{ { 1, 0, KEEL_NETRXF_GSO_PREFIX, 1000 }, NETFRONT_DROP_RX_MULTI, 1 },
		{ { NETFRONT_RX_BUFS, 0, 0, 60 }, NETFRONT_DROP_RX_BAD_ID, 0 },
		{ { 0xffff, 0, 0, 60 }, NETFRONT_DROP_RX_BAD_ID, 0 },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		long rc;

		post_all();
		rc = netfront_rx_check(posted_all, &t[i].r);
		ck_assert_msg(rc < 0, "case %u accepted", i);
		ck_assert_msg(netfront_rx_reason(rc) == t[i].why, "case %u: reason %s",
			      i, netfront_drop_name(netfront_rx_reason(rc)));
		if (t[i].r.id < NETFRONT_RX_BUFS)
			ck_assert_int_eq(posted_all[t[i].r.id], !t[i].frees);
	}
}
END_TEST

START_TEST(test_rx_not_posted)
{
	struct keel_netif_rx_response r = { .id = 9, .status = 60 };

	post_all();
	ck_assert_int_eq(netfront_rx_check(posted_all, &r), 60);
	/* answered twice: the second is for a buffer we do not have out */
	ck_assert_int_eq(netfront_rx_reason(netfront_rx_check(posted_all, &r)),
			 NETFRONT_DROP_RX_BAD_ID);
}
END_TEST

START_TEST(test_ring_check)
{
	ck_assert_int_eq(netfront_ring_check(5, 5, 10, 256), 0);
	ck_assert_int_eq(netfront_ring_check(7, 5, 10, 256), 2);
	ck_assert_int_eq(netfront_ring_check(10, 5, 10, 256), 5);
	/* more responses than requests outstanding */
	ck_assert_int_eq(netfront_ring_check(11, 5, 10, 256), -KEEL_EIO);
	/* producer far ahead, or behind the consumer */
	ck_assert_int_eq(netfront_ring_check(5 + 300, 5, 5 + 300, 256), -KEEL_EIO);
	ck_assert_int_eq(netfront_ring_check(4, 5, 10, 256), -KEEL_EIO);
	/* across the 32-bit wrap */
	ck_assert_int_eq(netfront_ring_check(2, 0xfffffffeu, 10, 256), 4);
}
END_TEST

START_TEST(test_parse_mac)
{
	uint8_t m[6] = { 0 };
	static const char *const bad[] = {
		"", "00:16:3e:5e:00", "00:16:3e:5e:00:011", "00-16-3e-5e-00-01",
		"0:16:3e:5e:00:01", "00:16:3e:5e:00:0g", "01:16:3e:5e:00:01",
		"00:16:3e:5e:00:01 ", "zz:16:3e:5e:00:01",
	};

	ck_assert_int_eq(netfront_parse_mac("00:16:3e:5E:00:01", m), 0);
	ck_assert_uint_eq(m[0], 0x00);
	ck_assert_uint_eq(m[2], 0x3e);
	ck_assert_uint_eq(m[3], 0x5e);
	ck_assert_uint_eq(m[5], 0x01);
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t keep[6] = { 1, 2, 3, 4, 5, 6 };

		ck_assert_msg(netfront_parse_mac(bad[i], keep) == -KEEL_EINVAL, "%s", bad[i]);
		ck_assert_uint_eq(keep[0], 1);   /* nothing written */
	}
}
END_TEST

START_TEST(test_decide_table)
{
	static const struct {
		enum netfront_phase ph;
		int prev, be, fe;
		enum netfront_action want;
	} t[] = {
		/* first connection, as Linux netfront */
		{ NETFRONT_INIT, 0, KEEL_XBS_INITIALISING, 1, NETFRONT_ACT_NONE },
		{ NETFRONT_INIT, 0, KEEL_XBS_INITWAIT, 1, NETFRONT_ACT_SETUP },
		{ NETFRONT_WAIT_CONNECT, KEEL_XBS_INITWAIT, KEEL_XBS_INITWAIT, 4, NETFRONT_ACT_NONE },
		{ NETFRONT_WAIT_CONNECT, KEEL_XBS_INITWAIT, KEEL_XBS_CONNECTED, 4, NETFRONT_ACT_LINK_UP },
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_CONNECTED, 4, NETFRONT_ACT_NONE },
		/* keel-netback restarted: InitWait again -> fresh rings */
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_INITWAIT, 4, NETFRONT_ACT_SETUP },
		{ NETFRONT_WAIT_CONNECT, KEEL_XBS_CONNECTED, KEEL_XBS_INITWAIT, 4, NETFRONT_ACT_SETUP },
		/* backend gone (its state below InitWait): link down, then wait */
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_UNKNOWN, 4, NETFRONT_ACT_LINK_DOWN },
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_INITIALISING, 4, NETFRONT_ACT_LINK_DOWN },
		{ NETFRONT_WAIT_BACKEND, KEEL_XBS_UNKNOWN, KEEL_XBS_INITWAIT, 4, NETFRONT_ACT_SETUP },
		{ NETFRONT_WAIT_BACKEND, KEEL_XBS_UNKNOWN, KEEL_XBS_CONNECTED, 4, NETFRONT_ACT_NONE },
		/* detach: Closing/Closed (or the key removed) -> close */
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_CLOSING, 4, NETFRONT_ACT_CLOSE },
		{ NETFRONT_UP, KEEL_XBS_CONNECTED, KEEL_XBS_CLOSED, 4, NETFRONT_ACT_CLOSE },
		/* before the first setup a missing backend state is not a detach */
		{ NETFRONT_INIT, 0, KEEL_XBS_CLOSED, 1, NETFRONT_ACT_NONE },
		{ NETFRONT_WAIT_BACKEND, KEEL_XBS_UNKNOWN, KEEL_XBS_CLOSED, 4, NETFRONT_ACT_CLOSE },
		{ NETFRONT_CLOSED, KEEL_XBS_CLOSED, KEEL_XBS_CLOSED, 6, NETFRONT_ACT_NONE },
		/* re-attach after a close: the toolstack writes 1 to our state */
		{ NETFRONT_CLOSED, KEEL_XBS_CLOSED, KEEL_XBS_INITWAIT, 6, NETFRONT_ACT_NONE },
		{ NETFRONT_CLOSED, KEEL_XBS_CLOSED, KEEL_XBS_INITWAIT, 1, NETFRONT_ACT_SETUP },
	};

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(netfront_decide(t[i].ph, t[i].prev, t[i].be, t[i].fe) == t[i].want,
			      "case %u: got %d", i,
			      netfront_decide(t[i].ph, t[i].prev, t[i].be, t[i].fe));
}
END_TEST

/* Whatever the states, link-up only from WAIT_CONNECT with the backend
 * Connected, and no action at all on a closed device but re-setup. */
START_TEST(test_decide_all)
{
	for (int ph = NETFRONT_INIT; ph <= NETFRONT_CLOSED; ph++)
		for (int prev = 0; prev <= KEEL_XBS_MAX; prev++)
			for (int be = 0; be <= KEEL_XBS_MAX; be++)
				for (int fe = 0; fe <= KEEL_XBS_MAX; fe++) {
					enum netfront_action a = netfront_decide(ph, prev, be, fe);

					if (a == NETFRONT_ACT_LINK_UP)
						ck_assert(ph == NETFRONT_WAIT_CONNECT &&
							  be == KEEL_XBS_CONNECTED);
					if (a == NETFRONT_ACT_SETUP)
						ck_assert(be == KEEL_XBS_INITWAIT);
					if (ph == NETFRONT_CLOSED)
						ck_assert(a == NETFRONT_ACT_NONE ||
							  a == NETFRONT_ACT_SETUP);
				}
}
END_TEST

START_TEST(test_pattern)
{
	uint8_t buf[1000];

	net_pattern_fill(buf, 0, sizeof(buf));
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[250], 250);
	ck_assert_uint_eq(buf[251], 0);
	ck_assert_uint_eq(buf[999], 999 % 251);
	ck_assert_uint_eq(net_pattern_check(buf, 0, sizeof(buf)), sizeof(buf));
	/* an offset continues the stream */
	net_pattern_fill(buf, 1000000007ull, 10);
	ck_assert_uint_eq(buf[0], 1000000007ull % 251);
	ck_assert_uint_eq(net_pattern_check(buf, 1000000007ull, 10), 10);
	ck_assert_uint_eq(net_pattern_check(buf, 1000000008ull, 10), 0);
	buf[7] ^= 1;
	ck_assert_uint_eq(net_pattern_check(buf, 1000000007ull, 10), 7);
}
END_TEST

START_TEST(test_cmdline_value)
{
	char buf[16];

	ck_assert_int_eq(net_cmdline_value("ip=169.254.77.11", "ip=", buf, sizeof(buf)), 13);
	ck_assert_str_eq(buf, "169.254.77.11");
	ck_assert_int_eq(net_cmdline_value("hvlog\tpeer=1.2.3.4  ip=5.6.7.8 x", "ip=", buf,
					   sizeof(buf)), 7);
	ck_assert_str_eq(buf, "5.6.7.8");
	/* the first word that has it wins */
	ck_assert_int_eq(net_cmdline_value("ip=1.1.1.1 ip=2.2.2.2", "ip=", buf, sizeof(buf)), 7);
	ck_assert_str_eq(buf, "1.1.1.1");
	/* a key inside a word is not the key: "peer_ip=" is not "ip=" */
	ck_assert_int_eq(net_cmdline_value("peer_ip=1.2.3.4", "ip=", buf, sizeof(buf)), 0);
	ck_assert_int_eq(net_cmdline_value("", "ip=", buf, sizeof(buf)), 0);
	ck_assert_int_eq(net_cmdline_value("   ", "ip=", buf, sizeof(buf)), 0);
	ck_assert_int_eq(net_cmdline_value("ipx=1", "ip=", buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(test_cmdline_value_bad)
{
	char buf[8];

	ck_assert_int_eq(net_cmdline_value("ip=", "ip=", buf, sizeof(buf)), -KEEL_EINVAL);
	ck_assert_int_eq(net_cmdline_value("a ip= b", "ip=", buf, sizeof(buf)), -KEEL_EINVAL);
	/* 7 characters fit 8 bytes, 8 do not */
	ck_assert_int_eq(net_cmdline_value("ip=1234567", "ip=", buf, sizeof(buf)), 7);
	ck_assert_int_eq(net_cmdline_value("ip=12345678", "ip=", buf, sizeof(buf)), -KEEL_E2BIG);
}
END_TEST

Suite *suite_netfront(void)
{
	Suite *s = suite_create("netfront");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_txq_all_ids_then_full);
	tcase_add_test(tc, test_txq_first_ids_in_order);
	tcase_add_test(tc, test_txq_complete_frees_once);
	tcase_add_test(tc, test_txq_complete_bad);
	tcase_add_test(tc, test_txq_reset);
	tcase_add_test(tc, test_build_tx_halves);
	tcase_add_test(tc, test_rx_ok);
	tcase_add_test(tc, test_rx_bad_table);
	tcase_add_test(tc, test_rx_not_posted);
	tcase_add_test(tc, test_ring_check);
	tcase_add_test(tc, test_parse_mac);
	tcase_add_test(tc, test_decide_table);
	tcase_add_test(tc, test_decide_all);
	tcase_add_test(tc, test_pattern);
	tcase_add_test(tc, test_cmdline_value);
	tcase_add_test(tc, test_cmdline_value_bad);
	suite_add_tcase(s, tc);
	return s;
}
