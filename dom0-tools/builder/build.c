/*
 * The domain builder.  Order (docs/config.md): check the kernel, create the
 * domain, populate its RAM, allocate the console and store ports, copy the
 * image and fill start-info through a foreign mapping, set vCPU 0, the
 * scheduler parameters, introduce it to the store and write its keys,
 * unpause.  Each step that can fail unwinds the ones before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <public/start_info.h>

#include "builder.h"

#define KERNEL_FILE_MAX (64u << 20)
#define MAP_CHUNK       1024u      /* pages per foreign mapping */

static int fail(struct keel_build *b, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct keel_build *b, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b->error, sizeof(b->error), fmt, ap);
	va_end(ap);
	return rc;
}

static void fmt_mib(char *buf, size_t size, uint64_t pages)
{
	if (pages % 256 == 0)
		snprintf(buf, size, "%" PRIu64 " MiB", pages / 256);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " MiB", pages / 256,
			 (pages % 256) * 10 / 256);
}

uint64_t keel_build_pool_pages(uint64_t nr_pages)
{
	/* One nested page table page per 512 pages (4 KiB mappings), one
	 * directory per 1 GiB, and a few for the upper levels and the
	 * hypervisor's per-domain pages (vCPU, shared info, grant table). */
	return nr_pages + (nr_pages + 511) / 512 + (nr_pages + 262143) / 262144 +
	       KEEL_BUILD_DOMAIN_PAGES;
}

int keel_dom_layout(const struct keel_elf_image *img, uint64_t nr_pages,
		    struct keel_dom_layout *l)
{
	uint64_t end = (img->hi + KEEL_PAGE_SIZE - 1) >> KEEL_PAGE_SHIFT;

	memset(l, 0, sizeof(*l));
	l->image_first_gfn = img->lo >> KEEL_PAGE_SHIFT;
	l->start_info_gfn = end;
	l->shared_info_gfn = end + 1;
	l->console_gfn = end + 2;
	l->store_gfn = end + 3;
	l->first_free_gfn = end + 4;
	if (l->first_free_gfn > nr_pages)
		return -ENOSPC;
	return 0;
}

void keel_dom_start_info(void *page, uint16_t domid, uint64_t nr_pages,
			 uint64_t max_pages, const struct keel_dom_layout *l,
			 uint32_t console_port, uint32_t store_port,
			 const char *cmdline)
{
	struct keel_start_info *si = page;

	memset(si, 0, sizeof(*si));
	memcpy(si->magic, KEEL_START_INFO_MAGIC, sizeof(si->magic));
	si->domid = domid;
	si->nr_pages = nr_pages;
	si->max_pages = max_pages;
	si->shared_info_gfn = l->shared_info_gfn;
	si->console_gfn = l->console_gfn;
	si->store_gfn = l->store_gfn;
	si->console_evtchn = console_port;
	si->store_evtchn = store_port;
	si->first_free_gfn = l->first_free_gfn;
	snprintf(si->cmdline, sizeof(si->cmdline), "%s", cmdline ? cmdline : "");
}

/* Reads the whole kernel file into a malloc'd (16-byte aligned) buffer. */
static int read_kernel(struct keel_build *b, void **buf, size_t *len)
{
	const char *path = b->cfg->kernel;
	struct stat sb;
	size_t got = 0;
	ssize_t n;
	char *p;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(b, -errno, "cannot open the kernel %s: %s", path,
			    strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(b, -EINVAL, "the kernel %s is not a regular file", path);
	}
	if ((uint64_t)sb.st_size > KERNEL_FILE_MAX) {
		close(fd);
		return fail(b, -EFBIG, "the kernel %s is larger than %u MiB", path,
			    KERNEL_FILE_MAX >> 20);
	}
	p = malloc((size_t)sb.st_size + 1);
	if (!p) {
		close(fd);
		return fail(b, -ENOMEM, "out of memory reading the kernel");
	}
	while (got < (size_t)sb.st_size &&
	       (n = read(fd, p + got, (size_t)sb.st_size - got)) > 0)
		got += (size_t)n;
	rc = got == (size_t)sb.st_size ? 0 : -EIO;
	close(fd);
	if (rc) {
		free(p);
		return fail(b, rc, "cannot read the kernel %s", path);
	}
	*buf = p;
	*len = got;
	return 0;
}

