/*
 * Event channels (keel/evtchn.h, public/event_channel.h): Xen's 2-level
 * model.  Each domain has a table of KEEL_NR_EVENT_CHANNELS ports under
 * d->evtchn.lock; the pending and mask bitmaps live in the domain's
 * shared-info page (public/shared_info.h).
 *
 * Every command is decoded first (size, pads, ranges, privilege, domain
 * lookup), then checked against the port tables under the locks, then
 * applied; the apply step cannot fail.  If the result cannot be copied
 * back, the new port is closed again, so a failed call has no effect.
 *
 * The shared-info page is guest memory that other vCPUs of the guest write
 * while we look at it: it is touched only with atomic bit operations, and
 * a value read from it only ever decides whether to set another bit.
 *
 * Locks: an operation on two domains' ports takes both evtchn locks in
 * ascending domid order (once, when both ends are one domain).
 * vcpu_notify_upcall() is always called after the locks are dropped.
 */
#include <keel/evtchn.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/xmalloc.h>
#include <public/event_channel.h>

#define NR_PORTS KEEL_NR_EVENT_CHANNELS

/* Global VIRQs exist once per domain: they are bound on vCPU 0 (as Xen's
 * VIRQ_DOM_EXC), and evtchn_notify_dom0_exc() looks there. */
static bool virq_is_global(unsigned virq)
{
	return virq == KEEL_VIRQ_DOM_EXC || virq == KEEL_VIRQ_CONSOLE;
}

static bool port_in_range(uint64_t port)
{
	return port >= 1 && port < NR_PORTS;
}

/* ---- shared-info bit operations ---------------------------------------- */

static bool test_and_set_bit64(uint64_t *word, unsigned bit)
{
	uint64_t m = 1ull << bit;

	return __atomic_fetch_or(word, m, __ATOMIC_SEQ_CST) & m;
}

static void set_bit64(uint64_t *word, unsigned bit)
{
	__atomic_fetch_or(word, 1ull << bit, __ATOMIC_SEQ_CST);
}

static void clear_bit64(uint64_t *word, unsigned bit)
{
	__atomic_fetch_and(word, ~(1ull << bit), __ATOMIC_SEQ_CST);
}

static bool test_bit64(uint64_t *word, unsigned bit)
{
	return (__atomic_load_n(word, __ATOMIC_SEQ_CST) >> bit) & 1;
}

static struct keel_shared_info *shared_info_of(struct domain *d)
{
	return __atomic_load_n(&d->shared_info, __ATOMIC_ACQUIRE);
}

/*
 * Tell vCPU `vcpu_id` that word `word` has news: set its pending_sel bit
 * and, if upcall_pending goes 0 -> 1, return the vCPU for the caller to
 * notify (after dropping its locks).  NULL: nothing to notify.
 */
static struct vcpu *mark_upcall(struct domain *d, struct keel_shared_info *si,
				unsigned vcpu_id, unsigned word)
{
	struct keel_vcpu_info *vi;

	if (vcpu_id >= KEEL_MAX_VCPUS || vcpu_id >= d->nr_vcpus)
		return NULL;
	vi = &si->vcpu_info[vcpu_id];
	set_bit64(&vi->evtchn_pending_sel, word);
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
				__ATOMIC_SEQ_CST) != 0)
		return NULL;
	return d->vcpu[vcpu_id];
}

/*
 * Make `port` of d pending (shared_info.h): already pending means the
 * event is batched with the earlier one; a masked port only records it.
 * Called with d->evtchn.lock held.  Returns the vCPU to notify or NULL.
 */
static struct vcpu *set_pending(struct domain *d, unsigned port)
{
	struct keel_shared_info *si = shared_info_of(d);
	unsigned word = port / 64, bit = port % 64;

	if (!si)
		return NULL;
	if (test_and_set_bit64(&si->evtchn_pending[word], bit))
		return NULL;
	if (test_bit64(&si->evtchn_mask[word], bit))
		return NULL;
	return mark_upcall(d, si, d->evtchn.ports[port].notify_vcpu, word);
}

