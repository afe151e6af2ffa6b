/*
 * The hypercall table.  A number without an entry answers -ENOSYS.
 */
#include <keel/hypercall.h>
#include <keel/errno.h>
#include <public/keel.h>

typedef long (*hypercall_fn)(struct vcpu *v, const uint64_t *args);

static const hypercall_fn table[KEEL_HC_MAX] = {
	[KEEL_HC_version] = do_version_op,
	[KEEL_HC_sysctl] = do_sysctl_op,
};

long hypercall_dispatch(struct vcpu *v, uint64_t nr,
			const uint64_t args[HYPERCALL_NARGS])
{
	if (nr >= KEEL_HC_MAX || !table[nr])
		return -ENOSYS;
	return table[nr](v, args);
}
