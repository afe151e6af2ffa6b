/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place in the dom0 module that issues VMMCALL.
 *
 * Convention (hypervisor/include/public/keel.h): RAX = hypercall number,
 * RDI, RSI, RDX, R10, R8 = arguments 1..5, result in RAX.  The hypervisor
 * preserves every other register, but we still tell the compiler that the
 * argument registers may change: that costs nothing and keeps us correct if
 * a later hypervisor ever scribbles on them.  "memory" because buffer
 * arguments are read and written by the hypervisor behind the compiler's back.
 */
#ifndef KEEL_DOM0_HYPERCALL_H
#define KEEL_DOM0_HYPERCALL_H

#include <linux/types.h>

static inline long keel_hypercall5(unsigned long nr, unsigned long a1,
				   unsigned long a2, unsigned long a3,
				   unsigned long a4, unsigned long a5)
{
	register unsigned long rax asm("rax") = nr;
	register unsigned long rdi asm("rdi") = a1;
	register unsigned long rsi asm("rsi") = a2;
	register unsigned long rdx asm("rdx") = a3;
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;

	asm volatile("vmmcall"
		     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10),
		       "+r"(r8)
		     :
		     : "memory", "cc");
	return (long)rax;
}

static inline long keel_hypercall1(unsigned long nr, unsigned long a1)
{
	return keel_hypercall5(nr, a1, 0, 0, 0, 0);
}

#endif
