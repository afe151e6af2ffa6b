/*
 * How a guest domain starts (PVH-style): the domain builder loads the
 * guest's ELF image into its memory and starts vCPU 0 in 32-bit flat
 * protected mode, paging off, interrupts off, at the ELF entry point with
 * EBX = guest-physical address of struct keel_start_info (a page of guest
 * RAM the builder filled in).  CS is a flat 32-bit code segment, DS/ES/SS
 * flat data; the guest loads its own GDT, IDT and page tables.
 *
 * Guest RAM is guest-physical frames 0 .. nr_pages-1.  The builder places,
 * after the kernel image: the start-info page, the shared-info page, the
 * console ring page, the store ring page, in that order; first_free_gfn is
 * the first frame after them.
 */
#ifndef KEEL_PUBLIC_START_INFO_H
#define KEEL_PUBLIC_START_INFO_H

#include "types.h"

#define KEEL_START_INFO_MAGIC "keel-si1"
#define KEEL_START_INFO_CMDLINE 1024

struct keel_start_info {
	char     magic[8];          /* KEEL_START_INFO_MAGIC (no NUL)          */
	uint32_t domid;             /* this domain's id                        */
	uint32_t flags;             /* reserved, 0                             */
	uint64_t nr_pages;          /* guest RAM pages at boot                 */
	uint64_t max_pages;         /* the most it may balloon up to           */
	uint64_t shared_info_gfn;   /* struct keel_shared_info (shared_info.h) */
	uint64_t console_gfn;       /* struct keel_console_ring (io/console.h) */
	uint64_t store_gfn;         /* struct keel_xs_ring (io/xs_wire.h)      */
	uint32_t console_evtchn;    /* bound, local port for the console       */
	uint32_t store_evtchn;      /* bound, local port for the store         */
	uint64_t first_free_gfn;    /* first frame not used by the builder     */
	char     cmdline[KEEL_START_INFO_CMDLINE]; /* NUL-terminated           */
	uint8_t  reserved[4096 - 72 - KEEL_START_INFO_CMDLINE];
};
KEEL_ABI_SIZE_CHECK(struct keel_start_info, 4096);

#endif
