/* common/domstate.c: the save/restore/migration domctls (10-18) on the
 * fake hypervisor (harness/fake_hv.c) with the real event-channel, grant
 * table and log-dirty code: each command's result and each error it can
 * return.  d0 is dom0 (its pages hold the buffers), d1 the guest being
 * saved, d2 a new paused guest being restored. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/domstate.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/logdirty.h>
#include <keel/p2m.h>
#include <keel/time.h>
#include <public/domctl.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu_state.h>

#include "harness/fake_hv.h"

#define BUF_GFN 4                 /* dom0's buffer: gfns 4 .. 11 */
#define BUF_GPA (BUF_GFN * 4096ull)
#define ARG_GFN 1                 /* each guest's argument page */

static struct domain *d0, *d1, *d2;

/* ---- hooks domstate.c and logdirty.c call ------------------------------- */

static uint64_t now;
static unsigned flushes, protects;
static struct keel_vcpu_state arch_state[FAKE_NR_DOMS][KEEL_MAX_VCPUS];
static int arch_refuse;
static uint64_t arch_result;
static uint64_t restored_si_gfn;

uint64_t now_ns(void) { return now; }

int p2m_next(struct domain *d, uint64_t *gfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	for (uint64_t g = *gfn; g < FAKE_NR_GFNS; g++)
		if (fake_gfn_ptr(d, g)) {
			*gfn = g;
			return 0;
		}
	return -ENOENT;
}

int p2m_logdirty_protect(struct domain *d, uint64_t gfn)
{
	protects++;
	return fake_gfn_ptr(d, gfn) ? 0 : -ENOENT;
}

int p2m_logdirty_unprotect(struct domain *d, uint64_t gfn)
{
	return fake_gfn_ptr(d, gfn) ? 0 : -ENOENT;
}

void arch_p2m_flush(struct domain *d) { flushes++; }

void arch_vcpu_get_state(struct vcpu *v, struct keel_vcpu_state *out)
{
	*out = arch_state[v->domain->id][v->id];
}

int arch_vcpu_set_state(struct vcpu *v, const struct keel_vcpu_state *in)
{
	if (arch_refuse)
		return -EINVAL;
	arch_state[v->domain->id][v->id] = *in;
	return 0;
}

void arch_vcpu_set_result(struct vcpu *v, uint64_t rax) { arch_result = rax; }

long domain_restore_shared_info(struct domain *d, uint64_t gfn)
{
	if (!fake_gfn_ptr(d, gfn))
		return -EINVAL;
	restored_si_gfn = gfn;
	return 0;
}

void vcpu_set_pause_flag(struct vcpu *v, unsigned flag) { v->pause_flags |= flag; }
void vcpu_clear_pause_flag(struct vcpu *v, unsigned flag) { v->pause_flags &= ~flag; }

/* ---- set-up ------------------------------------------------------------- */

static void setup(void)
{
	fake_reset();
	now = 1000000000ull;
	flushes = protects = 0;
	arch_refuse = 0;
	arch_result = 99;
	restored_si_gfn = 0;
	memset(arch_state, 0, sizeof(arch_state));
	d0 = fake_domain(0, 1);
	d1 = fake_domain(1, 2);
	d2 = fake_domain(2, 1);
	ck_assert_int_eq(evtchn_domain_init(d0), 0);
	ck_assert_int_eq(evtchn_domain_init(d1), 0);
	ck_assert_int_eq(evtchn_domain_init(d2), 0);
	ck_assert_int_eq(gnttab_domain_init(d1), 0);
	ck_assert_int_eq(gnttab_domain_init(d2), 0);
	for (unsigned g = BUF_GFN; g < BUF_GFN + 8; g++)
		fake_give(d0, g, true);
	/* d1: pages 0-2, 5, 20; d2: pages 0-2, new */
	for (unsigned g = 0; g < 3; g++) {
		fake_give(d1, g, true);
		fake_give(d2, g, true);
	}
	fake_give(d1, 5, true);
	fake_give(d1, 20, true);
	d1->max_gfn = 21;
	d2->pause_count = 1;
	d2->vcpu[0]->pause_flags = VPF_down | VPF_paused;
}

