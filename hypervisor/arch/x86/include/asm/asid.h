/*
 * Per-pCPU ASID allocation (pure; arch/x86/asid.c, host-tested).
 *
 * A TLB entry, and a nested-walk cache entry, is tagged with the ASID it
 * was made under and survives VMRUN and #VMEXIT (AMD APM vol. 2 sec.
 * 15.16).  The rule kept here: on one pCPU, an ASID is handed out at most
 * once per generation, and a new generation starts with a flush of that
 * pCPU's whole TLB.  A holder keeps its ASID only while it stays on the
 * pCPU that gave it, in that generation; anywhere else, or the first
 * time, it gets a fresh one.  docs/design.md, "ASIDs and stale
 * translations", has the argument.
 */
#ifndef ASM_ASID_H
#define ASM_ASID_H

#include <keel/types.h>

/* One pCPU's ASIDs: owned and touched by that pCPU only. */
struct asid_pool {
	uint64_t gen;          /* current generation, from 1 */
	uint32_t next;         /* next ASID to hand out in it */
	uint32_t max;          /* highest usable ASID */
	bool flush;            /* a generation began: flush all before VMRUN */
};

/* What a vCPU holds: ASID asid on pCPU cpu, valid in generation gen
 * there.  All zero: nothing yet (generation 0 never exists). */
struct asid_hold {
	uint64_t gen;
	uint32_t asid;
	unsigned cpu;
};

/* A pool for a pCPU whose CPU has nasid ASIDs (CPUID 0x8000000a EBX):
 * 1 .. nasid-1, ASID 0 being the host's; at least ASID 1. */
void asid_pool_init(struct asid_pool *p, uint32_t nasid);

/* The ASID h runs with next on pool p's pCPU cpu: its own if it still
 * holds one there, else a fresh one (possibly starting a generation,
 * which sets p->flush).  Never 0. */
uint32_t asid_assign(struct asid_pool *p, unsigned cpu, struct asid_hold *h);

/* True once after a generation began: the next VMRUN on the pCPU must
 * flush every ASID (TLB_CONTROL_FLUSH_ALL). */
bool asid_take_flush(struct asid_pool *p);

#endif
