/*
 * A vCPU's whole state, for save, restore and migration
 * (KEEL_DOMCTL_get_vcpu_state / set_vcpu_state, domctl.h; x86-64 with
 * SVM).  What the hardware switches (registers, segments, control
 * registers, the MSRs VMLOAD/VMSAVE move), what the hypervisor switches
 * (FXSAVE image, XCR0, DR0-DR3, PKRU) and what it keeps per vCPU (its
 * one-shot timer, a block deadline, an event being injected).  Times are
 * the domain's system time in ns (public/shared_info.h), so a restored
 * domain's timers fire when they would have.
 */
#ifndef KEEL_PUBLIC_VCPU_STATE_H
#define KEEL_PUBLIC_VCPU_STATE_H

#include "keel.h"

/* A segment as the VMCB holds it (AMD APM vol. 2 sec. 15.5.1: attributes
 * pack descriptor bits 40-47 and 52-55). */
struct keel_seg_state {
	uint16_t sel;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
};
KEEL_ABI_SIZE_CHECK(struct keel_seg_state, 16);

/* keel_vcpu_state.flags */
#define KEEL_VCPU_STATE_up       (1u << 0)  /* context set: it runs (else
					       down: nothing else applies) */
#define KEEL_VCPU_STATE_blocked  (1u << 1)  /* waiting for an event      */

struct keel_vcpu_state {
	uint32_t flags;            /* IN/OUT: KEEL_VCPU_STATE_*              */
	uint32_t pkru;             /* IN/OUT                                 */
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
	uint64_t cr0, cr2, cr3, cr4, efer, g_pat, xcr0;  /* IN: checked   */
	uint64_t dr0, dr1, dr2, dr3, dr6, dr7;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	struct keel_seg_state es, cs, ss, ds, fs, gs, gdtr, ldtr, idtr, tr;
	uint64_t timer_deadline;   /* IN/OUT: set_timer's, 0 = none          */
	uint64_t block_deadline;   /* IN/OUT: sched_op(block)'s, 0 = none    */
	uint64_t pending_event;    /* IN/OUT: an event being delivered, in
				      EVENTINJ format (bit 31 valid)      */
	uint64_t interrupt_shadow; /* IN/OUT: bit 0: after MOV SS / STI     */
	uint8_t  cpl;              /* IN/OUT: 0 .. 3                         */
	uint8_t  pad[7];           /* IN: 0                                  */
	uint64_t reserved[4];      /* IN: 0                                  */
	uint8_t  fxsave[512];      /* IN/OUT: FXSAVE image (x87/SSE)         */
};
KEEL_ABI_SIZE_CHECK(struct keel_vcpu_state, 1064);

#endif