static void teardown(void)
{
	if (d1->logdirty.enabled)
		logdirty_disable(d1);
	ck_assert_int_eq(d1->lock.locked, 0);
	ck_assert_int_eq(d2->lock.locked, 0);
	ck_assert_int_eq(d1->evtchn.lock.locked, 0);
	evtchn_domain_destroy(d0);
	evtchn_domain_destroy(d1);
	evtchn_domain_destroy(d2);
	gnttab_domain_destroy(d1);
	gnttab_domain_destroy(d2);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
	ck_assert_int_eq(fake_refs_outstanding, 0);
}

static long op(struct domain *d, struct keel_domctl *c, uint64_t len)
{
	c->domid = d->id;
	return domstate_op(d0->vcpu[0], d, c, BUF_GPA, len);
}

static void *buf(void)
{
	return fake_gfn_ptr(d0, BUF_GFN);
}

static struct keel_domctl cmd(uint32_t c)
{
	struct keel_domctl x;

	memset(&x, 0, sizeof(x));
	x.cmd = c;
	return x;
}

/* ---- memlist ------------------------------------------------------------ */

START_TEST(memlist_lists_populated_gfns_in_chunks)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_memlist);
	uint64_t *g = buf();

	c.u.memlist.nr = 3;
	ck_assert_int_eq(op(d1, &c, 24), 0);
	ck_assert_uint_eq(c.u.memlist.nr, 3);
	ck_assert_uint_eq(g[0], 0);
	ck_assert_uint_eq(g[2], 2);
	ck_assert_uint_eq(c.u.memlist.next_gfn, 5);	/* the next populated one */
	c.u.memlist.start_gfn = c.u.memlist.next_gfn;
	c.u.memlist.nr = 3;
	ck_assert_int_eq(op(d1, &c, 24), 0);
	ck_assert_uint_eq(c.u.memlist.nr, 2);
	ck_assert_uint_eq(g[0], 5);
	ck_assert_uint_eq(g[1], 20);
	ck_assert_uint_eq(c.u.memlist.next_gfn, KEEL_GFN_INVALID);
	ck_assert_int_eq(d1->lock.locked, 0);
}
END_TEST

START_TEST(memlist_exact_fit_says_done)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_memlist);

	c.u.memlist.start_gfn = 3;
	c.u.memlist.nr = 2;
	ck_assert_int_eq(op(d1, &c, 16), 0);
	ck_assert_uint_eq(c.u.memlist.nr, 2);
	ck_assert_uint_eq(c.u.memlist.next_gfn, KEEL_GFN_INVALID);
}
END_TEST

START_TEST(memlist_checks_arguments)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_memlist);

	c.u.memlist.nr = 0;
	ck_assert_int_eq(op(d1, &c, 0), -EINVAL);
	c.u.memlist.nr = 8193;
	ck_assert_int_eq(op(d1, &c, 8193 * 8), -EINVAL);
	c.u.memlist.nr = 4;
	ck_assert_int_eq(op(d1, &c, 24), -EINVAL);      /* len != nr * 8 */
	c.u.memlist.pad = 1;
	ck_assert_int_eq(op(d1, &c, 32), -EINVAL);
	c.u.memlist.pad = 0;
	c.domid = d1->id;
	ck_assert_int_eq(domstate_op(d0->vcpu[0], d1, &c, 200 * 4096ull, 32), -EFAULT);
}
END_TEST

/* ---- log-dirty through the domctl --------------------------------------- */

START_TEST(logdirty_domctl_round)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_logdirty);
	uint64_t *bm = buf();

	c.u.logdirty.op = KEEL_LOGDIRTY_enable;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	ck_assert_uint_eq(protects, 5);
	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);
	ck_assert(logdirty_write_fault(d1, 5));
	ck_assert(logdirty_write_fault(d1, 20));
	c = cmd(KEEL_DOMCTL_logdirty);
	c.u.logdirty.op = KEEL_LOGDIRTY_clean;
	c.u.logdirty.nr = 64;
	ck_assert_int_eq(op(d1, &c, 8), 0);
	ck_assert_uint_eq(c.u.logdirty.dirty, 2);
	ck_assert_uint_eq(c.u.logdirty.tracked, 21);
	ck_assert_uint_eq(c.u.logdirty.faults, 2);
	ck_assert_uint_eq(bm[0], (1ull << 5) | (1ull << 20));
	ck_assert_int_eq(op(d1, &c, 8), 0);
	ck_assert_uint_eq(c.u.logdirty.dirty, 0);
	c.u.logdirty.op = KEEL_LOGDIRTY_disable;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	ck_assert_int_eq(op(d1, &c, 0), -EINVAL);
}
END_TEST

