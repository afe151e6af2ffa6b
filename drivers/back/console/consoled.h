/*
 * keel-consoled internals: the daemon handle, its guests and its socket
 * clients.  One thread, one poll loop (consoled.c); no globals.
 */
#ifndef KEEL_CONSOLED_H
#define KEEL_CONSOLED_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <keelctl.h>
#include <public/io/console.h>

#include "cons_backlog.h"
#include "cons_logname.h"
#include "cons_proto.h"
#include "kxs.h"

#define CLIENT_OUT_MAX  (64u * 1024)  /* queued output before a client is dropped */
#define CLIENT_IN_MAX   1024u         /* keystrokes waiting for ring space */

struct cons_guest {
	struct cons_guest *next;
	uint16_t domid;
	bool connected;           /* ring mapped and port bound              */
	bool broken;              /* the guest corrupted the ring indices    */
	bool seen;                /* found by the current store scan         */
	char name[CONS_NAME_MAX + 1];
	char log_path[PATH_MAX];
	struct keel_console_ring *ring;
	uint32_t port;            /* our local port                          */
	int log_fd;
	struct cons_backlog backlog;
};

struct cons_client {
	struct cons_client *next;
	int fd;
	uint16_t domid;           /* 0 until attached                        */
	bool dead;
	char line[CONS_LINE_MAX];
	size_t line_len;
	char in[CLIENT_IN_MAX];   /* keystrokes for the guest                */
	size_t in_len;
	char *out;                /* bytes for the client                    */
	size_t out_len;
};

struct consoled {
	struct keel_stderr_logger log;
	struct keel_ctl *ctl;
	struct keel_evtchn *ev;
	struct kxs *xs;
	int lfd;                  /* the console socket                      */
	const char *log_dir;
	const char *sock_path;
	struct cons_guest *guests;
	struct cons_client *clients;
};

void cd_log(struct consoled *d, enum keel_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cons_guest.c */
struct cons_guest *guest_find(struct consoled *d, uint16_t domid);
struct cons_guest *guest_find_port(struct consoled *d, uint32_t port);
/* Maps the ring page @gfn, binds @remote_port, opens the log.  Adds a
 * guest entry either way (a failed one is not retried until the domain
 * leaves the store); returns 0 or -errno. */
int guest_connect(struct consoled *d, uint16_t domid, uint64_t gfn,
		  uint32_t remote_port, const char *name);
/* Closes its clients, unbinds, unmaps, closes the log, frees it. */
void guest_disconnect(struct consoled *d, struct cons_guest *g);
/* After an event on its port: drains output to the log, the backlog and
 * attached clients; passes waiting keystrokes in; notifies. */
void guest_service(struct consoled *d, struct cons_guest *g);

/* cons_clients.c */
int clients_listen(struct consoled *d);
void clients_accept(struct consoled *d);
void clients_input(struct consoled *d, struct cons_client *c);
void clients_flush(struct cons_client *c);
void clients_reap(struct consoled *d);
/* Queues guest output for every client attached to @domid. */
void clients_broadcast(struct consoled *d, uint16_t domid, const char *buf,
		       size_t len);
/* Moves keystrokes of @g's clients into its ring; true if any moved. */
bool clients_feed_guest(struct consoled *d, struct cons_guest *g);
/* Drops every client of @domid (the guest went away). */
void clients_drop_guest(struct consoled *d, uint16_t domid);

/* cons_store.c */
int store_watch(struct consoled *d);
/* Connects guests that appeared, disconnects those that left or died. */
void store_scan(struct consoled *d);
/* Takes queued watch events; true if a rescan is due. */
bool store_events(struct consoled *d);
/* Disconnects guests whose domain is gone or dying. */
void guests_check_alive(struct consoled *d);

#endif
