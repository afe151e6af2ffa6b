/*
 * arch/x86/bootparams.c: the Linux boot protocol (Documentation/arch/x86/
 * boot.rst and zero-page.rst) over synthetic bzImage headers, plus the
 * real dom0 kernel when the build has downloaded one.
 */
#include "harness.h"

#include <glob.h>

#include <asm/bootparams.h>
#include <keel/errno.h>

#define IMG_SIZE    0x2000u   /* setup_sects 1: pm kernel at 0x400 */
#define SETUP_SECTS 1
#define JUMP_OFF    0x6a      /* header ends at 0x26c, as in Linux 6.1 */

static uint8_t *img;
static struct bzimage_info bi;

static void w8(uint8_t *p, size_t off, uint8_t v) { p[off] = v; }
static void w16(uint8_t *p, size_t off, uint16_t v) { memcpy(p + off, &v, 2); }
static void w32(uint8_t *p, size_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void w64(uint8_t *p, size_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static uint32_t r32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static uint64_t r64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, 8);
	return v;
}

/* A valid 64-bit relocatable bzImage header, protocol 2.15. */
static void setup(void)
{
	img = calloc(1, IMG_SIZE);
	w8(img, BP_SETUP_SECTS, SETUP_SECTS);
	w16(img, BP_BOOT_FLAG, 0xaa55);
	w8(img, BP_JUMP, 0xeb);
	w8(img, BP_JUMP + 1, JUMP_OFF);
	w32(img, BP_HEADER, 0x53726448);   /* "HdrS" */
	w16(img, BP_VERSION, 0x020f);
	w8(img, BP_LOADFLAGS, LOADFLAG_LOADED_HIGH);
	w32(img, BP_INITRD_ADDR_MAX, 0x7fffffff);
	w32(img, BP_KERNEL_ALIGNMENT, 0x200000);
	w8(img, BP_RELOCATABLE, 1);
	w16(img, BP_XLOADFLAGS, 0x7f);
	w32(img, BP_CMDLINE_SIZE, 2047);
	w64(img, BP_PREF_ADDRESS, 0x1000000);
	w32(img, BP_INIT_SIZE, 0x3f98000);
	memset(&bi, 0, sizeof(bi));
}

static void teardown(void)
{
	free(img);
}

static int parse(void)
{
	return bzimage_parse(img, IMG_SIZE, &bi);
}

/* --- bzimage_parse --- */

START_TEST(parse_valid_header)
{
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.version, 0x020f);
	ck_assert_uint_eq(bi.pm_offset, (SETUP_SECTS + 1) * 512);
	ck_assert_uint_eq(bi.pm_size, IMG_SIZE - (SETUP_SECTS + 1) * 512);
	ck_assert_uint_eq(bi.pref_address, 0x1000000);
	ck_assert_uint_eq(bi.init_size, 0x3f98000);
	ck_assert_uint_eq(bi.kernel_alignment, 0x200000);
	ck_assert(bi.relocatable);
	ck_assert_uint_eq(bi.initrd_addr_max, 0x7fffffff);
	ck_assert_uint_eq(bi.cmdline_size, 2047);
}
END_TEST

START_TEST(parse_setup_sects_zero_means_four)
{
	w8(img, BP_SETUP_SECTS, 0);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.pm_offset, 5 * 512);
	ck_assert_uint_eq(bi.pm_size, IMG_SIZE - 5 * 512);
}
END_TEST

START_TEST(parse_not_relocatable)
{
	w8(img, BP_RELOCATABLE, 0);
	ck_assert_int_eq(parse(), 0);
	ck_assert(!bi.relocatable);
}
END_TEST

START_TEST(parse_oldest_accepted_version)
{
	w16(img, BP_VERSION, 0x020c);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(bi.version, 0x020c);
}
END_TEST

START_TEST(parse_init_size_equal_to_pm_size)
{
	w32(img, BP_INIT_SIZE, IMG_SIZE - (SETUP_SECTS + 1) * 512);
	ck_assert_int_eq(parse(), 0);
}
END_TEST