START_TEST(logdirty_domctl_checks_arguments)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_logdirty);

	c.u.logdirty.op = 9;
	ck_assert_int_eq(op(d1, &c, 0), -EINVAL);
	c.u.logdirty.op = KEEL_LOGDIRTY_enable;
	c.u.logdirty.pad = 1;
	ck_assert_int_eq(op(d1, &c, 0), -EINVAL);
	c.u.logdirty.pad = 0;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	c.u.logdirty.op = KEEL_LOGDIRTY_peek;
	c.u.logdirty.nr = 64;
	ck_assert_int_eq(op(d1, &c, 16), -EINVAL);          /* len != nr / 8 */
	c.u.logdirty.nr = 65;
	ck_assert_int_eq(op(d1, &c, 8), -EINVAL);
	c.u.logdirty.nr = 64;
	c.u.logdirty.start_gfn = 1;
	ck_assert_int_eq(op(d1, &c, 8), -EINVAL);
	c.u.logdirty.start_gfn = KEEL_MAX_GFN;
	ck_assert_int_eq(op(d1, &c, 8), -EINVAL);
	/* a buffer dom0 cannot write: nothing is cleared */
	c.u.logdirty.start_gfn = 0;
	c.u.logdirty.op = KEEL_LOGDIRTY_clean;
	logdirty_write_fault(d1, 2);
	c.domid = d1->id;
	ck_assert_int_eq(domstate_op(d0->vcpu[0], d1, &c, 200 * 4096ull, 8), -EFAULT);
	c.u.logdirty.op = KEEL_LOGDIRTY_peek;
	ck_assert_int_eq(op(d1, &c, 8), 0);
	ck_assert_uint_eq(c.u.logdirty.dirty, 1);
}
END_TEST

/* ---- vCPU state --------------------------------------------------------- */

START_TEST(vcpu_state_get_needs_pause)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_get_vcpu_state);
	struct keel_vcpu_state *st = buf();

	ck_assert_int_eq(op(d1, &c, sizeof(*st)), -EBUSY);
	d1->pause_count = 1;
	arch_state[1][1].rip = 0x1234;
	c.u.vcpu_state.vcpu = 1;
	ck_assert_int_eq(op(d1, &c, sizeof(*st)), 0);
	ck_assert_uint_eq(st->rip, 0x1234);
	c.u.vcpu_state.vcpu = 2;
	ck_assert_int_eq(op(d1, &c, sizeof(*st)), -EINVAL);
	c.u.vcpu_state.vcpu = 0;
	ck_assert_int_eq(op(d1, &c, sizeof(*st) - 8), -EINVAL);
	c.u.vcpu_state.pad = 1;
	ck_assert_int_eq(op(d1, &c, sizeof(*st)), -EINVAL);
	d1->pause_count = 0;
}
END_TEST

START_TEST(vcpu_state_set_only_on_a_new_vcpu)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_vcpu_state);
	struct keel_vcpu_state *st = buf();

	memset(st, 0, sizeof(*st));
	st->flags = KEEL_VCPU_STATE_up | KEEL_VCPU_STATE_blocked;
	st->rip = 0x5678;
	arch_refuse = 1;
	ck_assert_int_eq(op(d2, &c, sizeof(*st)), -EINVAL);
	ck_assert(d2->vcpu[0]->pause_flags & VPF_down);
	arch_refuse = 0;
	ck_assert_int_eq(op(d2, &c, sizeof(*st)), 0);
	ck_assert_uint_eq(arch_state[2][0].rip, 0x5678);
	ck_assert(!(d2->vcpu[0]->pause_flags & VPF_down));
	ck_assert(d2->vcpu[0]->pause_flags & VPF_blocked);
	/* it has a context now */
	ck_assert_int_eq(op(d2, &c, sizeof(*st)), -EBUSY);
	/* a running domain */
	d1->pause_count = 0;
	ck_assert_int_eq(op(d1, &c, sizeof(*st)), -EBUSY);
}
END_TEST

