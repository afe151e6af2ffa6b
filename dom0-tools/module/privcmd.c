// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/keel/privcmd: hypercalls on behalf of dom0 root processes.
 *
 * The ioctl follows hypervisor/include/public/dom0/privcmd.h: scalar
 * arguments pass through; buffer arguments are bounced through kmalloc'd
 * memory because the hypervisor takes guest-physical addresses of flat
 * buffers, and a user buffer is neither physically contiguous nor pinned.
 * Every buffer is copied in before the call and out after it, so a buffer
 * may be IN, OUT or both without the module knowing which.
 *
 * The hypervisor writes wherever in dom0's RAM an address argument points,
 * so no number from user space may reach it as one: privcmd_check.h knows
 * which arguments of each hypercall are buffers and how many bytes the
 * hypervisor will use of each, and refuses a request whose scalars and
 * buffers do not match that, before any memory is allocated or any
 * hypercall made; the bounced contents are checked again where they hold
 * dom0 frame numbers (grant copy).
 */
#include "keel.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/io.h>

#include <public/keel.h>
#include <public/dom0/privcmd.h>

#include "hypercall.h"
#include "privcmd_check.h"

static long privcmd_hypercall(struct keel_ioctl_hypercall __user *uhc)
{
	struct keel_ioctl_hypercall hc;
	void *buf[KEEL_PRIVCMD_NARGS] = { NULL };
	unsigned long arg[KEEL_PRIVCMD_NARGS];
	long rc;
	int i;

	if (copy_from_user(&hc, uhc, sizeof(hc)))
		return -EFAULT;
	rc = keel_privcmd_check(&hc);
	if (rc)
		return rc;

	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++) {
		if (hc.len[i] == 0) {
			arg[i] = hc.arg[i];
			continue;
		}
		/* kmalloc memory is physically contiguous and lives in the
		 * direct map, so __pa() is the address the hypervisor wants.
		 * NOWARN: a failed 64 KiB allocation is the caller's ENOMEM,
		 * not a reason for a kernel warning user space can trigger. */
		buf[i] = kmalloc(hc.len[i], GFP_KERNEL | __GFP_NOWARN);
		if (!buf[i]) {
			rc = -ENOMEM;
			goto out_free_bufs;
		}
		if (copy_from_user(buf[i], u64_to_user_ptr(hc.arg[i]),
				   hc.len[i])) {
			rc = -EFAULT;
			goto out_free_bufs;
		}
		arg[i] = __pa(buf[i]);
	}
	/* The contents are checked in the module's copy, which user space
	 * can no longer change. */
	rc = keel_privcmd_check_bufs(&hc, buf);
	if (rc)
		goto out_free_bufs;

	hc.result = keel_hypercall5(hc.op, arg[0], arg[1], arg[2], arg[3],
				    arg[4]);

	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++) {
		if (!buf[i])
			continue;
		if (copy_to_user(u64_to_user_ptr(hc.arg[i]), buf[i],
				 hc.len[i])) {
			rc = -EFAULT;
			goto out_free_bufs;
		}
	}
	if (put_user(hc.result, &uhc->result))
		rc = -EFAULT;

out_free_bufs:
	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++)
		kfree(buf[i]);
	return rc;
}

static long privcmd_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case KEEL_IOCTL_HYPERCALL:
		return privcmd_hypercall((void __user *)arg);
	case KEEL_IOCTL_MMAP_FOREIGN:
		return keel_foreign_ioctl((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * The device node is 0600 root; the capability check also holds when a
 * process got the open file some other way (passed over a socket, or a
 * root user in a user namespace with a bind mount of /dev).
 */
static int privcmd_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

static const struct file_operations privcmd_fops = {
	.owner = THIS_MODULE,
	.open = privcmd_open,
	.unlocked_ioctl = privcmd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = keel_foreign_mmap,
	.llseek = noop_llseek,
};

/*
 * The '/' in the name makes devtmpfs create /dev/keel/privcmd (the driver
 * core stores it as "keel!privcmd" and turns it back into a path).
 */
static struct miscdevice privcmd_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "keel/privcmd",
	.fops = &privcmd_fops,
	.mode = 0600,
};

/* Registers the device; returns 0 or the misc_register() error. */
int keel_privcmd_init(void)
{
	return misc_register(&privcmd_dev);
}

void keel_privcmd_exit(void)
{
	misc_deregister(&privcmd_dev);
}
