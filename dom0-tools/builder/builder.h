/*
 * The domain builder: from a parsed configuration to a running guest
 * (docs/config.md, "What `vmctl create` does").  Used by vmctl (create)
 * and keel-domd (restart).  No global state, never exits or prints: errors
 * come back as -errno plus a sentence in the caller's buffer.
 */
#ifndef KEEL_BUILDER_H
#define KEEL_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "keelctl.h"
#include "config.h"
#include "keel_elf.h"
#include "store.h"

/* Where the builder puts its pages after the image (public/start_info.h). */
struct keel_dom_layout {
	uint64_t image_first_gfn;    /* first page of the lowest segment */
	uint64_t start_info_gfn;
	uint64_t shared_info_gfn;
	uint64_t console_gfn;
	uint64_t store_gfn;
	uint64_t first_free_gfn;
};

/*
 * Places the four pages after the image (page aligned) for a guest with
 * nr_pages of RAM.  Returns 0, or -ENOSPC when they do not fit.
 */
int keel_dom_layout(const struct keel_elf_image *img, uint64_t nr_pages,
		    struct keel_dom_layout *l);

/* Fills a start-info page (4096 bytes) for the domain. */
void keel_dom_start_info(void *page, uint16_t domid, uint64_t nr_pages,
			 uint64_t max_pages, const struct keel_dom_layout *l,
			 uint32_t console_port, uint32_t store_port,
			 const char *cmdline);

struct keel_build {
	/* IN */
	struct keel_ctl *h;
	struct keel_store *st;
	const struct keel_domcfg *cfg;
	const char *config_path;        /* kept in /vm/<id>/config-path; may be "" */
	const char *config_name;        /* for messages; NULL: config_path */
	int paused;                     /* leave it paused */
	/* OUT */
	uint16_t domid;
	char error[512];                /* why it failed: "not enough free memory ..." */
	int config_error;               /* error is "FILE:LINE: KEY: ..." about cfg */
};

/*
 * Builds and starts the domain b->cfg describes.  Returns 0 with b->domid
 * set, or -errno with b->error set and nothing left behind (domain
 * destroyed, store keys removed).  -EEXIST: a domain has that name already;
 * -ENOMEM: not enough free memory; -ENOEXEC: a bad kernel image; a disk
 * that keel_vbd_check() refuses sets config_error (nothing was created).
 * The disks' store directories are written before the guest runs.
 */
int keel_build_domain(struct keel_build *b);

/* Pages the hypervisor keeps for a domain beside its RAM and page tables. */
#define KEEL_BUILD_DOMAIN_PAGES 16

/*
 * The pool pages a domain with nr_pages of RAM takes: its RAM, its nested
 * page tables and KEEL_BUILD_DOMAIN_PAGES (an estimate on the high side).
 * create refuses when fewer are free, with this figure and the free one.
 */
uint64_t keel_build_pool_pages(uint64_t nr_pages);

/*
 * Destroys domain domid and removes its store keys (keel_dom_store_remove);
 * -ESRCH from the hypervisor is not an error (already gone).  Returns 0 or
 * the first other -errno.
 */
int keel_domain_teardown(struct keel_ctl *h, struct keel_store *st, uint16_t domid);

#endif