START_TEST(reject_image_smaller_than_header)
{
	ck_assert_int_eq(bzimage_parse(img, BP_HDR_END_MAX - 1, &bi), -EINVAL);
}
END_TEST

START_TEST(reject_bad_boot_flag)
{
	w16(img, BP_BOOT_FLAG, 0x55aa);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_bad_magic)
{
	w32(img, BP_HEADER, 0x53726449);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_old_version)
{
	w16(img, BP_VERSION, 0x020b);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_without_loaded_high)
{
	w8(img, BP_LOADFLAGS, 0x80);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_without_xlf_kernel_64)
{
	w16(img, BP_XLOADFLAGS, 0x7e);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_pm_offset_at_end_of_image)
{
	w8(img, BP_SETUP_SECTS, IMG_SIZE / 512 - 1);   /* pm_offset == size */
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_pm_offset_beyond_image)
{
	w8(img, BP_SETUP_SECTS, 0xff);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_init_size_below_pm_size)
{
	w32(img, BP_INIT_SIZE, IMG_SIZE - (SETUP_SECTS + 1) * 512 - 1);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_zero_alignment)
{
	w32(img, BP_KERNEL_ALIGNMENT, 0);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(reject_alignment_not_power_of_two)
{
	w32(img, BP_KERNEL_ALIGNMENT, 0x300000);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

/* --- bzimage_place --- */

static struct rangeset ram;
static uint64_t addr;

static struct bzimage_info kernel(uint64_t pref, uint32_t init_size,
				  bool relocatable)
{
	return (struct bzimage_info){
		.version = 0x020f, .pref_address = pref, .init_size = init_size,
		.kernel_alignment = 0x200000, .relocatable = relocatable,
		.initrd_addr_max = 0x7fffffff,
	};
}

static void ram_setup(void)
{
	rangeset_init(&ram);
	addr = 0xdead;
}

START_TEST(place_at_pref_when_it_fits)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, 0x40000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, 0x1000000);
}
END_TEST

START_TEST(place_not_relocatable_at_pref)
{
	bi = kernel(0x1000000, 0x1000000, false);
	rangeset_add(&ram, 0x1000000, 0x2000000);   /* exactly enough */
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, 0x1000000);
}
END_TEST

START_TEST(place_lowest_aligned_above_16m)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x0, 0x9f000);
	rangeset_add(&ram, 0x100000, 0x1800000);     /* pref: 16M+16M > 24M */
	rangeset_add(&ram, 0x2001000, 0x8000000);    /* unaligned start */
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, 0x2200000);
}
END_TEST

START_TEST(place_when_pref_crosses_a_hole)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, 0x1800000);
	rangeset_add(&ram, 0x1900000, 0x8000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, 0x1a00000);
}
END_TEST

START_TEST(place_below_16m_when_nothing_above_fits)
{
	bi = kernel(0x1000000, 0x400000, true);
	rangeset_add(&ram, 0x100000, 0x1000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, 0x200000);
}
END_TEST

START_TEST(place_not_relocatable_enomem)
{
	bi = kernel(0x1000000, 0x1000000, false);
	rangeset_add(&ram, 0x100000, 0x1800000);
	rangeset_add(&ram, 0x2000000, 0x8000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), -ENOMEM);
	ck_assert_uint_eq(addr, 0xdead);
}
END_TEST

START_TEST(place_relocatable_no_room_enomem)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, 0x1000000);
	rangeset_add(&ram, 0x1100000, 0x2000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), -ENOMEM);
	ck_assert_uint_eq(addr, 0xdead);
}
END_TEST

/* --- initrd_place --- */

#define MiB_(x) ((uint64_t)(x) << 20)

START_TEST(initrd_highest_below_addr_max)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, 0x100000000);
	ck_assert_int_eq(initrd_place(&bi, &ram, 0x2f0800, MiB_(16), MiB_(32),
				      &addr), 0);
	/* ALIGN_DOWN(2 GiB - size, 4K) */
	ck_assert_uint_eq(addr, 0x7fd0f000);
}
END_TEST

