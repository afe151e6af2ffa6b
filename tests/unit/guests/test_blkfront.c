/* blkfront's pure parts: requests, shadows, response checks, handshake. */
#include <string.h>

#include <public/errno.h>

#include "blkfront_req.h"
#include "tests.h"

static const uint32_t grefs[KEEL_BLKIF_MAX_SEGMENTS] = {
	10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
};

START_TEST(test_build_rw_full)
{
	struct keel_blkif_request r;

	ck_assert_uint_eq(blkfront_build_rw(&r, KEEL_BLKIF_OP_WRITE, 5, 1000, 500, grefs), 88);
	ck_assert_uint_eq(r.operation, KEEL_BLKIF_OP_WRITE);
	ck_assert_uint_eq(r.id, 5);
	ck_assert_uint_eq(r.sector_number, 1000);
	ck_assert_uint_eq(r.nr_segments, 11);
	for (int i = 0; i < 11; i++) {
		ck_assert_uint_eq(r.seg[i].gref, grefs[i]);
		ck_assert_uint_eq(r.seg[i].first_sect, 0);
		ck_assert_uint_eq(r.seg[i].last_sect, 7);
	}
}
END_TEST

START_TEST(test_build_rw_partial_last_page)
{
	struct keel_blkif_request r;

	ck_assert_uint_eq(blkfront_build_rw(&r, KEEL_BLKIF_OP_READ, 0, 7, 19, grefs), 19);
	ck_assert_uint_eq(r.nr_segments, 3);
	ck_assert_uint_eq(r.seg[1].last_sect, 7);
	ck_assert_uint_eq(r.seg[2].first_sect, 0);
	ck_assert_uint_eq(r.seg[2].last_sect, 2);
	ck_assert_uint_eq(blkfront_build_rw(&r, KEEL_BLKIF_OP_READ, 0, 7, 1, grefs), 1);
	ck_assert_uint_eq(r.nr_segments, 1);
	ck_assert_uint_eq(r.seg[0].last_sect, 0);
}
END_TEST

START_TEST(test_build_rw_zero)
{
	struct keel_blkif_request r;

	ck_assert_uint_eq(blkfront_build_rw(&r, KEEL_BLKIF_OP_READ, 0, 0, 0, grefs), 0);
	ck_assert_uint_eq(r.nr_segments, 0);
}
END_TEST

/* 1 MiB (2048 sectors) splits into 23 full requests and one of 24. */
START_TEST(test_split_one_mib)
{
	struct keel_blkif_request r;
	uint64_t left = 2048, sector = 4096;
	int nreq = 0;

	while (left) {
		uint32_t n = blkfront_build_rw(&r, KEEL_BLKIF_OP_READ, 0, sector, left, grefs);

		ck_assert_uint_eq(r.sector_number, sector);
		ck_assert_uint_ge(r.nr_segments, 1);
		ck_assert_uint_le(r.nr_segments, KEEL_BLKIF_MAX_SEGMENTS);
		sector += n;
		left -= n;
		nreq++;
	}
	ck_assert_int_eq(nreq, 24);
	ck_assert_uint_eq(r.nr_segments, 3);
	ck_assert_uint_eq(r.seg[2].last_sect, 7);
	ck_assert_uint_le(nreq, BLKFRONT_NR_SHADOWS);   /* 1 MiB fits in flight */
}
END_TEST

START_TEST(test_build_flush)
{
	struct keel_blkif_request r;

	memset(&r, 0xff, sizeof(r));
	blkfront_build_flush(&r, 9);
	ck_assert_uint_eq(r.operation, KEEL_BLKIF_OP_FLUSH_DISKCACHE);
	ck_assert_uint_eq(r.nr_segments, 0);
	ck_assert_uint_eq(r.id, 9);
	ck_assert_uint_eq(r.sector_number, 0);
}
END_TEST

START_TEST(test_build_discard)
{
	struct keel_blkif_request r;
	const struct keel_blkif_request_discard *d = (const void *)&r;

	memset(&r, 0xff, sizeof(r));
	blkfront_build_discard(&r, 4, 100, 1u << 20);
	ck_assert_uint_eq(d->operation, KEEL_BLKIF_OP_DISCARD);
	ck_assert_uint_eq(d->flag, 0);
	ck_assert_uint_eq(d->id, 4);
	ck_assert_uint_eq(d->sector_number, 100);
	ck_assert_uint_eq(d->nr_sectors, 1u << 20);
}
END_TEST

