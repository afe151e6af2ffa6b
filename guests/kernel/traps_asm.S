/*
 * Interrupt and exception entry stubs.  Each stub makes the frame uniform
 * (a 0 error code where the CPU pushes none, then the vector), saves the
 * general registers and calls trap_dispatch(struct trap_frame *).  In
 * 64-bit mode the CPU aligns RSP to 16 bytes before pushing its frame
 * (APM vol. 2, 8.9.3), and 5 + 2 + 15 quadwords keep that alignment for the
 * call.  No SSE state is touched anywhere in the kernel
 * (-mgeneral-regs-only), so none is saved.
 */
#include "layout.h"

	.text
	.code64

.macro TRAP_NOERR vec
trap_\vec:
	pushq	$0
	pushq	$\vec
	jmp	trap_common
.endm

.macro TRAP_ERR vec
trap_\vec:
	pushq	$\vec
	jmp	trap_common
.endm

/* Vectors with a CPU-pushed error code: #DF #TS #NP #SS #GP #PF #AC #CP
 * #VC #SX (APM vol. 2, 8.2). */
.irp v, 0,1,2,3,4,5,6,7,9,15,16,18,19,20,22,23,24,25,26,27,28,31
	TRAP_NOERR \v
.endr
.irp v, 8,10,11,12,13,14,17,21,29,30
	TRAP_ERR \v
.endr

	.globl trap_upcall
trap_upcall:
	pushq	$0
	pushq	$UPCALL_VECTOR
	jmp	trap_common

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp               /* vector, error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_stub_table
trap_stub_table:
.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	trap_\v
.endr

	.section .note.GNU-stack, "", @progbits
