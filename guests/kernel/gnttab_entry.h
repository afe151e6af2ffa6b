/*
 * The granter's side of a version 1 grant entry (grant_table.h), on the
 * entry's memory only.  Pure (gnttab_entry.c), also built into the host
 * unit tests.
 */
#ifndef GUEST_GNTTAB_ENTRY_H
#define GUEST_GNTTAB_ENTRY_H

#include <stdint.h>

#include <public/grant_table.h>

/* Fill an unused entry: frame and domid first, flags last (release). */
void gnttab_entry_grant(struct keel_grant_entry_v1 *e, uint16_t domid,
			uint32_t frame, int readonly);
/* End a grant: atomically clear GTF_permit_access, but only while neither
 * GTF_reading nor GTF_writing is set.  0: ended (the page may be reused);
 * -KEEL_EBUSY: the grantee still maps it; -KEEL_EINVAL: not granted. */
int gnttab_entry_end(struct keel_grant_entry_v1 *e);

#endif