START_TEST(initrd_highest_in_ram_below_addr_max)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, MiB_(256));
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(3), MiB_(16), MiB_(32),
				      &addr), 0);
	ck_assert_uint_eq(addr, MiB_(253));
}
END_TEST

START_TEST(initrd_addr_max_4g_limits_to_4g)
{
	bi = kernel(0x1000000, 0x1000000, true);
	bi.initrd_addr_max = 0xffffffff;
	rangeset_add(&ram, 0x100000, 0x200000000);
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(16), MiB_(32),
				      &addr), 0);
	ck_assert_uint_eq(addr, 0x100000000 - MiB_(2));
}
END_TEST

START_TEST(initrd_goes_below_kernel_at_top)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, MiB_(64));
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(60), MiB_(64),
				      &addr), 0);
	ck_assert_uint_eq(addr, MiB_(58));
}
END_TEST

START_TEST(initrd_ends_right_at_kernel_start)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, MiB_(64));
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(62), MiB_(63),
				      &addr), 0);
	ck_assert_uint_eq(addr, MiB_(60));
}
END_TEST

START_TEST(initrd_moves_to_lower_range)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, MiB_(15));
	rangeset_add(&ram, MiB_(16), MiB_(20));   /* all kernel */
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(16), MiB_(20),
				      &addr), 0);
	ck_assert_uint_eq(addr, MiB_(13));
}
END_TEST

START_TEST(initrd_page_aligned)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x100000, 0x7654321);
	ck_assert_int_eq(initrd_place(&bi, &ram, 0x12345, MiB_(16), MiB_(32),
				      &addr), 0);
	ck_assert_uint_eq(addr, (0x7654321 - 0x12345) & ~0xfffull);
}
END_TEST

START_TEST(initrd_no_room_enomem)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, MiB_(1), MiB_(2));
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(4), MiB_(16), MiB_(32),
				      &addr), -ENOMEM);
	ck_assert_uint_eq(addr, 0xdead);
}
END_TEST

START_TEST(initrd_only_room_is_kernel_enomem)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, MiB_(16), MiB_(20));
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(16), MiB_(20),
				      &addr), -ENOMEM);
}
END_TEST

START_TEST(initrd_only_room_above_addr_max_enomem)
{
	bi = kernel(0x1000000, 0x1000000, true);
	rangeset_add(&ram, 0x80000000, 0x90000000);
	ck_assert_int_eq(initrd_place(&bi, &ram, MiB_(2), MiB_(16), MiB_(32),
				      &addr), -ENOMEM);
}
END_TEST

/* --- bootparams_build --- */

static uint8_t *bp;
static struct e820_table e820;
static struct boot_args args;

static void build_setup(void)
{
	setup();
	/* Recognisable bytes across the whole setup header and past it. */
	for (size_t i = BP_HDR; i < 0x300; i++)
		if (i != BP_JUMP + 1)
			img[i] = (uint8_t)(i * 7 + 3);
	bp = malloc(4096);   /* ASan catches a write past the page */
	memset(bp, 0xcc, 4096);
	e820_init(&e820);
	e820_set(&e820, 0x0, 0x9f000, E820_RAM);
	e820_set(&e820, 0xf0000, 0x10000, E820_RESERVED);
	e820_set(&e820, 0x100000, 0x3ff00000, E820_RAM);
	args = (struct boot_args){
		.load_addr = 0x1000000, .cmdline_addr = 0x20000,
		.initrd_addr = 0x7f000000, .initrd_size = 0x300000,
		.rsdp_addr = 0xf5a20, .e820 = &e820,
	};
}

static void build_teardown(void)
{
	free(bp);
	teardown();
}

static int build(void)
{
	return bootparams_build(bp, img, IMG_SIZE, &args);
}

/* Fields bootparams_build writes inside the setup header. */
static bool written(size_t off)
{
	return off == BP_TYPE_OF_LOADER ||
	       (off >= BP_CODE32_START && off < BP_CODE32_START + 4) ||
	       (off >= BP_RAMDISK_IMAGE && off < BP_RAMDISK_SIZE + 4) ||
	       (off >= BP_CMD_LINE_PTR && off < BP_CMD_LINE_PTR + 4);
}

