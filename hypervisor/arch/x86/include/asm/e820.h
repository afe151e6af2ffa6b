/*
 * e820 memory maps as Linux reads them from boot_params (Linux boot
 * protocol, "zero page" e820_table: at most 128 entries of 20 bytes).
 */
#ifndef ASM_E820_H
#define ASM_E820_H

#include <keel/types.h>

#define E820_MAX        128
#define E820_RAM        1
#define E820_RESERVED   2
#define E820_ACPI       3
#define E820_NVS        4
#define E820_UNUSABLE   5

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __packed;
_Static_assert(sizeof(struct e820_entry) == 20, "e820 entry is 20 bytes");

struct e820_table {
	unsigned nr;
	struct e820_entry map[E820_MAX];
};

void e820_init(struct e820_table *t);
/* Give [addr, addr+size) the type `type`, replacing whatever was there;
 * the table stays sorted, non-overlapping, with equal neighbours merged.
 * Returns 0, or -ENOSPC (table unchanged) if it would exceed E820_MAX. */
int e820_set(struct e820_table *t, uint64_t addr, uint64_t size,
	     uint32_t type);
/* Total bytes of the given type. */
uint64_t e820_total(const struct e820_table *t, uint32_t type);

#endif
