/* Constants shared by assembly and C. */
#ifndef ASM_ASM_DEFS_H
#define ASM_ASM_DEFS_H

/* Segment selectors of the hypervisor's GDT (arch/x86/desc.c). */
#define HV_CS      0x08
#define HV_DS      0x10
#define HV_TSS     0x18   /* 16-byte system descriptor */
#define GDT_ENTRIES 5

/* Per-CPU stack block: 8 pages, aligned to its size.  Page 0 is the #DF
 * stack, page 1 the NMI stack, page 2 the #MC stack, pages 3..7 the
 * normal stack, with struct cpu_info at the very top (asm/percpu.h). */
#define STACK_ORDER     3
#define STACK_SIZE      (4096 << STACK_ORDER)
#define CPU_INFO_SIZE   512
#define IST_DF          1
#define IST_NMI         2
#define IST_MC          3

#define HV_LOAD_ADDR    0x100000

#endif

/* Real-mode page the APs start in (SIPI vector = TRAMP_BASE >> 12).  It
 * is dom0's memory, borrowed only while the hypervisor boots. */
#define TRAMP_BASE      0x6000
/* Data slots at the end of the trampoline page. */
#define TRAMP_CR3_32    0xfe0   /* u32: boot page tables (below 4 GiB) */
#define TRAMP_CR3       0xfe8   /* u64: final page tables */
#define TRAMP_STACK     0xff0   /* u64: initial RSP */
#define TRAMP_ENTRY     0xff8   /* u64: C entry, called with RDI = pcpu */
#define TRAMP_PCPU      0xfd8   /* u64 */
