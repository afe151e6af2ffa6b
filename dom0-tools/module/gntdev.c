// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/keel/gntdev: grant mappings for dom0 user space
 * (public/dom0/gntdev.h).
 *
 * MAP_GRANT maps the grant at once (KEEL_GNTTABOP_map_grant_ref: dom0 sees
 * the page at dom0 frame dev_frame) and records it under a new index;
 * mmap() at index * 4096 installs that frame.  The vma owns the grant from
 * then on: its ->close (after the page tables are zapped and the TLB
 * flushed) unmaps the grant.  Grants never mmap()ed are unmapped by
 * UNMAP_GRANT or when the file is released (which cannot happen while a
 * vma of it exists: each holds a reference to the file).
 *
 * COPY needs no instance state: it pins each segment's user page for the
 * length of the call, names it to the hypervisor by its dom0 frame (dom0's
 * frames are machine frames) and lets KEEL_GNTTABOP_copy move the bytes.
 *
 * Locking: inst->lock (a mutex) protects the instance's list.
 */
#include "keel.h"

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <public/keel.h>
#include <public/grant_table.h>
#include <public/dom0/gntdev.h>

struct gnt_inst {
	struct mutex lock;
	struct list_head grants;
	u64 next_index;
};

struct gnt_map {
	struct list_head node;     /* in inst->grants while not mmap()ed */
	struct gnt_inst *inst;
	u64 index;
	u32 handle;
	bool readonly;
	unsigned long frame;
};

/* Ends one grant mapping with the hypervisor and frees it. */
static void gnt_unmap_free(struct gnt_map *g)
{
	struct keel_gnttab_unmap u = { .handle = g->handle };
	long rc;

	rc = keel_hypercall_buf(KEEL_HC_grant_table,
				KEEL_GNTTABOP_unmap_grant_ref, &u, sizeof(u),
				1, sizeof(u), 0);
	if (rc || u.status)
		pr_err("unmap of grant handle %u failed: %ld/%d\n", g->handle,
		       rc, u.status);
	kfree(g);
}

static long ioctl_map_grant(struct gnt_inst *inst, void __user *uarg)
{
	struct keel_ioctl_gntdev_map_grant in;
	struct keel_gnttab_map op = { 0 };
	struct gnt_map *g;
	long rc;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.flags & ~KEEL_GNTDEV_READONLY)
		return -EINVAL;
	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	op.dom = in.domid;
	op.ref = in.ref;
	op.flags = (in.flags & KEEL_GNTDEV_READONLY) ? KEEL_GNTMAP_readonly : 0;
	rc = keel_hypercall_buf(KEEL_HC_grant_table,
				KEEL_GNTTABOP_map_grant_ref, &op, sizeof(op),
				1, sizeof(op), 0);
	if (rc == 0)
		rc = op.status;
	if (rc) {
		kfree(g);
		return rc;
	}
	g->inst = inst;
	g->handle = op.handle;
	g->frame = op.dev_frame;
	g->readonly = in.flags & KEEL_GNTDEV_READONLY;
	mutex_lock(&inst->lock);
	g->index = inst->next_index++;
	list_add_tail(&g->node, &inst->grants);
	mutex_unlock(&inst->lock);

	in.index = g->index;
	if (copy_to_user(uarg, &in, sizeof(in))) {
		mutex_lock(&inst->lock);
		list_del(&g->node);
		mutex_unlock(&inst->lock);
		gnt_unmap_free(g);
		return -EFAULT;
	}
	return 0;
}

/* Finds and unlinks the grant with this index; NULL if there is none. */
static struct gnt_map *take(struct gnt_inst *inst, u64 index)
{
	struct gnt_map *g;

	list_for_each_entry(g, &inst->grants, node)
		if (g->index == index) {
			list_del(&g->node);
			return g;
		}
	return NULL;
}