START_TEST(test_shadow_get_put)
{
	static struct blkfront_shadows t;
	long ids[BLKFRONT_NR_SHADOWS];

	blkfront_shadows_init(&t);
	for (uint32_t i = 0; i < BLKFRONT_NR_SHADOWS; i++) {
		ids[i] = blkfront_shadow_get(&t);
		ck_assert_int_eq(ids[i], (long)i);
		ck_assert_int_eq(t.sh[i].state, BLKFRONT_SH_QUEUED);
	}
	ck_assert_uint_eq(t.nr_busy, BLKFRONT_NR_SHADOWS);
	ck_assert_int_eq(blkfront_shadow_get(&t), -KEEL_ENOSPC);
	blkfront_shadow_put(&t, 7);
	blkfront_shadow_put(&t, 7);                 /* twice: no effect */
	blkfront_shadow_put(&t, BLKFRONT_NR_SHADOWS); /* out of range */
	ck_assert_uint_eq(t.nr_busy, BLKFRONT_NR_SHADOWS - 1);
	ck_assert_int_eq(blkfront_shadow_get(&t), 7);
	blkfront_shadows_drop(&t);
	ck_assert_uint_eq(t.nr_busy, 0);
	ck_assert_int_eq(blkfront_next_queued(&t), -1);
}
END_TEST

START_TEST(test_next_queued_oldest_first)
{
	static struct blkfront_shadows t;

	blkfront_shadows_init(&t);
	t.next_seq = 0xfffffffe;                    /* wraps in the middle */
	ck_assert_int_eq(blkfront_shadow_get(&t), 0);   /* seq ...fe */
	ck_assert_int_eq(blkfront_shadow_get(&t), 1);   /* seq ...ff */
	ck_assert_int_eq(blkfront_shadow_get(&t), 2);   /* seq 0     */
	blkfront_shadow_put(&t, 0);
	ck_assert_int_eq(blkfront_shadow_get(&t), 0);   /* seq 1: newest */
	ck_assert_int_eq(blkfront_next_queued(&t), 1);
	t.sh[1].state = BLKFRONT_SH_RING;
	ck_assert_int_eq(blkfront_next_queued(&t), 2);
	t.sh[2].state = BLKFRONT_SH_RING;
	ck_assert_int_eq(blkfront_next_queued(&t), 0);
}
END_TEST

/* A backend restart: what was on the ring is queued again, ahead of what
 * was built later and never sent; answered ones are not replayed. */
START_TEST(test_replay)
{
	static struct blkfront_shadows t;

	blkfront_shadows_init(&t);
	for (int i = 0; i < 5; i++)
		blkfront_shadow_get(&t);
	t.sh[0].state = BLKFRONT_SH_RING;
	t.sh[1].state = BLKFRONT_SH_RING;
	t.sh[2].state = BLKFRONT_SH_RING;
	blkfront_shadow_put(&t, 1);                 /* answered before the kill */
	/* 3 and 4 were built but not on the ring yet. */
	ck_assert_uint_eq(blkfront_replay(&t), 2);
	ck_assert_int_eq(t.sh[0].state, BLKFRONT_SH_QUEUED);
	ck_assert_int_eq(t.sh[1].state, BLKFRONT_SH_FREE);
	ck_assert_int_eq(t.sh[2].state, BLKFRONT_SH_QUEUED);
	ck_assert_int_eq(blkfront_next_queued(&t), 0);
	t.sh[0].state = BLKFRONT_SH_RING;
	ck_assert_int_eq(blkfront_next_queued(&t), 2);
	t.sh[2].state = BLKFRONT_SH_RING;
	ck_assert_int_eq(blkfront_next_queued(&t), 3);
	ck_assert_uint_eq(t.nr_busy, 4);
	ck_assert_uint_eq(blkfront_replay(&t), 2);  /* a second restart */
}
END_TEST

