/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks KEEL_IOCTL_HYPERCALL makes on a request before it allocates
 * anything or calls the hypervisor.  Kept free of kernel-only code so the
 * host unit tests (tests/unit/dom0-tools) compile this very function.
 */
#ifndef KEEL_DOM0_PRIVCMD_CHECK_H
#define KEEL_DOM0_PRIVCMD_CHECK_H

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

#include <public/dom0/privcmd.h>

/* Returns 0, or -EINVAL if pad is set or a buffer is longer than allowed. */
static inline int keel_privcmd_check(const struct keel_ioctl_hypercall *hc)
{
	int i;

	if (hc->pad != 0)
		return -EINVAL;
	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++)
		if (hc->len[i] > KEEL_PRIVCMD_BUF_MAX)
			return -EINVAL;
	return 0;
}

#endif