/* ---- domain state ------------------------------------------------------- */

START_TEST(dom_state_get)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_get_dom_state);

	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);
	d1->pause_count = 1;
	d1->time_offset = 500;
	d1->upcall_vector = 0xf3;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	ck_assert_uint_eq(c.u.dom_state.time_ns, now + 500);
	ck_assert_uint_eq(c.u.dom_state.shared_info_gfn, KEEL_GFN_INVALID);
	ck_assert_uint_eq(c.u.dom_state.upcall_vector, 0xf3);
	ck_assert_uint_eq(c.u.dom_state.nr_gnttab_frames, 0);
	fake_shared_info(d1, 2);
	d1->shared_info_gfn = 2;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	ck_assert_uint_eq(c.u.dom_state.shared_info_gfn, 2);
	d1->shared_info = NULL;
}
END_TEST

START_TEST(dom_state_set_time_never_goes_back)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_dom_state);

	c.u.dom_state.shared_info_gfn = KEEL_GFN_INVALID;
	c.u.dom_state.time_ns = now + 7000;     /* it was ahead of us */
	ck_assert_int_eq(op(d2, &c, 0), 0);
	ck_assert_uint_eq(d2->time_offset, 7000);
	c.u.dom_state.time_ns = now - 7000;     /* we are ahead: time jumps on */
	ck_assert_int_eq(op(d2, &c, 0), 0);
	ck_assert_uint_eq(d2->time_offset, 0);
}
END_TEST

START_TEST(dom_state_set_registers_pages)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_dom_state);

	c.u.dom_state.shared_info_gfn = 1;
	c.u.dom_state.upcall_vector = 0x40;
	c.u.dom_state.nr_gnttab_frames = 1;
	c.u.dom_state.gnttab_gfn[0] = 2;
	ck_assert_int_eq(op(d2, &c, 0), 0);
	ck_assert_uint_eq(restored_si_gfn, 1);
	ck_assert_uint_eq(d2->upcall_vector, 0x40);
	ck_assert_uint_eq(d2->gnttab.nr_frames, 1);
	ck_assert_uint_eq(d2->gnttab.gfn[0], 2);
}
END_TEST

START_TEST(dom_state_set_checks)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_dom_state);

	c.u.dom_state.shared_info_gfn = KEEL_GFN_INVALID;
	c.u.dom_state.upcall_vector = 0x10;
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	c.u.dom_state.upcall_vector = 0xf0;
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	c.u.dom_state.upcall_vector = 0;
	c.u.dom_state.nr_gnttab_frames = 5;
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	c.u.dom_state.nr_gnttab_frames = 1;
	c.u.dom_state.gnttab_gfn[0] = 30;       /* not its RAM */
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	c.u.dom_state.nr_gnttab_frames = 0;
	c.u.dom_state.reserved[1] = 1;
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	c.u.dom_state.reserved[1] = 0;
	c.u.dom_state.shared_info_gfn = 30;
	ck_assert_int_eq(op(d2, &c, 0), -EINVAL);
	/* only a new domain */
	c.u.dom_state.shared_info_gfn = KEEL_GFN_INVALID;
	d2->vcpu[0]->pause_flags &= ~VPF_down;
	ck_assert_int_eq(op(d2, &c, 0), -EBUSY);
	d1->pause_count = 0;
	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);
}
END_TEST

/* ---- event channels ----------------------------------------------------- */

/* d1's ports: 1 unbound for d0, 2 interdomain with d0 (d0's port 1),
 * 3 VIRQ_TIMER on vCPU 1. */
