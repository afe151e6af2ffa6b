/*
 * Local APIC access (AMD APM vol. 2 sec. 16.3-16.5).
 */
#include <asm/lapic.h>
#include <asm/msr.h>
#include <asm/traps.h>
#include <asm/x86.h>

static volatile uint32_t *lapic_base;

void lapic_map(void)
{
	/* The hypervisor's page tables map all low 4 GiB 1:1. */
	lapic_base = phys_to_virt(rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR_MASK);
}

uint32_t lapic_read(uint32_t reg)
{
	return lapic_base[reg / 4];
}

void lapic_write(uint32_t reg, uint32_t v)
{
	lapic_base[reg / 4] = v;
}

uint32_t lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> 24;
}

void lapic_enable_ap(void)
{
	lapic_write(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

static bool wait_idle(void)
{
	for (int i = 0; i < 1000000; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING))
			return true;
		cpu_relax();
	}
	return false;
}

bool lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo)
{
	if (!wait_idle())
		return false;
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	return wait_idle();
}

bool lapic_send_shorthand(uint32_t icr_lo)
{
	if (!wait_idle())
		return false;
	lapic_write(LAPIC_ICR_LO, icr_lo);
	return wait_idle();
}
