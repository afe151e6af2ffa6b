/*
 * The hypercall table.  A number without an entry answers -ENOSYS.  Each
 * call's time on its pCPU is recorded by hypercall and sub-op (hold.c).
 */
#include <keel/hypercall.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hold.h>
#include <keel/time.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/perfc.h>
#include <public/keel.h>

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t *args);

static const hypercall_fn table[KEEL_HC_MAX] = {
	[KEEL_HC_version] = do_version_op,
	[KEEL_HC_sysctl] = do_sysctl_op,
	[KEEL_HC_domctl] = do_domctl_op,
	[KEEL_HC_memory_op] = do_memory_op,
	[KEEL_HC_mmu_update] = do_mmu_update,
	[KEEL_HC_event_channel] = do_event_channel_op,
	[KEEL_HC_grant_table] = do_grant_table_op,
	[KEEL_HC_sched_op] = do_sched_op,
	[KEEL_HC_set_timer] = do_set_timer_op,
	[KEEL_HC_console_io] = do_console_io,
};

/* The sub-op a call is counted under until the handler says better
 * (domctl's cmd is in guest memory: do_domctl_op sets it). */
static uint64_t subop_of(uint64_t nr, const uint64_t *args)
{
	switch (nr) {
	case KEEL_HC_mmu_update:
	case KEEL_HC_set_timer:
	case KEEL_HC_domctl:
		return 0;
	default:
		return args[0];
	}
}

long hypercall_dispatch(struct vcpu *v, uint64_t nr,
			const uint64_t args[HYPERCALL_NARGS])
{
	uint64_t start;
	long rc;

	perfc_hypercall(v->domain, nr);
	if (nr >= KEEL_HC_MAX || !table[nr])
		return -ENOSYS;
	v->hold_subop = subop_of(nr, args);
	start = now_ns();
	rc = table[nr](v, args);
	hold_record(nr, v->hold_subop, v->domain->id, now_ns() - start);
	return rc;
}
