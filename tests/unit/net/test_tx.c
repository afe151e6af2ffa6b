/* tx request decoding (nb_tx.c): good packets, a table of bad ones, slot
 * and chain limits, incomplete chains, extra-info slots, responses. */
#include <string.h>

#include "nb_tx.h"
#include "tests.h"

#define MORE KEEL_NETTXF_MORE_DATA
#define EXTRA KEEL_NETTXF_EXTRA_INFO

static union keel_netif_tx_slot S(uint32_t gref, uint16_t off, uint16_t size,
				  uint16_t flags, uint16_t id)
{
	union keel_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.req = (struct keel_netif_tx_request){ gref, off, flags, id, size };
	return s;
}

static union keel_netif_tx_slot X(uint8_t type, uint8_t flags)
{
	union keel_netif_tx_slot s;

	memset(&s, 0, sizeof(s));
	s.extra.type = type;
	s.extra.flags = flags;
	return s;
}

START_TEST(one_slot_packet)
{
	union keel_netif_tx_slot s[1] = { S(7, 100, 60, 0, 3) };
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 1, &p), 1);
	ck_assert(!p.bad);
	ck_assert_uint_eq(p.len, 60);
	ck_assert_uint_eq(p.nfrags, 1);
	ck_assert_uint_eq(p.frags[0].gref, 7);
	ck_assert_uint_eq(p.frags[0].offset, 100);
	ck_assert_uint_eq(p.frags[0].len, 60);
}
END_TEST

START_TEST(chain_first_fragment_is_the_rest)
{
	/* 5000 bytes: 904 in the first slot, 4096 in the second */
	union keel_netif_tx_slot s[3] = { S(1, 0, 5000, MORE, 1),
					  S(2, 0, 4096, 0, 2), S(9, 0, 60, 0, 3) };
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 3, &p), 2);
	ck_assert(!p.bad);
	ck_assert_uint_eq(p.len, 5000);
	ck_assert_uint_eq(p.nfrags, 2);
	ck_assert_uint_eq(p.frags[0].len, 904);
	ck_assert_uint_eq(p.frags[1].gref, 2);
	ck_assert_uint_eq(p.frags[1].len, 4096);
}
END_TEST

START_TEST(empty_first_fragment_is_skipped)
{
	union keel_netif_tx_slot s[2] = { S(1, 0, 100, MORE, 1), S(2, 10, 100, 0, 2) };
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 2, &p), 2);
	ck_assert(!p.bad);
	ck_assert_uint_eq(p.nfrags, 1);
	ck_assert_uint_eq(p.frags[0].gref, 2);
	ck_assert_uint_eq(p.frags[0].offset, 10);
}
END_TEST

START_TEST(bad_request_table)
{
	const struct {
		const char *name;
		union keel_netif_tx_slot s[3];
		unsigned int n, slots;
		enum nb_drop why;
	} t[] = {
		{ "size 0", { S(1, 0, 0, 0, 1) }, 1, 1, NB_DROP_BAD_REQUEST },
		{ "runt 13", { S(1, 0, 13, 0, 1) }, 1, 1, NB_DROP_BAD_REQUEST },
		{ "offset+size past page", { S(1, 4000, 200, 0, 1) }, 1, 1,
		  NB_DROP_BAD_REQUEST },
		{ "offset past page", { S(1, 5000, 60, 0, 1) }, 1, 1,
		  NB_DROP_BAD_REQUEST },
		{ "fragments larger than the packet",
		  { S(1, 0, 100, MORE, 1), S(2, 0, 200, 0, 2) }, 2, 2,
		  NB_DROP_BAD_REQUEST },
		{ "later fragment past its page",
		  { S(1, 0, 3000, MORE, 1), S(2, 2000, 2500, 0, 2) }, 2, 2,
		  NB_DROP_BAD_REQUEST },
		{ "extra info on a later request",
		  { S(1, 0, 200, MORE, 1), S(2, 0, 100, EXTRA, 2) }, 2, 2,
		  NB_DROP_BAD_REQUEST },
		{ "gso extra (not offered)",
		  { S(1, 0, 60, EXTRA, 1), X(KEEL_NETIF_EXTRA_TYPE_GSO, 0) }, 2, 2,
		  NB_DROP_BAD_REQUEST },
		{ "unknown extra type",
		  { S(1, 0, 60, EXTRA, 1), X(9, 0) }, 2, 2, NB_DROP_BAD_REQUEST },
	};
	struct nb_tx_packet p;

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(nb_tx_decode(t[i].s, t[i].n, &p) == t[i].slots,
			      "%s: slots", t[i].name);
		ck_assert_msg(p.bad && p.why == t[i].why, "%s: bad %d why %d",
			      t[i].name, p.bad, p.why);
		ck_assert_msg(p.nfrags == 0, "%s: fragments of a bad packet",
			      t[i].name);
	}
}
END_TEST

