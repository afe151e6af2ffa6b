// SPDX-License-Identifier: GPL-2.0
/*
 * Foreign mappings through /dev/keel/privcmd (public/dom0/privcmd.h,
 * KEEL_IOCTL_MMAP_FOREIGN).
 *
 * mmap() of the privcmd file creates an empty VM_PFNMAP mapping with a
 * table of what is mapped where (struct foreign_map, the vma's private
 * data) and no fault handler, so touching a hole is SIGBUS.  The ioctl asks
 * the hypervisor to map each gfn into dom0 (mmu_update map_foreign: the
 * page appears at dom0 frame `value`, machine frames being 1:1 in dom0)
 * and installs that frame in the vma.  When the vma goes (munmap of all of
 * it, or exit) the page tables have already been zapped and the TLB
 * flushed by the time ->close runs; close then gives every frame back
 * (unmap_foreign), which is what lets the hypervisor finish releasing a
 * destroyed domain.  The mapping cannot be split, moved, grown or copied
 * into a child, so one table always describes the whole vma.
 *
 * Locking: the ioctl holds the mmap lock for writing, which serialises it
 * against munmap/exit and other ioctls on the same mm.
 */
#include "keel.h"

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/io.h>

#include <public/keel.h>
#include <public/mmu.h>
#include <public/dom0/privcmd.h>

#include "hypercall.h"

#define NO_FRAME       (~0ull)
#define ENTRY_RO       (1ull << 63)   /* mapped with KEEL_MMU_READONLY */
#define BATCH_ENTRIES  (PAGE_SIZE / sizeof(struct keel_mmu_update))  /* 128 */

struct foreign_map {
	struct keel_mmu_update *batch;  /* one page, for the hypercalls */
	unsigned long nr_pages;
	u64 frame[];                    /* dom0 pfn | ENTRY_RO, or NO_FRAME */
};

/* ---- installing frames without PAT tracking ----------------------------- */

struct pfn_pte_arg {
	struct mm_struct *mm;
	unsigned long pfn;
	pgprot_t prot;
};

static int set_pfn_pte(pte_t *pte, unsigned long addr, void *data)
{
	struct pfn_pte_arg *a = data;

	set_pte_at(a->mm, addr, pte, pte_mkspecial(pfn_pte(a->pfn, a->prot)));
	return 0;
}

int keel_map_pfn(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long pfn)
{
	struct pfn_pte_arg a = {
		.mm = vma->vm_mm,
		.pfn = pfn,
		.prot = vma->vm_page_prot,
	};

	return apply_to_page_range(vma->vm_mm, addr, PAGE_SIZE, set_pfn_pte,
				   &a);
}

/* ---- hypercalls ---------------------------------------------------------- */

/* Unmaps fm->frame[first .. first+n-1] (those mapped) from the hypervisor. */
static void unmap_frames(struct foreign_map *fm, unsigned long first,
			 unsigned long n)
{
	unsigned long i, count = 0;
	long rc;

	for (i = first; i < first + n; i++) {
		u64 e = fm->frame[i];

		if (e == NO_FRAME)
			continue;
		fm->batch[count++] = (struct keel_mmu_update){
			.op = KEEL_MMU_unmap_foreign,
			.flags = (e & ENTRY_RO) ? KEEL_MMU_READONLY : 0,
			.value = e & ~ENTRY_RO,
		};
		fm->frame[i] = NO_FRAME;
		if (count == BATCH_ENTRIES) {
			rc = keel_hypercall5(KEEL_HC_mmu_update,
					     __pa(fm->batch), count,
					     sizeof(struct keel_mmu_update),
					     0, 0);
			if (rc < 0)
				pr_err("unmap_foreign of %lu frames failed: error %ld\n",
				       count, rc);
			count = 0;
		}
	}
	if (count) {
		rc = keel_hypercall5(KEEL_HC_mmu_update, __pa(fm->batch), count,
				     sizeof(struct keel_mmu_update), 0, 0);
		if (rc < 0)
			pr_err("unmap_foreign of %lu frames failed: error %ld\n",
			       count, rc);
	}
}

/* ---- the vma ------------------------------------------------------------- */

static void foreign_close(struct vm_area_struct *vma)
{
	struct foreign_map *fm = vma->vm_private_data;

	if (!fm)
		return;
	unmap_frames(fm, 0, fm->nr_pages);
	free_page((unsigned long)fm->batch);
	kvfree(fm);
	vma->vm_private_data = NULL;
}

static int foreign_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return -EINVAL;
}

static int foreign_mremap(struct vm_area_struct *vma)
{
	return -EINVAL;
}

static const struct vm_operations_struct foreign_vm_ops = {
	.close = foreign_close,
	.may_split = foreign_may_split,
	.mremap = foreign_mremap,
	/* no .fault: touching a page not mapped yet is SIGBUS */
};

