/*
 * KEEL_HC_mmu_update: the page-table update queue, dom0 only.  A batch of
 * changes to physical-to-machine maps, validated and applied one entry at a
 * time, each with its own status; when the call returns, no pCPU can still
 * use a translation that an entry removed or downgraded.
 *
 *   arg1 = gpa of struct keel_mmu_update[count] (IN/OUT), arg2 = count
 *   (1 .. KEEL_MMU_BATCH_MAX), arg3 = sizeof(struct keel_mmu_update)
 *
 * Returns the number of entries processed (always count once the batch is
 * read), or a negative error if the batch itself is bad (EPERM, EINVAL,
 * EFAULT).  Each entry's status is 0 or a negative error.
 *
 * map_foreign: map page gfn of domain domid into dom0.  dom0 sees machine
 *   frames 1:1, so the page appears at dom0 frame number `value` (OUT),
 *   which dom0's kernel maps with remap_pfn_range().  READONLY maps it
 *   read-only.  Each mapping holds a reference: the page is not freed, and
 *   the domain not fully released, until it is unmapped.  Errors: ESRCH,
 *   ENOENT (gfn not populated), EINVAL.
 * unmap_foreign: undo map_foreign of dom0 frame `value`.  ENOENT if no
 *   mapping is there.
 * protect: make the domain's page gfn read-only (READONLY) or writable
 *   again.  ESRCH, ENOENT.
 */
#ifndef KEEL_PUBLIC_MMU_H
#define KEEL_PUBLIC_MMU_H

#include "keel.h"

#define KEEL_MMU_map_foreign   1
#define KEEL_MMU_unmap_foreign 2
#define KEEL_MMU_protect       3

#define KEEL_MMU_READONLY      (1u << 0)
#define KEEL_MMU_BATCH_MAX     1024

struct keel_mmu_update {
	uint32_t op;               /* IN: KEEL_MMU_*                           */
	uint16_t domid;            /* IN: the domain whose page is meant       */
	uint16_t flags;            /* IN: KEEL_MMU_READONLY                    */
	uint64_t gfn;              /* IN: that domain's frame                  */
	uint64_t value;            /* IN/OUT: dom0 frame (see each op)         */
	int32_t  status;           /* OUT: 0 or -KEEL_E*                       */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_mmu_update, 32);

#endif
