/*
 * Linux x86 boot protocol: bzImage parsing, placement and the zero page.
 * Field offsets and rules come from the kernel's boot.rst.
 */
#include <asm/bootparams.h>
#include <keel/errno.h>
#include <keel/lib.h>

static uint8_t rd8(const uint8_t *p, size_t off) { return p[off]; }

static uint16_t rd16(const uint8_t *p, size_t off)
{
	uint16_t v;

	memcpy(&v, p + off, 2);
	return v;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

static void wr8(uint8_t *p, size_t off, uint8_t v) { p[off] = v; }
static void wr32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void wr64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }

int bzimage_parse(const void *img, size_t size, struct bzimage_info *out)
{
	const uint8_t *p = img;
	unsigned sects;

	if (size < BP_HDR_END_MAX || rd16(p, BP_BOOT_FLAG) != 0xaa55 ||
	    rd32(p, BP_HEADER) != BP_HDRS_MAGIC)
		return -EINVAL;
	out->version = rd16(p, BP_VERSION);
	if (out->version < BOOT_MIN_VERSION)
		return -EINVAL;
	if (!(rd8(p, BP_LOADFLAGS) & LOADFLAG_LOADED_HIGH) ||
	    !(rd16(p, BP_XLOADFLAGS) & XLF_KERNEL_64))
		return -EINVAL;
	sects = rd8(p, BP_SETUP_SECTS);
	if (sects == 0)
		sects = 4;
	out->pm_offset = (sects + 1) * 512;
	if (out->pm_offset >= size)
		return -EINVAL;
	out->pm_size = size - out->pm_offset;
	out->pref_address = rd64(p, BP_PREF_ADDRESS);
	out->init_size = rd32(p, BP_INIT_SIZE);
	out->kernel_alignment = rd32(p, BP_KERNEL_ALIGNMENT);
	out->relocatable = rd8(p, BP_RELOCATABLE) != 0;
	out->initrd_addr_max = rd32(p, BP_INITRD_ADDR_MAX);
	out->cmdline_size = rd32(p, BP_CMDLINE_SIZE);
	if (out->init_size < out->pm_size || !out->kernel_alignment ||
	    (out->kernel_alignment & (out->kernel_alignment - 1)))
		return -EINVAL;
	return 0;
}

int bzimage_place(const struct bzimage_info *bi, const struct rangeset *ram,
		  uint64_t *addr)
{
	static const uint64_t floors[] = { MiB(16), 0 };

	if (rangeset_contains(ram, bi->pref_address,
			      bi->pref_address + bi->init_size)) {
		*addr = bi->pref_address;
		return 0;
	}
	if (!bi->relocatable)
		return -ENOMEM;
	for (unsigned f = 0; f < ARRAY_SIZE(floors); f++) {
		for (unsigned i = 0; i < ram->nr; i++) {
			uint64_t a = ALIGN_UP(MAX(ram->r[i].start, floors[f]),
					      bi->kernel_alignment);

			if (a + bi->init_size <= ram->r[i].end) {
				*addr = a;
				return 0;
			}
		}
	}
	return -ENOMEM;
}

int initrd_place(const struct bzimage_info *bi, const struct rangeset *ram,
		 uint64_t size, uint64_t avoid_start, uint64_t avoid_end,
		 uint64_t *addr)
{
	uint64_t limit = (uint64_t)bi->initrd_addr_max + 1;

	for (unsigned i = ram->nr; i-- > 0;) {
		uint64_t top = MIN(ram->r[i].end, limit);

		/* Try below the top of this range, then below the kernel. */
		for (int pass = 0; pass < 2; pass++) {
			uint64_t a;

			if (top < size)
				break;
			a = ALIGN_DOWN(top - size, PAGE_SIZE);
			if (a < ram->r[i].start)
				break;
			if (a + size <= avoid_start || a >= avoid_end) {
				*addr = a;
				return 0;
			}
			top = avoid_start;
		}
	}
	return -ENOMEM;
}

int bootparams_build(uint8_t *bp, const void *img, size_t img_size,
		     const struct boot_args *args)
{
	const uint8_t *p = img;
	size_t hdr_end;

	if (img_size < BP_HDR_END_MAX || args->e820->nr > E820_MAX)
		return -EINVAL;
	memset(bp, 0, PAGE_SIZE);
	/* The setup header runs from 0x1f1 to 0x202 + the jump's offset. */
	hdr_end = BP_HEADER + rd8(p, BP_JUMP + 1);
	if (hdr_end > BP_HDR_END_MAX)
		hdr_end = BP_HDR_END_MAX;
	memcpy(bp + BP_HDR, p + BP_HDR, hdr_end - BP_HDR);

	wr8(bp, BP_TYPE_OF_LOADER, 0xff);	/* "undefined" boot loader */
	wr32(bp, BP_CODE32_START, (uint32_t)args->load_addr);
	wr32(bp, BP_CMD_LINE_PTR, (uint32_t)args->cmdline_addr);
	wr32(bp, BP_EXT_CMD_LINE_PTR, (uint32_t)(args->cmdline_addr >> 32));
	wr32(bp, BP_RAMDISK_IMAGE, (uint32_t)args->initrd_addr);
	wr32(bp, BP_EXT_RAMDISK_IMG, (uint32_t)(args->initrd_addr >> 32));
	wr32(bp, BP_RAMDISK_SIZE, (uint32_t)args->initrd_size);
	wr32(bp, BP_EXT_RAMDISK_SIZE, (uint32_t)(args->initrd_size >> 32));
	wr64(bp, BP_ACPI_RSDP_ADDR, args->rsdp_addr);
	wr8(bp, BP_E820_ENTRIES, (uint8_t)args->e820->nr);
	memcpy(bp + BP_E820_TABLE, args->e820->map,
	       args->e820->nr * sizeof(struct e820_entry));
	return 0;
}
