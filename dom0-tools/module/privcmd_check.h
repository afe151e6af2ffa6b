/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The checks KEEL_IOCTL_HYPERCALL makes on a request before it allocates
 * anything or calls the hypervisor.  Kept free of kernel-only code so the
 * host unit tests (tests/unit/dom0-tools) compile these very functions.
 *
 * The hypervisor takes dom0-physical addresses, and dom0 runs 1:1: any
 * number it is given where the ABI has a buffer is a page of dom0's RAM it
 * will read or write.  So the module, not the caller, decides what is an
 * address: it knows which arguments of each hypercall are buffers (the
 * table below, from the public headers), requires the caller to pass
 * exactly those as user buffers (len > 0), which it bounces through kernel
 * memory, and everything else as scalars.  Each size the hypervisor is told
 * must fit in the bounce buffer it names.  A request the module does not
 * know may carry scalars only (this ABI answers them with ENOSYS); a
 * hypervisor minor version that adds a buffer must add it here.
 */
#ifndef KEEL_DOM0_PRIVCMD_CHECK_H
#define KEEL_DOM0_PRIVCMD_CHECK_H

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/types.h>
#else
#include <errno.h>
#include <stdbool.h>
#endif

#include <public/keel.h>
#include <public/console.h>
#include <public/dom0/privcmd.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/sysctl.h>
#include <public/version.h>

#define KEEL_PRIVCMD_NONE (-1)

/* How many bytes the hypervisor may use of one buffer argument: args[size]
 * (times args[count], for a batch), or `fixed` when size is NONE. */
struct keel_privcmd_buf {
	int size;
	int count;
	uint32_t fixed;
};

/* The buffer arguments of one request. */
struct keel_privcmd_abi {
	unsigned int bufs;                  /* bit i: argument i is a buffer */
	unsigned int optional;              /* bit i: ... or 0 with no buffer */
	struct keel_privcmd_buf buf[KEEL_PRIVCMD_NARGS];
};

static inline void keel_privcmd_abi_buf(struct keel_privcmd_abi *abi, int i,
					int size, int count, uint32_t fixed)
{
	abi->bufs |= 1u << i;
	abi->buf[i].size = size;
	abi->buf[i].count = count;
	abi->buf[i].fixed = fixed;
}

/*
 * Fills *abi with the buffers of hypercall op whose first argument is sub
 * (the sub-command, for the calls that have one).  Returns 0, or -EPERM
 * for what only the module itself may ask (dom0's shared-info page).
 */
static inline int keel_privcmd_abi_of(uint64_t op, uint64_t sub,
				      struct keel_privcmd_abi *abi)
{
	const int none = KEEL_PRIVCMD_NONE;

	abi->bufs = 0;
	abi->optional = 0;
	switch (op) {
	case KEEL_HC_version:
		if (sub == KEEL_VERSION_INFO)
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
		break;
	case KEEL_HC_sysctl:
		if (sub == KEEL_SYSCTL_PHYSINFO || sub == KEEL_SYSCTL_PERFC) {
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
		} else if (sub == KEEL_SYSCTL_HOLD_STATS) {
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
		} else if (sub == KEEL_SYSCTL_READCONSOLE) {
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
			keel_privcmd_abi_buf(abi, 3, none, none,
					     sizeof(struct keel_console_cursor));
		}
		break;
	case KEEL_HC_domctl:
		keel_privcmd_abi_buf(abi, 0, 1, none, 0);
		/* The save/restore commands' second buffer (domctl.h: arg3,
		 * its size arg4).  Without one, arg3 must be 0: the
		 * hypervisor then has no address to use. */
		keel_privcmd_abi_buf(abi, 2, 3, none, 0);
		abi->optional |= 1u << 2;
		break;
	case KEEL_HC_memory_op:
		if (sub == KEEL_MEMOP_populate_physmap ||
		    sub == KEEL_MEMOP_decrease_reservation) {
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
			keel_privcmd_abi_buf(abi, 3, 4, none, 0);
		} else if (sub == KEEL_MEMOP_set_shared_info) {
			return -EPERM;
		}
		break;
	case KEEL_HC_mmu_update:
		keel_privcmd_abi_buf(abi, 0, 2, 1, 0);
		break;
	case KEEL_HC_event_channel:
		if (sub >= KEEL_EVTCHNOP_alloc_unbound &&
		    sub <= KEEL_EVTCHNOP_set_upcall_vector)
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
		break;
	case KEEL_HC_grant_table:
		if (sub >= KEEL_GNTTABOP_setup_table &&
		    sub <= KEEL_GNTTABOP_copy)
			keel_privcmd_abi_buf(abi, 1, 3, 2, 0);
		break;
	case KEEL_HC_console_io:
		if (sub == KEEL_CONSOLEIO_write)
			keel_privcmd_abi_buf(abi, 1, 2, none, 0);
		break;
	default:	/* sched_op, set_timer: scalars; unknown: ENOSYS */
		break;
	}
	return 0;
}