START_TEST(chain_over_64k)
{
	union keel_netif_tx_slot s[18];
	struct nb_tx_packet p;

	for (unsigned int i = 0; i < 18; i++)
		s[i] = S(1, 0, 4096, i < 17 ? MORE : 0, (uint16_t)i);
	s[0].req.size = 0xffff;         /* 18 * 4096 = 73728 claimed */
	ck_assert_uint_eq(nb_tx_decode(s, 18, &p), 18);
	ck_assert(p.bad);
	ck_assert_int_eq(p.why, NB_DROP_BAD_REQUEST);
}
END_TEST

START_TEST(slot_limit_is_18)
{
	union keel_netif_tx_slot s[40];
	struct nb_tx_packet p;
	unsigned int n;

	/* 18 requests: allowed */
	for (n = 0; n < KEEL_NETIF_MAX_SLOTS; n++)
		s[n] = S(1, 0, 100, n + 1 < KEEL_NETIF_MAX_SLOTS ? MORE : 0, (uint16_t)n);
	s[0].req.size = 100 * KEEL_NETIF_MAX_SLOTS;
	ck_assert_uint_eq(nb_tx_decode(s, KEEL_NETIF_MAX_SLOTS, &p),
			  KEEL_NETIF_MAX_SLOTS);
	ck_assert(!p.bad);
	ck_assert_uint_eq(p.nfrags, KEEL_NETIF_MAX_SLOTS);
	/* 19: the whole chain is consumed and refused */
	for (n = 0; n < 19; n++)
		s[n] = S(1, 0, 100, n + 1 < 19 ? MORE : 0, (uint16_t)n);
	s[0].req.size = 1900;
	s[19] = S(1, 0, 60, 0, 99);
	ck_assert_uint_eq(nb_tx_decode(s, 20, &p), 19);
	ck_assert(p.bad);
	ck_assert_int_eq(p.why, NB_DROP_TOO_MANY_SLOTS);
	/* 40, still ending: consumed to its end */
	for (n = 0; n < 40; n++)
		s[n] = S(1, 0, 100, n + 1 < 40 ? MORE : 0, (uint16_t)n);
	ck_assert_uint_eq(nb_tx_decode(s, 40, &p), 40);
	ck_assert_int_eq(p.why, NB_DROP_TOO_MANY_SLOTS);
}
END_TEST

START_TEST(incomplete_chain_waits)
{
	union keel_netif_tx_slot s[3] = { S(1, 0, 300, MORE, 1),
					  S(2, 0, 100, MORE, 2) };
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 0, &p), 0);
	ck_assert_uint_eq(nb_tx_decode(s, 1, &p), 0);
	ck_assert_uint_eq(nb_tx_decode(s, 2, &p), 0);
	s[2] = S(3, 0, 100, 0, 3);
	ck_assert_uint_eq(nb_tx_decode(s, 3, &p), 3);
	ck_assert(!p.bad);
	/* an extra announced but not there yet */
	s[0] = S(1, 0, 60, EXTRA, 1);
	ck_assert_uint_eq(nb_tx_decode(s, 1, &p), 0);
	s[1] = X(KEEL_NETIF_EXTRA_TYPE_MCAST_ADD, KEEL_NETIF_EXTRA_FLAG_MORE);
	ck_assert_uint_eq(nb_tx_decode(s, 2, &p), 0);
}
END_TEST

