/*
 * Grant tables (public/grant_table.h).
 */
#ifndef KEEL_GNTTAB_H
#define KEEL_GNTTAB_H

#include <keel/types.h>
#include <keel/spinlock.h>
#include <public/grant_table.h>

struct domain;
struct vcpu;

#define MAPTRACK_MAX 1024            /* grant mappings a domain may hold */

struct maptrack {
	uint8_t in_use;
	uint8_t readonly;
	uint16_t granter;            /* domid */
	keel_grant_ref_t ref;
	paddr_t mfn;
	uint64_t gfn;                /* the granter's frame (log-dirty) */
};

struct gnttab_domain {
	spinlock_t lock;
	unsigned nr_frames;                     /* 0: no table registered */
	uint64_t gfn[KEEL_GNTTAB_MAX_FRAMES];
	paddr_t mfn[KEEL_GNTTAB_MAX_FRAMES];    /* table frames, referenced */
	unsigned maps_of_mine;                  /* live mappings of my grants */
	struct maptrack *maptrack;              /* MAPTRACK_MAX, as grantee */
};

int gnttab_domain_init(struct domain *d);
/* Unmap everything d mapped as grantee, drop its table. */
void gnttab_domain_destroy(struct domain *d);

/* Register the grant table of a restored domain at its own gfns, as its
 * setup_table did.  0, -EINVAL (n, or a gfn not its writable RAM). */
int gnttab_restore(struct domain *d, const uint64_t *gfn, unsigned n);

long do_grant_table_op(struct vcpu *v, const uint64_t args[5]);

#endif
