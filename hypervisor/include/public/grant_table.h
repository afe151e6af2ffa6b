/*
 * KEEL_HC_grant_table: grant tables, Xen's version 1 entries.
 *
 * A domain keeps its grant table in pages of its own RAM that it registers
 * with setup_table.  To grant domain D access to one of its pages it fills
 * entry `ref` with { frame = gfn, domid = D, flags = GTF_permit_access
 * [| GTF_readonly] }, writing flags last.  While D has the page mapped, the
 * hypervisor keeps GTF_reading (and GTF_writing) set in the entry; the
 * granter must not reuse the page until both are clear: to end a grant it
 * atomically clears GTF_permit_access only if neither bit is set.  A
 * mapping that exists cannot be revoked by the granter; after a grant has
 * ended, map and copy fail.
 *
 *   arg1 = KEEL_GNTTABOP_*, arg2 = gpa of an array of the command's struct
 *   (IN/OUT), arg3 = count (1 .. KEEL_GNTTAB_BATCH_MAX), arg4 = struct size
 *
 * Returns 0 once the batch was read (each entry has its own status), or a
 * negative error for the batch (EINVAL, EFAULT, EPERM).
 */
#ifndef KEEL_PUBLIC_GRANT_TABLE_H
#define KEEL_PUBLIC_GRANT_TABLE_H

#include "keel.h"

typedef uint32_t keel_grant_ref_t;

struct keel_grant_entry_v1 {
	uint16_t flags;            /* GTF_*                                    */
	uint16_t domid;            /* the domain granted access                */
	uint32_t frame;            /* the granter's gfn                        */
};
KEEL_ABI_SIZE_CHECK(struct keel_grant_entry_v1, 8);

#define KEEL_GTF_permit_access  (1u << 0)
#define KEEL_GTF_readonly       (1u << 2)
#define KEEL_GTF_reading        (1u << 3)
#define KEEL_GTF_writing        (1u << 4)

#define KEEL_GNTTAB_MAX_FRAMES  4      /* 2048 entries */
#define KEEL_GNTTAB_BATCH_MAX   64

#define KEEL_GNTTABOP_setup_table   1
#define KEEL_GNTTABOP_map_grant_ref 2
#define KEEL_GNTTABOP_unmap_grant_ref 3
#define KEEL_GNTTABOP_copy          4

/* setup_table (count must be 1): register the caller's table frames.
 * EINVAL: nr_frames 0 or too many, a gfn not the caller's RAM; EBUSY: a
 * grant of the old table is mapped. */
struct keel_gnttab_setup_table {
	uint32_t nr_frames;        /* IN: 1 .. KEEL_GNTTAB_MAX_FRAMES          */
	int32_t  status;           /* OUT                                      */
	uint64_t frames[KEEL_GNTTAB_MAX_FRAMES]; /* IN: gfns of the table      */
};
KEEL_ABI_SIZE_CHECK(struct keel_gnttab_setup_table, 40);

#define KEEL_GNTMAP_readonly (1u << 0)

/* map_grant_ref: map `ref` of domain `dom` into the caller.  dom0 sees it
 * at dom0 frame dev_frame (machine frames are 1:1 in dom0).  Errors:
 * ESRCH, EINVAL (bad ref), EACCES (not granted to the caller, or writable
 * asked of a read-only grant), ENOSPC (too many mappings). */
struct keel_gnttab_map {
	uint16_t dom;              /* IN: the granter                          */
	uint16_t flags;            /* IN: KEEL_GNTMAP_*                        */
	keel_grant_ref_t ref;      /* IN                                       */
	uint32_t handle;           /* OUT: for unmap                           */
	int32_t  status;           /* OUT                                      */
	uint64_t dev_frame;        /* OUT: where the caller sees the page      */
};
KEEL_ABI_SIZE_CHECK(struct keel_gnttab_map, 24);

/* unmap_grant_ref: EINVAL for a handle not in use. */
struct keel_gnttab_unmap {
	uint32_t handle;           /* IN                                       */
	int32_t  status;           /* OUT                                      */
};
KEEL_ABI_SIZE_CHECK(struct keel_gnttab_unmap, 8);

#define KEEL_GNTCOPY_source_gref (1u << 0)  /* source is (domid, ref)      */
#define KEEL_GNTCOPY_dest_gref   (1u << 1)  /* destination is (domid, ref) */

struct keel_gnttab_copy_ptr {
	uint64_t ref_or_gfn;       /* IN: a grant ref, or a gfn of the caller  */
	uint16_t domid;            /* IN: granter (for a ref), else SELF       */
	uint16_t offset;           /* IN: byte offset in the page              */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_gnttab_copy_ptr, 16);

/* copy: copy len bytes (offset + len within one page on each side).
 * Errors: as map, plus EINVAL for a range that crosses a page. */
struct keel_gnttab_copy {
	struct keel_gnttab_copy_ptr source;
	struct keel_gnttab_copy_ptr dest;
	uint16_t len;              /* IN: 1 .. 4096                            */
	uint16_t flags;            /* IN: KEEL_GNTCOPY_*                       */
	int32_t  status;           /* OUT                                      */
};
KEEL_ABI_SIZE_CHECK(struct keel_gnttab_copy, 40);

#endif
