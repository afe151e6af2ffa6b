/*
 * arch/x86/multiboot2.c: mb2_parse() over info blocks built here, tag by
 * tag (Multiboot2 specification sec. 3.6).  Each block is handed over in a
 * heap buffer of exactly the bytes offered, so AddressSanitizer catches
 * any read past them.
 */
#include "harness.h"

#include <asm/multiboot2.h>
#include <keel/errno.h>

/* A block under construction. */
static uint8_t blk[16384] __attribute__((aligned(8)));
static size_t len;
static uint8_t *copy;         /* what the parser sees */
static struct mb2_info info;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static void setup(void)
{
	memset(blk, 0, sizeof(blk));
	len = 8;   /* total_size, reserved */
	copy = NULL;
}

static void teardown(void)
{
	free(copy);
}

/* Append a tag of `size` bytes (padded to 8); returns its start. */
static uint8_t *tag(uint32_t type, uint32_t size)
{
	uint8_t *t = blk + len;

	ck_assert_uint_le(len + size + 8, sizeof(blk));
	put32(t, type);
	put32(t + 4, size);
	len += (size + 7) & ~7u;
	return t;
}

static uint8_t *string_tag(uint32_t type, const char *s)
{
	uint8_t *t = tag(type, 8 + strlen(s) + 1);

	memcpy(t + 8, s, strlen(s) + 1);
	return t;
}

static uint8_t *module_tag(uint32_t start, uint32_t end, const char *s)
{
	uint8_t *t = tag(MB2_TAG_MODULE, 16 + strlen(s) + 1);

	put32(t + 8, start);
	put32(t + 12, end);
	memcpy(t + 16, s, strlen(s) + 1);
	return t;
}

struct ent { uint64_t addr, len; uint32_t type; };

static uint8_t *mmap_tag(const struct ent *e, unsigned n, uint32_t esize)
{
	uint8_t *t = tag(MB2_TAG_MMAP, 16 + n * esize);

	put32(t + 8, esize);
	put32(t + 12, 0);   /* entry_version */
	for (unsigned i = 0; i < n; i++) {
		uint8_t *p = t + 16 + i * esize;

		put64(p, e[i].addr);
		put64(p + 8, e[i].len);
		put32(p + 16, e[i].type);
		memset(p + 20, 0xee, esize - 20);   /* reserved / future */
	}
	return t;
}

static uint8_t *acpi_tag(uint32_t type, unsigned rsdp_len, uint8_t fill)
{
	uint8_t *t = tag(type, 8 + rsdp_len);

	memset(t + 8, fill, rsdp_len);
	return t;
}

/* Close the block: end tag, then total_size. */
static void end(void)
{
	tag(MB2_TAG_END, 8);
	put32(blk, len);
}

/* Parse the first `avail` bytes of the block from a heap copy of exactly
 * that size. */
static int parse_avail(size_t avail)
{
	copy = malloc(avail ? avail : 1);
	memcpy(copy, blk, avail);
	return mb2_parse(copy, avail, &info);
}

static int parse(void)
{
	return parse_avail(len);
}

/* Offset of a pointer the parser returned, inside the parsed copy. */
static size_t off_in_copy(const void *p)
{
	return (const uint8_t *)p - copy;
}

/* --- well-formed blocks --- */

START_TEST(minimal_block)
{
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_ptr_null(info.cmdline);
	ck_assert_ptr_null(info.loader_name);
	ck_assert_uint_eq(info.nr_modules, 0);
	ck_assert_uint_eq(info.nr_mmap, 0);
	ck_assert_ptr_null(info.rsdp);
}
END_TEST

START_TEST(parse_clears_previous_results)
{
	memset(&info, 0xa5, sizeof(info));
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_ptr_null(info.cmdline);
	ck_assert_uint_eq(info.nr_modules, 0);
	ck_assert_uint_eq(info.rsdp_len, 0);
}
END_TEST

START_TEST(cmdline_points_into_block)
{
	uint8_t *t = string_tag(MB2_TAG_CMDLINE, "loglvl=debug dom0_mem=1G");

	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(info.cmdline, "loglvl=debug dom0_mem=1G");
	ck_assert_uint_eq(off_in_copy(info.cmdline), (size_t)(t - blk) + 8);
}
END_TEST

START_TEST(loader_name)
{
	string_tag(MB2_TAG_LOADER_NAME, "GRUB 2.06-13+deb12u1");
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(info.loader_name, "GRUB 2.06-13+deb12u1");
}
END_TEST