int keel_foreign_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long n = vma_pages(vma);
	struct foreign_map *fm;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff != 0)
		return -EINVAL;
	fm = kvmalloc(struct_size(fm, frame, n), GFP_KERNEL);
	if (!fm)
		return -ENOMEM;
	fm->batch = (void *)__get_free_page(GFP_KERNEL);
	if (!fm->batch) {
		kvfree(fm);
		return -ENOMEM;
	}
	fm->nr_pages = n;
	memset(fm->frame, 0xff, n * sizeof(fm->frame[0]));
	vma->vm_private_data = fm;
	vma->vm_ops = &foreign_vm_ops;
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTCOPY | VM_DONTEXPAND |
			 VM_DONTDUMP;
	return 0;
}

/* ---- the ioctl ----------------------------------------------------------- */

/*
 * Maps gfns[0 .. n-1] (n <= BATCH_ENTRIES) at frame slots first.. of fm,
 * writing each page's result into errs.  mmap lock held for writing.
 */
static void map_batch(struct vm_area_struct *vma, struct foreign_map *fm,
		      unsigned long first, const u64 *gfns, unsigned int n,
		      u16 domid, bool ro, s32 *errs)
{
	unsigned int i, count = 0, nfailed = 0;
	u8 slot_of[BATCH_ENTRIES];       /* batch entry -> page in this call */
	u8 failed[BATCH_ENTRIES];        /* pages mapped but not installed */
	long rc;

	for (i = 0; i < n; i++) {
		if (fm->frame[first + i] != NO_FRAME) {
			errs[i] = -EBUSY;
			continue;
		}
		errs[i] = 0;
		slot_of[count] = i;
		fm->batch[count++] = (struct keel_mmu_update){
			.op = KEEL_MMU_map_foreign,
			.domid = domid,
			.flags = ro ? KEEL_MMU_READONLY : 0,
			.gfn = gfns[i],
		};
	}
	if (!count)
		return;
	rc = keel_hypercall5(KEEL_HC_mmu_update, __pa(fm->batch), count,
			     sizeof(struct keel_mmu_update), 0, 0);
	for (i = 0; i < count; i++) {
		struct keel_mmu_update *u = &fm->batch[i];
		unsigned int k = slot_of[i];
		unsigned long idx = first + k;

		if (rc < 0) {
			errs[k] = (s32)rc;
			continue;
		}
		if (u->status) {
			errs[k] = u->status;
			continue;
		}
		fm->frame[idx] = u->value | (ro ? ENTRY_RO : 0);
		if (keel_map_pfn(vma, vma->vm_start + idx * PAGE_SIZE,
				 u->value)) {
			errs[k] = -ENOMEM;
			failed[nfailed++] = k;
		}
	}
	/* Give back what the hypervisor mapped but we could not install
	 * (the batch page is free again now). */
	for (i = 0; i < nfailed; i++)
		unmap_frames(fm, first + failed[i], 1);
}

long keel_foreign_ioctl(struct keel_ioctl_mmap_foreign __user *um)
{
	struct keel_ioctl_mmap_foreign m;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct foreign_map *fm;
	unsigned long first, done;
	u64 *gfns;
	s32 *errs;
	long rc = 0;
	unsigned int i;

	if (copy_from_user(&m, um, sizeof(m)))
		return -EFAULT;
	if (m.count == 0 || m.count > KEEL_PRIVCMD_MMAP_MAX ||
	    (m.flags & ~KEEL_PRIVCMD_MMAP_READONLY) ||
	    !PAGE_ALIGNED(m.addr))
		return -EINVAL;
	gfns = kvmalloc_array(m.count, sizeof(*gfns), GFP_KERNEL);
	errs = kvmalloc_array(m.count, sizeof(*errs), GFP_KERNEL);
	if (!gfns || !errs) {
		rc = -ENOMEM;
		goto out_free;
	}
	if (copy_from_user(gfns, u64_to_user_ptr(m.gfns),
			   m.count * sizeof(*gfns))) {
		rc = -EFAULT;
		goto out_free;
	}

	mmap_write_lock(mm);
	vma = find_vma(mm, m.addr);
	if (!vma || vma->vm_ops != &foreign_vm_ops || m.addr < vma->vm_start ||
	    (vma->vm_end - m.addr) / PAGE_SIZE < m.count) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if ((m.flags & KEEL_PRIVCMD_MMAP_READONLY) &&
	    (vma->vm_flags & VM_WRITE)) {
		rc = -EINVAL;
		goto out_unlock;
	}
	if (m.flags & KEEL_PRIVCMD_MMAP_READONLY)
		vma->vm_flags &= ~VM_MAYWRITE;
	fm = vma->vm_private_data;
	first = (m.addr - vma->vm_start) / PAGE_SIZE;
	for (done = 0; done < m.count; done += BATCH_ENTRIES) {
		unsigned int n = min_t(unsigned long, m.count - done,
				       BATCH_ENTRIES);

		map_batch(vma, fm, first + done, gfns + done, n, m.domid,
			  m.flags & KEEL_PRIVCMD_MMAP_READONLY, errs + done);
	}
	mmap_write_unlock(mm);

	for (i = 0; i < m.count && !rc; i++)
		rc = errs[i];
	if (copy_to_user(u64_to_user_ptr(m.errs), errs,
			 m.count * sizeof(*errs)))
		rc = -EFAULT;
	goto out_free;

out_unlock:
	mmap_write_unlock(mm);
out_free:
	kvfree(errs);
	kvfree(gfns);
	return rc;
}
