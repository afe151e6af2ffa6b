/*
 * The boot CPU's path from GRUB to dom0: console, boot information,
 * memory, descriptors, clocks, SVM, the other CPUs, then dom0.
 */
#include <asm/dom0.h>
#include <asm/desc.h>
#include <asm/lapic.h>
#include <asm/mm.h>
#include <asm/multiboot2.h>
#include <asm/percpu.h>
#include <asm/smp.h>
#include <asm/svm.h>
#include <asm/time.h>
#include <asm/uart.h>
#include <asm/x86.h>
#include <keel/arch.h>
#include <keel/cmdline.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/page.h>
#include <keel/sched.h>
#include <keel/rangeset.h>
#include <keel/version.h>

#define MBI_MAX (64 * 1024)

extern char __image_start[], __image_end[], bsp_stack[];

static uint8_t mbi_copy[MBI_MAX] __aligned(8);
static struct mb2_info mbi;
static struct rangeset boot_ram;   /* all RAM in the firmware map */

/* Command-line options. */
static uint64_t opt_dom0_mem;
static bool opt_noreboot;

static int parse_loglvl(const char *v)
{
	enum log_level l;
	int rc = console_parse_level(v, &l);

	if (!rc)
		console_set_level(l);
	return rc;
}

static int parse_console(const char *v)
{
	unsigned s;
	int rc = console_parse_sinks(v, &s);

	if (!rc)
		console_set_sinks(s);
	return rc;
}

static const struct param params[] = {
	{ "dom0_mem", PARAM_SIZE, &opt_dom0_mem, 0, NULL },
	{ "loglvl", PARAM_CUSTOM, NULL, 0, parse_loglvl },
	{ "console", PARAM_CUSTOM, NULL, 0, parse_console },
	{ "noreboot", PARAM_BOOL, &opt_noreboot, 0, NULL },
};

static void warn_param(const char *word, const char *why)
{
	pr_warn("cmdline: ignoring \"%s\": %s\n", word, why);
}

unsigned arch_nr_cpus(void)
{
	return nr_cpus_online;
}

uint32_t arch_cpu_khz(void)
{
	return (uint32_t)tsc_khz;
}

static void machine_restart(void)
{
	outb(0xcf9, 0x02);		/* PIIX reset control: hard reset */
	udelay(50);
	outb(0xcf9, 0x06);
	udelay(50000);
	outb(0x64, 0xfe);		/* keyboard controller reset */
	udelay(50000);
	__asm__ volatile("lidt %0; int3" : : "m"((uint64_t[2]){ 0, 0 }));
}

void dom0_died(const char *why)
{
	console_reclaim_com1();
	pr_err("dom0 died: %s\n", why);
	arch_stop_other_cpus();
	if (opt_noreboot) {
		pr_err("noreboot given: the machine stays stopped\n");
		arch_halt();
	}
	pr_err("restarting the machine\n");
	machine_restart();
	arch_halt();
}

static const char *mem_type(uint32_t t)
{
	static const char *const names[] = { "?", "RAM", "reserved",
					     "ACPI data", "ACPI NVS", "bad" };

	return t < ARRAY_SIZE(names) ? names[t] : "reserved";
}

static void print_banner(void)
{
	pr_info("Keel hypervisor %u.%u%s (build id %s, built %s)\n",
		KEEL_VERSION_MAJOR, KEEL_VERSION_MINOR, KEEL_VERSION_EXTRA,
		build_id_hex(), KEEL_BUILD_DATE);
	pr_info("command line: %s\n", mbi.cmdline ? mbi.cmdline : "");
	pr_info("loaded by %s\n", mbi.loader_name ? mbi.loader_name : "?");
	pr_info("firmware memory map:\n");
	for (unsigned i = 0; i < mbi.nr_mmap; i++)
		pr_info("  %016lx-%016lx %s\n", mbi.mmap[i].addr,
			mbi.mmap[i].addr + mbi.mmap[i].len - 1,
			mem_type(mbi.mmap[i].type));
}

