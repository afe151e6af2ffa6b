/*
 * Event channels (public/event_channel.h): per-domain port tables and the
 * 2-level pending/mask bitmaps in the shared-info page.
 */
#ifndef KEEL_EVTCHN_H
#define KEEL_EVTCHN_H

#include <keel/types.h>
#include <keel/spinlock.h>
#include <public/event_channel.h>
#include <public/domctl.h>

struct domain;
struct vcpu;

#define ECS_FREE        0
#define ECS_UNBOUND     1
#define ECS_INTERDOMAIN 2
#define ECS_VIRQ        3

struct evtchn {
	uint8_t state;             /* ECS_* */
	uint8_t pad;
	uint16_t notify_vcpu;      /* vCPU that gets the upcall */
	uint16_t remote_dom;       /* unbound: who may bind; interdomain: peer */
	uint16_t pad2;
	uint32_t remote_port;      /* interdomain: the peer's port; virq: the virq */
};

struct evtchn_domain {
	spinlock_t lock;
	struct evtchn *ports;      /* KEEL_NR_EVENT_CHANNELS entries */
};

/* Allocate the port table.  0 or -ENOMEM. */
int evtchn_domain_init(struct domain *d);
/* Close every port (peers' ends go back to unbound) and free the table. */
void evtchn_domain_destroy(struct domain *d);

long do_event_channel_op(struct vcpu *v, const uint64_t args[5]);

/* Raise a virtual interrupt on v if a port is bound to it. */
/* Save: records (public/domctl.h) of d's open ports from `first` (0: 1)
 * into out[0 .. room-1]; returns how many, *next = the port to go on
 * from (0: done).  Takes d->evtchn.lock. */
int evtchn_save(struct domain *d, unsigned first, struct keel_evtchn_rec *out,
		unsigned room, unsigned *next);
/* Restore one port of a new, paused domain: unbound stays unbound,
 * interdomain becomes unbound for the same remote domain (its peer binds
 * again), virq is bound again.  0, -EINVAL (bad record), -EEXIST (port or
 * virq in use). */
int evtchn_restore(struct domain *d, const struct keel_evtchn_rec *r);

void evtchn_send_virq(struct vcpu *v, unsigned virq);
/* Raise VIRQ_DOM_EXC in dom0 (a domain shut down or died). */
void evtchn_notify_dom0_exc(void);
/* True if v has an unmasked event pending (it would get an upcall). */
bool evtchn_upcall_pending(struct vcpu *v);

/* Called by evtchn when v's evtchn_upcall_pending goes 0 -> 1: wake it if
 * blocked and make sure it sees the upcall soon (kick its pCPU, or for
 * dom0 send the real IPI).  Implemented in common/schedule.c + arch. */
void vcpu_notify_upcall(struct vcpu *v);

#endif