START_TEST(test_ring_check)
{
	ck_assert_int_eq(blkfront_ring_check(0, 0, 0, 32), 0);
	ck_assert_int_eq(blkfront_ring_check(3, 1, 5, 32), 2);
	ck_assert_int_eq(blkfront_ring_check(32, 0, 32, 32), 32);
	/* More than the ring holds. */
	ck_assert_int_eq(blkfront_ring_check(33, 0, 40, 32), -KEEL_EIO);
	/* More responses than requests published. */
	ck_assert_int_eq(blkfront_ring_check(6, 1, 5, 32), -KEEL_EIO);
	/* Behind the consumer (a huge unsigned distance). */
	ck_assert_int_eq(blkfront_ring_check(0, 1, 5, 32), -KEEL_EIO);
	/* Wrap-around of the free-running indices. */
	ck_assert_int_eq(blkfront_ring_check(2, 0xfffffffeu, 4, 32), 4);
	ck_assert_int_eq(blkfront_ring_check(0x80000000u, 0, 0x80000000u, 64), -KEEL_EIO);
}
END_TEST

START_TEST(test_rsp_check)
{
	static struct blkfront_shadows t;
	struct keel_blkif_response rsp = { 0 };
	long id;

	blkfront_shadows_init(&t);
	id = blkfront_shadow_get(&t);
	blkfront_build_rw(&t.sh[id].req, KEEL_BLKIF_OP_WRITE, (uint64_t)id, 0, 8, grefs);
	rsp.id = (uint64_t)id;
	rsp.operation = KEEL_BLKIF_OP_WRITE;
	/* Only queued: the backend never saw it. */
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
	t.sh[id].state = BLKFRONT_SH_RING;
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), id);
	rsp.operation = KEEL_BLKIF_OP_READ;         /* wrong operation */
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
	rsp.operation = KEEL_BLKIF_OP_WRITE;
	rsp.id = BLKFRONT_NR_SHADOWS;               /* never issued */
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
	rsp.id = 1ull << 40;
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
	rsp.id = 3;                                 /* free */
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
	rsp.id = (uint64_t)id;
	blkfront_shadow_put(&t, (uint32_t)id);      /* answered twice */
	ck_assert_int_eq(blkfront_rsp_check(&t, &rsp), -KEEL_EIO);
}
END_TEST

START_TEST(test_rsp_errno)
{
	ck_assert_int_eq(blkfront_rsp_errno(KEEL_BLKIF_RSP_OKAY), 0);
	ck_assert_int_eq(blkfront_rsp_errno(KEEL_BLKIF_RSP_ERROR), -KEEL_EIO);
	ck_assert_int_eq(blkfront_rsp_errno(KEEL_BLKIF_RSP_EOPNOTSUPP), -KEEL_ENOSYS);
	ck_assert_int_eq(blkfront_rsp_errno(7), -KEEL_EIO);
	ck_assert_int_eq(blkfront_rsp_errno(-300), -KEEL_EIO);
}
END_TEST

START_TEST(test_ring_order)
{
	ck_assert_uint_eq(blkfront_ring_order(0, 4), 0);
	ck_assert_uint_eq(blkfront_ring_order(1, 0), 0);
	ck_assert_uint_eq(blkfront_ring_order(1, 4), BLKFRONT_MAX_RING_ORDER);
	ck_assert_uint_eq(blkfront_ring_order(1, 1ull << 40), BLKFRONT_MAX_RING_ORDER);
	ck_assert_uint_eq(keel_blkif_ring_slots(BLKFRONT_MAX_RING_ORDER), BLKFRONT_NR_SHADOWS);
}
END_TEST

/* ---- the handshake --------------------------------------------------------- */

#define I  BLKFRONT_INIT
#define IN BLKFRONT_INITIALISED
#define C  BLKFRONT_CONNECTED
#define W  BLKFRONT_WAIT_BACKEND
#define CL BLKFRONT_CLOSED

struct decide_case {
	enum blkfront_phase phase;
	int prev_be, be, fe;
	enum blkfront_action want;
};

