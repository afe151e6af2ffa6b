/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the parts of keel.ko.  Each device the module
 * offers is one .c file with an init/exit pair called from keel_main.c once
 * the hypervisor has been found and its ABI accepted:
 *   privcmd.c  /dev/keel/privcmd: hypercalls; foreign.c its foreign mappings
 *   upcall.c   dom0's shared-info page and the upcall interrupt
 *   evtchn.c   /dev/keel/evtchn: event channels for user space
 *   gntdev.c   /dev/keel/gntdev: grant mappings for user space
 */
#ifndef KEEL_DOM0_KEEL_H
#define KEEL_DOM0_KEEL_H

#define pr_fmt(fmt) "keel: " fmt

#include <linux/types.h>

struct file;
struct vm_area_struct;
struct keel_ioctl_mmap_foreign;

int keel_privcmd_init(void);
void keel_privcmd_exit(void);

/* foreign.c: the privcmd device's mmap() and KEEL_IOCTL_MMAP_FOREIGN. */
int keel_foreign_mmap(struct file *file, struct vm_area_struct *vma);
long keel_foreign_ioctl(struct keel_ioctl_mmap_foreign __user *um);

/*
 * Installs dom0 frame pfn at user address addr of vma (a VM_PFNMAP mapping
 * of ours; mmap lock held) with the vma's protection, without PAT memtype
 * tracking: the frame is the hypervisor's memory, not a device.  Returns 0
 * or -ENOMEM.  The mapping goes away with the vma (munmap or exit).
 */
int keel_map_pfn(struct vm_area_struct *vma, unsigned long addr,
		 unsigned long pfn);

/*
 * Issues hypercall nr(a1, gpa of a kernel copy of buf, a3, a4, a5): buf
 * (len bytes, IN/OUT) is bounced through kmalloc memory so that callers may
 * pass stack structures.  Returns the hypercall's result, or -ENOMEM.
 * Process context only.
 */
long keel_hypercall_buf(unsigned long nr, unsigned long a1, void *buf,
			size_t len, unsigned long a3, unsigned long a4,
			unsigned long a5);

/* upcall.c */
int keel_upcall_init(void);
void keel_upcall_exit(void);

/* evtchn.c */
int keel_evtchn_init(void);
void keel_evtchn_exit(void);
/*
 * Called from the upcall interrupt for each pending, unmasked port after it
 * has been masked: returns true when an instance owns the port (the event
 * is queued for it: clear the pending bit), false to leave it pending and
 * masked until someone binds it.
 */
bool keel_evtchn_deliver(unsigned int port);

/* gntdev.c */
int keel_gntdev_init(void);
void keel_gntdev_exit(void);

#endif
