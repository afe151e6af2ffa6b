/* The guest kernel ELF check and the start-page layout. */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "builder.h"
#include <public/start_info.h>

#define RAM (4ull << 20)

/* A valid image: header, two program headers, 0x2000 bytes of text. */
struct img {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t body[0x2000];
} __attribute__((aligned(8)));

static struct img im;
static struct keel_elf_image out;
static char err[256];

static void make_valid(void)
{
	memset(&im, 0, sizeof(im));
	memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
	im.eh.e_ident[EI_CLASS] = ELFCLASS64;
	im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im.eh.e_ident[EI_VERSION] = EV_CURRENT;
	im.eh.e_type = ET_EXEC;
	im.eh.e_machine = EM_X86_64;
	im.eh.e_version = EV_CURRENT;
	im.eh.e_entry = 0x100010;
	im.eh.e_phoff = offsetof(struct img, ph);
	im.eh.e_ehsize = sizeof(Elf64_Ehdr);
	im.eh.e_phentsize = sizeof(Elf64_Phdr);
	im.eh.e_phnum = 2;
	im.ph[0].p_type = PT_LOAD;
	im.ph[0].p_offset = offsetof(struct img, body);
	im.ph[0].p_paddr = im.ph[0].p_vaddr = 0x100000;
	im.ph[0].p_filesz = 0x1000;
	im.ph[0].p_memsz = 0x1000;
	im.ph[1].p_type = PT_LOAD;
	im.ph[1].p_offset = offsetof(struct img, body) + 0x1000;
	im.ph[1].p_paddr = im.ph[1].p_vaddr = 0x101000;
	im.ph[1].p_filesz = 0x1000;
	im.ph[1].p_memsz = 0x3800;     /* BSS */
}

static int check(void)
{
	return keel_elf_check(&im, sizeof(im), RAM, &out, err, sizeof(err));
}

START_TEST(valid_image)
{
	make_valid();
	ck_assert_int_eq(check(), 0);
	ck_assert_uint_eq(out.nr_segs, 2);
	ck_assert_uint_eq(out.entry, 0x100010);
	ck_assert_uint_eq(out.lo, 0x100000);
	ck_assert_uint_eq(out.hi, 0x104800);
}
END_TEST

static void m_magic(void) { im.eh.e_ident[1] = 'X'; }
static void m_class(void) { im.eh.e_ident[EI_CLASS] = ELFCLASS32; }
static void m_endian(void) { im.eh.e_ident[EI_DATA] = ELFDATA2MSB; }
static void m_type(void) { im.eh.e_type = ET_DYN; }
static void m_machine(void) { im.eh.e_machine = EM_386; }
static void m_phentsize(void) { im.eh.e_phentsize = 10; }
static void m_phnum0(void) { im.eh.e_phnum = 0; }
static void m_phoff_past(void) { im.eh.e_phoff = sizeof(im) - 8; }
static void m_phoff_huge(void) { im.eh.e_phoff = ~0ull - 7; }
static void m_filesz_gt_memsz(void) { im.ph[0].p_filesz = 0x2000; }
static void m_offset_past(void) { im.ph[1].p_offset = sizeof(im) - 0x800; }
static void m_offset_wrap(void) { im.ph[1].p_offset = ~0ull - 0x10; }
static void m_low_paddr(void) { im.ph[0].p_paddr = 0xff000; }
static void m_past_ram(void) { im.ph[1].p_memsz = RAM; }
static void m_paddr_wrap(void) { im.ph[1].p_paddr = ~0ull - 0xfff; }
static void m_overlap(void) { im.ph[1].p_paddr = 0x100800; }
static void m_entry_outside(void) { im.eh.e_entry = 0x200000; }
static void m_entry_low(void) { im.eh.e_entry = 0x1000; }
static void m_no_load(void) { im.ph[0].p_type = PT_NOTE; im.ph[1].p_type = PT_NOTE; }

