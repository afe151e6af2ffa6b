/* common/evtchn.c: the event-channel state machine and the 2-level
 * pending/mask bitmaps, against the fake hypervisor (harness/fake_hv.c). */
#include "harness.h"

#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <public/event_channel.h>

#include "harness/fake_hv.h"

#define ARG_GFN 1                 /* each domain's argument page */
#define ARG_GPA (ARG_GFN * 4096ull)
#define NR_PORTS KEEL_NR_EVENT_CHANNELS

static struct domain *d0, *d1, *d2;
static struct keel_shared_info *si0, *si1, *si2;

static void setup(void)
{
	fake_reset();
	d0 = fake_domain(0, 1);
	d1 = fake_domain(1, 2);
	d2 = fake_domain(2, 1);
	ck_assert_int_eq(evtchn_domain_init(d0), 0);
	ck_assert_int_eq(evtchn_domain_init(d1), 0);
	ck_assert_int_eq(evtchn_domain_init(d2), 0);
	si0 = fake_shared_info(d0, 0);
	si1 = fake_shared_info(d1, 0);
	si2 = fake_shared_info(d2, 0);
	fake_give(d0, ARG_GFN, true);
	fake_give(d1, ARG_GFN, true);
	fake_give(d2, ARG_GFN, true);
}

/* Every path dropped its locks and domain references. */
static void teardown(void)
{
	ck_assert_int_eq(d0->evtchn.lock.locked, 0);
	ck_assert_int_eq(d1->evtchn.lock.locked, 0);
	ck_assert_int_eq(d2->evtchn.lock.locked, 0);
	ck_assert_int_eq(fake_refs_outstanding, 0);
	evtchn_domain_destroy(d0);
	evtchn_domain_destroy(d1);
	evtchn_domain_destroy(d2);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
}

/* Issue a command as vCPU 0 of d through its argument page. */
static long op_size(struct domain *d, unsigned cmd, void *arg, size_t len,
		    uint64_t size)
{
	uint64_t args[5] = { cmd, ARG_GPA, size, 0, 0 };
	long rc;

	memcpy(fake_gfn_ptr(d, ARG_GFN), arg, len);
	rc = do_event_channel_op(d->vcpu[0], args);
	memcpy(arg, fake_gfn_ptr(d, ARG_GFN), len);
	return rc;
}

#define op(d, cmd, s) op_size((d), (cmd), (s), sizeof(*(s)), sizeof(*(s)))

static long alloc_unbound(struct domain *d, uint16_t dom, uint16_t remote,
			  unsigned *port)
{
	struct keel_evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote };
	long rc = op(d, KEEL_EVTCHNOP_alloc_unbound, &a);

	if (port)
		*port = a.port;
	return rc;
}

static long bind(struct domain *d, uint16_t rdom, unsigned rport,
		 unsigned *port)
{
	struct keel_evtchn_bind_interdomain b = { .remote_dom = rdom,
						  .remote_port = rport };
	long rc = op(d, KEEL_EVTCHNOP_bind_interdomain, &b);

	if (port)
		*port = b.local_port;
	return rc;
}

static long port_op(struct domain *d, unsigned cmd, unsigned port)
{
	struct keel_evtchn_port_op p = { .port = port };

	return op(d, cmd, &p);
}

static long bind_virq(struct domain *d, unsigned virq, unsigned vcpu,
		      unsigned *port)
{
	struct keel_evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
	long rc = op(d, KEEL_EVTCHNOP_bind_virq, &b);

	if (port)
		*port = b.port;
	return rc;
}

static struct keel_evtchn_status status(struct domain *d, uint16_t dom,
					unsigned port)
{
	struct keel_evtchn_status s = { .dom = dom, .port = port };

	ck_assert_int_eq(op(d, KEEL_EVTCHNOP_status, &s), 0);
	return s;
}

/* d1 port *p1 <-> d2 port *p2. */
static void connect(unsigned *p1, unsigned *p2)
{
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, p1), 0);
	ck_assert_int_eq(bind(d2, 1, *p1, p2), 0);
	/* binding leaves the new local port pending: start clean */
	memset(si2->evtchn_pending, 0, sizeof(si2->evtchn_pending));
	memset(&si2->vcpu_info[0], 0, 16);
	fake_notify_count = 0;
}