static void notify(struct vcpu *v)
{
	if (v)
		vcpu_notify_upcall(v);
}

/* ---- port table --------------------------------------------------------- */

static void lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->evtchn.lock);
		return;
	}
	if (a->id > b->id) {
		struct domain *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->evtchn.lock);
	spin_lock(&b->evtchn.lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
	spin_unlock(&a->evtchn.lock);
	if (a != b)
		spin_unlock(&b->evtchn.lock);
}

/* The port's entry, or NULL if the domain has no table (destroyed). */
static struct evtchn *chn_of(struct domain *d, unsigned port)
{
	return d->evtchn.ports ? &d->evtchn.ports[port] : NULL;
}

static bool port_is_free(struct domain *d, unsigned port)
{
	struct evtchn *c = chn_of(d, port);

	return c && c->state == ECS_FREE;
}

/* Lowest free port, or 0.  Called with d->evtchn.lock held. */
static unsigned find_free_port(struct domain *d)
{
	if (!d->evtchn.ports)
		return 0;
	for (unsigned p = 1; p < NR_PORTS; p++)
		if (d->evtchn.ports[p].state == ECS_FREE)
			return p;
	return 0;
}

/* Free a port: a stale pending bit must not greet its next user. */
static void free_port(struct domain *d, unsigned port)
{
	struct keel_shared_info *si = shared_info_of(d);

	memset(&d->evtchn.ports[port], 0, sizeof(struct evtchn));
	if (si)
		clear_bit64(&si->evtchn_pending[port / 64], port % 64);
}

/* True if d's `port` is the interdomain peer of (rd, rport).  Both
 * ends are checked before either is changed: a close racing a bind or a
 * destroy must never touch a port that was reused meanwhile. */
static bool is_peer(struct domain *d, unsigned port, struct domain *rd,
		    unsigned rport)
{
	struct evtchn *c = chn_of(d, port);

	return c && c->state == ECS_INTERDOMAIN && c->remote_dom == rd->id &&
	       c->remote_port == rport;
}

int evtchn_domain_init(struct domain *d)
{
	spin_lock_init(&d->evtchn.lock);
	d->evtchn.ports = xzalloc_array(struct evtchn, NR_PORTS);
	return d->evtchn.ports ? 0 : -ENOMEM;
}

/* ---- close -------------------------------------------------------------- */

/* The peer end of d's interdomain `port` goes back to unbound, waiting
 * for d.  Called with both domains' locks held. */
static void unbind_peer(struct domain *d, unsigned port, struct domain *rd)
{
	struct evtchn *c = &d->evtchn.ports[port];
	unsigned rport = c->remote_port;

	if (rport < NR_PORTS && is_peer(rd, rport, d, port)) {
		struct evtchn *rc = &rd->evtchn.ports[rport];

		rc->state = ECS_UNBOUND;
		rc->remote_dom = d->id;
		rc->remote_port = 0;
	}
}

/* Close a non-interdomain port.  Called with d->evtchn.lock held. */
static void close_local(struct domain *d, unsigned port)
{
	struct evtchn *c = &d->evtchn.ports[port];

	if (c->state == ECS_VIRQ && c->notify_vcpu < d->nr_vcpus &&
	    c->notify_vcpu < KEEL_MAX_VCPUS && d->vcpu[c->notify_vcpu] &&
	    c->remote_port < KEEL_NR_VIRQS) {
		struct vcpu *v = d->vcpu[c->notify_vcpu];

		if (v->virq_to_port[c->remote_port] == port)
			v->virq_to_port[c->remote_port] = 0;
	}
	free_port(d, port);
}

/*
 * Close d's interdomain `port`: the peer is looked up (and locked in
 * order) outside d's lock, so the port is re-checked once both are held.
 * A peer that is dying is not touched: its own destroy skips our end.
 */