START_TEST(unaligned_tag_sizes_are_padded)
{
	string_tag(MB2_TAG_CMDLINE, "abc");          /* size 12 */
	string_tag(MB2_TAG_LOADER_NAME, "GRUB");     /* size 13 */
	module_tag(0x100000, 0x180000, "m");         /* size 18 */
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(info.cmdline, "abc");
	ck_assert_str_eq(info.loader_name, "GRUB");
	ck_assert_uint_eq(info.nr_modules, 1);
	ck_assert_str_eq(info.modules[0].string, "m");
}
END_TEST

START_TEST(unknown_tags_skipped)
{
	uint8_t *t = tag(MB2_TAG_BASIC_MEM, 16);

	put32(t + 8, 639);
	put32(t + 12, 0x7fc00);
	tag(21, 12);   /* load base address */
	tag(0x1234, 40);
	string_tag(MB2_TAG_CMDLINE, "x");
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(info.cmdline, "x");
}
END_TEST

START_TEST(bytes_after_end_tag_ignored)
{
	end();
	tag(MB2_TAG_MODULE, 8);   /* malformed, but after the end tag */
	put32(blk, len);
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_modules, 0);
}
END_TEST

/* --- modules --- */

START_TEST(modules_in_order)
{
	module_tag(0x1000000, 0x17d8000, "vmlinuz console=ttyS0");
	module_tag(0x1800000, 0x1a42000, "initrd.img");
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_modules, 2);
	ck_assert_uint_eq(info.modules[0].start, 0x1000000);
	ck_assert_uint_eq(info.modules[0].end, 0x17d8000);
	ck_assert_str_eq(info.modules[0].string, "vmlinuz console=ttyS0");
	ck_assert_uint_eq(info.modules[1].start, 0x1800000);
	ck_assert_uint_eq(info.modules[1].end, 0x1a42000);
	ck_assert_str_eq(info.modules[1].string, "initrd.img");
}
END_TEST

START_TEST(module_empty_string)
{
	module_tag(0x1000, 0x2000, "");
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_str_eq(info.modules[0].string, "");
}
END_TEST

START_TEST(max_modules_accepted)
{
	for (unsigned i = 0; i < MB2_MAX_MODULES; i++)
		module_tag(i * 0x1000, i * 0x1000 + 0x800, "m");
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_modules, MB2_MAX_MODULES);
	ck_assert_uint_eq(info.modules[MB2_MAX_MODULES - 1].start,
			  (MB2_MAX_MODULES - 1) * 0x1000);
}
END_TEST

START_TEST(too_many_modules_e2big)
{
	for (unsigned i = 0; i < MB2_MAX_MODULES + 1; i++)
		module_tag(i * 0x1000, i * 0x1000 + 0x800, "m");
	end();
	ck_assert_int_eq(parse(), -E2BIG);
}
END_TEST