static void d1_ports(void)
{
	d1->evtchn.ports[1] = (struct evtchn){ .state = ECS_UNBOUND, .remote_dom = 0 };
	d1->evtchn.ports[2] = (struct evtchn){ .state = ECS_INTERDOMAIN, .remote_dom = 0,
					       .remote_port = 1 };
	d0->evtchn.ports[1] = (struct evtchn){ .state = ECS_INTERDOMAIN, .remote_dom = 1,
					       .remote_port = 2 };
	d1->evtchn.ports[3] = (struct evtchn){ .state = ECS_VIRQ, .notify_vcpu = 1,
					       .remote_port = KEEL_VIRQ_TIMER };
	d1->vcpu[1]->virq_to_port[KEEL_VIRQ_TIMER] = 3;
}

START_TEST(evtchn_get_pages_through_ports)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_get_evtchn);
	struct keel_evtchn_rec *r = buf();

	d1_ports();
	c.u.evtchn.nr = 2;
	ck_assert_int_eq(op(d1, &c, 32), -EBUSY);
	d1->pause_count = 1;
	ck_assert_int_eq(op(d1, &c, 32), 0);
	ck_assert_uint_eq(c.u.evtchn.nr, 2);
	ck_assert_uint_eq(r[0].port, 1);
	ck_assert_uint_eq(r[0].state, KEEL_EVTCHNSTAT_unbound);
	ck_assert_uint_eq(r[1].port, 2);
	ck_assert_uint_eq(r[1].state, KEEL_EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(r[1].remote_port, 1);
	ck_assert_uint_eq(c.u.evtchn.next_port, 3);
	c.u.evtchn.first_port = 3;
	c.u.evtchn.nr = 2;
	ck_assert_int_eq(op(d1, &c, 32), 0);
	ck_assert_uint_eq(c.u.evtchn.nr, 1);
	ck_assert_uint_eq(r[0].state, KEEL_EVTCHNSTAT_virq);
	ck_assert_uint_eq(r[0].vcpu, 1);
	ck_assert_uint_eq(r[0].remote_port, KEEL_VIRQ_TIMER);
	ck_assert_uint_eq(c.u.evtchn.next_port, 0);
	d1->pause_count = 0;
}
END_TEST

START_TEST(evtchn_set_recreates_ports)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_evtchn);
	struct keel_evtchn_rec *r = buf();

	memset(r, 0, 3 * sizeof(*r));
	r[0] = (struct keel_evtchn_rec){ .port = 1, .state = KEEL_EVTCHNSTAT_unbound };
	r[1] = (struct keel_evtchn_rec){ .port = 2, .state = KEEL_EVTCHNSTAT_interdomain,
					 .remote_dom = 0, .remote_port = 9 };
	r[2] = (struct keel_evtchn_rec){ .port = 5, .state = KEEL_EVTCHNSTAT_virq,
					 .remote_port = KEEL_VIRQ_TIMER };
	c.u.evtchn.nr = 3;
	ck_assert_int_eq(op(d2, &c, 48), 0);
	ck_assert_uint_eq(d2->evtchn.ports[1].state, ECS_UNBOUND);
	/* its peer is on the old host: unbound, waiting for the same domain */
	ck_assert_uint_eq(d2->evtchn.ports[2].state, ECS_UNBOUND);
	ck_assert_uint_eq(d2->evtchn.ports[2].remote_dom, 0);
	ck_assert_uint_eq(d2->evtchn.ports[5].state, ECS_VIRQ);
	ck_assert_uint_eq(d2->vcpu[0]->virq_to_port[KEEL_VIRQ_TIMER], 5);
	/* again: the ports are in use */
	c.u.evtchn.nr = 1;
	ck_assert_int_eq(op(d2, &c, 16), -EEXIST);
	ck_assert_uint_eq(c.u.evtchn.nr, 0);
}
END_TEST