static int close_interdomain(struct domain *d, unsigned port, uint16_t rdom)
{
	struct domain *rd = rdom == d->id ? d : domain_get(rdom, d);
	int rc = 0;

	if (!rd) {
		spin_lock(&d->evtchn.lock);
		if (chn_of(d, port) && chn_of(d, port)->state == ECS_INTERDOMAIN &&
		    chn_of(d, port)->remote_dom == rdom)
			free_port(d, port);
		else
			rc = -EAGAIN;
		spin_unlock(&d->evtchn.lock);
		return rc;
	}
	lock_pair(d, rd);
	if (chn_of(d, port) && chn_of(d, port)->state == ECS_INTERDOMAIN &&
	    chn_of(d, port)->remote_dom == rd->id) {
		unbind_peer(d, port, rd);
		free_port(d, port);
	} else {
		rc = -EAGAIN;
	}
	unlock_pair(d, rd);
	if (rd != d)
		domain_put(rd);
	return rc;
}

/*
 * Close d's `port`, whatever its state.  0, or -EBADF if it is not in
 * use.  Takes the locks itself.
 */
static int close_port(struct domain *d, unsigned port)
{
	for (;;) {
		struct evtchn *c;
		uint16_t rdom;
		int rc;

		spin_lock(&d->evtchn.lock);
		c = chn_of(d, port);
		if (!c || c->state == ECS_FREE) {
			spin_unlock(&d->evtchn.lock);
			return -EBADF;
		}
		if (c->state != ECS_INTERDOMAIN) {
			close_local(d, port);
			spin_unlock(&d->evtchn.lock);
			return 0;
		}
		rdom = c->remote_dom;
		spin_unlock(&d->evtchn.lock);
		rc = close_interdomain(d, port, rdom);
		if (rc != -EAGAIN)
			return rc;
		/* The port changed while unlocked: look at it again. */
	}
}

void evtchn_domain_destroy(struct domain *d)
{
	struct evtchn *ports;

	if (!d->evtchn.ports)
		return;
	for (unsigned p = 1; p < NR_PORTS; p++)
		if (!port_is_free(d, p))
			close_port(d, p);
	spin_lock(&d->evtchn.lock);
	ports = d->evtchn.ports;
	d->evtchn.ports = NULL;
	spin_unlock(&d->evtchn.lock);
	xfree_bytes(ports, sizeof(struct evtchn) * NR_PORTS);
}

/* ---- commands ----------------------------------------------------------- */

/*
 * The domain a command names: the caller itself (KEEL_DOMID_SELF or its
 * own id), or for dom0 any live domain.  A reference is taken; *out is
 * released with put_named().  -EPERM, -ESRCH.
 */
static int get_named(struct domain *self, uint16_t dom, struct domain **out)
{
	if (dom != KEEL_DOMID_SELF && dom != self->id && !self->privileged)
		return -EPERM;
	*out = domain_get(dom, self);
	return *out ? 0 : -ESRCH;
}

static void put_named(struct domain *d)
{
	domain_put(d);
}

static long alloc_unbound(struct domain *self, uint64_t gpa)
{
	struct keel_evtchn_alloc_unbound a;
	struct domain *d;
	uint16_t remote;
	unsigned port;
	int rc;

	rc = copy_from_guest(self, &a, gpa, sizeof(a));
	if (rc)
		return rc;
	rc = get_named(self, a.dom, &d);
	if (rc)
		return rc;
	remote = a.remote_dom == KEEL_DOMID_SELF ? self->id : a.remote_dom;
	if (remote > KEEL_DOMID_MAX) {
		put_named(d);
		return -EINVAL;
	}
	spin_lock(&d->evtchn.lock);
	port = find_free_port(d);
	if (port) {
		d->evtchn.ports[port].state = ECS_UNBOUND;
		d->evtchn.ports[port].remote_dom = remote;
	}
	spin_unlock(&d->evtchn.lock);
	if (!port) {
		put_named(d);
		return -ENOSPC;
	}
	a.port = port;
	rc = copy_to_guest(self, gpa, &a, sizeof(a));
	if (rc)
		close_port(d, port);
	put_named(d);
	return rc;
}

/*
 * Connect a new port of ld to rd's unbound rport.  Called with both locks
 * held; returns the new port, or a negative error with nothing changed.
 * The new port starts pending, as in Xen: a send the peer tried on its
 * still-unbound end (EBADF) may have been lost.
 */
