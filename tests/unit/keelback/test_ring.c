/* The backend's ring consumer (kb_ring.c) with a frontend that lies. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <public/io/blkif.h>

#include "kb_ring.h"
#include "tests.h"

static uint8_t page[4096] __attribute__((aligned(4096)));
static struct keel_sring_header *hdr = (struct keel_sring_header *)page;
static struct kb_ring r;

#define SLOT 112u
#define REQ 112u
#define RSP 16u

static union keel_blkif_slot *slots(void)
{
	return (union keel_blkif_slot *)(page + 64);
}

static void setup(void)
{
	memset(page, 0, sizeof(page));
	ck_assert_int_eq(kb_ring_init(&r, page, sizeof(page), SLOT, REQ, RSP), 0);
}

/* Frontend: publish n requests with ids from `id`. */
static void produce(unsigned n, uint64_t id)
{
	for (unsigned i = 0; i < n; i++)
		slots()[(hdr->req_prod + i) % 32].req.id = id + i;
	hdr->req_prod += n;
}

START_TEST(header_layout_and_slot_count)
{
	ck_assert_uint_eq(offsetof(struct keel_sring_header, rsp_event), 12);
	ck_assert_uint_eq(keel_blkif_ring_slots(0), 32);
	ck_assert_uint_eq(keel_blkif_ring_slots(4), 512);
	setup();
	ck_assert_uint_eq(r.size, 32);
	ck_assert_uint_eq(hdr->req_event, 1);   /* wake me at the first */
}
END_TEST

START_TEST(init_rejects_sizes_that_do_not_fit)
{
	ck_assert_int_eq(kb_ring_init(&r, page, sizeof(page), 16, 112, 16), -EINVAL);
	ck_assert_int_eq(kb_ring_init(&r, page, sizeof(page), 112, 112, 113), -EINVAL);
	ck_assert_int_eq(kb_ring_init(&r, page, 100, 112, 112, 16), -EINVAL);
	ck_assert_int_eq(kb_ring_init(&r, NULL, 4096, 112, 112, 16), -EINVAL);
}
END_TEST

START_TEST(takes_what_was_produced_in_order)
{
	struct keel_blkif_request out[32];

	setup();
	produce(3, 100);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 3);
	ck_assert_uint_eq(out[0].id, 100);
	ck_assert_uint_eq(out[2].id, 102);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 0);
}
END_TEST

START_TEST(take_respects_max)
{
	struct keel_blkif_request out[32];

	setup();
	produce(10, 0);
	ck_assert_int_eq(kb_ring_take(&r, out, 4), 4);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 6);
	ck_assert_uint_eq(out[0].id, 4);
}
END_TEST

START_TEST(producer_far_ahead_breaks_the_ring)
{
	struct keel_blkif_request out[32];

	setup();
	hdr->req_prod = 33;       /* more than 32 slots' worth */
	ck_assert_int_eq(kb_ring_take(&r, out, 32), -EIO);
	hdr->req_prod = 1;        /* and it stays broken */
	ck_assert_int_eq(kb_ring_take(&r, out, 32), -EIO);
	ck_assert(!kb_ring_final_check(&r));
}
END_TEST

START_TEST(producer_behind_the_consumer_breaks_the_ring)
{
	struct keel_blkif_request out[32];

	setup();
	produce(2, 0);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 2);
	hdr->req_prod = 0xffffffffu;   /* "minus one": wraps to a huge count */
	ck_assert_int_eq(kb_ring_take(&r, out, 32), -EIO);
}
END_TEST

START_TEST(unanswered_requests_count_against_the_ring)
{
	struct keel_blkif_request out[32];
	struct keel_blkif_response rsp[32];

	setup();
	produce(32, 0);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 32);
	hdr->req_prod += 1;   /* a 33rd while 32 are unanswered */
	ck_assert_int_eq(kb_ring_take(&r, out, 32), -EIO);
	setup();
	produce(32, 0);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 32);
	memset(rsp, 0, sizeof(rsp));
	kb_ring_push(&r, rsp, 32);
	produce(1, 32);       /* fine once answered */
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 1);
}
END_TEST

