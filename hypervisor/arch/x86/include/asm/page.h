/* x86-64 page-table entry bits (AMD APM vol. 2 sec. 5.3/5.4).  Nested
 * page tables use the same format (sec. 15.25.5). */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#define PTE_P     (1ull << 0)
#define PTE_RW    (1ull << 1)
#define PTE_US    (1ull << 2)
#define PTE_PWT   (1ull << 3)
#define PTE_PCD   (1ull << 4)
#define PTE_A     (1ull << 5)
#define PTE_D     (1ull << 6)
#define PTE_PS    (1ull << 7)
#define PTE_G     (1ull << 8)
/* Bits 9-11 are the software's (APM vol. 2 sec. 5.4.1, "AVL"); nested
 * tables use bit 9 for "read-only for log-dirty only" (arch/x86/p2m.c). */
#define PTE_AVL9  (1ull << 9)
#define PTE_NX    (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

#define CR0_PE  (1ull << 0)
#define CR0_MP  (1ull << 1)
#define CR0_ET  (1ull << 4)
#define CR0_NE  (1ull << 5)
#define CR0_WP  (1ull << 16)
#define CR0_NW  (1ull << 29)
#define CR0_CD  (1ull << 30)
#define CR0_PG  (1ull << 31)

#define CR4_PAE     (1ull << 5)
#define CR4_PGE     (1ull << 7)
#define CR4_OSFXSR  (1ull << 9)
#define CR4_OSXMMEXCPT (1ull << 10)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_SMEP    (1ull << 20)
#define CR4_SMAP    (1ull << 21)
#define CR4_PKE     (1ull << 22)

#endif
