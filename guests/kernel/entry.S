/*
 * Guest kernel entry (start_info.h): 32-bit flat protected mode, paging off,
 * interrupts off, EBX = guest-physical address of struct keel_start_info.
 *
 * The stub zeroes BSS, builds an identity map of guest RAM, enters long
 * mode (AMD APM vol. 2, 14.6.1 "Activating Long Mode": CR4.PAE, then CR3,
 * then EFER.LME, then CR0.PG; a far jump to a 64-bit code segment leaves
 * compatibility mode), loads its own GDT, sets a stack, installs the IDT
 * (traps_init) and calls kernel_start(start_info).
 *
 * While paging is off, CR3 can only hold a 32-bit address (APM vol. 2,
 * 5.3.2): the tables live in BSS, just above 1 MiB.
 */
#include "layout.h"

#define CR0_PE    (1 << 0)
#define CR0_WP    (1 << 16)
#define CR0_PG    (1 << 31)
#define CR4_PAE   (1 << 5)
#define MSR_EFER  0xc0000080
#define EFER_LME  (1 << 8)

#define PTE_P     0x001
#define PTE_RW    0x002
#define PTE_PS    0x080   /* 2 MiB page in a PD entry */

	.section .text.boot, "ax"
	.code32
	.globl _start32
_start32:
	cli
	cld
	movl	%ebx, %esi              /* keep start_info across the BSS wipe */

	/* Zero BSS (the builder zero-fills p_memsz too; this costs nothing
	 * and does not depend on it). */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb
	movl	%esi, boot_start_info

	/* How many 2 MiB pages to map: ceil(max(nr_pages, max_pages) / 512),
	 * clamped to 1 .. BOOT_MAX_2M_PAGES.  A high dword != 0 means huge. */
	movl	SI_OFF_NR_PAGES(%esi), %eax
	cmpl	$0, SI_OFF_NR_PAGES+4(%esi)
	jne	1f
	movl	SI_OFF_MAX_PAGES(%esi), %edx
	cmpl	$0, SI_OFF_MAX_PAGES+4(%esi)
	jne	1f
	cmpl	%eax, %edx
	jbe	2f
	movl	%edx, %eax              /* eax = max(nr_pages, max_pages) */
2:	cmpl	$(BOOT_MAX_2M_PAGES * 512), %eax
	jbe	3f
1:	movl	$(BOOT_MAX_2M_PAGES * 512), %eax
3:	addl	$511, %eax
	shrl	$9, %eax
	jnz	4f
	movl	$1, %eax
4:	movl	%eax, boot_nr_2m_pages

	/* PD entries 0 .. n-1: 2 MiB identity pages (the four PDs are
	 * contiguous, so one loop covers them; high dwords stay 0). */
	movl	$boot_pd, %edi
	movl	%eax, %ecx
	movl	$(PTE_P | PTE_RW | PTE_PS), %edx
5:	movl	%edx, (%edi)
	addl	$0x200000, %edx
	addl	$8, %edi
	loop	5b

	/* First 2 MiB through a 4 KiB table: frame 0 stays not present. */
	movl	$boot_pt, %edi
	movl	$(0x1000 | PTE_P | PTE_RW), %edx
	movl	$1, %ecx
6:	movl	%edx, (%edi, %ecx, 8)
	addl	$0x1000, %edx
	incl	%ecx
	cmpl	$512, %ecx
	jb	6b
	movl	$(boot_pt + PTE_P + PTE_RW), boot_pd

	/* PDPT entries 0..3 -> the four PDs; PML4 entry 0 -> PDPT. */
	movl	$(boot_pd + PTE_P + PTE_RW), boot_pdpt
	movl	$(boot_pd + 0x1000 + PTE_P + PTE_RW), boot_pdpt + 8
	movl	$(boot_pd + 0x2000 + PTE_P + PTE_RW), boot_pdpt + 16
	movl	$(boot_pd + 0x3000 + PTE_P + PTE_RW), boot_pdpt + 24
	movl	$(boot_pdpt + PTE_P + PTE_RW), boot_pml4

	/* Our GDT; flat data segments are valid in 32-bit mode as well. */
	lgdt	boot_gdt_desc
	movl	$GDT_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$boot_stack_top, %esp

	/* Long mode: PAE, CR3 (< 4 GiB), EFER.LME (read-modify-write: keep
	 * whatever else the hypervisor shows us), then paging. */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PE | CR0_WP | CR0_PG), %eax
	movl	%eax, %cr0
	ljmp	$GDT_SEL_CODE64, $start64

	.code64
start64:
	movl	$GDT_SEL_DATA, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	lgdt	boot_gdt_desc(%rip)     /* again: now with the 64-bit base */
	leaq	boot_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	call	traps_init
	movl	boot_start_info(%rip), %edi
	call	kernel_start
	/* kernel_start does not return; if it did, stop this vCPU. */
7:	cli
	hlt
	jmp	7b

	.section .data
	.balign 16
boot_gdt:
	.quad	0                       /* null */
	.quad	0x00af9a000000ffff      /* 0x08: 64-bit code, L=1 D=0 DPL0 */
	.quad	0x00cf92000000ffff      /* 0x10: flat data, 4 GiB, writable */
boot_gdt_end:
	.balign 16
boot_gdt_desc:
	.word	boot_gdt_end - boot_gdt - 1
	.quad	boot_gdt                /* 32-bit lgdt reads the low 4 bytes */

	.globl boot_start_info, boot_nr_2m_pages
	.balign 8
boot_start_info:
	.long	0
boot_nr_2m_pages:
	.long	0

	.section .bss
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * BOOT_NR_PD
boot_pt:	.skip 4096
	.balign 16
boot_stack:	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