START_TEST(indices_wrap_around_2_32)
{
	struct keel_blkif_request out[32];
	struct keel_blkif_response rsp[4] = { { .id = 7 } };

	memset(page, 0, sizeof(page));
	ck_assert_int_eq(kb_ring_init(&r, page, sizeof(page), SLOT, REQ, RSP), 0);
	r.req_cons = r.rsp_prod_pvt = r.rsp_published = 0xfffffffeu;
	hdr->req_prod = hdr->rsp_prod = 0xfffffffeu;
	produce(4, 50);
	ck_assert_uint_eq(hdr->req_prod, 2);
	ck_assert_int_eq(kb_ring_take(&r, out, 32), 4);
	ck_assert_uint_eq(out[3].id, 53);
	kb_ring_push(&r, rsp, 4);
	ck_assert_uint_eq(hdr->rsp_prod, 2);
}
END_TEST

START_TEST(push_writes_responses_and_publishes)
{
	struct keel_blkif_request out[32];
	struct keel_blkif_response rsp[2] = { { .id = 5, .status = 0 },
					      { .id = 6, .status = -1 } };

	setup();
	produce(2, 5);
	kb_ring_take(&r, out, 32);
	kb_ring_push(&r, rsp, 2);
	ck_assert_uint_eq(hdr->rsp_prod, 2);
	ck_assert_uint_eq(slots()[0].rsp.id, 5);
	ck_assert_int_eq(slots()[1].rsp.status, -1);
}
END_TEST

START_TEST(push_more_than_taken_is_refused)
{
	struct keel_blkif_response rsp[2] = { { .id = 1 } };

	setup();
	ck_assert(!kb_ring_push(&r, rsp, 1));
	ck_assert_uint_eq(hdr->rsp_prod, 0);
}
END_TEST

START_TEST(notify_only_when_asked)
{
	struct keel_blkif_request out[32];
	struct keel_blkif_response rsp[4] = { { 0 } };

	setup();
	produce(4, 0);
	kb_ring_take(&r, out, 32);
	hdr->rsp_event = 1;               /* wake me at the first response */
	ck_assert(kb_ring_push(&r, rsp, 1));
	/* frontend did not move rsp_event: no notification for the next */
	ck_assert(!kb_ring_push(&r, rsp, 1));
	hdr->rsp_event = 100;             /* far ahead: not now */
	ck_assert(!kb_ring_push(&r, rsp, 1));
	hdr->rsp_event = 4;               /* exactly the next one */
	ck_assert(kb_ring_push(&r, rsp, 1));
}
END_TEST

START_TEST(final_check_sets_event_and_sees_late_requests)
{
	struct keel_blkif_request out[32];

	setup();
	produce(2, 0);
	ck_assert(kb_ring_final_check(&r));   /* work waiting */
	kb_ring_take(&r, out, 32);
	ck_assert(!kb_ring_final_check(&r));
	ck_assert_uint_eq(hdr->req_event, 3);
	produce(1, 2);
	ck_assert(kb_ring_final_check(&r));
}
END_TEST

START_TEST(multi_page_ring)
{
	static uint8_t big[4 * 4096];
	struct keel_blkif_request out[128];

	ck_assert_int_eq(kb_ring_init(&r, big, sizeof(big), SLOT, REQ, RSP), 0);
	ck_assert_uint_eq(r.size, 128);
	((struct keel_sring_header *)big)->req_prod = 128;
	ck_assert_int_eq(kb_ring_take(&r, out, 128), 128);
}
END_TEST

Suite *suite_ring(void)
{
	Suite *s = suite_create("ring");
	TCase *t = tcase_create("consumer");

	tcase_add_test(t, header_layout_and_slot_count);
	tcase_add_test(t, init_rejects_sizes_that_do_not_fit);
	tcase_add_test(t, takes_what_was_produced_in_order);
	tcase_add_test(t, take_respects_max);
	tcase_add_test(t, producer_far_ahead_breaks_the_ring);
	tcase_add_test(t, producer_behind_the_consumer_breaks_the_ring);
	tcase_add_test(t, unanswered_requests_count_against_the_ring);
	tcase_add_test(t, indices_wrap_around_2_32);
	tcase_add_test(t, push_writes_responses_and_publishes);
	tcase_add_test(t, push_more_than_taken_is_refused);
	tcase_add_test(t, notify_only_when_asked);
	tcase_add_test(t, final_check_sets_event_and_sees_late_requests);
	tcase_add_test(t, multi_page_ring);
	suite_add_tcase(s, t);
	return s;
}
