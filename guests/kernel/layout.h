/*
 * Constants shared by the boot stub (entry.S, traps_asm.S) and C code.
 * Only #defines: this header is included from assembly.
 */
#ifndef GUEST_LAYOUT_H
#define GUEST_LAYOUT_H

/* Selectors in the kernel's GDT (entry.S). */
#define GDT_SEL_CODE64   0x08
#define GDT_SEL_DATA     0x10

/* The vector event-channel upcalls arrive on (KEEL_EVTCHNOP_set_upcall_vector
 * accepts 0x20 .. 0xef only: event_channel.h). */
#define UPCALL_VECTOR    0xe0

/* Identity map built by the boot stub: 2 MiB pages over guest RAM up to
 * max(nr_pages, max_pages), at most this many 2 MiB pages (4 GiB); the first
 * 2 MiB through a 4 KiB table so that page 0 stays unmapped (NULL). */
#define BOOT_MAX_2M_PAGES 2048
#define BOOT_NR_PD        4

/* Offsets into struct keel_start_info that entry.S reads (checked against
 * the C struct in main.c). */
#define SI_OFF_NR_PAGES   16
#define SI_OFF_MAX_PAGES  24

#define BOOT_STACK_SIZE  16384

#endif