START_TEST(build_copies_setup_header)
{
	size_t end = BP_HEADER + JUMP_OFF;

	ck_assert_int_eq(build(), 0);
	for (size_t off = BP_HDR; off < end; off++)
		if (!written(off))
			ck_assert_msg(bp[off] == img[off],
				      "byte %#zx is %#x, image has %#x", off,
				      bp[off], img[off]);
}
END_TEST

START_TEST(build_stops_at_header_end)
{
	ck_assert_int_eq(build(), 0);
	for (size_t off = BP_HEADER + JUMP_OFF; off < BP_E820_TABLE; off++)
		ck_assert_msg(bp[off] == 0, "byte %#zx is %#x", off, bp[off]);
}
END_TEST

START_TEST(build_clamps_header_end)
{
	img[BP_JUMP + 1] = 0x7f;   /* would end at 0x281 */
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(bp[BP_HDR_END_MAX - 1], img[BP_HDR_END_MAX - 1]);
	for (size_t off = BP_HDR_END_MAX; off < BP_E820_TABLE; off++)
		ck_assert_msg(bp[off] == 0, "byte %#zx is %#x", off, bp[off]);
}
END_TEST

START_TEST(build_clears_the_rest_of_the_page)
{
	size_t e820_end = BP_E820_TABLE + e820.nr * sizeof(struct e820_entry);

	ck_assert_int_eq(build(), 0);
	for (size_t off = 0; off < BP_ACPI_RSDP_ADDR; off++)
		ck_assert_uint_eq(bp[off], 0);
	for (size_t off = BP_EXT_CMD_LINE_PTR + 4; off < BP_E820_ENTRIES; off++)
		ck_assert_uint_eq(bp[off], 0);
	for (size_t off = e820_end; off < 4096; off++)
		ck_assert_msg(bp[off] == 0, "byte %#zx is %#x", off, bp[off]);
}
END_TEST

START_TEST(build_type_of_loader_undefined)
{
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(bp[BP_TYPE_OF_LOADER], 0xff);
}
END_TEST

START_TEST(build_code32_start)
{
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_CODE32_START), 0x1000000);
}
END_TEST

START_TEST(build_cmdline_below_4g)
{
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_CMD_LINE_PTR), 0x20000);
	ck_assert_uint_eq(r32(bp, BP_EXT_CMD_LINE_PTR), 0);
}
END_TEST

START_TEST(build_cmdline_above_4g)
{
	args.cmdline_addr = 0x123456000;
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_CMD_LINE_PTR), 0x23456000);
	ck_assert_uint_eq(r32(bp, BP_EXT_CMD_LINE_PTR), 0x1);
}
END_TEST

START_TEST(build_ramdisk_below_4g)
{
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_IMAGE), 0x7f000000);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_SIZE), 0x300000);
	ck_assert_uint_eq(r32(bp, BP_EXT_RAMDISK_IMG), 0);
	ck_assert_uint_eq(r32(bp, BP_EXT_RAMDISK_SIZE), 0);
}
END_TEST

START_TEST(build_ramdisk_above_4g)
{
	args.initrd_addr = 0x240001000;
	args.initrd_size = 0x100002000;
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_IMAGE), 0x40001000);
	ck_assert_uint_eq(r32(bp, BP_EXT_RAMDISK_IMG), 0x2);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_SIZE), 0x2000);
	ck_assert_uint_eq(r32(bp, BP_EXT_RAMDISK_SIZE), 0x1);
}
END_TEST

START_TEST(build_no_initrd)
{
	args.initrd_addr = 0;
	args.initrd_size = 0;
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_IMAGE), 0);
	ck_assert_uint_eq(r32(bp, BP_RAMDISK_SIZE), 0);
}
END_TEST

START_TEST(build_acpi_rsdp_addr)
{
	args.rsdp_addr = 0x1234f5a20;
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(r64(bp, BP_ACPI_RSDP_ADDR), 0x1234f5a20);
}
END_TEST

