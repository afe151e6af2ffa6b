/* Just enough ACPI to find the CPUs: RSDP -> RSDT/XSDT -> MADT. */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <keel/types.h>

/* Fill apic_ids with the enabled processors' local APIC IDs from the
 * MADT, boot CPU included.  Returns the count (>= 1), or 0 if no usable
 * MADT was found. */
unsigned acpi_find_cpus(const uint8_t *rsdp, uint32_t rsdp_len,
			uint32_t *apic_ids, unsigned max);

#endif
