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

void *keel_gnt_map(struct keel_gnt *g, uint16_t domid, uint32_t ref,
		   int prot)
{
	struct keel_ioctl_gntdev_map_grant m = {
		.domid = domid,
		.ref = ref,
	};
	struct keel_ioctl_gntdev_unmap_grant u;
	void *addr;
	int err;

	if (!(prot & PROT_READ) || (prot & ~(PROT_READ | PROT_WRITE))) {
		errno = EINVAL;
		return NULL;
	}
	if (!(prot & PROT_WRITE))
		m.flags = KEEL_GNTDEV_READONLY;
	if (ioctl(g->fd, KEEL_IOCTL_GNTDEV_MAP_GRANT, &m) < 0)
		return NULL;
	addr = mmap(NULL, KEEL_PAGE_SIZE, prot, MAP_SHARED, g->fd,
		    (off_t)(m.index * KEEL_PAGE_SIZE));
	if (addr == MAP_FAILED) {
		err = errno;
		u.index = m.index;
		ioctl(g->fd, KEEL_IOCTL_GNTDEV_UNMAP_GRANT, &u);
		errno = err;
		return NULL;
	}
	return addr;
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