START_TEST(extras_are_skipped_and_limited)
{
	union keel_netif_tx_slot s[8];
	struct nb_tx_packet p;

	s[0] = S(1, 0, 60, EXTRA, 1);
	s[1] = X(KEEL_NETIF_EXTRA_TYPE_MCAST_ADD, KEEL_NETIF_EXTRA_FLAG_MORE);
	s[2] = X(KEEL_NETIF_EXTRA_TYPE_MCAST_DEL, 0);
	ck_assert_uint_eq(nb_tx_decode(s, 3, &p), 3);
	ck_assert(!p.bad);
	ck_assert_uint_eq(p.nfrags, 1);
	for (unsigned int i = 1; i < 7; i++)
		s[i] = X(KEEL_NETIF_EXTRA_TYPE_MCAST_ADD,
			 i < 6 ? KEEL_NETIF_EXTRA_FLAG_MORE : 0);
	ck_assert_uint_eq(nb_tx_decode(s, 7, &p), 7);
	ck_assert(p.bad);
}
END_TEST

START_TEST(csum_blank_flag_is_kept)
{
	union keel_netif_tx_slot s[1] = {
		S(1, 0, 60, KEEL_NETTXF_CSUM_BLANK | KEEL_NETTXF_DATA_VALIDATED, 1) };
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 1, &p), 1);
	ck_assert(p.csum_blank);
}
END_TEST

START_TEST(responses_per_slot)
{
	union keel_netif_tx_slot s[5] = {
		S(1, 0, 200, EXTRA | MORE, 11),
		X(KEEL_NETIF_EXTRA_TYPE_MCAST_ADD, KEEL_NETIF_EXTRA_FLAG_MORE),
		X(KEEL_NETIF_EXTRA_TYPE_MCAST_ADD, 0),
		S(2, 0, 100, MORE, 12), S(3, 0, 50, 0, 13) };
	struct keel_netif_tx_response r[5];
	struct nb_tx_packet p;

	ck_assert_uint_eq(nb_tx_decode(s, 5, &p), 5);
	nb_tx_responses(s, 5, KEEL_NETIF_RSP_ERROR, r);
	ck_assert_uint_eq(r[0].id, 11);
	ck_assert_int_eq(r[0].status, KEEL_NETIF_RSP_ERROR);
	ck_assert_int_eq(r[1].status, KEEL_NETIF_RSP_NULL);
	ck_assert_int_eq(r[2].status, KEEL_NETIF_RSP_NULL);
	ck_assert_uint_eq(r[3].id, 12);
	ck_assert_int_eq(r[3].status, KEEL_NETIF_RSP_ERROR);
	ck_assert_uint_eq(r[4].id, 13);
}
END_TEST

START_TEST(drop_names)
{
	ck_assert_str_eq(nb_drop_name(NB_DROP_MAC_SPOOF), "mac-spoof");
	ck_assert_str_eq(nb_drop_name(NB_DROP_RX_NO_BUFFER), "rx-no-buffer");
	ck_assert_str_eq(nb_drop_name(NB_DROP_COUNT), "?");
	for (unsigned int i = 0; i < NB_DROP_COUNT; i++)
		ck_assert_ptr_nonnull(nb_drop_name(i));
}
END_TEST

Suite *suite_tx(void)
{
	Suite *s = suite_create("tx");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, one_slot_packet);
	tcase_add_test(tc, chain_first_fragment_is_the_rest);
	tcase_add_test(tc, empty_first_fragment_is_skipped);
	tcase_add_test(tc, bad_request_table);
	tcase_add_test(tc, chain_over_64k);
	tcase_add_test(tc, slot_limit_is_18);
	tcase_add_test(tc, incomplete_chain_waits);
	tcase_add_test(tc, extras_are_skipped_and_limited);
	tcase_add_test(tc, csum_blank_flag_is_kept);
	tcase_add_test(tc, responses_per_slot);
	tcase_add_test(tc, drop_names);
	suite_add_tcase(s, tc);
	return s;
}
