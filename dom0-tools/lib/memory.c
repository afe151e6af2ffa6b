/*
 * libkeelctl: domain memory (KEEL_HC_memory_op), foreign mappings through
 * the privcmd device, and allocating ports in other domains.  See
 * keelctl.h, public/memory.h and public/dom0/privcmd.h.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "keelctl_private.h"

/* Extents per memory_op call: the hypervisor's and the bounce buffer's limit. */
#define MEMOP_CHUNK \
	(KEEL_MEMOP_MAX_EXTENTS < KEEL_PRIVCMD_BUF_MAX / sizeof(uint64_t) ? \
	 KEEL_MEMOP_MAX_EXTENTS : KEEL_PRIVCMD_BUF_MAX / sizeof(uint64_t))

/* One populate/decrease call over gfns[0 .. n-1] (n <= MEMOP_CHUNK). */
static int64_t memop_extents(struct keel_ctl *h, unsigned int op,
			     uint16_t domid, uint64_t *gfns, size_t n)
{
	struct keel_memory_reservation r = {
		.nr_extents = n,
		.domid = domid,
	};
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(op),
		KEEL_HC_BUF(&r, sizeof(r)),
		KEEL_HC_SCALAR(sizeof(r)),
		KEEL_HC_BUF(gfns, (uint32_t)(n * sizeof(*gfns))),
		KEEL_HC_SCALAR(n * sizeof(*gfns)),
	};

	return keel_ctl_hypercall(h, KEEL_HC_memory_op, a, 5);
}

/*
 * Runs op over the whole array in chunks.  The gfns are copied into a
 * scratch buffer because the device copies buffers back after the call,
 * and the caller's array may be read-only.
 */
static long memop_array(struct keel_ctl *h, unsigned int op, uint16_t domid,
			const uint64_t *gfns, size_t n)
{
	uint64_t *chunk;
	size_t done = 0;
	int64_t rc = 0;

	if (n == 0)
		return 0;
	if (!gfns || n > (size_t)LONG_MAX)
		return -EINVAL;
	chunk = malloc(MEMOP_CHUNK * sizeof(*chunk));
	if (!chunk)
		return -ENOMEM;
	while (done < n) {
		size_t len = n - done < MEMOP_CHUNK ? n - done : MEMOP_CHUNK;

		memcpy(chunk, gfns + done, len * sizeof(*chunk));
		rc = memop_extents(h, op, domid, chunk, len);
		if (rc < 0)
			break;
		if ((uint64_t)rc > len) {
			rc = -EIO;   /* a hypervisor bug: never trust a count */
			break;
		}
		done += (size_t)rc;
		if ((size_t)rc < len)
			break;
	}
	free(chunk);
	if (rc < 0 && done == 0)
		return (long)rc;
	if (rc < 0)
		keel_ctl_log(h, KEEL_LOG_DEBUG,
			     "memory_op %u on domain %u stopped after %zu of %zu pages: %s",
			     op, domid, done, n, strerror((int)-rc));
	return (long)done;
}

long keel_memory_populate(struct keel_ctl *h, uint16_t domid,
			  const uint64_t *gfns, size_t n)
{
	return memop_array(h, KEEL_MEMOP_populate_physmap, domid, gfns, n);
}

long keel_memory_decrease(struct keel_ctl *h, uint16_t domid,
			  const uint64_t *gfns, size_t n)
{
	return memop_array(h, KEEL_MEMOP_decrease_reservation, domid, gfns, n);
}

static long memop_query(struct keel_ctl *h, unsigned int op, uint16_t domid)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(op),
		KEEL_HC_SCALAR(domid),
	};

	return (long)keel_ctl_hypercall(h, KEEL_HC_memory_op, a, 2);
}

long keel_memory_current(struct keel_ctl *h, uint16_t domid)
{
	return memop_query(h, KEEL_MEMOP_current_reservation, domid);
}

long keel_memory_maximum(struct keel_ctl *h, uint16_t domid)
{
	return memop_query(h, KEEL_MEMOP_maximum_reservation, domid);
}