static long bind_locked(struct domain *ld, struct domain *rd, unsigned rport,
			struct vcpu **to_notify)
{
	struct evtchn *rc = chn_of(rd, rport), *lc;
	unsigned lport;

	if (!rc || rc->state != ECS_UNBOUND || rc->remote_dom != ld->id)
		return -EINVAL;
	lport = find_free_port(ld);
	if (!lport)
		return -ENOSPC;
	lc = &ld->evtchn.ports[lport];
	lc->state = ECS_INTERDOMAIN;
	lc->notify_vcpu = 0;
	lc->remote_dom = rd->id;
	lc->remote_port = rport;
	rc->state = ECS_INTERDOMAIN;
	rc->remote_dom = ld->id;
	rc->remote_port = lport;
	*to_notify = set_pending(ld, lport);
	return lport;
}

static long bind_interdomain(struct domain *self, uint64_t gpa)
{
	struct keel_evtchn_bind_interdomain b;
	struct vcpu *to_notify = NULL;
	struct domain *rd;
	long port;
	int rc;

	rc = copy_from_guest(self, &b, gpa, sizeof(b));
	if (rc)
		return rc;
	if (b.pad || b.pad2 || !port_in_range(b.remote_port))
		return -EINVAL;
	rd = domain_get(b.remote_dom, self);
	if (!rd)
		return -ESRCH;
	lock_pair(self, rd);
	port = bind_locked(self, rd, b.remote_port, &to_notify);
	unlock_pair(self, rd);
	if (port < 0) {
		domain_put(rd);
		return port;
	}
	notify(to_notify);
	b.local_port = port;
	rc = copy_to_guest(self, gpa, &b, sizeof(b));
	if (rc)
		close_port(self, port);
	domain_put(rd);
	return rc;
}

static long bind_virq(struct domain *d, uint64_t gpa)
{
	struct keel_evtchn_bind_virq b;
	struct vcpu *v;
	unsigned port = 0;
	int rc;

	rc = copy_from_guest(d, &b, gpa, sizeof(b));
	if (rc)
		return rc;
	if (b.pad || b.virq >= KEEL_NR_VIRQS || b.vcpu >= d->nr_vcpus ||
	    b.vcpu >= KEEL_MAX_VCPUS || !d->vcpu[b.vcpu] ||
	    (virq_is_global(b.virq) && b.vcpu != 0))
		return -EINVAL;
	v = d->vcpu[b.vcpu];
	spin_lock(&d->evtchn.lock);
	rc = v->virq_to_port[b.virq] ? -EEXIST : 0;
	if (!rc) {
		port = find_free_port(d);
		rc = port ? 0 : -ENOSPC;
	}
	if (!rc) {
		d->evtchn.ports[port].state = ECS_VIRQ;
		d->evtchn.ports[port].notify_vcpu = b.vcpu;
		d->evtchn.ports[port].remote_port = b.virq;
		v->virq_to_port[b.virq] = port;
	}
	spin_unlock(&d->evtchn.lock);
	if (rc)
		return rc;
	b.port = port;
	rc = copy_to_guest(d, gpa, &b, sizeof(b));
	if (rc)
		close_port(d, port);
	return rc;
}

/* Read a port_op argument: the port must be in range (else EBADF: no port
 * by that number is in use). */
static int get_port_op(struct domain *d, uint64_t gpa, unsigned *port)
{
	struct keel_evtchn_port_op op;
	int rc = copy_from_guest(d, &op, gpa, sizeof(op));

	if (rc)
		return rc;
	if (op.pad)
		return -EINVAL;
	if (!port_in_range(op.port))
		return -EBADF;
	*port = op.port;
	return 0;
}

static long evtchn_close(struct domain *d, uint64_t gpa)
{
	unsigned port;
	int rc = get_port_op(d, gpa, &port);

	return rc ? rc : close_port(d, port);
}

