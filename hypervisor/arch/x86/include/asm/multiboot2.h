/*
 * Multiboot2 boot information, as GRUB hands it over (Multiboot2
 * specification, sec. 3.6).  mb2_parse() turns the tag list into a plain
 * struct; it is pure and unit-tested on the host.
 */
#ifndef ASM_MULTIBOOT2_H
#define ASM_MULTIBOOT2_H

#include <keel/types.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u

#define MB2_TAG_END          0
#define MB2_TAG_CMDLINE      1
#define MB2_TAG_LOADER_NAME  2
#define MB2_TAG_MODULE       3
#define MB2_TAG_BASIC_MEM    4
#define MB2_TAG_MMAP         6
#define MB2_TAG_ACPI_OLD     14
#define MB2_TAG_ACPI_NEW     15

/* Memory map entry types (the same numbers as e820). */
#define MB2_MEM_AVAILABLE    1
#define MB2_MEM_RESERVED     2
#define MB2_MEM_ACPI         3
#define MB2_MEM_NVS          4
#define MB2_MEM_BAD          5

#define MB2_MAX_MODULES 8
#define MB2_MAX_MMAP    128

struct mb2_module {
	uint32_t start;
	uint32_t end;          /* exclusive */
	const char *string;    /* points into the info block */
};

struct mb2_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
};

struct mb2_info {
	const char *cmdline;
	const char *loader_name;
	unsigned nr_modules;
	struct mb2_module modules[MB2_MAX_MODULES];
	unsigned nr_mmap;
	struct mb2_mmap_entry mmap[MB2_MAX_MMAP];
	const uint8_t *rsdp;   /* copy of the RSDP inside the info block */
	uint32_t rsdp_len;
};

/* Parse the info block at `mbi`, of which `avail` bytes are readable.
 * Returns 0, or -EINVAL if the block is malformed (a size that overruns,
 * a string without its terminator, no end tag), or -E2BIG if it holds
 * more modules or memory-map entries than this parser keeps. */
int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out);

#endif