/* Maps gfns [first, first + n) writable; NULL with errno. */
static void *map_range(struct keel_ctl *h, uint16_t domid, uint64_t first, size_t n)
{
	uint64_t *gfns = malloc(n * sizeof(*gfns));
	void *p;
	size_t i;
	int e;

	if (!gfns) {
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < n; i++)
		gfns[i] = first + i;
	p = keel_map_foreign(h, domid, gfns, n, PROT_READ | PROT_WRITE);
	e = errno;
	free(gfns);
	errno = e;
	return p;
}

/*
 * Copies the segments and fills start-info: maps [image_first_gfn,
 * first_free_gfn) in chunks of MAP_CHUNK pages.
 */
static int load_image(struct keel_build *b, const void *file,
		      const struct keel_elf_image *img, const struct keel_dom_layout *l,
		      uint64_t nr_pages, uint64_t max_pages,
		      uint32_t console_port, uint32_t store_port)
{
	uint64_t first = l->image_first_gfn, last = l->first_free_gfn, g;

	for (g = first; g < last; g += MAP_CHUNK) {
		size_t n = (size_t)(last - g < MAP_CHUNK ? last - g : MAP_CHUNK);
		uint64_t lo = g << KEEL_PAGE_SHIFT, hi = (g + n) << KEEL_PAGE_SHIFT;
		unsigned int i;
		char *map;
		int rc;

		map = map_range(b->h, b->domid, g, n);
		if (!map)
			return fail(b, -errno, "cannot map the domain's memory: %s",
				    strerror(errno));
		for (i = 0; i < img->nr_segs; i++) {
			const struct keel_elf_seg *s = &img->segs[i];
			uint64_t a = s->paddr > lo ? s->paddr : lo;
			uint64_t e = s->paddr + s->memsz < hi ? s->paddr + s->memsz : hi;
			uint64_t fend = s->paddr + s->filesz;

			if (a >= e)
				continue;
			/* [a, min(e, fend)) from the file, the rest zero. */
			if (a < fend) {
				uint64_t ce = e < fend ? e : fend;

				memcpy(map + (a - lo),
				       (const char *)file + s->offset + (a - s->paddr),
				       ce - a);
				a = ce;
			}
			if (a < e)
				memset(map + (a - lo), 0, e - a);
		}
		if (l->start_info_gfn >= g && l->start_info_gfn < g + n)
			keel_dom_start_info(map + ((l->start_info_gfn - g) << KEEL_PAGE_SHIFT),
					    b->domid, nr_pages, max_pages, l,
					    console_port, store_port, b->cfg->cmdline);
		rc = keel_unmap_foreign(b->h, map, n);
		if (rc)
			return fail(b, rc, "cannot unmap the domain's memory: %s",
				    strerror(-rc));
	}
	return 0;
}

static int populate(struct keel_build *b, uint64_t nr_pages, uint64_t free_before)
{
	uint64_t *gfns;
	long done;
	uint64_t i;

	gfns = malloc(nr_pages * sizeof(*gfns));
	if (!gfns)
		return fail(b, -ENOMEM, "out of memory in dom0");
	for (i = 0; i < nr_pages; i++)
		gfns[i] = i;
	done = keel_memory_populate(b->h, b->domid, gfns, nr_pages);
	free(gfns);
	if (done == (long)nr_pages)
		return 0;
	if (done >= 0 || done == -ENOMEM) {
		/* The figure of the check before, not one taken now with
		 * part of the guest's memory and tables still held. */
		char need[32], have[32];

		fmt_mib(need, sizeof(need), keel_build_pool_pages(nr_pages));
		fmt_mib(have, sizeof(have), free_before);
		return fail(b, -ENOMEM, "not enough free memory (need %s with its page "
			    "tables, %s free before; other domains took some since?)",
			    need, have);
	}
	return fail(b, (int)done, "cannot give the domain its memory: %s",
		    strerror((int)-done));
}