static void load_boot_info(uint32_t magic, uint32_t mbi_pa)
{
	uint32_t total;
	int rc;

	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot2 loader (magic %x)", magic);
	/* Copy the information before any allocation can overwrite it. */
	memcpy(&total, phys_to_virt(mbi_pa), 4);
	if (total > sizeof(mbi_copy))
		panic("boot information too large (%u bytes)", total);
	memcpy(mbi_copy, phys_to_virt(mbi_pa), total);
	rc = mb2_parse(mbi_copy, total, &mbi);
	if (rc)
		panic("malformed Multiboot2 boot information (%d)", rc);
}

static void range_pfns(uint64_t s, uint64_t e, uint64_t *pfn, uint64_t *n)
{
	*pfn = s >> PAGE_SHIFT;
	*n = (e - s) >> PAGE_SHIFT;
}

/* Split RAM between dom0 and the hypervisor, and start the allocator. */
static void memory_setup(struct rangeset *dom0_ram, struct rangeset *hv_owned)
{
	static struct rangeset pool, free, modules;
	struct rangeset *ram = &boot_ram;
	uint64_t img_s = ALIGN_DOWN((uint64_t)__image_start, PAGE_SIZE);
	uint64_t img_e = ALIGN_UP((uint64_t)__image_end, PAGE_SIZE);
	uint64_t avail, lo, hi, bm_bytes, bm = 0, pfn, n;

	rangeset_init(ram);
	for (unsigned i = 0; i < mbi.nr_mmap; i++)
		if (mbi.mmap[i].type == MB2_MEM_AVAILABLE &&
		    rangeset_add(ram, mbi.mmap[i].addr,
				 mbi.mmap[i].addr + mbi.mmap[i].len))
			panic("memory map too fragmented");
	rangeset_align_inward(ram, PAGE_SIZE);
	rangeset_init(&modules);
	for (unsigned i = 0; i < mbi.nr_modules; i++)
		rangeset_add(&modules, ALIGN_DOWN(mbi.modules[i].start, PAGE_SIZE),
			     ALIGN_UP(mbi.modules[i].end, PAGE_SIZE));

	*dom0_ram = *ram;
	rangeset_remove(dom0_ram, img_s, img_e);
	avail = rangeset_size(dom0_ram);
	if (!opt_dom0_mem)	/* default: a quarter, within [256M, 4G] */
		opt_dom0_mem = MIN(MAX(avail / 4, MiB(256)), GiB(4));
	if (opt_dom0_mem < MiB(64)) {
		pr_warn("dom0_mem=%luM is too small; using 64M\n", opt_dom0_mem >> 20);
		opt_dom0_mem = MiB(64);
	}
	if (opt_dom0_mem + MiB(16) > avail) {
		pr_warn("dom0_mem=%luM leaves the hypervisor nothing; using %luM\n",
			opt_dom0_mem >> 20, (avail - MiB(16)) >> 20);
		opt_dom0_mem = avail - MiB(16);
	}
	rangeset_truncate(dom0_ram, ALIGN_DOWN(opt_dom0_mem, PAGE_SIZE));

	*hv_owned = *ram;
	rangeset_remove_set(hv_owned, dom0_ram);
	rangeset_add(hv_owned, img_s, img_e);
	pool = *hv_owned;
	rangeset_remove(&pool, img_s, img_e);
	if (!pool.nr)
		panic("no memory left for the hypervisor");

	/* The allocator's bitmap goes in the first pool range that holds it
	 * and no module. */
	lo = pool.r[0].start;
	hi = pool.r[pool.nr - 1].end;
	bm_bytes = ALIGN_UP(frame_bitmap_bytes((hi - lo) >> PAGE_SHIFT), PAGE_SIZE);
	free = pool;
	rangeset_remove_set(&free, &modules);
	for (unsigned i = 0; i < free.nr && !bm; i++)
		if (free.r[i].end - free.r[i].start >= bm_bytes)
			bm = free.r[i].start;
	if (!bm)
		panic("no room for the frame allocator's bitmap");
	frame_init(&hv_frames, phys_to_virt(bm), lo >> PAGE_SHIFT,
		   (hi - lo) >> PAGE_SHIFT);
	rangeset_remove(&free, bm, bm + bm_bytes);
	for (unsigned i = 0; i < free.nr; i++) {
		range_pfns(free.r[i].start, free.r[i].end, &pfn, &n);
		frame_add_free(&hv_frames, pfn, n);
	}

	mem_summary.total_pages = rangeset_size(ram) >> PAGE_SHIFT;
	mem_summary.dom0_pages = rangeset_size(dom0_ram) >> PAGE_SHIFT;
	mem_summary.image_pages = (img_e - img_s) >> PAGE_SHIFT;
	pr_info("memory: %lu MiB of RAM; dom0 gets %lu MiB; %lu MiB stay with the hypervisor, for itself and the guests (image %lu KiB at 0x%lx)\n",
		rangeset_size(ram) >> 20, rangeset_size(dom0_ram) >> 20,
		rangeset_size(hv_owned) >> 20, (img_e - img_s) >> 10, img_s);
	for (unsigned i = 0; i < hv_owned->nr; i++)
		pr_info("  reserved from dom0: %016lx-%016lx\n",
			hv_owned->r[i].start, hv_owned->r[i].end - 1);
}

