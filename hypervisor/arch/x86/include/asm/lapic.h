/*
 * Local APIC in xAPIC (MMIO) mode; QEMU's TCG offers no x2APIC.  On pCPU0
 * the LAPIC belongs to dom0: the hypervisor only sends IPIs there (with
 * the self or all-but-self shorthand, so dom0's ICR high word is
 * untouched), and never EOIs or changes its configuration.
 */
#ifndef ASM_LAPIC_H
#define ASM_LAPIC_H

#include <keel/types.h>

#define LAPIC_ID      0x020
#define LAPIC_EOI     0x0b0
#define LAPIC_LDR     0x0d0
#define LAPIC_SVR     0x0f0
#define LAPIC_ICR_LO  0x300
#define LAPIC_ICR_HI  0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TICR    0x380
#define LAPIC_TCCR    0x390
#define LAPIC_TDCR    0x3e0

#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_FIXED     (0u << 8)
#define ICR_NMI       (4u << 8)
#define ICR_INIT      (5u << 8)
#define ICR_STARTUP   (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_SELF      (1u << 18)
#define ICR_ALL_BUT_SELF (3u << 18)

void lapic_map(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t v);
uint32_t lapic_id(void);
/* Enable this AP's LAPIC (spurious vector, software enable). */
void lapic_enable_ap(void);
void lapic_eoi(void);
/* Send an IPI; waits (bounded) for the previous one to be delivered.
 * Returns false if the LAPIC never became ready. */
bool lapic_send_ipi(uint32_t apic_id, uint32_t icr_lo);
bool lapic_send_shorthand(uint32_t icr_lo);

/* One-shot LAPIC timer of a guest pCPU (never pCPU0, whose LAPIC is
 * dom0's).  Calibrated once against the TSC. */
void lapic_timer_calibrate(void);
/* Interrupt VEC_TIMER after `ns` nanoseconds (0: stop the timer). */
void lapic_timer_oneshot(uint64_t ns);

#endif
