/*
 * Entry from GRUB (Multiboot2 specification sec. 3.3): 32-bit protected
 * mode, paging off, EAX = magic, EBX = physical address of the boot
 * information.  We check for long mode, map the first 4 GiB 1:1 with
 * 2 MiB pages, enter 64-bit mode and call start_hypervisor(magic, mbi).
 * C code builds the final page tables later (arch/x86/mm.c).
 */
#include <asm/asm-defs.h>

#define MB2_MAGIC  0xe85250d6
#define MB2_ARCH   0

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH + (mb2_header_end - mb2_header))
	/* Module alignment tag: page-align the modules. */
	.short 6, 0
	.long 8
	/* End tag. */
	.short 0, 0
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	$boot_stack_top, %esp
	movl	%eax, boot_magic
	movl	%ebx, boot_mbi

	/* Long mode?  CPUID 0x80000001 EDX bit 29. */
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	no_long_mode
	movl	$0x80000001, %eax
	cpuid
	btl	$29, %edx
	jnc	no_long_mode

	/* PML4[0] -> PDPT; PDPT[0..3] -> PD0..3; PDn -> 2 MiB pages. */
	movl	$boot_pdpt, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pml4
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$12, %eax
	addl	$boot_pd, %eax
	orl	$0x3, %eax
	movl	%eax, boot_pdpt(, %ecx, 8)
	incl	%ecx
	cmpl	$4, %ecx
	jne	1b
	xorl	%ecx, %ecx
2:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$0x83, %eax		/* P | RW | PS */
	movl	%eax, boot_pd(, %ecx, 8)
	movl	%ecx, %eax
	shrl	$11, %eax		/* high dword: (i << 21) >> 32 */
	movl	%eax, boot_pd + 4(, %ecx, 8)
	incl	%ecx
	cmpl	$2048, %ecx
	jne	2b

	movl	%cr4, %eax
	orl	$(1 << 5), %eax		/* PAE */
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$0xc0000080, %ecx	/* EFER */
	rdmsr
	orl	$(1 << 8), %eax		/* LME */
	wrmsr
	movl	%cr0, %eax
	orl	$0x80010001, %eax	/* PG | WP | PE */
	movl	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$HV_CS, $start64

no_long_mode:
	movl	$msg_no_lm, %esi
	/* Polled COM1 output; the firmware left the UART usable. */
3:	lodsb
	testb	%al, %al
	jz	4f
	movb	%al, %bl
	movw	$0x3fd, %dx
5:	inb	%dx, %al
	testb	$0x20, %al
	jz	5b
	movw	$0x3f8, %dx
	movb	%bl, %al
	outb	%al, %dx
	jmp	3b
4:	hlt
	jmp	4b

	.code64
start64:
	movl	$HV_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %fs
	movl	%eax, %gs
	/* The BSP's stack block: cpu_info sits at its top (asm/percpu.h). */
	leaq	bsp_stack + STACK_SIZE - CPU_INFO_SIZE, %rsp
	xorl	%ebp, %ebp
	/* Zero .bss past the boot page tables and stack, which are in use. */
	leaq	__bss_zero_start(%rip), %rdi
	leaq	__bss_end(%rip), %rcx
	subq	%rdi, %rcx
	xorl	%eax, %eax
	rep stosb
	movl	boot_magic(%rip), %edi
	movl	boot_mbi(%rip), %esi
	call	start_hypervisor
6:	cli
	hlt
	jmp	6b

	.section .rodata.boot, "a"
msg_no_lm:
	.asciz	"keel: this CPU has no long mode (x86-64); cannot start.\r\n"

	.balign 8
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.section .data.boot, "aw"
	.globl boot_magic, boot_mbi
boot_magic:	.long 0
boot_mbi:	.long 0

	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.skip 4096
boot_stack_top:

	.section .bss.stack, "aw", @nobits
	.balign STACK_SIZE
	.globl bsp_stack
bsp_stack:	.skip STACK_SIZE

	.section .note.GNU-stack, "", @progbits