/* Module memory in the pool was only borrowed for booting dom0. */
static void release_modules(const struct rangeset *hv_owned)
{
	uint64_t img_s = ALIGN_DOWN((uint64_t)__image_start, PAGE_SIZE);
	uint64_t img_e = ALIGN_UP((uint64_t)__image_end, PAGE_SIZE);

	for (unsigned m = 0; m < mbi.nr_modules; m++) {
		uint64_t ms = ALIGN_UP(mbi.modules[m].start, PAGE_SIZE);
		uint64_t me = ALIGN_DOWN(mbi.modules[m].end, PAGE_SIZE);

		for (unsigned i = 0; i < hv_owned->nr; i++) {
			uint64_t s = MAX(ms, hv_owned->r[i].start);
			uint64_t e = MIN(me, hv_owned->r[i].end);
			uint64_t pfn, n;

			if (s >= e || (s < img_e && e > img_s))
				continue;
			range_pfns(s, e, &pfn, &n);
			frame_add_free(&hv_frames, pfn, n);
		}
	}
}

void start_hypervisor(uint32_t magic, uint32_t mbi_pa)
{
	static struct rangeset dom0_ram, hv_owned;
	struct pcpu *bsp = &pcpus[0];
	const char *why;

	get_cpu_info()->pcpu = bsp;
	bsp->stack_block = (uint64_t)bsp_stack;
	bsp->online = true;
	uart_init();
	load_boot_info(magic, mbi_pa);
	cmdline_parse(mbi.cmdline, params, ARRAY_SIZE(params), warn_param);
	print_banner();

	idt_init();
	cpu_load_descriptors(bsp);
	lapic_map();
	bsp->apic_id = lapic_id();
	why = svm_unsupported_reason();
	if (why) {
		pr_err("FATAL: %s.\nThe hypervisor needs AMD SVM with nested paging; stopping.\n",
		       why);
		arch_halt();
	}
	memory_setup(&dom0_ram, &hv_owned);
	mm_init(&boot_ram);
	page_info_init();
	time_init();
	svm_cpu_init(bsp);
	smp_boot(mbi.rsdp, mbi.rsdp_len);
	dom0_build(&mbi, &dom0_ram, &hv_owned);
	domain_table_init();
	release_modules(&hv_owned);
	svm_guest_maps_init();
	sched_init(1, nr_cpus_online - 1);
	schedule_start();
	pr_info("memory: %lu MiB free for guests\n",
		frame_free_count(&hv_frames) >> (20 - PAGE_SHIFT));
	dom0_start();
}