START_TEST(build_e820_table)
{
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(bp[BP_E820_ENTRIES], 3);
	/* 20-byte packed entries: addr, size, type. */
	ck_assert_uint_eq(r64(bp, BP_E820_TABLE + 20), 0xf0000);
	ck_assert_uint_eq(r64(bp, BP_E820_TABLE + 28), 0x10000);
	ck_assert_uint_eq(r32(bp, BP_E820_TABLE + 36), E820_RESERVED);
	ck_assert_mem_eq(bp + BP_E820_TABLE, e820.map, 3 * 20);
}
END_TEST

START_TEST(build_full_e820_table_fits)
{
	e820_init(&e820);
	for (unsigned i = 0; i < E820_MAX; i++)
		e820_set(&e820, i * 0x2000ull, 0x1000, E820_RAM);
	ck_assert_int_eq(build(), 0);
	ck_assert_uint_eq(bp[BP_E820_ENTRIES], E820_MAX);
	ck_assert_uint_eq(r64(bp, BP_E820_TABLE + 127 * 20), 127 * 0x2000);
	ck_assert_uint_eq(bp[BP_E820_TABLE + 128 * 20], 0);
}
END_TEST

START_TEST(build_rejects_oversized_e820)
{
	e820.nr = E820_MAX + 1;
	ck_assert_int_eq(build(), -EINVAL);
}
END_TEST

START_TEST(build_rejects_short_image)
{
	ck_assert_int_eq(bootparams_build(bp, img, BP_HDR_END_MAX - 1, &args),
			 -EINVAL);
}
END_TEST

/* --- the real dom0 kernel, when the build has one --- */

static char real_path[4096];