static long ioctl_unmap_grant(struct gnt_inst *inst, void __user *uarg)
{
	struct keel_ioctl_gntdev_unmap_grant in;
	struct gnt_map *g;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	mutex_lock(&inst->lock);
	g = take(inst, in.index);
	mutex_unlock(&inst->lock);
	if (!g)
		return -EINVAL;   /* unknown, or mmap()ed: munmap ends it */
	gnt_unmap_free(g);
	return 0;
}

/*
 * Checks one segment, pins its user page and fills the hypervisor's copy
 * op.  Returns 0 with *page pinned, or the segment's -errno.
 */
static int copy_prepare(const struct keel_ioctl_gntdev_copy_seg *seg,
			struct keel_gnttab_copy *op, struct page **page)
{
	bool to_guest = seg->flags & KEEL_GNTDEV_COPY_TO_GUEST;
	unsigned long in_page = seg->addr & ~PAGE_MASK;
	struct keel_gnttab_copy_ptr local = { 0 }, remote = { 0 };

	if ((seg->flags & ~KEEL_GNTDEV_COPY_TO_GUEST) || seg->len == 0 ||
	    seg->len > PAGE_SIZE || in_page + seg->len > PAGE_SIZE ||
	    (unsigned long)seg->offset + seg->len > PAGE_SIZE)
		return -EINVAL;
	if (get_user_pages_fast(seg->addr & PAGE_MASK, 1,
				to_guest ? 0 : FOLL_WRITE, page) != 1)
		return -EFAULT;
	local.ref_or_gfn = page_to_pfn(*page);
	local.domid = KEEL_DOMID_SELF;
	local.offset = in_page;
	remote.ref_or_gfn = seg->ref;
	remote.domid = seg->domid;
	remote.offset = seg->offset;
	memset(op, 0, sizeof(*op));
	op->source = to_guest ? local : remote;
	op->dest = to_guest ? remote : local;
	op->len = seg->len;
	op->flags = to_guest ? KEEL_GNTCOPY_dest_gref : KEEL_GNTCOPY_source_gref;
	return 0;
}

/* One hypercall for up to KEEL_GNTTAB_BATCH_MAX prepared segments; stores
 * each status and releases the pages (dirtied where the guest wrote). */
static void copy_batch(struct keel_ioctl_gntdev_copy_seg *segs,
		       struct keel_gnttab_copy *ops, struct page **pages,
		       const u32 *idx, unsigned int n)
{
	long rc = keel_hypercall_buf(KEEL_HC_grant_table, KEEL_GNTTABOP_copy,
				     ops, n * sizeof(*ops), n, sizeof(*ops),
				     0);
	unsigned int j;

	for (j = 0; j < n; j++) {
		struct keel_ioctl_gntdev_copy_seg *seg = &segs[idx[j]];

		seg->status = rc ? (s32)rc : ops[j].status;
		if (!seg->status && !(seg->flags & KEEL_GNTDEV_COPY_TO_GUEST))
			set_page_dirty_lock(pages[j]);
		put_page(pages[j]);
	}
}

static long ioctl_copy(void __user *uarg)
{
	struct keel_ioctl_gntdev_copy in;
	struct keel_ioctl_gntdev_copy_seg *segs;
	struct keel_gnttab_copy *ops;
	struct page **pages;
	void __user *useg;
	u32 *idx;
	size_t bytes;
	unsigned int i, n;
	long rc = -ENOMEM;

	if (copy_from_user(&in, uarg, sizeof(in)))
		return -EFAULT;
	if (in.pad || in.count == 0 || in.count > KEEL_GNTDEV_COPY_MAX)
		return -EINVAL;
	bytes = (size_t)in.count * sizeof(*segs);
	useg = u64_to_user_ptr(in.segs);
	segs = kvmalloc(bytes, GFP_KERNEL);
	ops = kmalloc_array(KEEL_GNTTAB_BATCH_MAX, sizeof(*ops), GFP_KERNEL);
	pages = kmalloc_array(KEEL_GNTTAB_BATCH_MAX, sizeof(*pages), GFP_KERNEL);
	idx = kmalloc_array(KEEL_GNTTAB_BATCH_MAX, sizeof(*idx), GFP_KERNEL);
	if (!segs || !ops || !pages || !idx)
		goto out_free;
	rc = -EFAULT;
	if (copy_from_user(segs, useg, bytes))
		goto out_free;
	for (i = 0; i < in.count;) {
		for (n = 0; i < in.count && n < KEEL_GNTTAB_BATCH_MAX; i++) {
			segs[i].status = copy_prepare(&segs[i], &ops[n],
						      &pages[n]);
			if (!segs[i].status)
				idx[n++] = i;
		}
		if (n)
			copy_batch(segs, ops, pages, idx, n);
	}
	rc = copy_to_user(useg, segs, bytes) ? -EFAULT : 0;
out_free:
	kfree(idx);
	kfree(pages);
	kfree(ops);
	kvfree(segs);
	return rc;
}

