/*
 * Event channels (event_channel.h, shared_info.h): the upcall handler and
 * thin wrappers over the event-channel hypercall.  One vCPU: every port
 * notifies vCPU 0.
 */
#include "hypercall.h"
#include "kernel.h"
#include "layout.h"

struct port_handler {
	evtchn_handler_t fn;
	void *arg;
};

static struct port_handler handlers[KEEL_NR_EVENT_CHANNELS];
static uint64_t spurious;

int evtchn_init(void)
{
	struct keel_evtchn_upcall_vector v = { .vector = UPCALL_VECTOR };

	return (int)hc_evtchn_op(KEEL_EVTCHNOP_set_upcall_vector, &v, sizeof(v));
}

int evtchn_bind(keel_evtchn_port_t port, evtchn_handler_t fn, void *arg)
{
	if (port == 0 || port >= KEEL_NR_EVENT_CHANNELS)
		return -KEEL_EINVAL;
	handlers[port].arg = arg;
	__atomic_store_n(&handlers[port].fn, fn, __ATOMIC_RELEASE);
	return evtchn_unmask(port);
}

long evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *arg)
{
	struct keel_evtchn_bind_virq op = { .virq = virq, .vcpu = 0 };
	long rc = hc_evtchn_op(KEEL_EVTCHNOP_bind_virq, &op, sizeof(op));

	if (rc < 0)
		return rc;
	rc = evtchn_bind(op.port, fn, arg);
	return rc < 0 ? rc : (long)op.port;
}

long evtchn_alloc_unbound(uint16_t remote_dom)
{
	struct keel_evtchn_alloc_unbound op = {
		.dom = KEEL_DOMID_SELF,
		.remote_dom = remote_dom,
	};
	long rc = hc_evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &op, sizeof(op));

	return rc < 0 ? rc : (long)op.port;
}

static int port_op(unsigned int cmd, keel_evtchn_port_t port)
{
	struct keel_evtchn_port_op op = { .port = port };

	return (int)hc_evtchn_op(cmd, &op, sizeof(op));
}

int evtchn_send(keel_evtchn_port_t port)
{
	return port_op(KEEL_EVTCHNOP_send, port);
}

int evtchn_unmask(keel_evtchn_port_t port)
{
	return port_op(KEEL_EVTCHNOP_unmask, port);
}

int evtchn_close(keel_evtchn_port_t port)
{
	if (port < KEEL_NR_EVENT_CHANNELS)
		__atomic_store_n(&handlers[port].fn, NULL, __ATOMIC_RELEASE);
	return port_op(KEEL_EVTCHNOP_close, port);
}

static void dispatch(keel_evtchn_port_t port)
{
	evtchn_handler_t fn = __atomic_load_n(&handlers[port].fn, __ATOMIC_ACQUIRE);

	if (fn)
		fn(port, handlers[port].arg);
	else
		spurious++;
}

/*
 * The upcall (shared_info.h): clear upcall_pending, take the selector,
 * then for each flagged word clear and handle each pending, unmasked
 * port.  Loop while the hypervisor flagged more meanwhile.  Runs with
 * interrupts off (interrupt gate).
 */
void evtchn_do_upcall(void)
{
	struct keel_vcpu_info *vi;

	if (!shared_info)
		return;
	vi = &shared_info->vcpu_info[0];
	do {
		uint64_t sel;

		__atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
		sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzll(sel);
			uint64_t pend;

			sel &= sel - 1;
			pend = __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_ACQUIRE) &
			       ~__atomic_load_n(&shared_info->evtchn_mask[w], __ATOMIC_ACQUIRE);
			while (pend) {
				unsigned int b = (unsigned int)__builtin_ctzll(pend);

				pend &= pend - 1;
				__atomic_fetch_and(&shared_info->evtchn_pending[w],
						   ~(1ull << b), __ATOMIC_SEQ_CST);
				dispatch(w * 64 + b);
			}
		}
	} while (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE));
}