static bool pending(struct keel_shared_info *si, unsigned port)
{
	return (si->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

/* Fill d's table so that the next allocation finds no port. */
static void fill_ports(struct domain *d)
{
	for (unsigned p = 1; p < NR_PORTS; p++)
		d->evtchn.ports[p].state = ECS_UNBOUND;
}

/* ---- init / destroy ----------------------------------------------------- */

START_TEST(init_gives_all_ports_free)
{
	for (unsigned p = 1; p < NR_PORTS; p++)
		ck_assert_uint_eq(d1->evtchn.ports[p].state, ECS_FREE);
}
END_TEST

START_TEST(init_out_of_memory_enomem)
{
	struct domain *d3 = fake_domain(3, 1);

	fake_alloc_fail = 1;
	ck_assert_int_eq(evtchn_domain_init(d3), -ENOMEM);
	ck_assert_ptr_null(d3->evtchn.ports);
}
END_TEST

START_TEST(destroy_frees_the_table)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	evtchn_domain_destroy(d1);
	ck_assert_ptr_null(d1->evtchn.ports);
	evtchn_domain_destroy(d0);
	evtchn_domain_destroy(d2);
	ck_assert_int_eq(fake_alloc_outstanding, 0);
}
END_TEST

START_TEST(destroy_sends_peer_back_to_unbound)
{
	unsigned p1, p2;
	struct keel_evtchn_status s;

	connect(&p1, &p2);
	fake_domain_dying(d1);
	evtchn_domain_destroy(d1);
	s = status(d2, KEEL_DOMID_SELF, p2);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.remote_dom, 1);
}
END_TEST

START_TEST(destroy_unbinds_virqs)
{
	unsigned p;

	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, &p), 0);
	evtchn_domain_destroy(d1);
	ck_assert_uint_eq(d1->vcpu[1]->virq_to_port[KEEL_VIRQ_TIMER], 0);
}
END_TEST

START_TEST(destroy_twice_is_harmless)
{
	evtchn_domain_destroy(d1);
	evtchn_domain_destroy(d1);
	ck_assert_ptr_null(d1->evtchn.ports);
}
END_TEST

/* ---- dispatch ----------------------------------------------------------- */

START_TEST(unknown_command_enosys)
{
	struct keel_evtchn_port_op p = { .port = 1 };

	ck_assert_int_eq(op(d1, 0, &p), -ENOSYS);
	ck_assert_int_eq(op(d1, 9, &p), -ENOSYS);
}
END_TEST

START_TEST(wrong_size_einval)
{
	uint8_t buf[64] = { 0 };

	for (unsigned cmd = 1; cmd <= 8; cmd++) {
		ck_assert_int_eq(op_size(d1, cmd, buf, sizeof(buf), 4), -EINVAL);
		ck_assert_int_eq(op_size(d1, cmd, buf, sizeof(buf), 64), -EINVAL);
	}
}
END_TEST

START_TEST(buffer_outside_ram_efault)
{
	uint64_t args[5] = { KEEL_EVTCHNOP_close, 20 * 4096ull,
			     sizeof(struct keel_evtchn_port_op), 0, 0 };

	ck_assert_int_eq(do_event_channel_op(d1->vcpu[0], args), -EFAULT);
}
END_TEST

/* ---- alloc_unbound ------------------------------------------------------ */

START_TEST(alloc_unbound_returns_port_1_first)
{
	unsigned p;
	struct keel_evtchn_status s;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_uint_eq(p, 1);
	s = status(d1, KEEL_DOMID_SELF, 1);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.remote_dom, 2);
}
END_TEST

START_TEST(alloc_unbound_takes_lowest_free_port)
{
	unsigned p;

	for (unsigned i = 0; i < 3; i++)
		ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, 2), 0);
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_uint_eq(p, 2);
}
END_TEST

START_TEST(alloc_unbound_remote_self_means_caller)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, KEEL_DOMID_SELF, &p), 0);
	ck_assert_uint_eq(status(d1, KEEL_DOMID_SELF, p).remote_dom, 1);
}
END_TEST

START_TEST(alloc_unbound_full_table_enospc)
{
	fill_ports(d1);
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, NULL), -ENOSPC);
}
END_TEST

START_TEST(alloc_unbound_domu_naming_other_eperm)
{
	ck_assert_int_eq(alloc_unbound(d1, 2, 1, NULL), -EPERM);
	ck_assert_uint_eq(d2->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

START_TEST(alloc_unbound_domu_naming_itself_ok)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, 1, 2, &p), 0);
	ck_assert_uint_eq(d1->evtchn.ports[p].state, ECS_UNBOUND);
}
END_TEST

