/*
 * Per-CPU state.  Each pCPU runs on a STACK_SIZE block aligned to its
 * size; struct cpu_info at the top of that block finds the CPU's struct
 * pcpu from any stack in the block (including the IST stacks), without an
 * MSR or a segment base that a guest switch could change.
 */
#ifndef ASM_PERCPU_H
#define ASM_PERCPU_H

#include <keel/types.h>
#include <asm/asm-defs.h>
#include <asm/asid.h>

#define NR_CPUS 16

/* 64-bit TSS (AMD APM vol. 2 sec. 12.2.5). */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");

struct vcpu;

struct pcpu {
	unsigned id;
	uint32_t apic_id;
	volatile bool online;
	uint64_t stack_block;          /* base of the STACK_SIZE block */
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	paddr_t hsave_pa;              /* VM_HSAVE_PA page */
	paddr_t host_state_pa;         /* VMSAVE area for host FS/GS/TR/... */
	struct vcpu *current;          /* vCPU this pCPU runs, or NULL */
	volatile bool nmi_for_guest;   /* an NMI arrived that is the guest's */
	volatile bool kick;            /* another CPU wants our attention */
	volatile bool need_resched;    /* run the scheduler at the next chance */
	volatile uint64_t exits;       /* #VMEXITs so far (kick-and-wait) */
	struct vcpu *volatile picked;  /* vCPU the scheduler chose last */
	volatile uint64_t timer_armed; /* deadline the LAPIC timer holds, 0: none */
	struct asid_pool asids;        /* guest pCPUs: their ASIDs (asm/asid.h) */
};

struct cpu_info {
	struct pcpu *pcpu;
	uint8_t pad[CPU_INFO_SIZE - sizeof(struct pcpu *)];
};
_Static_assert(sizeof(struct cpu_info) == CPU_INFO_SIZE, "cpu_info size");

static inline struct cpu_info *get_cpu_info(void)
{
	uint64_t sp;

	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct cpu_info *)((sp & ~((uint64_t)STACK_SIZE - 1)) +
				   STACK_SIZE - CPU_INFO_SIZE);
}

static inline struct pcpu *this_cpu(void)
{
	return get_cpu_info()->pcpu;
}

extern struct pcpu pcpus[NR_CPUS];
extern unsigned nr_cpus_online;
extern unsigned nr_cpus_present;

#endif
