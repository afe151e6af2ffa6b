/*
 * AP start-up code, copied to TRAMP_BASE before the INIT/SIPI sequence.
 * Real mode -> 32-bit protected mode -> long mode on the boot page tables
 * (below 4 GiB, reachable with a 32-bit CR3), then the final page tables,
 * the AP's own stack, and ap_start(pcpu).  Addresses are computed from
 * TRAMP_BASE because the code runs at a different place than it is linked.
 */
#include <asm/asm-defs.h>

#define T(sym) (TRAMP_BASE + (sym) - trampoline_start)

	.section .trampoline, "ax"
	.code16
	.globl trampoline_start, trampoline_end
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tramp_gdt_ptr - trampoline_start
	movl	%cr0, %eax
	orl	$1, %eax
	movl	%eax, %cr0
	ljmpl	$0x08, $T(tramp32)

	.code32
tramp32:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* PAE */
	movl	%eax, %cr4
	movl	TRAMP_BASE + TRAMP_CR3_32, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx
	rdmsr
	orl	$(1 << 8), %eax		/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG | WP | PE */
	movl	%eax, %cr0
	ljmpl	$0x18, $T(tramp64)

	.code64
tramp64:
	movl	$0x10, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movq	TRAMP_BASE + TRAMP_CR3, %rax
	movq	%rax, %cr3
	movq	TRAMP_BASE + TRAMP_STACK, %rsp
	movq	TRAMP_BASE + TRAMP_PCPU, %rdi
	movq	TRAMP_BASE + TRAMP_ENTRY, %rax
	xorl	%ebp, %ebp
	call	*%rax
1:	cli
	hlt
	jmp	1b

	.balign 8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
	.quad	0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
	.short	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)
trampoline_end:

	.section .note.GNU-stack, "", @progbits