/* Look up the peer of d's interdomain port; -EBADF if it is not one. */
static int peer_of(struct domain *d, unsigned port, uint16_t *rdom)
{
	struct evtchn *c;
	int rc = -EBADF;

	spin_lock(&d->evtchn.lock);
	c = chn_of(d, port);
	if (c && c->state == ECS_INTERDOMAIN) {
		*rdom = c->remote_dom;
		rc = 0;
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}

/*
 * Send on an interdomain port: the peer's end becomes pending.  The port
 * is re-checked with both locks held; if it was closed meanwhile the send
 * is ordered after the close (EBADF).  A dying peer drops the event.
 */
static long evtchn_send(struct domain *d, uint64_t gpa)
{
	struct vcpu *to_notify = NULL;
	struct domain *rd;
	struct evtchn *c;
	unsigned port;
	uint16_t rdom;
	int rc = get_port_op(d, gpa, &port);

	if (!rc)
		rc = peer_of(d, port, &rdom);
	if (rc)
		return rc;
	rd = rdom == d->id ? d : domain_get(rdom, d);
	if (!rd)
		return 0;
	lock_pair(d, rd);
	c = chn_of(d, port);
	if (c && c->state == ECS_INTERDOMAIN && c->remote_dom == rd->id &&
	    c->remote_port < NR_PORTS && is_peer(rd, c->remote_port, d, port))
		to_notify = set_pending(rd, c->remote_port);
	else
		rc = -EBADF;
	unlock_pair(d, rd);
	notify(to_notify);
	if (rd != d)
		domain_put(rd);
	return rc;
}

static void fill_status(struct evtchn *c, struct keel_evtchn_status *s)
{
	s->status = KEEL_EVTCHNSTAT_closed;
	s->vcpu = c->notify_vcpu;
	s->remote_dom = 0;
	s->remote_port = 0;
	s->virq = 0;
	s->pad2 = 0;
	s->pad3 = 0;
	switch (c->state) {
	case ECS_UNBOUND:
		s->status = KEEL_EVTCHNSTAT_unbound;
		s->remote_dom = c->remote_dom;
		break;
	case ECS_INTERDOMAIN:
		s->status = KEEL_EVTCHNSTAT_interdomain;
		s->remote_dom = c->remote_dom;
		s->remote_port = c->remote_port;
		break;
	case ECS_VIRQ:
		s->status = KEEL_EVTCHNSTAT_virq;
		s->virq = c->remote_port;
		break;
	}
}

static long evtchn_status(struct domain *self, uint64_t gpa)
{
	struct keel_evtchn_status s;
	struct evtchn copy = { .state = ECS_FREE };
	struct domain *d;
	int rc;

	rc = copy_from_guest(self, &s, gpa, sizeof(s));
	if (rc)
		return rc;
	if (s.pad)
		return -EINVAL;
	if (!port_in_range(s.port))
		return -EINVAL;
	rc = get_named(self, s.dom, &d);
	if (rc)
		return rc;
	spin_lock(&d->evtchn.lock);
	if (chn_of(d, s.port))
		copy = *chn_of(d, s.port);
	spin_unlock(&d->evtchn.lock);
	put_named(d);
	fill_status(&copy, &s);
	return copy_to_guest(self, gpa, &s, sizeof(s));
}

/* Unmask any port in range (the mask bits are the guest's own); if it is
 * pending, the upcall that the mask held back is raised now. */
static long evtchn_unmask(struct domain *d, uint64_t gpa)
{
	struct keel_shared_info *si;
	struct vcpu *to_notify = NULL;
	unsigned port, word, bit;
	int rc = get_port_op(d, gpa, &port);

	if (rc)
		return rc;
	word = port / 64;
	bit = port % 64;
	spin_lock(&d->evtchn.lock);
	si = shared_info_of(d);
	if (si && chn_of(d, port)) {
		clear_bit64(&si->evtchn_mask[word], bit);
		if (test_bit64(&si->evtchn_pending[word], bit))
			to_notify = mark_upcall(d, si,
					      chn_of(d, port)->notify_vcpu, word);
	}
	spin_unlock(&d->evtchn.lock);
	notify(to_notify);
	return 0;
}

static long set_upcall_vector(struct domain *d, uint64_t gpa)
{
	struct keel_evtchn_upcall_vector u;
	int rc = copy_from_guest(d, &u, gpa, sizeof(u));

	if (rc)
		return rc;
	if (u.pad || (u.vector != 0 && (u.vector < 0x20 || u.vector > 0xef)))
		return -EINVAL;
	__atomic_store_n(&d->upcall_vector, (uint8_t)u.vector, __ATOMIC_RELEASE);
	if (!u.vector)
		return 0;
	/* Events that arrived while upcalls were off are delivered now. */
	for (unsigned i = 0; i < d->nr_vcpus && i < KEEL_MAX_VCPUS; i++)
		if (d->vcpu[i] && evtchn_upcall_pending(d->vcpu[i]))
			vcpu_notify_upcall(d->vcpu[i]);
	return 0;
}

static size_t cmd_size(uint64_t cmd)
{
	switch (cmd) {
	case KEEL_EVTCHNOP_alloc_unbound:
		return sizeof(struct keel_evtchn_alloc_unbound);
	case KEEL_EVTCHNOP_bind_interdomain:
		return sizeof(struct keel_evtchn_bind_interdomain);
	case KEEL_EVTCHNOP_bind_virq:
		return sizeof(struct keel_evtchn_bind_virq);
	case KEEL_EVTCHNOP_close:
	case KEEL_EVTCHNOP_send:
	case KEEL_EVTCHNOP_unmask:
		return sizeof(struct keel_evtchn_port_op);
	case KEEL_EVTCHNOP_status:
		return sizeof(struct keel_evtchn_status);
	case KEEL_EVTCHNOP_set_upcall_vector:
		return sizeof(struct keel_evtchn_upcall_vector);
	default:
		return 0;
	}
}

/*
 * KEEL_HC_event_channel: args[0] = KEEL_EVTCHNOP_*, args[1] = gpa of the
 * command's struct, args[2] = its size.  Returns 0 or a negative error:
 * ENOSYS (command), EINVAL (size, pads, ranges), EFAULT (buffer), and the
 * command's own errors (public/event_channel.h).  Takes no lock on entry.
 */
long do_event_channel_op(struct vcpu *v, const uint64_t args[5])
{
	struct domain *d = v->domain;
	size_t size = cmd_size(args[0]);

	if (!size)
		return -ENOSYS;
	if (args[2] != size)
		return -EINVAL;
	switch (args[0]) {
	case KEEL_EVTCHNOP_alloc_unbound:
		return alloc_unbound(d, args[1]);
	case KEEL_EVTCHNOP_bind_interdomain:
		return bind_interdomain(d, args[1]);
	case KEEL_EVTCHNOP_bind_virq:
		return bind_virq(d, args[1]);
	case KEEL_EVTCHNOP_close:
		return evtchn_close(d, args[1]);
	case KEEL_EVTCHNOP_send:
		return evtchn_send(d, args[1]);
	case KEEL_EVTCHNOP_status:
		return evtchn_status(d, args[1]);
	case KEEL_EVTCHNOP_unmask:
		return evtchn_unmask(d, args[1]);
	default:
		return set_upcall_vector(d, args[1]);
	}
}

/* ---- hypervisor-raised events ------------------------------------------- */

/*
 * Raise `virq` on v: its bound port (if any) becomes pending.  Takes
 * v's domain's evtchn lock; notifies after dropping it.
 */
void evtchn_send_virq(struct vcpu *v, unsigned virq)
{
	struct domain *d = v->domain;
	struct vcpu *to_notify = NULL;
	unsigned port;

	if (virq >= KEEL_NR_VIRQS)
		return;
	spin_lock(&d->evtchn.lock);
	port = v->virq_to_port[virq];
	if (port && port < NR_PORTS && chn_of(d, port) &&
	    chn_of(d, port)->state == ECS_VIRQ)
		to_notify = set_pending(d, port);
	spin_unlock(&d->evtchn.lock);
	notify(to_notify);
}

void evtchn_notify_dom0_exc(void)
{
	if (dom0.vcpu[0])
		evtchn_send_virq(dom0.vcpu[0], KEEL_VIRQ_DOM_EXC);
}

/*
 * True if v would take an upcall: its upcall_pending flag is set and the
 * guest has not masked upcalls (shared_info.h).  Takes no lock: the
 * answer is a snapshot of guest memory.  Called in v's domain's own vCPU
 * contexts only, so the page cannot go meanwhile: domain_set_shared_info()
 * drops a page only when no other vCPU of the domain can run.
 */
bool evtchn_upcall_pending(struct vcpu *v)
{
	struct keel_shared_info *si = shared_info_of(v->domain);
	struct keel_vcpu_info *vi;

	if (!si || v->id >= KEEL_MAX_VCPUS)
		return false;
	vi = &si->vcpu_info[v->id];
	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
	       !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_SEQ_CST);
}

