/* Grant entry rules for the granter (gnttab_entry.h). */
#include <public/errno.h>

#include "gnttab_entry.h"

void gnttab_entry_grant(struct keel_grant_entry_v1 *e, uint16_t domid,
			uint32_t frame, int readonly)
{
	uint16_t flags = KEEL_GTF_permit_access | (readonly ? KEEL_GTF_readonly : 0);

	__atomic_store_n(&e->frame, frame, __ATOMIC_RELAXED);
	__atomic_store_n(&e->domid, domid, __ATOMIC_RELAXED);
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

int gnttab_entry_end(struct keel_grant_entry_v1 *e)
{
	uint16_t flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);

	do {
		if (!(flags & KEEL_GTF_permit_access))
			return -KEEL_EINVAL;
		if (flags & (KEEL_GTF_reading | KEEL_GTF_writing))
			return -KEEL_EBUSY;
		/* The hypervisor sets reading/writing with its own atomic
		 * update: if it got in first, the exchange fails and we look
		 * again. */
	} while (!__atomic_compare_exchange_n(&e->flags, &flags, 0, 0,
					      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return 0;
}
