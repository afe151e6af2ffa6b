/*
 * libkeelback: the handshake decision (kb_state.h).  The rules, first
 * match wins:
 *   domain gone                                  -> forget
 *   backend state Initialising (1) while we had set
 *   the device up or failed it: only the toolstack
 *   writes 1, when it creates a device -- a new
 *   domain with the same id, or the device removed
 *   and added between two looks                  -> reset
 *   no backend state yet (the toolstack is still
 *   writing the directory)                       -> nothing
 *   detached (online 0) or frontend Closing      -> close
 *   frontend Closed or missing                   -> close if anything is
 *                                                   open or the store does
 *                                                   not say Closed yet
 *   connect() failed earlier                     -> nothing (until the
 *                                                   toolstack re-adds it)
 *   not set up                                   -> setup (InitWait)
 *   set up, frontend Initialised (or Connected,
 *   for a class with fe_connected_ok), fresh ring -> connect
 *   connected, frontend back to Initialising or
 *   InitWait (it restarted without closing)      -> reconnect
 */
#include "kb_state.h"

#include <public/io/xenbus.h>

enum kb_action kb_decide(const struct kb_view *v)
{
	bool open = v->setup || v->connected;

	if (!v->alive)
		return KB_ACT_FORGET;
	if (v->be_state == KEEL_XBS_INITIALISING && (open || v->failed))
		return KB_ACT_RESET;
	if (v->be_state == KEEL_XBS_UNKNOWN && !open)
		return KB_ACT_NONE;
	if (!v->online || v->fe_state == KEEL_XBS_CLOSING)
		return open || v->be_state != KEEL_XBS_CLOSED ?
		       KB_ACT_CLOSE : KB_ACT_NONE;
	if (v->fe_state == KEEL_XBS_CLOSED || v->fe_state == KEEL_XBS_UNKNOWN ||
	    v->fe_state > KEEL_XBS_CLOSED)
		return open || v->be_state != KEEL_XBS_CLOSED ?
		       KB_ACT_CLOSE : KB_ACT_NONE;
	if (v->failed)
		return KB_ACT_NONE;
	if (!v->setup)
		return KB_ACT_SETUP;
	if (!v->connected)
		return (v->fe_state == KEEL_XBS_INITIALISED ||
			(v->fe_connected_ok && v->fe_state == KEEL_XBS_CONNECTED)) &&
		       !v->fe_stale ? KB_ACT_CONNECT : KB_ACT_NONE;
	if (v->fe_state == KEEL_XBS_INITIALISING ||
	    v->fe_state == KEEL_XBS_INITWAIT)
		return KB_ACT_RECONNECT;
	return KB_ACT_NONE;
}

const char *kb_action_name(enum kb_action a)
{
	static const char *const names[] = {
		"none", "setup", "connect", "reconnect", "close", "forget",
		"reset",
	};

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}

const char *kb_state_name(int state)
{
	static const char *const names[] = {
		"Unknown", "Initialising", "InitWait", "Initialised",
		"Connected", "Closing", "Closed", "Reconfiguring",
		"Reconfigured",
	};

	return state >= 0 && state <= KEEL_XBS_MAX ? names[state] : "?";
}
