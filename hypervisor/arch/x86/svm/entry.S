/*
 * void svm_vmrun(struct guest_regs *regs, paddr_t vmcb_pa,
 *                paddr_t host_state_pa)
 *
 * VMRUN switches RAX, RSP, RIP, RFLAGS, segment bases in part, control
 * registers and EFER; it leaves the other general registers, and
 * FS/GS/TR/LDTR with KernelGSBase and the syscall MSRs, to software (AMD APM
 * vol. 2 sec. 15.5 and 15.6).  So: load the guest's general registers,
 * VMLOAD its extra state, VMRUN, then VMSAVE the guest's extra state and
 * VMLOAD the host's.  GIF stays clear from before VMLOAD until the caller
 * sets it, so no NMI runs with the guest's TR (and its IST stacks).
 */
#define R_RBX  0
#define R_RCX  8
#define R_RDX  16
#define R_RSI  24
#define R_RDI  32
#define R_RBP  40
#define R_R8   48
#define R_R9   56
#define R_R10  64
#define R_R11  72
#define R_R12  80
#define R_R13  88
#define R_R14  96
#define R_R15  104

	.text
	.globl svm_vmrun
svm_vmrun:
	pushq	%rbp
	movq	%rsp, %rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	pushq	%rdx			/* host_state_pa */
	pushq	%rdi			/* regs */

	clgi
	movq	%rsi, %rax		/* vmcb_pa: VMRUN/VMLOAD/VMSAVE take RAX */
	movq	R_RBX(%rdi), %rbx
	movq	R_RCX(%rdi), %rcx
	movq	R_RDX(%rdi), %rdx
	movq	R_RSI(%rdi), %rsi
	movq	R_RBP(%rdi), %rbp
	movq	R_R8(%rdi), %r8
	movq	R_R9(%rdi), %r9
	movq	R_R10(%rdi), %r10
	movq	R_R11(%rdi), %r11
	movq	R_R12(%rdi), %r12
	movq	R_R13(%rdi), %r13
	movq	R_R14(%rdi), %r14
	movq	R_R15(%rdi), %r15
	movq	R_RDI(%rdi), %rdi

	vmload	%rax
	vmrun	%rax
	vmsave	%rax

	pushq	%rdi			/* the guest's RDI */
	movq	8(%rsp), %rdi		/* regs */
	movq	%rbx, R_RBX(%rdi)
	movq	%rcx, R_RCX(%rdi)
	movq	%rdx, R_RDX(%rdi)
	movq	%rsi, R_RSI(%rdi)
	movq	%rbp, R_RBP(%rdi)
	movq	%r8, R_R8(%rdi)
	movq	%r9, R_R9(%rdi)
	movq	%r10, R_R10(%rdi)
	movq	%r11, R_R11(%rdi)
	movq	%r12, R_R12(%rdi)
	movq	%r13, R_R13(%rdi)
	movq	%r14, R_R14(%rdi)
	movq	%r15, R_R15(%rdi)
	popq	%rax
	movq	%rax, R_RDI(%rdi)
	addq	$8, %rsp		/* regs */
	popq	%rax			/* host_state_pa */
	vmload	%rax

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .note.GNU-stack, "", @progbits
