/*
 * The handshake's decision, kept pure so that the unit tests can feed it
 * every pair of states: given what the library knows of a device and what
 * the store says now, what to do next.  It never assumes it saw each
 * step: the frontend may have moved several states between two looks.
 */
#ifndef KB_STATE_H
#define KB_STATE_H

#include <stdbool.h>
#include <stdint.h>

struct kb_view {
	bool alive;          /* domain exists, not dying, frontend dir there */
	bool online;         /* backend key online is "1"                    */
	int be_state;        /* the backend state in the store (0: missing)  */
	int fe_state;        /* the frontend's state (0: missing/unreadable) */
	bool setup;          /* connect() done and InitWait written          */
	bool connected;      /* ring mapped, port bound, Connected written   */
	bool failed;         /* connect() or mapping failed: left Closed     */
	bool fe_stale;       /* frontend's ring keys are the ones it had
				before our InitWait (after a restart)        */
	bool fe_connected_ok;/* the class connects to a frontend that went
				straight to Connected (kb_ops)               */
};

enum kb_action {
	KB_ACT_NONE,
	KB_ACT_SETUP,        /* connect(), features, InitWait                */
	KB_ACT_CONNECT,      /* map the ring, bind the port, Connected       */
	KB_ACT_RECONNECT,    /* drop the ring, InitWait again                */
	KB_ACT_CLOSE,        /* drop everything, Closed                      */
	KB_ACT_FORGET,       /* drop everything; the domain is gone          */
	KB_ACT_RESET,        /* the toolstack wrote the device anew over one
				we knew: drop everything, start afresh      */
};

enum kb_action kb_decide(const struct kb_view *v);
const char *kb_action_name(enum kb_action a);
/* Name of a XenbusState value ("Connected"), or "?" */
const char *kb_state_name(int state);

#endif