/* Do the bytes the hypervisor will use of buffer b fit in len? */
static inline bool keel_privcmd_buf_fits(const struct keel_privcmd_buf *b,
					 const uint64_t *arg, uint32_t len)
{
	uint64_t size = b->size == KEEL_PRIVCMD_NONE ? b->fixed : arg[b->size];
	uint64_t count = b->count == KEEL_PRIVCMD_NONE ? 1 : arg[b->count];

	if (size > len || count > len)
		return false;
	return size == 0 || count <= len / size;
}

/*
 * Checks a request as copied in from user space.  Returns 0; -EINVAL if pad
 * is set, a buffer is longer than allowed, an argument the ABI has as a
 * buffer is passed as a scalar (or the other way round), or a size or
 * count the hypervisor is told reaches past its buffer; -EPERM for what
 * only the module may ask.
 */
static inline int keel_privcmd_check(const struct keel_ioctl_hypercall *hc)
{
	struct keel_privcmd_abi abi;
	int i, rc;

	if (hc->pad != 0)
		return -EINVAL;
	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++)
		if (hc->len[i] > KEEL_PRIVCMD_BUF_MAX)
			return -EINVAL;
	rc = keel_privcmd_abi_of(hc->op, hc->arg[0], &abi);
	if (rc)
		return rc;
	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++) {
		bool is_buf = abi.bufs & (1u << i);

		if (is_buf && !hc->len[i] && (abi.optional & (1u << i)) &&
		    hc->arg[i] == 0 && hc->arg[abi.buf[i].size] == 0)
			continue;       /* an optional buffer left out */
		if (is_buf != (hc->len[i] != 0))
			return -EINVAL;
		if (is_buf && !keel_privcmd_buf_fits(&abi.buf[i], hc->arg,
						     hc->len[i]))
			return -EINVAL;
	}
	return 0;
}

/*
 * Checks the contents of the bounce buffers (buf[i] for each buffer
 * argument, copied in; NULL for scalars) of a request keel_privcmd_check()
 * accepted.  A grant copy may name pages by grant reference only: its gfn
 * side would be a dom0 frame number from user space (gntdev's
 * KEEL_IOCTL_GNTDEV_COPY is the way to copy to or from dom0 pages).
 * Returns 0 or -EINVAL.
 */
static inline int keel_privcmd_check_bufs(const struct keel_ioctl_hypercall *hc,
					  void *const buf[KEEL_PRIVCMD_NARGS])
{
	const uint16_t both = KEEL_GNTCOPY_source_gref | KEEL_GNTCOPY_dest_gref;
	const struct keel_gnttab_copy *c = buf[1];
	uint64_t i;

	if (hc->op != KEEL_HC_grant_table || hc->arg[0] != KEEL_GNTTABOP_copy)
		return 0;
	if (hc->arg[3] != sizeof(*c))
		return -EINVAL;
	for (i = 0; i < hc->arg[2]; i++)
		if ((c[i].flags & both) != both)
			return -EINVAL;
	return 0;
}

#endif
