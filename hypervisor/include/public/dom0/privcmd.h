/*
 * The dom0 hypercall device, /dev/keel/privcmd, provided by the keel.ko
 * module.  Only root may open it.
 *
 * KEEL_IOCTL_HYPERCALL issues one hypercall on behalf of a dom0 process.
 * Each argument i is either a scalar (len[i] == 0), passed through as is,
 * or a user-space buffer of len[i] bytes (1 .. KEEL_PRIVCMD_BUF_MAX): the
 * module copies it into kernel memory, passes the hypervisor its
 * guest-physical address, and copies it back to user space afterwards.
 * The ioctl returns 0 when the hypercall was made, with the hypercall's own
 * result (>= 0, or a negative KEEL_E* value) in `result`; it fails with -1
 * and errno EFAULT, EINVAL (bad len or pad) or ENOMEM before any hypercall.
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

#endif