START_TEST(real_bzimage)
{
	FILE *f = fopen(real_path, "rb");
	uint8_t *k;
	long size;
	unsigned sects;

	ck_assert_ptr_nonnull(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	k = malloc(size);
	ck_assert_uint_eq(fread(k, 1, size, f), (size_t)size);
	fclose(f);

	ck_assert_int_eq(bzimage_parse(k, size, &bi), 0);
	sects = k[BP_SETUP_SECTS] ? k[BP_SETUP_SECTS] : 4;
	ck_assert_uint_eq(bi.pm_offset, (sects + 1) * 512);
	ck_assert_uint_eq(bi.pm_size, size - bi.pm_offset);
	ck_assert_uint_ge(bi.version, BOOT_MIN_VERSION);
	ck_assert(bi.relocatable);
	ck_assert_uint_ge(bi.init_size, bi.pm_size);
	ck_assert_uint_eq(bi.kernel_alignment & (bi.kernel_alignment - 1), 0);

	/* 1 GiB of RAM from 1 MiB: the kernel goes to its preferred place. */
	rangeset_init(&ram);
	rangeset_add(&ram, 0x100000, 0x40000000);
	ck_assert_int_eq(bzimage_place(&bi, &ram, &addr), 0);
	ck_assert_uint_eq(addr, bi.pref_address);

	bp = calloc(1, 4096);
	e820_init(&e820);
	e820_set(&e820, 0x100000, 0x3ff00000, E820_RAM);
	args = (struct boot_args){ .load_addr = addr, .e820 = &e820 };
	ck_assert_int_eq(bootparams_build(bp, k, size, &args), 0);
	ck_assert_uint_eq(r32(bp, BP_HEADER), BP_HDRS_MAGIC);
	ck_assert_uint_eq(bp[BP_VERSION], k[BP_VERSION]);
	ck_assert_uint_eq(r32(bp, BP_INIT_SIZE), bi.init_size);
	free(bp);
	free(k);
}
END_TEST

static Suite *bootparams_suite(void)
{
	Suite *s = suite_create("bootparams");
	TCase *p = tcase_create("parse");
	TCase *pl = tcase_create("place");
	TCase *b = tcase_create("build");
	glob_t g;

	tcase_add_checked_fixture(p, setup, teardown);
	tcase_add_test(p, parse_valid_header);
	tcase_add_test(p, parse_setup_sects_zero_means_four);
	tcase_add_test(p, parse_not_relocatable);
	tcase_add_test(p, parse_oldest_accepted_version);
	tcase_add_test(p, parse_init_size_equal_to_pm_size);
	tcase_add_test(p, reject_image_smaller_than_header);
	tcase_add_test(p, reject_bad_boot_flag);
	tcase_add_test(p, reject_bad_magic);
	tcase_add_test(p, reject_old_version);
	tcase_add_test(p, reject_without_loaded_high);
	tcase_add_test(p, reject_without_xlf_kernel_64);
	tcase_add_test(p, reject_pm_offset_at_end_of_image);
	tcase_add_test(p, reject_pm_offset_beyond_image);
	tcase_add_test(p, reject_init_size_below_pm_size);
	tcase_add_test(p, reject_zero_alignment);
	tcase_add_test(p, reject_alignment_not_power_of_two);
	suite_add_tcase(s, p);

	tcase_add_checked_fixture(pl, ram_setup, NULL);
	tcase_add_test(pl, place_at_pref_when_it_fits);
	tcase_add_test(pl, place_not_relocatable_at_pref);
	tcase_add_test(pl, place_lowest_aligned_above_16m);
	tcase_add_test(pl, place_when_pref_crosses_a_hole);
	tcase_add_test(pl, place_below_16m_when_nothing_above_fits);
	tcase_add_test(pl, place_not_relocatable_enomem);
	tcase_add_test(pl, place_relocatable_no_room_enomem);
	tcase_add_test(pl, initrd_highest_below_addr_max);
	tcase_add_test(pl, initrd_highest_in_ram_below_addr_max);
	tcase_add_test(pl, initrd_addr_max_4g_limits_to_4g);
	tcase_add_test(pl, initrd_goes_below_kernel_at_top);
	tcase_add_test(pl, initrd_ends_right_at_kernel_start);
	tcase_add_test(pl, initrd_moves_to_lower_range);
	tcase_add_test(pl, initrd_page_aligned);
	tcase_add_test(pl, initrd_no_room_enomem);
	tcase_add_test(pl, initrd_only_room_is_kernel_enomem);
	tcase_add_test(pl, initrd_only_room_above_addr_max_enomem);
	suite_add_tcase(s, pl);

	tcase_add_checked_fixture(b, build_setup, build_teardown);
	tcase_add_test(b, build_copies_setup_header);
	tcase_add_test(b, build_stops_at_header_end);
	tcase_add_test(b, build_clamps_header_end);
	tcase_add_test(b, build_clears_the_rest_of_the_page);
	tcase_add_test(b, build_type_of_loader_undefined);
	tcase_add_test(b, build_code32_start);
	tcase_add_test(b, build_cmdline_below_4g);
	tcase_add_test(b, build_cmdline_above_4g);
	tcase_add_test(b, build_ramdisk_below_4g);
	tcase_add_test(b, build_ramdisk_above_4g);
	tcase_add_test(b, build_no_initrd);
	tcase_add_test(b, build_acpi_rsdp_addr);
	tcase_add_test(b, build_e820_table);
	tcase_add_test(b, build_full_e820_table_fits);
	tcase_add_test(b, build_rejects_oversized_e820);
	tcase_add_test(b, build_rejects_short_image);
	suite_add_tcase(s, b);

	/* The real kernel is optional: without it the test is not added
	 * (and so not counted as passed), and a SKIP line says why. */
	if (glob(KEEL_DOM0_DIR "/vmlinuz-*", 0, NULL, &g) == 0) {
		TCase *real = tcase_create("real-kernel");

		snprintf(real_path, sizeof(real_path), "%s", g.gl_pathv[0]);
		tcase_set_timeout(real, 30);
		tcase_add_test(real, real_bzimage);
		suite_add_tcase(s, real);
	} else {
		harness_skip("bootparams", "real_bzimage",
			     "no " KEEL_DOM0_DIR "/vmlinuz-*");
	}
	globfree(&g);
	return s;
}

HARNESS_MAIN(bootparams_suite)