/* ---- save and restore (KEEL_DOMCTL_get_evtchn / set_evtchn) ------------- */

int evtchn_save(struct domain *d, unsigned first, struct keel_evtchn_rec *out,
		unsigned room, unsigned *next)
{
	static const uint8_t stat[] = {
		[ECS_UNBOUND] = KEEL_EVTCHNSTAT_unbound,
		[ECS_INTERDOMAIN] = KEEL_EVTCHNSTAT_interdomain,
		[ECS_VIRQ] = KEEL_EVTCHNSTAT_virq,
	};
	unsigned n = 0, p = first ? first : 1;

	*next = 0;
	spin_lock(&d->evtchn.lock);
	for (; p < NR_PORTS && d->evtchn.ports; p++) {
		struct evtchn *c = &d->evtchn.ports[p];

		if (c->state == ECS_FREE)
			continue;
		if (n == room) {
			*next = p;
			break;
		}
		memset(&out[n], 0, sizeof(out[n]));
		out[n].port = p;
		out[n].state = stat[c->state];
		out[n].vcpu = c->notify_vcpu;
		out[n].remote_dom = c->state == ECS_VIRQ ? 0 : c->remote_dom;
		out[n].remote_port = c->remote_port;
		n++;
	}
	spin_unlock(&d->evtchn.lock);
	return (int)n;
}

