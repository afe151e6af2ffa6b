// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/keel/evtchn: dom0 event channels for user space, after Xen's evtchn
 * device (public/dom0/evtchn.h).
 *
 * Each open file is an instance.  port_owner[] says which instance bound
 * each dom0 port; the upcall handler (upcall.c) masks an arriving port and
 * asks keel_evtchn_deliver() to queue it on its owner's ring, then wakes
 * readers.  User space unmasks the port by write()ing it back.
 *
 * Locking: evtchn_lock (irq-safe: the upcall handler takes it) protects
 * port_owner[] and every instance's ring.  Hypercalls are made outside it.
 * An instance claims a port (owner = it) only after the hypervisor gave it
 * the port, and gives it up (owner = NULL) before closing it, so an event
 * on a port without owner is left pending and masked; binding unmasks.
 */
#include "keel.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <public/keel.h>
#include <public/event_channel.h>
#include <public/shared_info.h>
#include <public/dom0/evtchn.h>

#define EVTCHN_RING_SIZE 1024u   /* a power of two */

struct evtchn_inst {
	wait_queue_head_t wq;
	unsigned int prod, cons;  /* free-running; under evtchn_lock */
	bool overflow;            /* events were dropped: read says EFBIG */
	u32 ring[EVTCHN_RING_SIZE];
};

static DEFINE_SPINLOCK(evtchn_lock);
static struct evtchn_inst *port_owner[KEEL_NR_EVENT_CHANNELS];

bool keel_evtchn_deliver(unsigned int port)
{
	struct evtchn_inst *inst;
	unsigned long flags;
	bool owned = false;

	if (port >= KEEL_NR_EVENT_CHANNELS)
		return false;
	spin_lock_irqsave(&evtchn_lock, flags);
	inst = port_owner[port];
	if (inst) {
		owned = true;
		if (inst->prod - inst->cons < EVTCHN_RING_SIZE)
			inst->ring[inst->prod++ % EVTCHN_RING_SIZE] = port;
		else
			inst->overflow = true;
		wake_up_interruptible(&inst->wq);
	}
	spin_unlock_irqrestore(&evtchn_lock, flags);
	return owned;
}

static long evtchn_op(unsigned int cmd, void *arg, size_t size)
{
	return keel_hypercall_buf(KEEL_HC_event_channel, cmd, arg, size, size,
				  0, 0);
}

static long port_op(unsigned int cmd, u32 port)
{
	struct keel_evtchn_port_op op = { .port = port };

	return evtchn_op(cmd, &op, sizeof(op));
}

/* Is port owned by inst?  Takes the lock. */
static bool owns(struct evtchn_inst *inst, u32 port)
{
	unsigned long flags;
	bool r;

	if (port == 0 || port >= KEEL_NR_EVENT_CHANNELS)
		return false;
	spin_lock_irqsave(&evtchn_lock, flags);
	r = port_owner[port] == inst;
	spin_unlock_irqrestore(&evtchn_lock, flags);
	return r;
}

/*
 * Makes inst the owner of the port the hypervisor just gave us and
 * unmasks it (a port number may come back masked from an earlier user).
 * Returns the port, or -EIO (and closes it) if the hypervisor handed out
 * a port that is out of range or still owned.
 */
static long claim(struct evtchn_inst *inst, u32 port)
{
	unsigned long flags;
	bool ok = false;

	if (port != 0 && port < KEEL_NR_EVENT_CHANNELS) {
		spin_lock_irqsave(&evtchn_lock, flags);
		if (!port_owner[port]) {
			port_owner[port] = inst;
			ok = true;
		}
		spin_unlock_irqrestore(&evtchn_lock, flags);
	}
	if (!ok) {
		pr_err("hypervisor returned port %u, which is invalid or in use\n",
		       port);
		if (port != 0 && port < KEEL_NR_EVENT_CHANNELS)
			port_op(KEEL_EVTCHNOP_close, port);
		return -EIO;
	}
	port_op(KEEL_EVTCHNOP_unmask, port);
	return port;
}

/* Gives up and closes one of inst's ports; returns 0, -EBADF or -errno. */
static long release_port(struct evtchn_inst *inst, u32 port)
{
	unsigned long flags;
	bool ok = false;

	if (port == 0 || port >= KEEL_NR_EVENT_CHANNELS)
		return -EBADF;
	spin_lock_irqsave(&evtchn_lock, flags);
	if (port_owner[port] == inst) {
		port_owner[port] = NULL;
		ok = true;
	}
	spin_unlock_irqrestore(&evtchn_lock, flags);
	if (!ok)
		return -EBADF;
	return port_op(KEEL_EVTCHNOP_close, port);
}

static long ioctl_bind_interdomain(struct evtchn_inst *inst, void __user *uarg)
{
	struct keel_ioctl_evtchn_bind_interdomain in;
	struct keel_evtchn_bind_interdomain op = { 0 };
	long rc;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.remote_domain > KEEL_DOMID_SELF)
		return -EINVAL;
	op.remote_dom = in.remote_domain;
	op.remote_port = in.remote_port;
	rc = evtchn_op(KEEL_EVTCHNOP_bind_interdomain, &op, sizeof(op));
	if (rc)
		return rc;
	return claim(inst, op.local_port);
}

static long ioctl_bind_unbound(struct evtchn_inst *inst, void __user *uarg)
{
	struct keel_ioctl_evtchn_bind_unbound_port in;
	struct keel_evtchn_alloc_unbound op = { 0 };
	long rc;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.pad || in.remote_domain > KEEL_DOMID_SELF)
		return -EINVAL;
	op.dom = KEEL_DOMID_SELF;
	op.remote_dom = in.remote_domain;
	rc = evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &op, sizeof(op));
	if (rc)
		return rc;
	return claim(inst, op.port);
}

