/*
 * KEEL_HC_memory_op: a domain's RAM, and the balloon.
 *
 *   arg1 = KEEL_MEMOP_*, arg2 = gpa of struct keel_memory_reservation (IN),
 *   arg3 = its size, arg4 = gpa of a uint64_t gfn array (IN),
 *   arg5 = the array's size in bytes (nr_extents * 8)
 *
 * populate_physmap: give the domain a fresh zeroed page at each gfn (which
 *   must be unpopulated and below KEEL_MAX_GFN).  dom0 may do it for any
 *   domain; a guest only for itself (KEEL_DOMID_SELF), which is how its
 *   balloon takes memory back.  Never beyond the domain's max_pages.
 * decrease_reservation: the domain gives up the pages at each gfn (they go
 *   back to the pool once nothing maps them).  A guest only for itself.
 * Both return how many extents were done, in order: fewer than asked means
 * the next one failed (ENOMEM: pool empty; ENOSPC: max_pages reached, or the
 * guest's nested page tables reached their budget, max_pages / 256 + 16
 * pages -- sparse gfns cost up to three table pages each;
 * EEXIST: gfn already populated; ENOENT: gfn not populated; EBUSY: the page
 * is the shared-info page); when the very first fails, its error is returned.
 *
 * current_reservation / maximum_reservation: arg2 is a domid (or
 *   KEEL_DOMID_SELF); return nr_pages / max_pages.
 *
 * set_shared_info: arg2 = gfn of a page of the caller's own RAM that becomes
 *   its shared-info page (shared_info.h), zeroed first.  The page cannot be
 *   given back while registered (decrease_reservation says EBUSY).  dom0's
 *   module does this at load; a guest's builder does it for the guest
 *   (domctl set_vcpu_context).  KEEL_GFN_INVALID unregisters it (dom0's
 *   module at unload: the hypervisor then writes to it no more).  EINVAL:
 *   not the caller's RAM.  EBUSY: a guest moving or unregistering its page
 *   once another of its vCPUs has started (the hypervisor reads the page
 *   on each vCPU's entry; register it before starting secondaries).
 */
#ifndef KEEL_PUBLIC_MEMORY_H
#define KEEL_PUBLIC_MEMORY_H

#include "keel.h"

#define KEEL_MEMOP_populate_physmap     1
#define KEEL_MEMOP_decrease_reservation 2
#define KEEL_MEMOP_current_reservation  3
#define KEEL_MEMOP_maximum_reservation  4
#define KEEL_MEMOP_set_shared_info      5

/* Per call: a bound on the time one call holds its pCPU (1024 fresh zeroed
 * pages take ~2 ms under TCG; 8192 took 18 ms).  libkeelctl splits larger
 * requests into calls of this size. */
#define KEEL_MEMOP_MAX_EXTENTS 1024
#define KEEL_MAX_GFN           (1ull << 28)  /* 1 TiB of guest-physical space */
#define KEEL_GFN_INVALID       (~0ull)

struct keel_memory_reservation {
	uint64_t nr_extents;       /* IN: 1 .. KEEL_MEMOP_MAX_EXTENTS          */
	uint16_t domid;            /* IN: target, or KEEL_DOMID_SELF           */
	uint16_t pad[3];           /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_memory_reservation, 16);

#endif
