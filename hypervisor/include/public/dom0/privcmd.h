/*
 * The dom0 hypercall device, /dev/keel/privcmd, provided by the keel.ko
 * module.  Only root may open it.
 *
 * KEEL_IOCTL_HYPERCALL issues one hypercall on behalf of a dom0 process.
 * Each argument i is either a scalar (len[i] == 0), passed through as is,
 * or a user-space buffer of len[i] bytes (1 .. KEEL_PRIVCMD_BUF_MAX): the
 * module copies it into kernel memory, passes the hypervisor its
 * guest-physical address, and copies it back to user space afterwards.
 * Which arguments are buffers is the ABI's, not the caller's: each one a
 * hypercall takes as a gpa must be passed as a buffer, every other as a
 * scalar, and each size (or count times size) the hypervisor is told must
 * fit in its buffer; a grant copy names both sides by grant reference.
 * The ioctl returns 0 when the hypercall was made, with the hypercall's own
 * result (>= 0, or a negative KEEL_E* value) in `result`; it fails with -1
 * and errno EFAULT, EINVAL (bad len or pad, a scalar where the ABI has a
 * buffer or the other way round, a size past its buffer, a grant copy with
 * a gfn side), EPERM (memory_op set_shared_info: the module's) or ENOMEM
 * before any hypercall (docs/dom0.md).
 */
#ifndef KEEL_PUBLIC_DOM0_PRIVCMD_H
#define KEEL_PUBLIC_DOM0_PRIVCMD_H

#include "../types.h"

#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define KEEL_PRIVCMD_PATH     "/dev/keel/privcmd"
#define KEEL_PRIVCMD_NARGS    5
#define KEEL_PRIVCMD_BUF_MAX  (64u * 1024u)

struct keel_ioctl_hypercall {
	uint64_t op;                        /* IN: KEEL_HC_*                    */
	uint64_t arg[KEEL_PRIVCMD_NARGS];   /* IN: scalar or user pointer       */
	uint32_t len[KEEL_PRIVCMD_NARGS];   /* IN: 0 = scalar, else buffer size */
	uint32_t pad;                       /* IN: must be 0                    */
	int64_t  result;                    /* OUT: the hypercall's return      */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_hypercall, 80);

#define KEEL_IOCTL_HYPERCALL _IOWR('K', 0, struct keel_ioctl_hypercall)

/*
 * KEEL_IOCTL_MMAP_FOREIGN maps pages of another domain into the caller.
 * First mmap() a range of the privcmd fd (MAP_SHARED, PROT_READ and, for
 * writable mappings, PROT_WRITE): it has no pages yet, and touching it
 * raises SIGBUS.  Then the ioctl maps gfns[0 .. count-1] of domain domid at
 * addr, addr + 4096, ... (a range inside that mapping, page aligned) with
 * KEEL_HC_mmu_update map_foreign.  errs[i] receives 0 or the negative
 * errno of page i (ENOENT: gfn not populated; ESRCH: no such domain;
 * EBUSY: something is already mapped there).  The ioctl returns 0 when
 * every page was mapped, else -1 with errno = the first failing page's
 * error after having mapped the others.  Other errors (nothing mapped,
 * errs untouched): EINVAL (count 0 or > KEEL_PRIVCMD_MMAP_MAX, unknown
 * flags, addr not page aligned, a range not inside one privcmd mapping, or
 * KEEL_PRIVCMD_MMAP_READONLY into a mapping with PROT_WRITE), ENOMEM,
 * EFAULT.  With READONLY the mapping can no longer be made writable.
 *
 * The pages stay mapped until the whole privcmd mapping goes away (munmap
 * of all of it, or exit); a partial munmap is refused with EINVAL.  Then
 * each page is unmapped from the hypervisor (unmap_foreign), which is what
 * lets it release a destroyed domain's memory.
 */
#define KEEL_PRIVCMD_MMAP_MAX       1024
#define KEEL_PRIVCMD_MMAP_READONLY  (1u << 0)

struct keel_ioctl_mmap_foreign {
	uint64_t addr;             /* IN: page-aligned user address            */
	uint64_t gfns;             /* IN: user pointer to uint64_t[count]      */
	uint64_t errs;             /* IN: user pointer to int32_t[count] (OUT) */
	uint32_t count;            /* IN: 1 .. KEEL_PRIVCMD_MMAP_MAX           */
	uint16_t domid;            /* IN                                       */
	uint16_t flags;            /* IN: KEEL_PRIVCMD_MMAP_READONLY           */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_mmap_foreign, 32);

#define KEEL_IOCTL_MMAP_FOREIGN _IOW('K', 1, struct keel_ioctl_mmap_foreign)

#endif