START_TEST(alloc_unbound_dom0_for_other_domain)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d0, 1, 0, &p), 0);
	ck_assert_uint_eq(p, 1);
	ck_assert_uint_eq(d1->evtchn.ports[1].state, ECS_UNBOUND);
	ck_assert_uint_eq(d1->evtchn.ports[1].remote_dom, 0);
	ck_assert_uint_eq(d0->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

START_TEST(alloc_unbound_no_such_domain_esrch)
{
	ck_assert_int_eq(alloc_unbound(d0, 7, 0, NULL), -ESRCH);
}
END_TEST

START_TEST(alloc_unbound_dying_domain_esrch)
{
	fake_domain_dying(d1);
	ck_assert_int_eq(alloc_unbound(d0, 1, 0, NULL), -ESRCH);
}
END_TEST

START_TEST(alloc_unbound_remote_out_of_range_einval)
{
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF,
				       KEEL_DOMID_SELF + 1, NULL), -EINVAL);
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 0xffff, NULL),
			 -EINVAL);
	ck_assert_uint_eq(d1->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

START_TEST(alloc_unbound_copy_out_fails_port_freed)
{
	fake_copy_to_fail = 1;
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, NULL), -EFAULT);
	ck_assert_uint_eq(d1->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

/* ---- bind_interdomain --------------------------------------------------- */

START_TEST(bind_connects_both_ends)
{
	unsigned p1, p2;
	struct keel_evtchn_status s;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	ck_assert_int_eq(bind(d2, 1, p1, &p2), 0);
	s = status(d1, KEEL_DOMID_SELF, p1);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(s.remote_dom, 2);
	ck_assert_uint_eq(s.remote_port, p2);
	s = status(d2, KEEL_DOMID_SELF, p2);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(s.remote_dom, 1);
	ck_assert_uint_eq(s.remote_port, p1);
}
END_TEST

START_TEST(bind_leaves_new_port_pending)
{
	unsigned p1, p2;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	ck_assert_int_eq(bind(d2, 1, p1, &p2), 0);
	ck_assert(pending(si2, p2));
	ck_assert_uint_eq(fake_notify_count, 1);
	ck_assert_ptr_eq(fake_notify_last, d2->vcpu[0]);
}
END_TEST

START_TEST(bind_free_remote_port_einval)
{
	ck_assert_int_eq(bind(d2, 1, 5, NULL), -EINVAL);
	ck_assert_uint_eq(d2->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

START_TEST(bind_port_meant_for_another_domain_einval)
{
	unsigned p1;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 0, &p1), 0);
	ck_assert_int_eq(bind(d2, 1, p1, NULL), -EINVAL);
	ck_assert_uint_eq(d1->evtchn.ports[p1].state, ECS_UNBOUND);
}
END_TEST

START_TEST(bind_bound_port_einval)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(bind(d2, 1, p1, NULL), -EINVAL);
}
END_TEST

START_TEST(bind_remote_port_out_of_range_einval)
{
	ck_assert_int_eq(bind(d2, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(bind(d2, 1, NR_PORTS, NULL), -EINVAL);
	ck_assert_int_eq(bind(d2, 1, 0xffffffffu, NULL), -EINVAL);
}
END_TEST

START_TEST(bind_pads_not_zero_einval)
{
	unsigned p1;
	struct keel_evtchn_bind_interdomain b = { .remote_dom = 1 };

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	b.remote_port = p1;
	b.pad = 1;
	ck_assert_int_eq(op(d2, KEEL_EVTCHNOP_bind_interdomain, &b), -EINVAL);
	b.pad = 0;
	b.pad2 = 1;
	ck_assert_int_eq(op(d2, KEEL_EVTCHNOP_bind_interdomain, &b), -EINVAL);
	ck_assert_uint_eq(d1->evtchn.ports[p1].state, ECS_UNBOUND);
}
END_TEST

START_TEST(bind_no_such_domain_esrch)
{
	ck_assert_int_eq(bind(d2, 6, 1, NULL), -ESRCH);
}
END_TEST

START_TEST(bind_full_table_enospc)
{
	unsigned p1;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	fill_ports(d2);
	ck_assert_int_eq(bind(d2, 1, p1, NULL), -ENOSPC);
	ck_assert_uint_eq(d1->evtchn.ports[p1].state, ECS_UNBOUND);
}
END_TEST

START_TEST(bind_loopback_within_one_domain)
{
	unsigned a, b;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, KEEL_DOMID_SELF, &a), 0);
	ck_assert_int_eq(bind(d1, KEEL_DOMID_SELF, a, &b), 0);
	ck_assert_uint_ne(a, b);
	ck_assert_uint_eq(status(d1, KEEL_DOMID_SELF, a).remote_port, b);
	ck_assert_uint_eq(status(d1, KEEL_DOMID_SELF, b).remote_port, a);
}
END_TEST

START_TEST(bind_copy_out_fails_remote_unbound_again)
{
	unsigned p1;
	struct keel_evtchn_status s;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	fake_copy_to_fail = 1;
	ck_assert_int_eq(bind(d2, 1, p1, NULL), -EFAULT);
	s = status(d1, KEEL_DOMID_SELF, p1);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.remote_dom, 2);
	ck_assert_uint_eq(d2->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

/* ---- bind_virq ---------------------------------------------------------- */

START_TEST(bind_virq_records_port_on_vcpu)
{
	unsigned p;
	struct keel_evtchn_status s;

	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, &p), 0);
	ck_assert_uint_eq(d1->vcpu[1]->virq_to_port[KEEL_VIRQ_TIMER], p);
	s = status(d1, KEEL_DOMID_SELF, p);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_virq);
	ck_assert_uint_eq(s.virq, KEEL_VIRQ_TIMER);
	ck_assert_uint_eq(s.vcpu, 1);
}
END_TEST