static const struct {
	void (*mutate)(void);
	const char *msg;     /* the start of the expected message */
} bad[] = {
	{ m_magic, "not an ELF file" },
	{ m_class, "not a 64-bit ELF file" },
	{ m_endian, "not a little-endian ELF file" },
	{ m_type, "not an ELF executable" },
	{ m_machine, "not an x86-64 ELF file" },
	{ m_phentsize, "bad program header size" },
	{ m_phnum0, "no program headers" },
	{ m_phoff_past, "program header table runs past the end of the file" },
	{ m_phoff_huge, "program header table runs past the end of the file" },
	{ m_filesz_gt_memsz, "segment 0: file size 0x2000 exceeds memory size 0x1000" },
	{ m_offset_past, "segment 1: bytes" },
	{ m_offset_wrap, "segment 1: bytes" },
	{ m_low_paddr, "segment 0: physical address 0xff000 is below 1 MiB" },
	{ m_past_ram, "segment 1: 0x101000+0x400000 does not fit in the guest's 4 MiB of RAM" },
	{ m_paddr_wrap, "segment 1: 0xfffffffffffff000" },
	{ m_overlap, "segments overlap at 0x100800" },
	{ m_entry_outside, "entry point 0x200000 is not inside a loaded segment" },
	{ m_entry_low, "entry point 0x1000 is not inside a loaded segment" },
	{ m_no_load, "no loadable segment" },
};

START_TEST(bad_image_table)
{
	size_t i = (size_t)_i;

	make_valid();
	bad[i].mutate();
	ck_assert_int_eq(check(), -ENOEXEC);
	ck_assert_msg(!strncmp(err, bad[i].msg, strlen(bad[i].msg)),
		      "bad[%zu]: got '%s', expected '%s...'", i, err, bad[i].msg);
}
END_TEST

START_TEST(short_file)
{
	make_valid();
	ck_assert_int_eq(keel_elf_check(&im, 20, RAM, &out, err, sizeof(err)), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "too short"));
}
END_TEST

START_TEST(layout_after_image)
{
	struct keel_dom_layout l;

	make_valid();
	ck_assert_int_eq(check(), 0);
	ck_assert_int_eq(keel_dom_layout(&out, 1024, &l), 0);
	ck_assert_uint_eq(l.image_first_gfn, 0x100);
	ck_assert_uint_eq(l.start_info_gfn, 0x105);   /* 0x104800 rounded up */
	ck_assert_uint_eq(l.shared_info_gfn, 0x106);
	ck_assert_uint_eq(l.console_gfn, 0x107);
	ck_assert_uint_eq(l.store_gfn, 0x108);
	ck_assert_uint_eq(l.first_free_gfn, 0x109);
	ck_assert_int_eq(keel_dom_layout(&out, 0x109, &l), 0);
	ck_assert_int_eq(keel_dom_layout(&out, 0x108, &l), -ENOSPC);
}
END_TEST

START_TEST(start_info_filled)
{
	struct keel_dom_layout l = { 0x100, 0x105, 0x106, 0x107, 0x108, 0x109 };
	static uint8_t page[4096];
	struct keel_start_info *si = (void *)page;

	memset(page, 0xaa, sizeof(page));
	keel_dom_start_info(page, 7, 1024, 2048, &l, 3, 4, "quiet");
	ck_assert_int_eq(memcmp(si->magic, "keel-si1", 8), 0);
	ck_assert_uint_eq(si->domid, 7);
	ck_assert_uint_eq(si->nr_pages, 1024);
	ck_assert_uint_eq(si->max_pages, 2048);
	ck_assert_uint_eq(si->shared_info_gfn, 0x106);
	ck_assert_uint_eq(si->console_gfn, 0x107);
	ck_assert_uint_eq(si->store_gfn, 0x108);
	ck_assert_uint_eq(si->console_evtchn, 3);
	ck_assert_uint_eq(si->store_evtchn, 4);
	ck_assert_uint_eq(si->first_free_gfn, 0x109);
	ck_assert_str_eq(si->cmdline, "quiet");
	ck_assert_uint_eq(si->reserved[0], 0);
}
END_TEST

Suite *elf_suite(void)
{
	Suite *s = suite_create("builder-elf");
	TCase *tc = tcase_create("elf");

	tcase_add_test(tc, valid_image);
	tcase_add_loop_test(tc, bad_image_table, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, short_file);
	tcase_add_test(tc, layout_after_image);
	tcase_add_test(tc, start_info_filled);
	suite_add_tcase(s, tc);
	return s;
}