int keel_domain_teardown(struct keel_ctl *h, struct keel_store *st, uint16_t domid)
{
	int rc, rc2 = 0;

	rc = keel_domain_destroy(h, domid);
	if (rc == -ESRCH)
		rc = 0;
	if (st)
		rc2 = keel_dom_store_remove(st, domid);
	return rc ? rc : rc2;
}

/* The checks of the disk lines that need the file system and the store. */
static int check_disks(struct keel_build *b)
{
	const struct keel_domcfg *cfg = b->cfg;
	const char *file = b->config_name ? b->config_name : b->config_path;
	char msg[KEEL_VBD_MSG_MAX];
	unsigned int bad;
	int rc;

	rc = keel_vbd_check(b->st, 0, cfg->disks, cfg->nr_disks, &bad, msg, sizeof(msg));
	if (!rc)
		return 0;
	b->config_error = 1;
	return fail(b, rc, "%.200s:%u: disk: %s", file && file[0] ? file : cfg->name,
		    cfg->disks[bad].line, msg);
}

static int add_disks(struct keel_build *b)
{
	const struct keel_domcfg *cfg = b->cfg;
	unsigned int i;
	int rc;

	for (i = 0; i < cfg->nr_disks; i++) {
		rc = keel_vbd_add(b->st, b->domid, &cfg->disks[i]);
		if (rc)
			return fail(b, rc, "cannot write the store entries of disk %s: %s",
				    cfg->disks[i].vdev, strerror(-rc));
	}
	return 0;
}

/* The vifs' store directories (keel-netback makes the taps). */
static int add_vifs(struct keel_build *b)
{
	const struct keel_domcfg *cfg = b->cfg;
	unsigned int i;
	int rc;

	for (i = 0; i < cfg->nr_vifs; i++) {
		rc = keel_vif_add(b->st, b->domid, &cfg->vifs[i]);
		if (rc)
			return fail(b, rc, "cannot write the store entries of vif %u: %s",
				    cfg->vifs[i].devid, strerror(-rc));
	}
	return 0;
}