static long gntdev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct gnt_inst *inst = file->private_data;

	switch (cmd) {
	case KEEL_IOCTL_GNTDEV_MAP_GRANT:
		return ioctl_map_grant(inst, (void __user *)arg);
	case KEEL_IOCTL_GNTDEV_UNMAP_GRANT:
		return ioctl_unmap_grant(inst, (void __user *)arg);
	case KEEL_IOCTL_GNTDEV_COPY:
		return ioctl_copy((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static void gnt_vma_close(struct vm_area_struct *vma)
{
	struct gnt_map *g = vma->vm_private_data;

	if (g)
		gnt_unmap_free(g);
	vma->vm_private_data = NULL;
}

static int gnt_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int gnt_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct gnt_vm_ops = {
	.close = gnt_vma_close,
	.may_split = gnt_may_split,
	.mremap = gnt_mremap,
};

static int gntdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct gnt_inst *inst = file->private_data;
	struct gnt_map *g;
	int rc;

	if (vma_pages(vma) != 1 || !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mutex_lock(&inst->lock);
	g = take(inst, vma->vm_pgoff);
	mutex_unlock(&inst->lock);
	if (!g)
		return -EINVAL;
	if (g->readonly && (vma->vm_flags & VM_WRITE)) {
		rc = -EACCES;
		goto err_put_back;
	}
	if (g->readonly)
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
			 VM_DONTDUMP;
	rc = keel_map_pfn(vma, vma->vm_start, g->frame);
	if (rc)
		goto err_put_back;
	vma->vm_private_data = g;
	vma->vm_ops = &gnt_vm_ops;
	return 0;

err_put_back:
	mutex_lock(&inst->lock);
	list_add_tail(&g->node, &inst->grants);
	mutex_unlock(&inst->lock);
	return rc;
}

static int gntdev_open(struct inode *inode, struct file *file)
{
	struct gnt_inst *inst;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	inst = kzalloc(sizeof(*inst), GFP_KERNEL);
	if (!inst)
		return -ENOMEM;
	mutex_init(&inst->lock);
	INIT_LIST_HEAD(&inst->grants);
	file->private_data = inst;
	return 0;
}

static int gntdev_release(struct inode *inode, struct file *file)
{
	struct gnt_inst *inst = file->private_data;
	struct gnt_map *g, *tmp;

	list_for_each_entry_safe(g, tmp, &inst->grants, node) {
		list_del(&g->node);
		gnt_unmap_free(g);
	}
	kfree(inst);
	return 0;
}

static const struct file_operations gntdev_fops = {
	.owner = THIS_MODULE,
	.open = gntdev_open,
	.release = gntdev_release,
	.mmap = gntdev_mmap,
	.unlocked_ioctl = gntdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice gntdev_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "keel/gntdev",
	.fops = &gntdev_fops,
	.mode = 0600,
};

int keel_gntdev_init(void)
{
	return misc_register(&gntdev_dev);
}

void keel_gntdev_exit(void)
{
	misc_deregister(&gntdev_dev);
}