START_TEST(bind_virq_twice_eexist)
{
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, NULL), 0);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, NULL), -EEXIST);
}
END_TEST

START_TEST(bind_virq_same_virq_other_vcpu_ok)
{
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, NULL), 0);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, NULL), 0);
}
END_TEST

START_TEST(bind_virq_out_of_range_einval)
{
	ck_assert_int_eq(bind_virq(d1, KEEL_NR_VIRQS, 0, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, 0xffffffffu, 0, NULL), -EINVAL);
}
END_TEST

START_TEST(bind_virq_bad_vcpu_einval)
{
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 2, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, KEEL_MAX_VCPUS, NULL),
			 -EINVAL);
}
END_TEST

START_TEST(bind_virq_global_virq_on_vcpu1_einval)
{
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_DOM_EXC, 1, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_CONSOLE, 1, NULL), -EINVAL);
}
END_TEST

START_TEST(bind_virq_pad_einval)
{
	struct keel_evtchn_bind_virq b = { .virq = 0, .vcpu = 0, .pad = 1 };

	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_bind_virq, &b), -EINVAL);
}
END_TEST

START_TEST(bind_virq_full_table_enospc)
{
	fill_ports(d1);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, NULL), -ENOSPC);
	ck_assert_uint_eq(d1->vcpu[0]->virq_to_port[KEEL_VIRQ_TIMER], 0);
}
END_TEST

START_TEST(bind_virq_copy_out_fails_unbound)
{
	fake_copy_to_fail = 1;
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, NULL), -EFAULT);
	ck_assert_uint_eq(d1->vcpu[0]->virq_to_port[KEEL_VIRQ_TIMER], 0);
	ck_assert_uint_eq(d1->evtchn.ports[1].state, ECS_FREE);
}
END_TEST

/* ---- close -------------------------------------------------------------- */

START_TEST(close_unbound_frees_port)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, p), 0);
	ck_assert_uint_eq(status(d1, KEEL_DOMID_SELF, p).status,
			  KEEL_EVTCHNSTAT_closed);
}
END_TEST

START_TEST(close_interdomain_peer_goes_unbound_for_closer)
{
	unsigned p1, p2;
	struct keel_evtchn_status s;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_close, p2), 0);
	s = status(d1, KEEL_DOMID_SELF, p1);
	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.remote_dom, 2);
	ck_assert_uint_eq(d2->evtchn.ports[p2].state, ECS_FREE);
}
END_TEST

START_TEST(close_then_rebind_works)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_close, p2), 0);
	ck_assert_int_eq(bind(d2, 1, p1, &p2), 0);
	ck_assert_uint_eq(status(d1, KEEL_DOMID_SELF, p1).status,
			  KEEL_EVTCHNSTAT_interdomain);
}
END_TEST

START_TEST(close_virq_clears_binding)
{
	unsigned p;

	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, &p), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, p), 0);
	ck_assert_uint_eq(d1->vcpu[1]->virq_to_port[KEEL_VIRQ_TIMER], 0);
	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, NULL), 0);
}
END_TEST

START_TEST(close_free_port_ebadf)
{
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, 1), -EBADF);
}
END_TEST

START_TEST(close_out_of_range_ebadf)
{
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, 0), -EBADF);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, NR_PORTS), -EBADF);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, 0xffffffffu), -EBADF);
}
END_TEST

START_TEST(close_pad_einval)
{
	unsigned p;
	struct keel_evtchn_port_op o = { .pad = 1 };

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	o.port = p;
	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_close, &o), -EINVAL);
	ck_assert_uint_eq(d1->evtchn.ports[p].state, ECS_UNBOUND);
}
END_TEST

START_TEST(close_clears_pending_bit)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert(pending(si2, p2));
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_close, p2), 0);
	ck_assert(!pending(si2, p2));
}
END_TEST

START_TEST(close_with_dying_peer_frees_local_end)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	fake_domain_dying(d1);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_close, p2), 0);
	ck_assert_uint_eq(d2->evtchn.ports[p2].state, ECS_FREE);
	/* the dying peer's end is left for its own destroy */
	ck_assert_uint_eq(d1->evtchn.ports[p1].state, ECS_INTERDOMAIN);
}
END_TEST

START_TEST(destroy_skips_peer_port_reused_meanwhile)
{
	unsigned p1, p2, again;

	connect(&p1, &p2);
	fake_domain_dying(d1);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_close, p2), 0);
	ck_assert_int_eq(alloc_unbound(d2, KEEL_DOMID_SELF, 0, &again), 0);
	ck_assert_uint_eq(again, p2);
	evtchn_domain_destroy(d1);
	ck_assert_uint_eq(status(d2, KEEL_DOMID_SELF, again).remote_dom, 0);
}
END_TEST

