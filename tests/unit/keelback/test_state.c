/* The handshake decision (kb_state.c): every pair of states, restarts,
 * out-of-order and repeated events. */
#include <public/io/xenbus.h>

#include "kb_state.h"
#include "tests.h"

static struct kb_view view(int fe)
{
	return (struct kb_view){ .alive = true, .online = true,
				 .be_state = KEEL_XBS_INITIALISING,
				 .fe_state = fe };
}

START_TEST(dead_domain_is_forgotten_in_every_state)
{
	for (int fe = 0; fe <= KEEL_XBS_MAX; fe++) {
		struct kb_view v = view(fe);

		v.alive = false;
		v.setup = v.connected = true;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_FORGET);
	}
}
END_TEST

START_TEST(new_device_is_offered_for_every_open_frontend_state)
{
	/* Initialising .. Connected: a fresh start and a restart alike. */
	for (int fe = KEEL_XBS_INITIALISING; fe <= KEEL_XBS_CONNECTED; fe++) {
		struct kb_view v = view(fe);

		ck_assert_msg(kb_decide(&v) == KB_ACT_SETUP, "fe %d", fe);
	}
}
END_TEST

START_TEST(closed_or_missing_frontend_is_not_offered)
{
	int fes[] = { KEEL_XBS_UNKNOWN, KEEL_XBS_CLOSED,
		      KEEL_XBS_RECONFIGURING, 99 };

	for (unsigned i = 0; i < sizeof(fes) / sizeof(fes[0]); i++) {
		struct kb_view v = view(fes[i]);

		v.be_state = KEEL_XBS_CLOSED;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
		v.be_state = KEEL_XBS_INITIALISING;  /* store says otherwise */
		ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);
	}
}
END_TEST

START_TEST(connect_only_when_frontend_initialised)
{
	for (int fe = KEEL_XBS_INITIALISING; fe <= KEEL_XBS_CONNECTED; fe++) {
		struct kb_view v = view(fe);

		v.setup = true;
		v.be_state = KEEL_XBS_INITWAIT;
		ck_assert_int_eq(kb_decide(&v), fe == KEEL_XBS_INITIALISED ?
				 KB_ACT_CONNECT : KB_ACT_NONE);
	}
}
END_TEST

START_TEST(class_may_connect_a_frontend_already_connected)
{
	/* net: Linux's netfront writes its keys and goes to Connected */
	for (int fe = KEEL_XBS_INITIALISING; fe <= KEEL_XBS_CONNECTED; fe++) {
		struct kb_view v = view(fe);

		v.setup = true;
		v.fe_connected_ok = true;
		v.be_state = KEEL_XBS_INITWAIT;
		ck_assert_int_eq(kb_decide(&v), fe == KEEL_XBS_INITIALISED ||
				 fe == KEEL_XBS_CONNECTED ? KB_ACT_CONNECT : KB_ACT_NONE);
		v.fe_stale = true;    /* its ring from before our restart */
		ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
	}
}
END_TEST

START_TEST(device_written_anew_is_reset)
{
	/* Only the toolstack writes Initialising: a new domain with the
	 * same id, or the device removed and added between two looks. */
	for (int fe = KEEL_XBS_INITIALISING; fe <= KEEL_XBS_CLOSED; fe++) {
		struct kb_view v = view(fe);

		v.be_state = KEEL_XBS_INITIALISING;
		v.setup = true;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_RESET);
		v.connected = true;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_RESET);
		v.setup = v.connected = false;
		v.failed = true;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_RESET);
		v.failed = false;       /* nothing known: the normal path */
		ck_assert_int_ne(kb_decide(&v), KB_ACT_RESET);
	}
	ck_assert_str_eq(kb_action_name(KB_ACT_RESET), "reset");
}
END_TEST

START_TEST(stale_ring_after_restart_is_not_connected)
{
	struct kb_view v = view(KEEL_XBS_INITIALISED);

	v.setup = true;
	v.be_state = KEEL_XBS_INITWAIT;
	v.fe_stale = true;
	ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
	v.fe_stale = false;  /* the frontend made a new ring */
	ck_assert_int_eq(kb_decide(&v), KB_ACT_CONNECT);
}
END_TEST

