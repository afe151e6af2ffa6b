/*
 * Ownership of the machine frames in the hypervisor's pool.  Every frame
 * the hypervisor hands to a domain records its owner, and every mapping of
 * it into another domain (a foreign or grant mapping) holds a reference, so
 * that a frame is returned to the pool only when its owner has let it go
 * and nothing maps it any more.
 */
#ifndef KEEL_PAGE_H
#define KEEL_PAGE_H

#include <keel/types.h>

#define PAGE_OWNER_NONE 0xffffu

#define DOM0_MAP_FOREIGN 0     /* mmu_update map_foreign */
#define DOM0_MAP_GRANT   1     /* grant mappings */

struct dom0_map_count {
	uint16_t all;            /* mappings of this kind in dom0's table */
	uint16_t rw;             /* of which writable                     */
};

struct page_info {
	uint16_t owner;          /* domid, or PAGE_OWNER_NONE              */
	uint16_t flags;          /* PGF_*                                  */
	uint32_t refs;           /* foreign/grant mappings of this frame   */
	struct dom0_map_count dom0_maps[2];  /* p2m.c; under dom0->lock   */
};

#define PGF_allocated (1u << 0)  /* owned by a domain                   */
#define PGF_released  (1u << 1)  /* owner let go; free when refs == 0   */

/* The page_info of a pool frame, or NULL for any other address. */
struct page_info *mfn_to_page(paddr_t mfn);

/* Allocate a zeroed frame for domain `owner`.  0 when the pool is empty. */
paddr_t domain_page_alloc(uint16_t owner);
/* The owner lets go of a frame: freed now, or when its last reference
 * goes. */
void domain_page_release(paddr_t mfn);
/* Take/drop a mapping reference.  get fails (-EINVAL) on a frame that is
 * not allocated, or whose owner is not `owner`. */
int page_get_ref(paddr_t mfn, uint16_t owner);
void page_put_ref(paddr_t mfn);

/* Boot: allocate the page_info array for the allocator's span. */
void page_info_init(void);
/* domain.c: a released frame of `owner` is still mapped (+1) or has now
 * been freed (-1).  Called with page_lock held: takes no lock; a dying
 * domain whose count reaches 0 is reaped later by domain.c. */
void domain_page_held(uint16_t owner, int delta);

#endif