/* ---- send --------------------------------------------------------------- */

START_TEST(send_marks_peer_pending_and_notifies)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert(pending(si2, p2));
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_pending_sel, 1ull << (p2 / 64));
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_upcall_pending, 1);
	ck_assert_uint_eq(fake_notify_count, 1);
	ck_assert_ptr_eq(fake_notify_last, d2->vcpu[0]);
	ck_assert(!pending(si1, p1));
}
END_TEST

START_TEST(send_twice_is_one_upcall)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(fake_notify_count, 1);
}
END_TEST

START_TEST(send_to_masked_port_only_records)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	si2->evtchn_mask[p2 / 64] |= 1ull << (p2 % 64);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert(pending(si2, p2));
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_pending_sel, 0);
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_upcall_pending, 0);
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(send_with_upcall_already_pending_no_notify)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	si2->vcpu_info[0].evtchn_upcall_pending = 1;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_pending_sel, 1ull << (p2 / 64));
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(send_with_garbage_upcall_flag_no_notify)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	si2->vcpu_info[0].evtchn_upcall_pending = 0xa5;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(send_after_guest_cleared_pending_notifies_again)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	/* the guest handles the event as shared_info.h says */
	si2->vcpu_info[0].evtchn_upcall_pending = 0;
	si2->vcpu_info[0].evtchn_pending_sel = 0;
	si2->evtchn_pending[p2 / 64] = 0;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(fake_notify_count, 2);
}
END_TEST

START_TEST(send_on_unbound_port_ebadf)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p), -EBADF);
}
END_TEST

START_TEST(send_on_virq_port_ebadf)
{
	unsigned p;

	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 0, &p), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p), -EBADF);
}
END_TEST

START_TEST(send_on_free_port_ebadf)
{
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, 3), -EBADF);
}
END_TEST

START_TEST(send_on_closed_port_ebadf)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_close, p1), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), -EBADF);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_send, p2), -EBADF);
}
END_TEST

START_TEST(send_out_of_range_ebadf)
{
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, 0), -EBADF);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, NR_PORTS), -EBADF);
}
END_TEST

START_TEST(send_pad_einval)
{
	unsigned p1, p2;
	struct keel_evtchn_port_op o = { .pad = 7 };

	connect(&p1, &p2);
	o.port = p1;
	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_send, &o), -EINVAL);
	ck_assert(!pending(si2, p2));
}
END_TEST

START_TEST(send_to_peer_without_shared_info_succeeds)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	d2->shared_info = NULL;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(fake_notify_count, 0);
	ck_assert(!pending(si2, p2));
}
END_TEST

START_TEST(send_to_dying_peer_is_dropped)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	fake_domain_dying(d2);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert(!pending(si2, p2));
}
END_TEST

START_TEST(send_on_loopback_marks_other_end)
{
	unsigned a, b;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, KEEL_DOMID_SELF, &a), 0);
	ck_assert_int_eq(bind(d1, KEEL_DOMID_SELF, a, &b), 0);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, b), 0);
	ck_assert(pending(si1, a));
}
END_TEST

START_TEST(send_port_in_high_word_sets_that_sel_bit)
{
	unsigned p1, p2;

	/* bind d1's port 4095 (the last) to d2 */
	for (unsigned p = 1; p < NR_PORTS - 1; p++)
		d1->evtchn.ports[p].state = ECS_UNBOUND;
	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p1), 0);
	ck_assert_uint_eq(p1, NR_PORTS - 1);
	ck_assert_int_eq(bind(d2, 1, p1, &p2), 0);
	memset(si1->vcpu_info, 0, sizeof(si1->vcpu_info));
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_send, p2), 0);
	ck_assert(pending(si1, NR_PORTS - 1));
	ck_assert_uint_eq(si1->vcpu_info[0].evtchn_pending_sel, 1ull << 63);
	for (unsigned p = 1; p < NR_PORTS - 1; p++)
		d1->evtchn.ports[p].state = ECS_FREE;
}
END_TEST

/* ---- status ------------------------------------------------------------- */

START_TEST(status_of_free_port_is_closed)
{
	struct keel_evtchn_status s = status(d1, KEEL_DOMID_SELF, 9);

	ck_assert_uint_eq(s.status, KEEL_EVTCHNSTAT_closed);
	ck_assert_uint_eq(s.remote_dom, 0);
	ck_assert_uint_eq(s.remote_port, 0);
}
END_TEST

START_TEST(status_domu_naming_other_eperm)
{
	struct keel_evtchn_status s = { .dom = 2, .port = 1 };

	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_status, &s), -EPERM);
}
END_TEST