START_TEST(module_string_without_terminator_einval)
{
	uint8_t *t = tag(MB2_TAG_MODULE, 16 + 4);

	put32(t + 8, 0x1000);
	put32(t + 12, 0x2000);
	memcpy(t + 16, "abcd", 4);   /* the padding after it is zero */
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(module_tag_too_short_einval)
{
	uint8_t *t = tag(MB2_TAG_MODULE, 16);   /* no room for a string */

	put32(t + 8, 0x1000);
	put32(t + 12, 0x2000);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(module_end_before_start_einval)
{
	module_tag(0x2000, 0x1000, "m");
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

/* --- strings --- */

START_TEST(cmdline_without_terminator_einval)
{
	uint8_t *t = tag(MB2_TAG_CMDLINE, 8 + 4);

	memcpy(t + 8, "abcd", 4);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(cmdline_tag_without_room_einval)
{
	tag(MB2_TAG_CMDLINE, 8);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(loader_name_without_terminator_einval)
{
	uint8_t *t = tag(MB2_TAG_LOADER_NAME, 8 + 3);

	memcpy(t + 8, "abc", 3);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

/* --- memory map --- */

static const struct ent e3[] = {
	{ 0x0, 0x9fc00, MB2_MEM_AVAILABLE },
	{ 0x100000, 0x7fee0000, MB2_MEM_AVAILABLE },
	{ 0xfffc0000, 0x40000, MB2_MEM_RESERVED },
};

START_TEST(mmap_entries)
{
	mmap_tag(e3, 3, 24);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, 3);
	for (unsigned i = 0; i < 3; i++) {
		ck_assert_uint_eq(info.mmap[i].addr, e3[i].addr);
		ck_assert_uint_eq(info.mmap[i].len, e3[i].len);
		ck_assert_uint_eq(info.mmap[i].type, e3[i].type);
	}
}
END_TEST

START_TEST(mmap_larger_entries_use_their_stride)
{
	mmap_tag(e3, 3, 40);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, 3);
	ck_assert_uint_eq(info.mmap[2].addr, 0xfffc0000);
	ck_assert_uint_eq(info.mmap[2].len, 0x40000);
	ck_assert_uint_eq(info.mmap[2].type, MB2_MEM_RESERVED);
}
END_TEST

START_TEST(mmap_entries_from_two_tags_accumulate)
{
	mmap_tag(e3, 2, 24);
	mmap_tag(e3 + 2, 1, 24);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, 3);
	ck_assert_uint_eq(info.mmap[2].addr, 0xfffc0000);
}
END_TEST

START_TEST(mmap_trailing_partial_entry_ignored)
{
	uint8_t *t = mmap_tag(e3, 2, 24);

	put32(t + 4, 16 + 2 * 24 + 16);   /* a 16-byte stub after entry 1 */
	len += 16;
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, 2);
}
END_TEST

START_TEST(mmap_entry_size_below_24_einval)
{
	static const struct ent one = { 0, 0x1000, 1 };

	/* Build with 24-byte entries, then claim 16. */
	uint8_t *t = mmap_tag(&one, 1, 24);

	put32(t + 8, 16);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(mmap_entry_size_unaligned_einval)
{
	static const struct ent one = { 0, 0x1000, 1 };
	uint8_t *t = mmap_tag(&one, 1, 32);

	put32(t + 8, 28);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(mmap_huge_entry_size_reads_nothing)
{
	static const struct ent one = { 0, 0x1000, 1 };
	uint8_t *t = mmap_tag(&one, 1, 24);

	/* off + esize must not wrap around 2^32 and pass the bound. */
	put32(t + 8, 0xfffffff8u);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, 0);
}
END_TEST

START_TEST(mmap_tag_shorter_than_header_einval)
{
	uint8_t *t = tag(MB2_TAG_MMAP, 12);

	put32(t + 8, 24);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(max_mmap_entries_accepted)
{
	static struct ent e[MB2_MAX_MMAP];

	for (unsigned i = 0; i < MB2_MAX_MMAP; i++)
		e[i] = (struct ent){ i * 0x2000ull, 0x1000, 1 };
	mmap_tag(e, MB2_MAX_MMAP, 24);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.nr_mmap, MB2_MAX_MMAP);
	ck_assert_uint_eq(info.mmap[MB2_MAX_MMAP - 1].addr,
			  (MB2_MAX_MMAP - 1) * 0x2000ull);
}
END_TEST

START_TEST(too_many_mmap_entries_e2big)
{
	static struct ent e[MB2_MAX_MMAP + 1];

	for (unsigned i = 0; i < MB2_MAX_MMAP + 1; i++)
		e[i] = (struct ent){ i * 0x2000ull, 0x1000, 1 };
	mmap_tag(e, 100, 24);
	mmap_tag(e + 100, MB2_MAX_MMAP + 1 - 100, 24);
	end();
	ck_assert_int_eq(parse(), -E2BIG);
}
END_TEST

/* --- ACPI --- */

START_TEST(acpi_old_rsdp)
{
	uint8_t *t = acpi_tag(MB2_TAG_ACPI_OLD, 20, 0x11);

	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(off_in_copy(info.rsdp), (size_t)(t - blk) + 8);
	ck_assert_uint_eq(info.rsdp_len, 20);
}
END_TEST

START_TEST(acpi_new_preferred_when_it_comes_first)
{
	uint8_t *t = acpi_tag(MB2_TAG_ACPI_NEW, 36, 0x22);

	acpi_tag(MB2_TAG_ACPI_OLD, 20, 0x11);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(off_in_copy(info.rsdp), (size_t)(t - blk) + 8);
	ck_assert_uint_eq(info.rsdp_len, 36);
	ck_assert_uint_eq(info.rsdp[0], 0x22);
}
END_TEST

START_TEST(acpi_new_preferred_when_it_comes_last)
{
	acpi_tag(MB2_TAG_ACPI_OLD, 20, 0x11);
	acpi_tag(MB2_TAG_ACPI_NEW, 36, 0x22);
	end();
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(info.rsdp_len, 36);
	ck_assert_uint_eq(info.rsdp[0], 0x22);
}
END_TEST

START_TEST(acpi_tag_too_short_einval)
{
	acpi_tag(MB2_TAG_ACPI_OLD, 19, 0x11);
	end();
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

/* --- framing --- */

START_TEST(avail_below_header_einval)
{
	end();
	ck_assert_int_eq(parse_avail(15), -EINVAL);
}
END_TEST

START_TEST(total_size_beyond_avail_einval)
{
	string_tag(MB2_TAG_CMDLINE, "console=com1");
	end();
	/* Only part of the block is readable. */
	ck_assert_int_eq(parse_avail(len - 8), -EINVAL);
}
END_TEST

START_TEST(total_size_below_16_einval)
{
	end();
	put32(blk, 8);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(total_size_cutting_off_end_tag_einval)
{
	string_tag(MB2_TAG_CMDLINE, "console=com1");
	end();
	put32(blk, len - 8);   /* the end tag lies outside total_size */
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(tag_overrunning_total_einval)
{
	uint8_t *t = string_tag(MB2_TAG_CMDLINE, "abc");

	end();
	put32(t + 4, len);   /* runs past the end of the block */
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(tag_size_below_header_einval)
{
	uint8_t *t = tag(0x1234, 8);

	end();
	put32(t + 4, 4);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(end_tag_size_overrunning_einval)
{
	end();
	put32(blk + len - 4, 16);   /* end tag claims 16 bytes of 8 */
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(missing_end_tag_einval)
{
	string_tag(MB2_TAG_CMDLINE, "console=com1");
	put32(blk, len);
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

static Suite *multiboot2_suite(void)
{
	Suite *s = suite_create("multiboot2");
	TCase *ok = tcase_create("tags");
	TCase *mod = tcase_create("modules");
	TCase *str = tcase_create("strings");
	TCase *mm = tcase_create("mmap");
	TCase *acpi = tcase_create("acpi");
	TCase *frm = tcase_create("framing");
	TCase *all[] = { ok, mod, str, mm, acpi, frm };

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		tcase_add_checked_fixture(all[i], setup, teardown);

	tcase_add_test(ok, minimal_block);
	tcase_add_test(ok, parse_clears_previous_results);
	tcase_add_test(ok, cmdline_points_into_block);
	tcase_add_test(ok, loader_name);
	tcase_add_test(ok, unaligned_tag_sizes_are_padded);
	tcase_add_test(ok, unknown_tags_skipped);
	tcase_add_test(ok, bytes_after_end_tag_ignored);

	tcase_add_test(mod, modules_in_order);
	tcase_add_test(mod, module_empty_string);
	tcase_add_test(mod, max_modules_accepted);
	tcase_add_test(mod, too_many_modules_e2big);
	tcase_add_test(mod, module_string_without_terminator_einval);
	tcase_add_test(mod, module_tag_too_short_einval);
	tcase_add_test(mod, module_end_before_start_einval);

	tcase_add_test(str, cmdline_without_terminator_einval);
	tcase_add_test(str, cmdline_tag_without_room_einval);
	tcase_add_test(str, loader_name_without_terminator_einval);

	tcase_add_test(mm, mmap_entries);
	tcase_add_test(mm, mmap_larger_entries_use_their_stride);
	tcase_add_test(mm, mmap_entries_from_two_tags_accumulate);
	tcase_add_test(mm, mmap_trailing_partial_entry_ignored);
	tcase_add_test(mm, mmap_entry_size_below_24_einval);
	tcase_add_test(mm, mmap_entry_size_unaligned_einval);
	tcase_add_test(mm, mmap_huge_entry_size_reads_nothing);
	tcase_add_test(mm, mmap_tag_shorter_than_header_einval);
	tcase_add_test(mm, max_mmap_entries_accepted);
	tcase_add_test(mm, too_many_mmap_entries_e2big);

	tcase_add_test(acpi, acpi_old_rsdp);
	tcase_add_test(acpi, acpi_new_preferred_when_it_comes_first);
	tcase_add_test(acpi, acpi_new_preferred_when_it_comes_last);
	tcase_add_test(acpi, acpi_tag_too_short_einval);

	tcase_add_test(frm, avail_below_header_einval);
	tcase_add_test(frm, total_size_beyond_avail_einval);
	tcase_add_test(frm, total_size_below_16_einval);
	tcase_add_test(frm, total_size_cutting_off_end_tag_einval);
	tcase_add_test(frm, tag_overrunning_total_einval);
	tcase_add_test(frm, tag_size_below_header_einval);
	tcase_add_test(frm, end_tag_size_overrunning_einval);
	tcase_add_test(frm, missing_end_tag_einval);

	for (unsigned i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		suite_add_tcase(s, all[i]);
	return s;
}

HARNESS_MAIN(multiboot2_suite)