int evtchn_restore(struct domain *d, const struct keel_evtchn_rec *r)
{
	struct evtchn *c;
	int rc = 0;

	if (!port_in_range(r->port) || r->pad || r->pad2 ||
	    r->vcpu >= d->nr_vcpus)
		return -EINVAL;
	switch (r->state) {
	case KEEL_EVTCHNSTAT_unbound:
	case KEEL_EVTCHNSTAT_interdomain:
		if (r->remote_dom > KEEL_DOMID_MAX)
			return -EINVAL;
		break;
	case KEEL_EVTCHNSTAT_virq:
		if (r->remote_port >= KEEL_NR_VIRQS ||
		    (virq_is_global(r->remote_port) && r->vcpu != 0))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	spin_lock(&d->evtchn.lock);
	c = chn_of(d, r->port);
	if (!c || c->state != ECS_FREE) {
		rc = -EEXIST;
	} else if (r->state == KEEL_EVTCHNSTAT_virq) {
		struct vcpu *v = d->vcpu[r->vcpu];

		if (v->virq_to_port[r->remote_port]) {
			rc = -EEXIST;
		} else {
			c->state = ECS_VIRQ;
			c->notify_vcpu = r->vcpu;
			c->remote_port = r->remote_port;
			v->virq_to_port[r->remote_port] = (uint16_t)r->port;
		}
	} else {
		/* An interdomain port's peer is on the old host: the port
		 * waits, unbound, for the same remote domain to bind again
		 * (dom0's daemons do, as for a new domain). */
		c->state = ECS_UNBOUND;
		c->notify_vcpu = r->vcpu;
		c->remote_dom = r->remote_dom;
		c->remote_port = 0;
	}
	spin_unlock(&d->evtchn.lock);
	return rc;
}