START_TEST(status_dom0_reads_any_domain)
{
	unsigned p;

	ck_assert_int_eq(alloc_unbound(d1, KEEL_DOMID_SELF, 2, &p), 0);
	ck_assert_uint_eq(status(d0, 1, p).status, KEEL_EVTCHNSTAT_unbound);
}
END_TEST

START_TEST(status_no_such_domain_esrch)
{
	struct keel_evtchn_status s = { .dom = 5, .port = 1 };

	ck_assert_int_eq(op(d0, KEEL_EVTCHNOP_status, &s), -ESRCH);
}
END_TEST

START_TEST(status_port_out_of_range_einval)
{
	struct keel_evtchn_status s = { .dom = KEEL_DOMID_SELF, .port = 0 };

	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_status, &s), -EINVAL);
	s.port = NR_PORTS;
	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_status, &s), -EINVAL);
}
END_TEST

START_TEST(status_pad_einval)
{
	struct keel_evtchn_status s = { .dom = KEEL_DOMID_SELF, .port = 1,
					.pad = 1 };

	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_status, &s), -EINVAL);
}
END_TEST

START_TEST(status_clears_out_padding)
{
	struct keel_evtchn_status s = { .dom = KEEL_DOMID_SELF, .port = 1,
					.pad2 = 0xffff, .pad3 = 0xffffffff,
					.virq = 5 };

	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_status, &s), 0);
	ck_assert_uint_eq(s.pad2, 0);
	ck_assert_uint_eq(s.pad3, 0);
	ck_assert_uint_eq(s.virq, 0);
}
END_TEST

/* ---- unmask ------------------------------------------------------------- */

START_TEST(unmask_clears_mask_bit)
{
	si1->evtchn_mask[0] = ~0ull;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_unmask, 5), 0);
	ck_assert_uint_eq(si1->evtchn_mask[0], ~(1ull << 5));
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(unmask_pending_port_raises_upcall)
{
	unsigned p1, p2;

	connect(&p1, &p2);
	si2->evtchn_mask[p2 / 64] |= 1ull << (p2 % 64);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_send, p1), 0);
	ck_assert_uint_eq(fake_notify_count, 0);
	ck_assert_int_eq(port_op(d2, KEEL_EVTCHNOP_unmask, p2), 0);
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_pending_sel, 1ull << (p2 / 64));
	ck_assert_uint_eq(si2->vcpu_info[0].evtchn_upcall_pending, 1);
	ck_assert_uint_eq(fake_notify_count, 1);
}
END_TEST

START_TEST(unmask_out_of_range_ebadf)
{
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_unmask, 0), -EBADF);
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_unmask, NR_PORTS), -EBADF);
}
END_TEST

START_TEST(unmask_pad_einval)
{
	struct keel_evtchn_port_op o = { .port = 1, .pad = 1 };

	si1->evtchn_mask[0] = ~0ull;
	ck_assert_int_eq(op(d1, KEEL_EVTCHNOP_unmask, &o), -EINVAL);
	ck_assert_uint_eq(si1->evtchn_mask[0], ~0ull);
}
END_TEST

START_TEST(unmask_without_shared_info_succeeds)
{
	d1->shared_info = NULL;
	ck_assert_int_eq(port_op(d1, KEEL_EVTCHNOP_unmask, 1), 0);
}
END_TEST

/* ---- set_upcall_vector -------------------------------------------------- */

static long set_vector(struct domain *d, uint32_t vector, uint32_t pad)
{
	struct keel_evtchn_upcall_vector u = { .vector = vector, .pad = pad };

	return op(d, KEEL_EVTCHNOP_set_upcall_vector, &u);
}

START_TEST(set_upcall_vector_accepts_range_and_zero)
{
	ck_assert_int_eq(set_vector(d0, 0x20, 0), 0);
	ck_assert_uint_eq(d0->upcall_vector, 0x20);
	ck_assert_int_eq(set_vector(d0, 0xef, 0), 0);
	ck_assert_uint_eq(d0->upcall_vector, 0xef);
	ck_assert_int_eq(set_vector(d0, 0, 0), 0);
	ck_assert_uint_eq(d0->upcall_vector, 0);
}
END_TEST

START_TEST(set_upcall_vector_out_of_range_einval)
{
	ck_assert_int_eq(set_vector(d0, 0x1f, 0), -EINVAL);
	ck_assert_int_eq(set_vector(d0, 0xf0, 0), -EINVAL);
	ck_assert_int_eq(set_vector(d0, 0x120, 0), -EINVAL);
	ck_assert_uint_eq(d0->upcall_vector, 0);
}
END_TEST

START_TEST(set_upcall_vector_pad_einval)
{
	ck_assert_int_eq(set_vector(d0, 0x40, 1), -EINVAL);
	ck_assert_uint_eq(d0->upcall_vector, 0);
}
END_TEST

