/*
 * Starting the other pCPUs.  dom0 boots with nr_cpus=1 and never sees
 * them: the hypervisor wakes each AP with INIT/SIPI/SIPI (Intel MP spec
 * sequence, which AMD follows; APM vol. 2 sec. 16.5), gives it its own
 * stack block, descriptors and SVM state, and leaves it idling in HLT,
 * ready for guest vCPUs.
 */
#include <asm/smp.h>
#include <asm/acpi.h>
#include <asm/desc.h>
#include <asm/lapic.h>
#include <asm/percpu.h>
#include <asm/svm.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/sched.h>

struct pcpu pcpus[NR_CPUS];
unsigned nr_cpus_online = 1;
unsigned nr_cpus_present = 1;

extern const char trampoline_start[], trampoline_end[];
extern uint32_t boot_pml4[];

unsigned arch_cpu_id(void)
{
	struct pcpu *c = this_cpu();

	return c ? c->id : 0;
}

void arch_stop_other_cpus(void)
{
	if (nr_cpus_online > 1)
		lapic_send_shorthand(ICR_ALL_BUT_SELF | ICR_NMI);
}

void arch_halt(void)
{
	for (;;) {
		cli();
		halt();
	}
}

/* The AP's first C code: runs on its own stack block. */
static __noreturn void ap_start(struct pcpu *c)
{
	cpu_load_descriptors(c);
	svm_cpu_init(c);
	lapic_enable_ap();
	/* Leave the logical destination register at 0: dom0 programs
	 * logical-mode interrupts and must never reach these CPUs. */
	lapic_timer_calibrate();
	__atomic_store_n(&c->online, true, __ATOMIC_RELEASE);
	schedule_loop(c->id);	/* idles in HLT until there is a guest */
}

void this_cpu_request_resched(void)
{
	this_cpu()->need_resched = true;
}

void this_cpu_clear_resched(void)
{
	this_cpu()->need_resched = false;
}

static bool wait_online(struct pcpu *c, uint64_t us)
{
	for (uint64_t t = 0; t < us; t += 100) {
		if (__atomic_load_n(&c->online, __ATOMIC_ACQUIRE))
			return true;
		udelay(100);
	}
	return false;
}

static int start_ap(struct pcpu *c)
{
	uint8_t *tramp = phys_to_virt(TRAMP_BASE);
	paddr_t block = alloc_pages(STACK_SIZE / PAGE_SIZE, STACK_SIZE / PAGE_SIZE);
	struct cpu_info *ci;

	if (!block)
		return -1;
	c->stack_block = (uint64_t)phys_to_virt(block);
	ci = (struct cpu_info *)(c->stack_block + STACK_SIZE - CPU_INFO_SIZE);
	ci->pcpu = c;

	memcpy(tramp, trampoline_start, trampoline_end - trampoline_start);
	*(uint32_t *)(tramp + TRAMP_CR3_32) = (uint32_t)(uintptr_t)boot_pml4;
	*(uint64_t *)(tramp + TRAMP_CR3) = read_cr3();
	*(uint64_t *)(tramp + TRAMP_STACK) = (uint64_t)ci;
	*(uint64_t *)(tramp + TRAMP_ENTRY) = (uint64_t)ap_start;
	*(uint64_t *)(tramp + TRAMP_PCPU) = (uint64_t)c;

	lapic_send_ipi(c->apic_id, ICR_INIT | ICR_LEVEL_ASSERT);
	udelay(10000);
	for (int i = 0; i < 2; i++) {
		lapic_send_ipi(c->apic_id, ICR_STARTUP | (TRAMP_BASE >> 12));
		if (wait_online(c, i ? 1000000 : 200))
			return 0;
	}
	free_pages(block, STACK_SIZE / PAGE_SIZE);
	return -1;
}

void smp_boot(const uint8_t *rsdp, uint32_t rsdp_len)
{
	uint32_t ids[NR_CPUS];
	unsigned n = acpi_find_cpus(rsdp, rsdp_len, ids, NR_CPUS);
	uint32_t self = lapic_id();

	if (!n) {
		pr_warn("smp: no ACPI MADT; running on the boot CPU only\n");
		return;
	}
	nr_cpus_present = n;
	for (unsigned i = 0; i < n; i++) {
		struct pcpu *c;

		if (ids[i] == self)
			continue;
		c = &pcpus[nr_cpus_online];
		c->id = nr_cpus_online;
		c->apic_id = ids[i];
		if (start_ap(c)) {
			pr_err("smp: CPU with APIC ID %u did not start\n", ids[i]);
			continue;
		}
		nr_cpus_online++;
		pr_info("smp: CPU%u (APIC ID %u) is up and idle\n", c->id, c->apic_id);
	}
	pr_info("smp: %u of %u CPUs online; CPU0 runs dom0, CPU1..%u are for guests\n",
		nr_cpus_online, n, nr_cpus_online - 1);
}
