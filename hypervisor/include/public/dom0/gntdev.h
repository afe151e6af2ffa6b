/*
 * The dom0 grant-mapping device, /dev/keel/gntdev, provided by keel.ko.
 * Only root may open it.
 *
 * MAP_GRANT maps grant `ref` of domain `domid` into dom0
 * (KEEL_GNTTABOP_map_grant_ref) and returns in `index` the page offset to
 * mmap(): mmap(NULL, 4096, prot, MAP_SHARED, fd, index * 4096) then shows
 * the granted page (PROT_WRITE only if the grant was mapped writable).
 * Unmapping that mapping (munmap, or the process exiting) ends the grant
 * mapping (KEEL_GNTTABOP_unmap_grant_ref); so does UNMAP_GRANT for an index
 * that was never mmap()ed (EBUSY while it is mapped), and closing the file
 * for every index that was never mmap()ed.  Each index may be mmap()ed once.
 *
 * Errors are -1 with errno: the hypervisor's status (grant_table.h: ESRCH,
 * EINVAL, EACCES, ENOSPC), EINVAL for a malformed request or unknown index,
 * EBUSY for an index already mmap()ed.
 */
#ifndef KEEL_PUBLIC_DOM0_GNTDEV_H
#define KEEL_PUBLIC_DOM0_GNTDEV_H

#include "../types.h"

#ifdef __KERNEL__
#include <linux/ioctl.h>
#else
#include <sys/ioctl.h>
#endif

#define KEEL_GNTDEV_PATH  "/dev/keel/gntdev"

#define KEEL_GNTDEV_READONLY (1u << 0)

struct keel_ioctl_gntdev_map_grant {
	uint16_t domid;            /* IN: the granting domain                  */
	uint16_t flags;            /* IN: KEEL_GNTDEV_READONLY                 */
	uint32_t ref;              /* IN: grant reference                      */
	uint64_t index;            /* OUT: mmap offset / 4096                  */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_gntdev_map_grant, 16);

struct keel_ioctl_gntdev_unmap_grant {
	uint64_t index;            /* IN: from MAP_GRANT, never mmap()ed       */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_gntdev_unmap_grant, 8);

#define KEEL_IOCTL_GNTDEV_MAP_GRANT \
	_IOWR('K', 0x20, struct keel_ioctl_gntdev_map_grant)
#define KEEL_IOCTL_GNTDEV_UNMAP_GRANT \
	_IOW('K', 0x21, struct keel_ioctl_gntdev_unmap_grant)


/*
 * COPY: copy bytes between granted pages of other domains and this
 * process's memory, in one ioctl for up to KEEL_GNTDEV_COPY_MAX segments
 * (the module issues KEEL_GNTTABOP_copy in batches of 64).  Each segment
 * stays within one page on both sides: (addr % 4096) + len <= 4096 and
 * offset + len <= 4096.  KEEL_GNTDEV_COPY_TO_GUEST copies from addr into
 * the grant (a read request's data), otherwise from the grant into addr.
 * The ioctl returns 0 when every segment was tried; each carries its own
 * status (0 or a negative errno: EACCES, EINVAL, ESRCH, EFAULT for an
 * unusable addr).  -1 with errno for the call itself: EINVAL (count 0 or
 * too many, pad not 0), EFAULT (the array), ENOMEM.
 */
#define KEEL_GNTDEV_COPY_TO_GUEST (1u << 0)
#define KEEL_GNTDEV_COPY_MAX      1024

struct keel_ioctl_gntdev_copy_seg {
	uint64_t addr;             /* IN: this process's buffer                */
	uint32_t ref;              /* IN: the grant                            */
	uint16_t domid;            /* IN: its granter                          */
	uint16_t offset;           /* IN: byte offset in the granted page      */
	uint16_t len;              /* IN: 1 .. 4096                            */
	uint16_t flags;            /* IN: KEEL_GNTDEV_COPY_*                   */
	int32_t  status;           /* OUT: 0 or -errno                         */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_gntdev_copy_seg, 24);

struct keel_ioctl_gntdev_copy {
	uint64_t segs;             /* IN: address of the segment array         */
	uint32_t count;            /* IN: 1 .. KEEL_GNTDEV_COPY_MAX            */
	uint32_t pad;              /* IN: 0                                    */
};
KEEL_ABI_SIZE_CHECK(struct keel_ioctl_gntdev_copy, 16);

#define KEEL_IOCTL_GNTDEV_COPY \
	_IOW('K', 0x22, struct keel_ioctl_gntdev_copy)

#endif