long keel_free_memory_pages(struct keel_ctl *h)
{
	struct keel_physinfo pi;
	int rc = keel_ctl_physinfo(h, &pi);

	if (rc)
		return rc;
	if (pi.free_pages > (uint64_t)LONG_MAX)
		return -EOVERFLOW;
	return (long)pi.free_pages;
}

long keel_evtchn_alloc_unbound_for(struct keel_ctl *h, uint16_t dom,
				   uint16_t remote_dom)
{
	struct keel_evtchn_alloc_unbound op = {
		.dom = dom,
		.remote_dom = remote_dom,
	};
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(KEEL_EVTCHNOP_alloc_unbound),
		KEEL_HC_BUF(&op, sizeof(op)),
		KEEL_HC_SCALAR(sizeof(op)),
	};
	int64_t rc = keel_ctl_hypercall(h, KEEL_HC_event_channel, a, 3);

	if (rc < 0)
		return (long)rc;
	if (op.port == 0 || op.port >= KEEL_NR_EVENT_CHANNELS)
		return -EIO;
	return (long)op.port;
}

/* Maps one batch; returns 0 or the first page's -errno. */
static int map_batch(struct keel_ctl *h, uint16_t domid, char *addr,
		     const uint64_t *gfns, size_t n, int readonly,
		     int32_t *errs)
{
	struct keel_ioctl_mmap_foreign m = {
		.addr = (uint64_t)(uintptr_t)addr,
		.gfns = (uint64_t)(uintptr_t)gfns,
		.errs = (uint64_t)(uintptr_t)errs,
		.count = (uint32_t)n,
		.domid = domid,
		.flags = readonly ? KEEL_PRIVCMD_MMAP_READONLY : 0,
	};

	if (ioctl(h->fd, KEEL_IOCTL_MMAP_FOREIGN, &m) < 0)
		return -errno;
	return 0;
}

void *keel_map_foreign(struct keel_ctl *h, uint16_t domid,
		       const uint64_t *gfns, size_t n, int prot)
{
	int32_t *errs;
	char *addr;
	size_t done;
	int rc = 0;

	if (!gfns || n == 0 || n > SIZE_MAX / KEEL_PAGE_SIZE ||
	    !(prot & PROT_READ) || (prot & ~(PROT_READ | PROT_WRITE))) {
		errno = EINVAL;
		return NULL;
	}
	if (h->fd < 0) {
		errno = ENODEV;
		return NULL;
	}
	errs = calloc(n < KEEL_PRIVCMD_MMAP_MAX ? n : KEEL_PRIVCMD_MMAP_MAX,
		      sizeof(*errs));
	if (!errs) {
		errno = ENOMEM;
		return NULL;
	}
	addr = mmap(NULL, n * KEEL_PAGE_SIZE, prot, MAP_SHARED, h->fd, 0);
	if (addr == MAP_FAILED) {
		rc = -errno;
		keel_ctl_log(h, KEEL_LOG_ERROR, "cannot reserve %zu pages for domain %u: %s",
			     n, domid, strerror(-rc));
		goto err_free_errs;
	}
	for (done = 0; done < n; ) {
		size_t len = n - done < KEEL_PRIVCMD_MMAP_MAX ?
			     n - done : KEEL_PRIVCMD_MMAP_MAX;

		rc = map_batch(h, domid, addr + done * KEEL_PAGE_SIZE,
			       gfns + done, len, !(prot & PROT_WRITE), errs);
		if (rc)
			goto err_unmap;
		done += len;
	}
	free(errs);
	return addr;

err_unmap:
	keel_ctl_log(h, KEEL_LOG_DEBUG, "mapping %zu pages of domain %u: %s",
		     n, domid, strerror(-rc));
	munmap(addr, n * KEEL_PAGE_SIZE);   /* unmaps whatever was mapped */
err_free_errs:
	free(errs);
	errno = -rc;
	return NULL;
}

int keel_unmap_foreign(struct keel_ctl *h, void *addr, size_t n)
{
	(void)h;
	if (!addr || n == 0 || n > SIZE_MAX / KEEL_PAGE_SIZE)
		return -EINVAL;
	if (munmap(addr, n * KEEL_PAGE_SIZE) < 0)
		return -errno;
	return 0;
}
