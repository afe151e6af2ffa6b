/* Quotas for unprivileged domains. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

static void small_quotas(void)
{
	struct xsd_config cfg;

	xsd_config_default(&cfg);
	cfg.quota.nodes = 5;
	cfg.quota.entry_size = 16;
	cfg.quota.watches = 2;
	cfg.quota.transactions = 2;
	cfg.quota.outstanding = 3;
	cfg.quota.request_size = 64;
	xs_open_with(&cfg);
}

/* dom0 gives domain 5 its home directory. */
static struct tconn *dom5(void)
{
	struct tconn *d0 = tc_new(0, true);

	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", "n5"), 0);
	return tc_new(5, false);
}

START_TEST(node_quota)
{
	struct tconn *u = dom5();
	char p[32];
	int i;

	/* the home directory itself is node 1 */
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "n%d", i);
		ck_assert_int_eq(tc_write(u, 0, p, "v"), 0);
	}
	ck_assert_int_eq(tc_write(u, 0, "one-too-many", "v"), -ENOSPC);
	ck_assert_int_eq(tc_rm(u, 0, "n0"), 0);
	ck_assert_int_eq(tc_write(u, 0, "fits-again", "v"), 0);
	ck_assert_int_eq(tc_write(u, 0, "a/b/c", "v"), -ENOSPC);
}
END_TEST

START_TEST(node_quota_in_transaction)
{
	struct tconn *u = dom5();
	uint32_t tx;

	ck_assert_int_eq(tc_txstart(u, &tx), 0);
	ck_assert_int_eq(tc_write(u, tx, "a", "v"), 0);
	ck_assert_int_eq(tc_write(u, tx, "b/c/d", "v"), 0);
	ck_assert_int_eq(tc_write(u, tx, "e", "v"), -ENOSPC);
	ck_assert_int_eq(tc_txend(u, tx, true), 0);
}
END_TEST

START_TEST(entry_size_quota)
{
	struct tconn *u = dom5(), *d0 = tc_new(0, true);

	ck_assert_int_eq(tc_write(u, 0, "small", "0123456789abcdef"), 0);
	ck_assert_int_eq(tc_write(u, 0, "big", "0123456789abcdefX"), -ENOSPC);
	ck_assert_int_eq(tc_write(d0, 0, "/big", "0123456789abcdefX"), 0);
}
END_TEST

START_TEST(watch_quota)
{
	struct tconn *u = dom5();

	ck_assert_int_eq(tc_watch(u, "a", "1"), 0);
	ck_assert_int_eq(tc_watch(u, "b", "2"), 0);
	ck_assert_int_eq(tc_watch(u, "c", "3"), -E2BIG);
	ck_assert_int_eq(tc_unwatch(u, "a", "1"), 0);
	ck_assert_int_eq(tc_watch(u, "c", "3"), 0);
}
END_TEST

START_TEST(transaction_quota)
{
	struct tconn *u = dom5();
	uint32_t a, b, c;

	ck_assert_int_eq(tc_txstart(u, &a), 0);
	ck_assert_int_eq(tc_txstart(u, &b), 0);
	ck_assert_int_eq(tc_txstart(u, &c), -ENOSPC);
	ck_assert_int_eq(tc_txend(u, a, false), 0);
	ck_assert_int_eq(tc_txstart(u, &c), 0);
}
END_TEST

START_TEST(request_size_quota)
{
	struct tconn *u = dom5();
	char big[200];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(tc_read(u, 0, big, NULL), -E2BIG);
	ck_assert_int_eq(tc_read(u, 0, "/local/domain/5", NULL), 0);
}
END_TEST

START_TEST(outstanding_replies_pause_input)
{
	struct tconn *u = dom5();
	struct keel_xs_msg_hdr h = { KEEL_XS_READ, 1, 0, 2 };
	int i;

	u->write_cap = 0;
	/* a client that does not read: its transport takes no bytes */
	u->out_len = (1u << 20);
	for (i = 0; i < 10; i++) {
		tc_push(u, &h, sizeof(h));
		tc_push(u, "/", 2);
	}
	/* only `outstanding` requests were taken off the input */
	ck_assert_uint_lt(u->in_off, u->in_len);
	ck_assert_uint_eq(u->in_off, 3 * (sizeof(h) + 2));
}
END_TEST

Suite *suite_quota(void)
{
	Suite *s = suite_create("quota");
	TCase *tc = tcase_create("quota");

	tcase_add_checked_fixture(tc, small_quotas, xs_teardown);
	tcase_add_test(tc, node_quota);
	tcase_add_test(tc, node_quota_in_transaction);
	tcase_add_test(tc, entry_size_quota);
	tcase_add_test(tc, watch_quota);
	tcase_add_test(tc, transaction_quota);
	tcase_add_test(tc, request_size_quota);
	tcase_add_test(tc, outstanding_replies_pause_input);
	suite_add_tcase(s, tc);
	return s;
}
