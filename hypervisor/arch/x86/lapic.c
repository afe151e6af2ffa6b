/*
 * Local APIC access (AMD APM vol. 2 sec. 16.3-16.5).
 */
#include <asm/lapic.h>
#include <asm/msr.h>
#include <asm/time.h>
#include <asm/traps.h>
#include <asm/x86.h>
#include <keel/console.h>

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
	uint32_t saved_hi;
	bool ok;

	if (!wait_idle())
		return false;
	/* On pCPU0 the LAPIC is dom0's, which may be between writing ICR
	 * high and ICR low: put its high word back afterwards. */
	saved_hi = lapic_read(LAPIC_ICR_HI);
	lapic_write(LAPIC_ICR_HI, apic_id << 24);
	lapic_write(LAPIC_ICR_LO, icr_lo);
	ok = wait_idle();
	lapic_write(LAPIC_ICR_HI, saved_hi);
	return ok;
}

bool lapic_send_shorthand(uint32_t icr_lo)
{
	if (!wait_idle())
		return false;
	lapic_write(LAPIC_ICR_LO, icr_lo);
	return wait_idle();
}

#define TDCR_DIV16 0x3
static uint64_t lapic_ticks_per_ms;

void lapic_timer_calibrate(void)
{
	uint32_t left;

	if (lapic_ticks_per_ms)
		return;
	lapic_write(LAPIC_TDCR, TDCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, (1u << 16) | VEC_TIMER);	/* masked */
	lapic_write(LAPIC_TICR, 0xffffffff);
	udelay(10000);
	left = lapic_read(LAPIC_TCCR);
	lapic_write(LAPIC_TICR, 0);
	lapic_ticks_per_ms = (0xffffffffull - left) / 10;
	if (!lapic_ticks_per_ms)
		lapic_ticks_per_ms = 1;
	pr_info("time: LAPIC timer runs at %lu kHz (divided by 16)\n",
		lapic_ticks_per_ms);
}

void lapic_timer_oneshot(uint64_t ns)
{
	uint64_t ticks;

	if (!ns) {
		lapic_write(LAPIC_TICR, 0);
		return;
	}
	/* Round up (a timer must not fire before its deadline), and cap
	 * before multiplying so that a far deadline cannot overflow. */
	if (ns > 60ull * 1000000000u)
		ns = 60ull * 1000000000u;
	ticks = (ns * lapic_ticks_per_ms + 999999u) / 1000000u;
	if (ticks == 0)
		ticks = 1;
	if (ticks > 0xffffffffu)
		ticks = 0xffffffffu;
	lapic_write(LAPIC_TDCR, TDCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);	/* one-shot, unmasked */
	lapic_write(LAPIC_TICR, (uint32_t)ticks);
}