START_TEST(evtchn_set_checks_records)
{
	static const struct keel_evtchn_rec bad[] = {
		{ .port = 0, .state = KEEL_EVTCHNSTAT_unbound },
		{ .port = KEEL_NR_EVENT_CHANNELS, .state = KEEL_EVTCHNSTAT_unbound },
		{ .port = 1, .state = 7 },
		{ .port = 1, .state = KEEL_EVTCHNSTAT_closed },
		{ .port = 1, .state = KEEL_EVTCHNSTAT_unbound, .vcpu = 1 },
		{ .port = 1, .state = KEEL_EVTCHNSTAT_unbound, .remote_dom = 0x7ff0 },
		{ .port = 1, .state = KEEL_EVTCHNSTAT_virq, .remote_port = KEEL_NR_VIRQS },
		{ .port = 1, .state = KEEL_EVTCHNSTAT_unbound, .pad = 1 },
	};
	struct keel_domctl c = cmd(KEEL_DOMCTL_set_evtchn);
	struct keel_evtchn_rec *r = buf();

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r[0] = bad[i];
		c.u.evtchn.nr = 1;
		ck_assert_msg(op(d2, &c, 16) == -EINVAL, "record %u accepted", i);
		ck_assert_uint_eq(d2->evtchn.ports[1].state, ECS_FREE);
	}
	c.u.evtchn.nr = 1;
	ck_assert_int_eq(op(d2, &c, 32), -EINVAL);      /* len != nr * 16 */
	r[0] = (struct keel_evtchn_rec){ .port = 1, .state = KEEL_EVTCHNSTAT_unbound };
	d2->vcpu[0]->pause_flags &= ~VPF_down;          /* it ran */
	ck_assert_int_eq(op(d2, &c, 16), -EBUSY);
}
END_TEST

/* ---- resume ------------------------------------------------------------- */

START_TEST(resume_after_suspend)
{
	struct keel_domctl c = cmd(KEEL_DOMCTL_resume);

	c.u.resume.result = 1;
	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);        /* not shut down */
	d1->is_shutdown = true;
	d1->shutdown_reason = KEEL_SHUTDOWN_poweroff;
	d1->pause_count = 1;
	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);        /* not for suspend */
	d1->shutdown_reason = KEEL_SHUTDOWN_suspend;
	d1->pause_count = 0;
	ck_assert_int_eq(op(d1, &c, 0), -EBUSY);        /* not paused */
	d1->pause_count = 1;
	d1->vcpu[0]->pause_flags = VPF_dead | VPF_paused;
	d1->vcpu[1]->pause_flags = VPF_dead | VPF_paused;
	c.u.resume.result = 2;
	ck_assert_int_eq(op(d1, &c, 0), -EINVAL);
	c.u.resume.result = 1;
	ck_assert_int_eq(op(d1, &c, 0), 0);
	ck_assert(!d1->is_shutdown);
	ck_assert_uint_eq(arch_result, 1);
	ck_assert_uint_eq(d1->vcpu[0]->pause_flags, VPF_paused);
	ck_assert_uint_eq(d1->vcpu[1]->pause_flags, VPF_paused);
	d1->pause_count = 0;
}
END_TEST

START_TEST(is_op_covers_10_to_18)
{
	ck_assert(!domstate_is_op(KEEL_DOMCTL_sched_credit));
	for (uint32_t c = KEEL_DOMCTL_logdirty; c <= KEEL_DOMCTL_resume; c++)
		ck_assert(domstate_is_op(c));
	ck_assert(!domstate_is_op(KEEL_DOMCTL_resume + 1));
}
END_TEST

static Suite *domstate_suite(void)
{
	Suite *s = suite_create("domstate");
	TCase *t = tcase_create("core");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, memlist_lists_populated_gfns_in_chunks);
	tcase_add_test(t, memlist_exact_fit_says_done);
	tcase_add_test(t, memlist_checks_arguments);
	tcase_add_test(t, logdirty_domctl_round);
	tcase_add_test(t, logdirty_domctl_checks_arguments);
	tcase_add_test(t, vcpu_state_get_needs_pause);
	tcase_add_test(t, vcpu_state_set_only_on_a_new_vcpu);
	tcase_add_test(t, dom_state_get);
	tcase_add_test(t, dom_state_set_time_never_goes_back);
	tcase_add_test(t, dom_state_set_registers_pages);
	tcase_add_test(t, dom_state_set_checks);
	tcase_add_test(t, evtchn_get_pages_through_ports);
	tcase_add_test(t, evtchn_set_recreates_ports);
	tcase_add_test(t, evtchn_set_checks_records);
	tcase_add_test(t, resume_after_suspend);
	tcase_add_test(t, is_op_covers_10_to_18);
	suite_add_tcase(s, t);
	return s;
}

HARNESS_MAIN(domstate_suite)