START_TEST(set_upcall_vector_delivers_pending_upcall)
{
	si0->vcpu_info[0].evtchn_upcall_pending = 1;
	ck_assert_int_eq(set_vector(d0, 0x40, 0), 0);
	ck_assert_uint_eq(fake_notify_count, 1);
	ck_assert_ptr_eq(fake_notify_last, d0->vcpu[0]);
}
END_TEST

START_TEST(set_upcall_vector_zero_does_not_notify)
{
	si0->vcpu_info[0].evtchn_upcall_pending = 1;
	ck_assert_int_eq(set_vector(d0, 0, 0), 0);
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

/* ---- virqs and upcall state ---------------------------------------------- */

START_TEST(send_virq_marks_bound_port_on_its_vcpu)
{
	unsigned p;

	ck_assert_int_eq(bind_virq(d1, KEEL_VIRQ_TIMER, 1, &p), 0);
	evtchn_send_virq(d1->vcpu[1], KEEL_VIRQ_TIMER);
	ck_assert(pending(si1, p));
	ck_assert_uint_eq(si1->vcpu_info[1].evtchn_upcall_pending, 1);
	ck_assert_uint_eq(si1->vcpu_info[0].evtchn_upcall_pending, 0);
	ck_assert_ptr_eq(fake_notify_last, d1->vcpu[1]);
}
END_TEST

START_TEST(send_virq_unbound_does_nothing)
{
	evtchn_send_virq(d1->vcpu[0], KEEL_VIRQ_TIMER);
	ck_assert_uint_eq(fake_notify_count, 0);
	ck_assert_uint_eq(si1->vcpu_info[0].evtchn_upcall_pending, 0);
}
END_TEST

START_TEST(send_virq_out_of_range_ignored)
{
	evtchn_send_virq(d1->vcpu[0], KEEL_NR_VIRQS);
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(notify_dom0_exc_raises_dom_exc)
{
	unsigned p;

	ck_assert_int_eq(bind_virq(d0, KEEL_VIRQ_DOM_EXC, 0, &p), 0);
	evtchn_notify_dom0_exc();
	ck_assert(pending(si0, p));
	ck_assert_ptr_eq(fake_notify_last, d0->vcpu[0]);
}
END_TEST

START_TEST(notify_dom0_exc_unbound_does_nothing)
{
	evtchn_notify_dom0_exc();
	ck_assert_uint_eq(fake_notify_count, 0);
}
END_TEST

START_TEST(upcall_pending_follows_flag_and_mask)
{
	struct vcpu *v = d1->vcpu[0];

	ck_assert(!evtchn_upcall_pending(v));
	si1->vcpu_info[0].evtchn_upcall_pending = 1;
	ck_assert(evtchn_upcall_pending(v));
	si1->vcpu_info[0].evtchn_upcall_mask = 1;
	ck_assert(!evtchn_upcall_pending(v));
}
END_TEST

START_TEST(upcall_pending_false_without_shared_info)
{
	si1->vcpu_info[0].evtchn_upcall_pending = 1;
	d1->shared_info = NULL;
	ck_assert(!evtchn_upcall_pending(d1->vcpu[0]));
}
END_TEST

static Suite *evtchn_suite(void)
{
	Suite *s = suite_create("evtchn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_gives_all_ports_free);
	tcase_add_test(tc, init_out_of_memory_enomem);
	tcase_add_test(tc, destroy_frees_the_table);
	tcase_add_test(tc, destroy_sends_peer_back_to_unbound);
	tcase_add_test(tc, destroy_unbinds_virqs);
	tcase_add_test(tc, destroy_twice_is_harmless);
	tcase_add_test(tc, unknown_command_enosys);
	tcase_add_test(tc, wrong_size_einval);
	tcase_add_test(tc, buffer_outside_ram_efault);
	tcase_add_test(tc, alloc_unbound_returns_port_1_first);
	tcase_add_test(tc, alloc_unbound_takes_lowest_free_port);
	tcase_add_test(tc, alloc_unbound_remote_self_means_caller);
	tcase_add_test(tc, alloc_unbound_full_table_enospc);
	tcase_add_test(tc, alloc_unbound_domu_naming_other_eperm);
	tcase_add_test(tc, alloc_unbound_domu_naming_itself_ok);
	tcase_add_test(tc, alloc_unbound_dom0_for_other_domain);
	tcase_add_test(tc, alloc_unbound_no_such_domain_esrch);
	tcase_add_test(tc, alloc_unbound_dying_domain_esrch);
	tcase_add_test(tc, alloc_unbound_remote_out_of_range_einval);
	tcase_add_test(tc, alloc_unbound_copy_out_fails_port_freed);
	tcase_add_test(tc, bind_connects_both_ends);
	tcase_add_test(tc, bind_leaves_new_port_pending);
	tcase_add_test(tc, bind_free_remote_port_einval);
	tcase_add_test(tc, bind_port_meant_for_another_domain_einval);
	tcase_add_test(tc, bind_bound_port_einval);
	tcase_add_test(tc, bind_remote_port_out_of_range_einval);
	tcase_add_test(tc, bind_pads_not_zero_einval);
	tcase_add_test(tc, bind_no_such_domain_esrch);
	tcase_add_test(tc, bind_full_table_enospc);
	tcase_add_test(tc, bind_loopback_within_one_domain);
	tcase_add_test(tc, bind_copy_out_fails_remote_unbound_again);
	tcase_add_test(tc, bind_virq_records_port_on_vcpu);
	tcase_add_test(tc, bind_virq_twice_eexist);
	tcase_add_test(tc, bind_virq_same_virq_other_vcpu_ok);
	tcase_add_test(tc, bind_virq_out_of_range_einval);
	tcase_add_test(tc, bind_virq_bad_vcpu_einval);
	tcase_add_test(tc, bind_virq_global_virq_on_vcpu1_einval);
	tcase_add_test(tc, bind_virq_pad_einval);
	tcase_add_test(tc, bind_virq_full_table_enospc);
	tcase_add_test(tc, bind_virq_copy_out_fails_unbound);
	tcase_add_test(tc, close_unbound_frees_port);
	tcase_add_test(tc, close_interdomain_peer_goes_unbound_for_closer);
	tcase_add_test(tc, close_then_rebind_works);
	tcase_add_test(tc, close_virq_clears_binding);
	tcase_add_test(tc, close_free_port_ebadf);
	tcase_add_test(tc, close_out_of_range_ebadf);
	tcase_add_test(tc, close_pad_einval);
	tcase_add_test(tc, close_clears_pending_bit);
	tcase_add_test(tc, close_with_dying_peer_frees_local_end);
	tcase_add_test(tc, destroy_skips_peer_port_reused_meanwhile);
	tcase_add_test(tc, send_marks_peer_pending_and_notifies);
	tcase_add_test(tc, send_twice_is_one_upcall);
	tcase_add_test(tc, send_to_masked_port_only_records);
	tcase_add_test(tc, send_with_upcall_already_pending_no_notify);
	tcase_add_test(tc, send_with_garbage_upcall_flag_no_notify);
	tcase_add_test(tc, send_after_guest_cleared_pending_notifies_again);
	tcase_add_test(tc, send_on_unbound_port_ebadf);
	tcase_add_test(tc, send_on_virq_port_ebadf);
	tcase_add_test(tc, send_on_free_port_ebadf);
	tcase_add_test(tc, send_on_closed_port_ebadf);
	tcase_add_test(tc, send_out_of_range_ebadf);
	tcase_add_test(tc, send_pad_einval);
	tcase_add_test(tc, send_to_peer_without_shared_info_succeeds);
	tcase_add_test(tc, send_to_dying_peer_is_dropped);
	tcase_add_test(tc, send_on_loopback_marks_other_end);
	tcase_add_test(tc, send_port_in_high_word_sets_that_sel_bit);
	tcase_add_test(tc, status_of_free_port_is_closed);
	tcase_add_test(tc, status_domu_naming_other_eperm);
	tcase_add_test(tc, status_dom0_reads_any_domain);
	tcase_add_test(tc, status_no_such_domain_esrch);
	tcase_add_test(tc, status_port_out_of_range_einval);
	tcase_add_test(tc, status_pad_einval);
	tcase_add_test(tc, status_clears_out_padding);
	tcase_add_test(tc, unmask_clears_mask_bit);
	tcase_add_test(tc, unmask_pending_port_raises_upcall);
	tcase_add_test(tc, unmask_out_of_range_ebadf);
	tcase_add_test(tc, unmask_pad_einval);
	tcase_add_test(tc, unmask_without_shared_info_succeeds);
	tcase_add_test(tc, set_upcall_vector_accepts_range_and_zero);
	tcase_add_test(tc, set_upcall_vector_out_of_range_einval);
	tcase_add_test(tc, set_upcall_vector_pad_einval);
	tcase_add_test(tc, set_upcall_vector_delivers_pending_upcall);
	tcase_add_test(tc, set_upcall_vector_zero_does_not_notify);
	tcase_add_test(tc, send_virq_marks_bound_port_on_its_vcpu);
	tcase_add_test(tc, send_virq_unbound_does_nothing);
	tcase_add_test(tc, send_virq_out_of_range_ignored);
	tcase_add_test(tc, notify_dom0_exc_raises_dom_exc);
	tcase_add_test(tc, notify_dom0_exc_unbound_does_nothing);
	tcase_add_test(tc, upcall_pending_follows_flag_and_mask);
	tcase_add_test(tc, upcall_pending_false_without_shared_info);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(evtchn_suite)