static long ioctl_bind_virq(struct evtchn_inst *inst, void __user *uarg)
{
	struct keel_ioctl_evtchn_bind_virq in;
	struct keel_evtchn_bind_virq op = { 0 };
	long rc;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.pad)
		return -EINVAL;
	op.virq = in.virq;
	op.vcpu = 0;
	rc = evtchn_op(KEEL_EVTCHNOP_bind_virq, &op, sizeof(op));
	if (rc)
		return rc;
	return claim(inst, op.port);
}

static long ioctl_port(struct evtchn_inst *inst, void __user *uarg,
		       bool unbind)
{
	struct keel_ioctl_evtchn_port in;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.pad)
		return -EINVAL;
	if (unbind)
		return release_port(inst, in.port);
	if (!owns(inst, in.port))
		return -EBADF;
	return port_op(KEEL_EVTCHNOP_send, in.port);
}

static long ioctl_alloc_unbound_for(void __user *uarg)
{
	struct keel_ioctl_evtchn_alloc_unbound_for in;
	struct keel_evtchn_alloc_unbound op = { 0 };
	long rc;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.pad)
		return -EINVAL;
	op.dom = in.dom;
	op.remote_dom = in.remote_dom;
	rc = evtchn_op(KEEL_EVTCHNOP_alloc_unbound, &op, sizeof(op));
	if (rc)
		return rc;
	return op.port;
}

static long evtchn_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct evtchn_inst *inst = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case KEEL_IOCTL_EVTCHN_BIND_INTERDOMAIN:
		return ioctl_bind_interdomain(inst, uarg);
	case KEEL_IOCTL_EVTCHN_BIND_UNBOUND_PORT:
		return ioctl_bind_unbound(inst, uarg);
	case KEEL_IOCTL_EVTCHN_BIND_VIRQ:
		return ioctl_bind_virq(inst, uarg);
	case KEEL_IOCTL_EVTCHN_UNBIND:
		return ioctl_port(inst, uarg, true);
	case KEEL_IOCTL_EVTCHN_NOTIFY:
		return ioctl_port(inst, uarg, false);
	case KEEL_IOCTL_EVTCHN_ALLOC_UNBOUND_FOR:
		return ioctl_alloc_unbound_for(uarg);
	default:
		return -ENOTTY;
	}
}

/* Is there something for read(): a port, or an overflow to report? */
static bool readable(struct evtchn_inst *inst)
{
	unsigned long flags;
	bool r;

	spin_lock_irqsave(&evtchn_lock, flags);
	r = inst->prod != inst->cons || inst->overflow;
	spin_unlock_irqrestore(&evtchn_lock, flags);
	return r;
}

static ssize_t evtchn_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct evtchn_inst *inst = file->private_data;
	u32 ports[64];
	unsigned long flags;
	unsigned int n = 0;
	bool overflow;
	int rc;

	count /= sizeof(u32);
	if (count == 0)
		return -EINVAL;
	if (count > ARRAY_SIZE(ports))
		count = ARRAY_SIZE(ports);
	for (;;) {
		spin_lock_irqsave(&evtchn_lock, flags);
		overflow = inst->overflow;
		if (overflow) {
			inst->overflow = false;
			inst->cons = inst->prod;
		}
		while (!overflow && n < count && inst->cons != inst->prod)
			ports[n++] = inst->ring[inst->cons++ % EVTCHN_RING_SIZE];
		spin_unlock_irqrestore(&evtchn_lock, flags);
		if (overflow)
			return -EFBIG;
		if (n)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		rc = wait_event_interruptible(inst->wq, readable(inst));
		if (rc)
			return rc;
	}
	if (copy_to_user(buf, ports, n * sizeof(u32)))
		return -EFAULT;
	return n * sizeof(u32);
}

/* Unmasks each port written (all must be ours: else EBADF at that one). */
static ssize_t evtchn_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct evtchn_inst *inst = file->private_data;
	size_t i, n = count / sizeof(u32);
	u32 port;

	if (n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (get_user(port, (const u32 __user *)buf + i))
			return i ? i * sizeof(u32) : -EFAULT;
		if (!owns(inst, port))
			return i ? i * sizeof(u32) : -EBADF;
		port_op(KEEL_EVTCHNOP_unmask, port);
	}
	return n * sizeof(u32);
}

static __poll_t evtchn_poll(struct file *file, poll_table *wait)
{
	struct evtchn_inst *inst = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &inst->wq, wait);
	if (readable(inst))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static int evtchn_open(struct inode *inode, struct file *file)
{
	struct evtchn_inst *inst;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	init_waitqueue_head(&inst->wq);
	file->private_data = inst;
	return stream_open(inode, file);
}

/* Closes every port the instance still owns. */
static int evtchn_release(struct inode *inode, struct file *file)
{
	struct evtchn_inst *inst = file->private_data;
	unsigned int port;

	for (port = 1; port < KEEL_NR_EVENT_CHANNELS; port++)
		if (READ_ONCE(port_owner[port]) == inst)
			release_port(inst, port);
	kfree(inst);
	return 0;
}

static const struct file_operations evtchn_fops = {
	.owner = THIS_MODULE,
	.open = evtchn_open,
	.release = evtchn_release,
	.read = evtchn_read,
	.write = evtchn_write,
	.poll = evtchn_poll,
	.unlocked_ioctl = evtchn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = no_llseek,
};

static struct miscdevice evtchn_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "keel/evtchn",
	.fops = &evtchn_fops,
	.mode = 0600,
};

int keel_evtchn_init(void)
{
	return misc_register(&evtchn_dev);
}

void keel_evtchn_exit(void)
{
	misc_deregister(&evtchn_dev);
}
