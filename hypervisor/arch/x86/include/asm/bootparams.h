/*
 * Loading a Linux bzImage by the x86 boot protocol (Linux
 * Documentation/arch/x86/boot.rst): parse its setup header, choose where
 * the protected-mode kernel and the initrd go, and fill the zero page
 * (struct boot_params) for the 32-bit entry point.  Pure logic,
 * unit-tested on the host.
 */
#ifndef ASM_BOOTPARAMS_H
#define ASM_BOOTPARAMS_H

#include <keel/types.h>
#include <keel/rangeset.h>
#include <asm/e820.h>

/* Offsets in the zero page / bzImage (boot.rst, "The real-mode kernel
 * header" and "zero-page.rst"). */
#define BP_ACPI_RSDP_ADDR   0x070
#define BP_EXT_RAMDISK_IMG  0x0c0
#define BP_EXT_RAMDISK_SIZE 0x0c4
#define BP_EXT_CMD_LINE_PTR 0x0c8
#define BP_E820_ENTRIES     0x1e8
#define BP_HDR              0x1f1
#define BP_SETUP_SECTS      0x1f1
#define BP_BOOT_FLAG        0x1fe
#define BP_JUMP             0x200
#define BP_HEADER           0x202
#define BP_VERSION          0x206
#define BP_TYPE_OF_LOADER   0x210
#define BP_LOADFLAGS        0x211
#define BP_CODE32_START     0x214
#define BP_RAMDISK_IMAGE    0x218
#define BP_RAMDISK_SIZE     0x21c
#define BP_CMD_LINE_PTR     0x228
#define BP_INITRD_ADDR_MAX  0x22c
#define BP_KERNEL_ALIGNMENT 0x230
#define BP_RELOCATABLE      0x234
#define BP_XLOADFLAGS       0x236
#define BP_CMDLINE_SIZE     0x238
#define BP_PREF_ADDRESS     0x258
#define BP_INIT_SIZE        0x260
#define BP_HDR_END_MAX      0x270
#define BP_E820_TABLE       0x2d0

#define BP_HDRS_MAGIC       0x53726448u   /* "HdrS" */
#define LOADFLAG_LOADED_HIGH (1u << 0)
#define XLF_KERNEL_64       (1u << 0)
#define BOOT_MIN_VERSION    0x020c        /* 2.12: xloadflags, pref_address */

struct bzimage_info {
	uint16_t version;
	uint32_t pm_offset;        /* file offset of the protected-mode kernel */
	uint64_t pm_size;
	uint64_t pref_address;
	uint32_t init_size;        /* memory the kernel needs from its load address */
	uint32_t kernel_alignment;
	bool relocatable;
	uint32_t initrd_addr_max;
	uint32_t cmdline_size;     /* max command-line length, without the NUL */
};

struct boot_args {
	uint64_t load_addr;        /* where the protected-mode kernel is */
	uint64_t cmdline_addr;
	uint64_t initrd_addr;
	uint64_t initrd_size;
	uint64_t rsdp_addr;        /* 0: let Linux search */
	const struct e820_table *e820;
};

/* Check and describe a bzImage.  -EINVAL names no detail; the caller logs. */
int bzimage_parse(const void *img, size_t size, struct bzimage_info *out);
/* Pick a load address inside `ram`: pref_address if the whole init_size
 * fits there, else (relocatable kernels) the lowest aligned place at or
 * above 16 MiB, else the lowest anywhere.  0 or -ENOMEM. */
int bzimage_place(const struct bzimage_info *bi, const struct rangeset *ram,
		  uint64_t *addr);
/* Pick the initrd's address: as high as possible inside `ram`, below
 * initrd_addr_max, page aligned, not meeting [avoid_start, avoid_end).
 * 0 or -ENOMEM. */
int initrd_place(const struct bzimage_info *bi, const struct rangeset *ram,
		 uint64_t size, uint64_t avoid_start, uint64_t avoid_end,
		 uint64_t *addr);
/* Fill the 4 KiB zero page `bp` from the image's setup header and args. */
int bootparams_build(uint8_t *bp, const void *img, size_t img_size,
		     const struct boot_args *args);

#endif