int keel_build_domain(struct keel_build *b)
{
	const struct keel_domcfg *cfg = b->cfg;
	uint64_t nr_pages = (uint64_t)cfg->memory_mib * 256;
	uint64_t max_pages = (uint64_t)cfg->maxmem_mib * 256;
	struct keel_dom_store_info si;
	struct keel_elf_image img;
	struct keel_dom_layout l;
	long free_pages, cport, sport;
	char ebuf[256];
	size_t len = 0;
	void *file = NULL;
	uint16_t other;
	int rc;

	b->error[0] = '\0';
	b->config_error = 0;
	b->domid = KEEL_DOMID_INVALID;

	rc = keel_dom_store_find(b->st, cfg->name, &other);
	if (rc == 0)
		return fail(b, -EEXIST, "a domain called '%s' exists already (id %u)",
			    cfg->name, other);
	if (rc != -ENOENT)
		return fail(b, rc, "cannot read the store: %s", strerror(-rc));
	rc = check_disks(b);
	if (rc)
		return rc;

	rc = read_kernel(b, &file, &len);
	if (rc)
		return rc;
	rc = keel_elf_check(file, len, nr_pages << KEEL_PAGE_SHIFT, &img, ebuf,
			    sizeof(ebuf));
	if (rc) {
		fail(b, rc, "bad kernel %s: %s", cfg->kernel, ebuf);
		goto err_free_file;
	}
	if (keel_dom_layout(&img, nr_pages, &l)) {
		rc = fail(b, -ENOSPC, "the kernel (%" PRIu64 " KiB) leaves no room for the start pages in %u MiB",
			  img.hi >> 10, cfg->memory_mib);
		goto err_free_file;
	}

	free_pages = keel_free_memory_pages(b->h);
	if (free_pages < 0) {
		rc = fail(b, (int)free_pages, "cannot ask the hypervisor for free memory: %s",
			  strerror((int)-free_pages));
		goto err_free_file;
	}
	if ((uint64_t)free_pages < keel_build_pool_pages(nr_pages)) {
		char need[32], have[32];

		/* Refused here, at once, rather than after populating most of
		 * it: its page tables come from the same pool. */
		fmt_mib(need, sizeof(need), keel_build_pool_pages(nr_pages));
		fmt_mib(have, sizeof(have), (uint64_t)free_pages);
		rc = fail(b, -ENOMEM, "not enough free memory (need %s with its page "
			  "tables, %s free)", need, have);
		goto err_free_file;
	}

	rc = keel_domain_create(b->h, max_pages, cfg->vcpus, &b->domid);
	if (rc == -ENOSPC) {
		/* KEEL_DOMCTL_create's ENOSPC: every domain id is in use. */
		fail(b, rc, "no free domain id: the hypervisor runs 255 guests at most");
		goto err_free_file;
	}
	if (rc) {
		fail(b, rc, "the hypervisor refused to create it: %s", strerror(-rc));
		goto err_free_file;
	}
	rc = populate(b, nr_pages, (uint64_t)free_pages);
	if (rc)
		goto err_destroy;

	cport = keel_evtchn_alloc_unbound_for(b->h, b->domid, 0);
	sport = cport < 0 ? cport : keel_evtchn_alloc_unbound_for(b->h, b->domid, 0);
	if (cport < 0 || sport < 0) {
		rc = fail(b, (int)(cport < 0 ? cport : sport),
			  "cannot allocate its event channels: %s",
			  strerror((int)-(cport < 0 ? cport : sport)));
		goto err_destroy;
	}

	rc = load_image(b, file, &img, &l, nr_pages, max_pages,
			(uint32_t)cport, (uint32_t)sport);
	if (rc)
		goto err_destroy;

	rc = keel_domain_set_vcpu_context(b->h, b->domid, 0, img.entry,
					  l.start_info_gfn << KEEL_PAGE_SHIFT,
					  l.shared_info_gfn);
	if (rc) {
		fail(b, rc, "cannot set its vCPU's start state: %s", strerror(-rc));
		goto err_destroy;
	}
	rc = keel_sched_credit_set(b->h, b->domid, cfg->weight, cfg->cap);
	if (rc) {
		fail(b, rc, "cannot set its weight and cap: %s", strerror(-rc));
		goto err_destroy;
	}

	rc = b->st->ops->introduce(b->st->ctx, b->domid, l.store_gfn, (uint32_t)sport);
	if (rc) {
		fail(b, rc, "the store refused to introduce it: %s", strerror(-rc));
		goto err_destroy;
	}
	memset(&si, 0, sizeof(si));
	si.domid = b->domid;
	si.name = cfg->name;
	si.memory_kib = cfg->memory_mib * 1024;
	si.maxmem_kib = cfg->maxmem_mib * 1024;
	si.console_gfn = l.console_gfn;
	si.store_gfn = l.store_gfn;
	si.console_port = (uint32_t)cport;
	si.store_port = (uint32_t)sport;
	si.on_poweroff = keel_cfg_action_name(cfg->on_poweroff);
	si.on_reboot = keel_cfg_action_name(cfg->on_reboot);
	si.on_crash = keel_cfg_action_name(cfg->on_crash);
	si.config_path = b->config_path ? b->config_path : "";
	rc = keel_dom_store_write(b->st, &si);
	if (rc) {
		fail(b, rc, "cannot write its store keys: %s", strerror(-rc));
		goto err_store;
	}
	rc = add_disks(b);
	if (rc)
		goto err_store;
	rc = add_vifs(b);
	if (rc)
		goto err_store;

	if (!b->paused) {
		rc = keel_domain_unpause(b->h, b->domid);
		if (rc) {
			fail(b, rc, "cannot start it: %s", strerror(-rc));
			goto err_store;
		}
	}
	free(file);
	return 0;

err_store:
	keel_dom_store_remove(b->st, b->domid);
err_destroy:
	keel_domain_destroy(b->h, b->domid);
	b->domid = KEEL_DOMID_INVALID;
err_free_file:
	free(file);
	return rc;
}