START_TEST(repeated_events_while_connected_do_nothing)
{
	struct kb_view v = view(KEEL_XBS_CONNECTED);

	v.setup = v.connected = true;
	v.be_state = KEEL_XBS_CONNECTED;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
	v.fe_state = KEEL_XBS_INITIALISED;  /* late event of an earlier step */
	ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
}
END_TEST

START_TEST(frontend_restart_while_connected_reconnects)
{
	int fes[] = { KEEL_XBS_INITIALISING, KEEL_XBS_INITWAIT };

	for (unsigned i = 0; i < 2; i++) {
		struct kb_view v = view(fes[i]);

		v.setup = v.connected = true;
		v.be_state = KEEL_XBS_CONNECTED;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_RECONNECT);
	}
}
END_TEST

START_TEST(frontend_closing_closes_from_every_backend_step)
{
	struct kb_view v = view(KEEL_XBS_CLOSING);

	ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);    /* store not Closed */
	v.setup = true;
	v.be_state = KEEL_XBS_INITWAIT;
	ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);
	v.connected = true;
	ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);
	v.setup = v.connected = false;
	v.be_state = KEEL_XBS_CLOSED;                     /* already done */
	ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
}
END_TEST

START_TEST(detach_closes_whatever_the_frontend_says)
{
	for (int fe = 0; fe <= KEEL_XBS_MAX; fe++) {
		struct kb_view v = view(fe);

		v.online = false;
		v.setup = v.connected = true;
		v.be_state = KEEL_XBS_CONNECTED;
		ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);
	}
}
END_TEST

START_TEST(failed_device_waits)
{
	struct kb_view v = view(KEEL_XBS_INITIALISED);

	v.failed = true;
	v.be_state = KEEL_XBS_CLOSED;
	ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
}
END_TEST

START_TEST(reopen_after_close)
{
	struct kb_view v = view(KEEL_XBS_INITIALISING);

	v.be_state = KEEL_XBS_CLOSED;   /* closed before, frontend starts again */
	ck_assert_int_eq(kb_decide(&v), KB_ACT_SETUP);
}
END_TEST

START_TEST(toolstack_still_writing_waits)
{
	struct kb_view v = view(KEEL_XBS_INITIALISING);

	v.be_state = KEEL_XBS_UNKNOWN;     /* no backend state key yet */
	ck_assert_int_eq(kb_decide(&v), KB_ACT_NONE);
	v.setup = true;                    /* but something is open: close it */
	v.online = false;
	ck_assert_int_eq(kb_decide(&v), KB_ACT_CLOSE);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(kb_state_name(KEEL_XBS_CONNECTED), "Connected");
	ck_assert_str_eq(kb_state_name(-1), "?");
	ck_assert_str_eq(kb_state_name(9), "?");
	ck_assert_str_eq(kb_action_name(KB_ACT_RECONNECT), "reconnect");
	ck_assert_str_eq(kb_action_name((enum kb_action)42), "?");
}
END_TEST

Suite *suite_state(void)
{
	Suite *s = suite_create("state");
	TCase *t = tcase_create("decide");

	tcase_add_test(t, dead_domain_is_forgotten_in_every_state);
	tcase_add_test(t, new_device_is_offered_for_every_open_frontend_state);
	tcase_add_test(t, closed_or_missing_frontend_is_not_offered);
	tcase_add_test(t, connect_only_when_frontend_initialised);
	tcase_add_test(t, stale_ring_after_restart_is_not_connected);
	tcase_add_test(t, repeated_events_while_connected_do_nothing);
	tcase_add_test(t, frontend_restart_while_connected_reconnects);
	tcase_add_test(t, frontend_closing_closes_from_every_backend_step);
	tcase_add_test(t, detach_closes_whatever_the_frontend_says);
	tcase_add_test(t, failed_device_waits);
	tcase_add_test(t, reopen_after_close);
	tcase_add_test(t, toolstack_still_writing_waits);
	tcase_add_test(t, names);
	tcase_add_test(t, class_may_connect_a_frontend_already_connected);
	tcase_add_test(t, device_written_anew_is_reset);
	suite_add_tcase(s, t);
	return s;
}