static const struct decide_case decide_table[] = {
	/* Normal connection. */
	{ I,  0, 1, 1, BLKFRONT_ACT_NONE },
	{ I,  1, 2, 1, BLKFRONT_ACT_SETUP },
	{ I,  0, 4, 1, BLKFRONT_ACT_SETUP },      /* "[or 4]" */
	{ IN, 2, 2, 3, BLKFRONT_ACT_NONE },       /* repeated event */
	{ IN, 2, 4, 3, BLKFRONT_ACT_CONNECT },
	{ C,  4, 4, 4, BLKFRONT_ACT_NONE },
	/* Backend restart while connected: InitWait again. */
	{ C,  4, 2, 4, BLKFRONT_ACT_SETUP },
	/* ... seen at an earlier step: it is at 1, then 2. */
	{ C,  4, 1, 4, BLKFRONT_ACT_SUSPEND },
	{ C,  4, 0, 4, BLKFRONT_ACT_SUSPEND },    /* state key garbled */
	{ W,  1, 1, 4, BLKFRONT_ACT_NONE },
	{ W,  1, 2, 4, BLKFRONT_ACT_SETUP },
	{ W,  1, 4, 4, BLKFRONT_ACT_NONE },       /* Connected to no ring of ours */
	/* Restart between our 3 and our seeing its 4. */
	{ IN, 4, 2, 3, BLKFRONT_ACT_SETUP },
	{ IN, 2, 1, 3, BLKFRONT_ACT_SUSPEND },
	{ IN, 2, 3, 3, BLKFRONT_ACT_NONE },       /* nonsense: ignored */
	/* Close: from every phase but Closed. */
	{ I,  1, 5, 1, BLKFRONT_ACT_CLOSE },
	{ IN, 2, 6, 3, BLKFRONT_ACT_CLOSE },
	{ C,  4, 5, 4, BLKFRONT_ACT_CLOSE },
	{ C,  4, 6, 4, BLKFRONT_ACT_CLOSE },      /* also a removed directory */
	{ W,  1, 5, 4, BLKFRONT_ACT_CLOSE },
	{ CL, 5, 6, 6, BLKFRONT_ACT_NONE },
	{ CL, 6, 6, 6, BLKFRONT_ACT_NONE },
	/* After a close, a new connection only when asked (our state 1). */
	{ CL, 6, 2, 6, BLKFRONT_ACT_NONE },
	{ CL, 6, 1, 1, BLKFRONT_ACT_NONE },
	{ CL, 1, 2, 1, BLKFRONT_ACT_SETUP },
	{ CL, 6, 4, 1, BLKFRONT_ACT_NONE },
};

START_TEST(test_decide_table)
{
	for (size_t i = 0; i < sizeof(decide_table) / sizeof(decide_table[0]); i++) {
		const struct decide_case *c = &decide_table[i];

		ck_assert_msg(blkfront_decide(c->phase, c->prev_be, c->be, c->fe) == c->want,
			      "case %zu: phase %d prev %d be %d fe %d", i, c->phase,
			      c->prev_be, c->be, c->fe);
	}
}
END_TEST

/* Every (phase, previous, current) triple gives some defined action, and
 * the close states always close unless closed already. */
START_TEST(test_decide_all_pairs)
{
	for (int ph = I; ph <= CL; ph++)
		for (int prev = 0; prev <= KEEL_XBS_MAX; prev++)
			for (int be = 0; be <= KEEL_XBS_MAX; be++) {
				enum blkfront_action a = blkfront_decide(ph, prev, be, 4);

				ck_assert_int_le(a, BLKFRONT_ACT_CLOSE);
				if (be == KEEL_XBS_CLOSING || be == KEEL_XBS_CLOSED)
					ck_assert_int_eq(a, ph == CL ? BLKFRONT_ACT_NONE
								     : BLKFRONT_ACT_CLOSE);
				if (a == BLKFRONT_ACT_CONNECT)
					ck_assert(ph == IN && be == KEEL_XBS_CONNECTED);
			}
}
END_TEST

Suite *suite_blkfront(void)
{
	Suite *s = suite_create("blkfront");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_build_rw_full);
	tcase_add_test(tc, test_build_rw_partial_last_page);
	tcase_add_test(tc, test_build_rw_zero);
	tcase_add_test(tc, test_split_one_mib);
	tcase_add_test(tc, test_build_flush);
	tcase_add_test(tc, test_build_discard);
	tcase_add_test(tc, test_shadow_get_put);
	tcase_add_test(tc, test_next_queued_oldest_first);
	tcase_add_test(tc, test_replay);
	tcase_add_test(tc, test_ring_check);
	tcase_add_test(tc, test_rsp_check);
	tcase_add_test(tc, test_rsp_errno);
	tcase_add_test(tc, test_ring_order);
	tcase_add_test(tc, test_decide_table);
	tcase_add_test(tc, test_decide_all_pairs);
	suite_add_tcase(s, tc);
	return s;
}
