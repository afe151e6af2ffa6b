/* keel-blkback's request checks (blk_req.c): a table of bad requests with
 * the status each must get, and the decoding of good ones. */
#include <string.h>

#include "blk_req.h"
#include "tests.h"

#define DISK 1000u   /* sectors */

static struct keel_blkif_request rw(uint8_t op, uint64_t sector, uint8_t nseg)
{
	struct keel_blkif_request r;

	memset(&r, 0, sizeof(r));
	r.operation = op;
	r.id = 0xabcdef;
	r.sector_number = sector;
	r.nr_segments = nseg;
	for (unsigned i = 0; i < KEEL_BLKIF_MAX_SEGMENTS; i++) {
		r.seg[i].gref = 10 + i;
		r.seg[i].first_sect = 0;
		r.seg[i].last_sect = 7;
	}
	return r;
}

struct bad_case {
	const char *what;
	struct keel_blkif_request req;
	bool readonly;
	int status;
};

START_TEST(bad_requests_get_their_status)
{
	struct bad_case cases[] = {
		{ "unknown op", rw(42, 0, 1), false, KEEL_BLKIF_RSP_EOPNOTSUPP },
		{ "barrier", rw(KEEL_BLKIF_OP_WRITE_BARRIER, 0, 1), false,
		  KEEL_BLKIF_RSP_EOPNOTSUPP },
		{ "indirect", rw(KEEL_BLKIF_OP_INDIRECT, 0, 1), false,
		  KEEL_BLKIF_RSP_EOPNOTSUPP },
		{ "0 segments", rw(KEEL_BLKIF_OP_READ, 0, 0), false,
		  KEEL_BLKIF_RSP_ERROR },
		{ "12 segments", rw(KEEL_BLKIF_OP_READ, 0, 12), false,
		  KEEL_BLKIF_RSP_ERROR },
		{ "255 segments", rw(KEEL_BLKIF_OP_WRITE, 0, 255), false,
		  KEEL_BLKIF_RSP_ERROR },
		{ "past the end", rw(KEEL_BLKIF_OP_READ, DISK - 7, 1), false,
		  KEEL_BLKIF_RSP_ERROR },
		{ "start past the end", rw(KEEL_BLKIF_OP_READ, DISK + 1, 1),
		  false, KEEL_BLKIF_RSP_ERROR },
		{ "sector wraps", rw(KEEL_BLKIF_OP_READ, UINT64_MAX - 2, 1),
		  false, KEEL_BLKIF_RSP_ERROR },
		{ "write to read-only", rw(KEEL_BLKIF_OP_WRITE, 0, 1), true,
		  KEEL_BLKIF_RSP_ERROR },
		{ "flush with segments", rw(KEEL_BLKIF_OP_FLUSH_DISKCACHE, 0, 1),
		  false, KEEL_BLKIF_RSP_ERROR },
	};
	struct keel_blkif_request r;
	struct blk_io io;

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int st = blk_req_decode(&cases[i].req, DISK, cases[i].readonly, &io);

		ck_assert_msg(st == cases[i].status, "%s: %d", cases[i].what, st);
		ck_assert_uint_eq(io.id, 0xabcdef);       /* for the response */
		ck_assert_uint_eq(io.op, cases[i].req.operation);
	}
	/* sector ranges inside a page */
	r = rw(KEEL_BLKIF_OP_READ, 0, 2);
	r.seg[1].first_sect = 5;
	r.seg[1].last_sect = 4;
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
	r.seg[1].first_sect = 0;
	r.seg[1].last_sect = 8;
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
	r.seg[1].first_sect = 200;
	r.seg[1].last_sect = 255;
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(good_read_is_decoded)
{
	struct keel_blkif_request r = rw(KEEL_BLKIF_OP_READ, 992, 2);
	struct blk_io io;

	r.seg[0].first_sect = 2;           /* 6 sectors */
	r.seg[1].last_sect = 1;            /* 2 sectors: ends at the last one */
	ck_assert_int_eq(blk_req_decode(&r, DISK, true, &io), KEEL_BLKIF_RSP_OKAY);
	ck_assert_uint_eq(io.nsect, 8);
	ck_assert_uint_eq(io.sector, 992);
	ck_assert_uint_eq(io.nseg, 2);
	ck_assert_uint_eq(io.seg[0].gref, 10);
	ck_assert_uint_eq(io.seg[0].offset, 1024);
	ck_assert_uint_eq(io.seg[0].len, 3072);
	ck_assert_uint_eq(io.seg[1].offset, 0);
	ck_assert_uint_eq(io.seg[1].len, 1024);
}
END_TEST

START_TEST(full_request_up_to_the_last_sector)
{
	struct keel_blkif_request r = rw(KEEL_BLKIF_OP_WRITE, DISK - 88, 11);
	struct blk_io io;

	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_OKAY);
	ck_assert_uint_eq(io.nsect, 88);
	r.sector_number++;
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
}
END_TEST

START_TEST(flush_is_accepted_on_a_read_only_disk)
{
	struct keel_blkif_request r = rw(KEEL_BLKIF_OP_FLUSH_DISKCACHE, 0, 0);
	struct blk_io io;

	ck_assert_int_eq(blk_req_decode(&r, DISK, true, &io), KEEL_BLKIF_RSP_OKAY);
	ck_assert_uint_eq(io.nsect, 0);
}
END_TEST

static struct keel_blkif_request discard(uint64_t sector, uint64_t n,
				       uint8_t flag)
{
	union keel_blkif_slot slot;

	memset(&slot, 0, sizeof(slot));
	slot.discard.operation = KEEL_BLKIF_OP_DISCARD;
	slot.discard.flag = flag;
	slot.discard.id = 77;
	slot.discard.sector_number = sector;
	slot.discard.nr_sectors = n;
	return slot.req;
}

START_TEST(discard_is_decoded_and_checked)
{
	struct keel_blkif_request r = discard(10, 990, 0);
	struct blk_io io;

	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_OKAY);
	ck_assert_uint_eq(io.id, 77);
	ck_assert_uint_eq(io.sector, 10);
	ck_assert_uint_eq(io.discard_sectors, 990);
	r = discard(10, 991, 0);                     /* one past the end */
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
	r = discard(1, UINT64_MAX, 0);               /* wraps */
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_ERROR);
	r = discard(0, 8, 0);
	ck_assert_int_eq(blk_req_decode(&r, DISK, true, &io), KEEL_BLKIF_RSP_ERROR);
	r = discard(0, 8, KEEL_BLKIF_DISCARD_SECURE);
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io),
			 KEEL_BLKIF_RSP_EOPNOTSUPP);
	r = discard(DISK, 0, 0);                     /* empty, at the end */
	ck_assert_int_eq(blk_req_decode(&r, DISK, false, &io), KEEL_BLKIF_RSP_OKAY);
}
END_TEST

Suite *suite_blk_req(void)
{
	Suite *s = suite_create("blk_req");
	TCase *t = tcase_create("decode");

	tcase_add_test(t, bad_requests_get_their_status);
	tcase_add_test(t, good_read_is_decoded);
	tcase_add_test(t, full_request_up_to_the_last_sector);
	tcase_add_test(t, flush_is_accepted_on_a_read_only_disk);
	tcase_add_test(t, discard_is_decoded_and_checked);
	suite_add_tcase(s, t);
	return s;
}
