/*
 * libkeelctl: dom0 grant mappings through /dev/keel/gntdev.  See keelctl.h
 * and public/dom0/gntdev.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "keelctl_private.h"

struct keel_gnt {
	struct keel_logger *log;
	int fd;
};

struct keel_gnt *keel_gnt_open(struct keel_logger *log, unsigned int flags)
{
	struct keel_gnt *g;

	if (flags & ~KEEL_GNT_QUIET) {
		errno = EINVAL;
		return NULL;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		errno = ENOMEM;
		return NULL;
	}
	g->log = log;
	g->fd = keel_dev_open(log, KEEL_GNTDEV_PATH, O_RDWR,
			      flags & KEEL_GNT_QUIET);
	if (g->fd < 0) {
		int err = errno;

		free(g);
		errno = err;
		return NULL;
	}
	return g;
}

/* Closing the device ends every grant mapping that is no longer mmap()ed;
 * pages still mapped are ended by their munmap. */
void keel_gnt_close(struct keel_gnt *g)
{
	if (!g)
		return;
	close(g->fd);
	free(g);
}

/* Maps one grant at addr (MAP_FIXED over our own reservation) or, when
 * addr is NULL, where the kernel likes. */
static void *gnt_map_at(struct keel_gnt *g, void *addr, uint16_t domid,
			uint32_t ref, int prot)
{
	struct keel_ioctl_gntdev_map_grant m = {
		.domid = domid,
		.ref = ref,
	};
	struct keel_ioctl_gntdev_unmap_grant u;
	void *p;
	int err;

	if (!(prot & PROT_READ) || (prot & ~(PROT_READ | PROT_WRITE))) {
		errno = EINVAL;
		return NULL;
	}
	if (!(prot & PROT_WRITE))
		m.flags = KEEL_GNTDEV_READONLY;
	if (ioctl(g->fd, KEEL_IOCTL_GNTDEV_MAP_GRANT, &m) < 0)
		return NULL;
	p = mmap(addr, KEEL_PAGE_SIZE, prot,
		 MAP_SHARED | (addr ? MAP_FIXED : 0), g->fd,
		 (off_t)(m.index * KEEL_PAGE_SIZE));
	if (p == MAP_FAILED) {
		err = errno;
		u.index = m.index;
		ioctl(g->fd, KEEL_IOCTL_GNTDEV_UNMAP_GRANT, &u);
		errno = err;
		return NULL;
	}
	return p;
}

void *keel_gnt_map(struct keel_gnt *g, uint16_t domid, uint32_t ref,
		   int prot)
{
	return gnt_map_at(g, NULL, domid, ref, prot);
}

void *keel_gnt_map_pages(struct keel_gnt *g, uint16_t domid,
			 const uint32_t *refs, size_t n, int prot)
{
	uint8_t *base;
	size_t i;
	int err;

	if (!g || !refs || n == 0 || n > 64) {
		errno = EINVAL;
		return NULL;
	}
	/* Reserve the range, then replace it page by page. */
	base = mmap(NULL, n * KEEL_PAGE_SIZE, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (i = 0; i < n; i++)
		if (!gnt_map_at(g, base + i * KEEL_PAGE_SIZE, domid, refs[i],
				prot))
			goto err_unmap;
	return base;

err_unmap:
	err = errno;
	munmap(base, n * KEEL_PAGE_SIZE);  /* grants mapped so far, and the rest */
	errno = err;
	return NULL;
}

int keel_gnt_unmap_pages(struct keel_gnt *g, void *addr, size_t n)
{
	(void)g;
	if (!addr || n == 0)
		return -EINVAL;
	/* One munmap: each page's vma closes and ends its grant. */
	if (munmap(addr, n * KEEL_PAGE_SIZE) < 0)
		return -errno;
	return 0;
}

int keel_gnt_unmap(struct keel_gnt *g, void *addr)
{
	(void)g;
	if (!addr)
		return -EINVAL;
	if (munmap(addr, KEEL_PAGE_SIZE) < 0)
		return -errno;
	return 0;
}

int keel_gnt_copy(struct keel_gnt *g, struct keel_ioctl_gntdev_copy_seg *segs,
		  size_t n)
{
	struct keel_ioctl_gntdev_copy c = { 0 };
	size_t done, chunk;

	if (!g || (!segs && n))
		return -EINVAL;
	for (done = 0; done < n; done += chunk) {
		chunk = n - done;
		if (chunk > KEEL_GNTDEV_COPY_MAX)
			chunk = KEEL_GNTDEV_COPY_MAX;
		c.segs = (uint64_t)(uintptr_t)(segs + done);
		c.count = (uint32_t)chunk;
		if (ioctl(g->fd, KEEL_IOCTL_GNTDEV_COPY, &c) < 0)
			return -errno;
	}
	return 0;
}
