/*
 * Building dom0: an unmodified Linux bzImage started through the 32-bit
 * boot protocol entry (Linux boot.rst, "32-bit boot protocol") as an SVM
 * guest with a 1:1 nested page table.
 */
#include <asm/dom0.h>
#include <asm/bootparams.h>
#include <asm/e820.h>
#include <asm/mm.h>
#include <asm/svm.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/p2m.h>
#include <keel/page.h>

struct domain dom0;

/* dom0 reaches everything below 512 GiB except what the hypervisor owns. */
#define DOM0_NPT_SPAN GiB(512)

static struct e820_table dom0_e820;

/* Skip a leading path in a module string: GRUB passes some with it. */
static const char *module_args(const char *s)
{
	if (s[0] != '/')
		return s;
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void build_e820(const struct mb2_info *mbi,
		       const struct rangeset *hv_owned)
{
	int rc = 0;

	e820_init(&dom0_e820);
	/* RAM first, so that a firmware range listed twice ends up with the
	 * more restrictive type. */
	for (unsigned pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; !rc && i < mbi->nr_mmap; i++) {
			const struct mb2_mmap_entry *e = &mbi->mmap[i];
			uint32_t type = e->type;

			if ((type == MB2_MEM_AVAILABLE) != (pass == 0))
				continue;
			if (type < E820_RAM || type > E820_UNUSABLE)
				type = E820_RESERVED;
			rc = e820_set(&dom0_e820, e->addr, e->len, type);
		}
	}
	/* The hypervisor and the guest pool are reserved, not holes: a hole
	 * could receive a PCI BAR. */
	for (unsigned i = 0; !rc && i < hv_owned->nr; i++)
		rc = e820_set(&dom0_e820, hv_owned->r[i].start,
			      hv_owned->r[i].end - hv_owned->r[i].start,
			      E820_RESERVED);
	if (rc)
		panic("dom0: its e820 map needs more than %u entries", E820_MAX);
}

static void build_npt(const struct rangeset *hv_owned)
{
	struct pagetable *npt = &dom0.arch.npt;
	unsigned large = PT_LARGE_2M | (cpu_has_1g_pages() ? PT_LARGE_1G : 0);
	int rc;

	rc = pt_init(npt, &hv_pt_mem);
	/* Nested entries need U/S at every level (APM vol. 2 sec. 15.25.5):
	 * guest accesses count as user accesses. */
	if (!rc)
		rc = pt_map(npt, 0, 0, DOM0_NPT_SPAN, PTE_RW | PTE_US, large);
	for (unsigned i = 0; !rc && i < hv_owned->nr; i++)
		rc = pt_unmap(npt, hv_owned->r[i].start,
			      hv_owned->r[i].end - hv_owned->r[i].start);
	if (rc)
		panic("dom0: cannot build its nested page table (%d)", rc);
}

/* A module whose bytes lie where another module must go is moved out of
 * the way first, into hypervisor memory. */
static const uint8_t *stage_if_needed(const struct mb2_module *m,
				      uint64_t dst, uint64_t dst_len,
				      paddr_t *staged)
{
	uint64_t len = m->end - m->start;

	*staged = 0;
	if (m->end <= dst || m->start >= dst + dst_len)
		return phys_to_virt(m->start);
	*staged = alloc_pages(ALIGN_UP(len, PAGE_SIZE) >> PAGE_SHIFT, 1);
	if (!*staged)
		panic("dom0: no memory to move a module out of the way");
	memcpy(phys_to_virt(*staged), phys_to_virt(m->start), len);
	return phys_to_virt(*staged);
}

static uint64_t write_cmdline(const char *args, const struct bzimage_info *bi)
{
	size_t max = MIN((size_t)bi->cmdline_size, PAGE_SIZE - 1);

	if (strlen(args) > max)
		pr_warn("dom0: command line longer than %zu bytes; truncated\n", max);
	strlcpy(phys_to_virt(DOM0_CMDLINE_PA), args, max + 1);
	return DOM0_CMDLINE_PA;
}

/* GDT with the boot protocol's __BOOT_CS (0x10) and __BOOT_DS (0x18),
 * then a copy of the RSDP, which multiboot2 hands over by value. */
static uint64_t write_bootdata(const struct mb2_info *mbi, uint64_t *rsdp_pa)
{
	uint64_t *gdt = phys_to_virt(DOM0_BOOTDATA_PA);

	gdt[0] = 0;
	gdt[1] = 0;
	gdt[2] = 0x00cf9a000000ffffull;
	gdt[3] = 0x00cf92000000ffffull;
	*rsdp_pa = 0;
	if (mbi->rsdp && mbi->rsdp_len <= 64) {
		memcpy(phys_to_virt(DOM0_BOOTDATA_PA + 64), mbi->rsdp,
		       mbi->rsdp_len);
		*rsdp_pa = DOM0_BOOTDATA_PA + 64;
	}
	return DOM0_BOOTDATA_PA;
}

void dom0_build(const struct mb2_info *mbi, const struct rangeset *dom0_ram,
		const struct rangeset *hv_owned)
{
	const struct mb2_module *km, *im = NULL;
	struct bzimage_info bi;
	struct boot_args args = { 0 };
	struct dom0_entry entry;
	const uint8_t *kimg, *isrc = NULL;
	paddr_t kstaged = 0, istaged = 0;
	uint64_t klen, ilen = 0;

	if (mbi->nr_modules < 1)
		panic("dom0: no kernel: grub.cfg must load dom0's bzImage with module2");
	if (!rangeset_contains(dom0_ram, DOM0_BOOT_PARAMS_PA,
			       DOM0_BOOTDATA_PA + PAGE_SIZE))
		panic("dom0: low memory 0x7000-0x9fff is not RAM");
	km = &mbi->modules[0];
	klen = km->end - km->start;
	if (mbi->nr_modules > 1) {
		im = &mbi->modules[1];
		ilen = im->end - im->start;
	}
	if (bzimage_parse(phys_to_virt(km->start), klen, &bi))
		panic("dom0: module 1 is not a 64-bit Linux bzImage (boot protocol 2.12 or later)");
	if (bzimage_place(&bi, dom0_ram, &args.load_addr))
		panic("dom0: no room for the kernel (%u MiB) in dom0's memory",
		      bi.init_size >> 20);
	if (im && initrd_place(&bi, dom0_ram, ilen, args.load_addr,
			       args.load_addr + bi.init_size, &args.initrd_addr))
		panic("dom0: no room for the initrd (%lu MiB) in dom0's memory",
		      ilen >> 20);
	args.initrd_size = ilen;

	/* Move sources that overlap the other module's destination. */
	kimg = stage_if_needed(km, args.initrd_addr, ilen, &kstaged);
	if (im)
		isrc = stage_if_needed(im, args.load_addr, bi.init_size, &istaged);

	args.cmdline_addr = write_cmdline(module_args(km->string), &bi);
	entry.gdt_pa = write_bootdata(mbi, &args.rsdp_addr);
	build_e820(mbi, hv_owned);
	args.e820 = &dom0_e820;
	if (bootparams_build(phys_to_virt(DOM0_BOOT_PARAMS_PA), kimg, klen, &args))
		panic("dom0: cannot build boot_params");

	if (im)
		memmove(phys_to_virt(args.initrd_addr), isrc, ilen);
	memmove(phys_to_virt(args.load_addr), kimg + bi.pm_offset, bi.pm_size);
	if (kstaged)
		free_pages(kstaged, ALIGN_UP(klen, PAGE_SIZE) >> PAGE_SHIFT);
	if (istaged)
		free_pages(istaged, ALIGN_UP(ilen, PAGE_SIZE) >> PAGE_SHIFT);

	pr_info("dom0: kernel (boot protocol %u.%02u) at 0x%lx, %u MiB reserved for it\n",
		bi.version >> 8, bi.version & 0xff, args.load_addr,
		bi.init_size >> 20);
	if (im)
		pr_info("dom0: initrd at 0x%lx, %lu KiB\n", args.initrd_addr,
			ilen >> 10);
	pr_info("dom0: command line \"%s\"\n",
		(const char *)phys_to_virt(DOM0_CMDLINE_PA));

	dom0.id = DOMID_DOM0;
	dom0.privileged = true;
	spin_lock_init(&dom0.lock);
	dom0.ram = *dom0_ram;
	dom0.nr_pages = rangeset_size(dom0_ram) >> PAGE_SHIFT;
	dom0.max_pages = dom0.nr_pages;
	dom0.nr_vcpus = 1;
	dom0.vcpu[0] = &dom0.vcpu0;
	dom0.vcpu0.domain = &dom0;
	dom0.vcpu0.arch.running_on = -1;
	sched_domain_init(&dom0);
	if (evtchn_domain_init(&dom0) || gnttab_domain_init(&dom0))
		panic("dom0: out of memory for its event channels and grant table");
	build_npt(hv_owned);
	entry.rip = args.load_addr;
	entry.rsi = DOM0_BOOT_PARAMS_PA;
	entry.npt_root = dom0.arch.npt.root;
	if (svm_dom0_vcpu_init(&dom0.vcpu0, &entry))
		panic("dom0: out of memory for its vCPU");
}

void *arch_guest_va(struct domain *d, uint64_t gpa, size_t len, bool write)
{
	paddr_t mfn;
	bool writable;

	/* dom0 runs 1:1 over its RAM. */
	if (d->privileged)
		return rangeset_contains(&d->ram, gpa, gpa + len) ?
		       phys_to_virt(gpa) : NULL;
	/* A guest's RAM is what its p2m maps (len stays within one page). */
	if (p2m_lookup(d, gpa >> PAGE_SHIFT, &mfn, &writable) ||
	    (write && !writable))
		return NULL;
	return phys_to_virt(mfn + (gpa & (PAGE_SIZE - 1)));
}

void *arch_guest_va_get(struct domain *d, uint64_t gpa, size_t len, bool write,
			paddr_t *held)
{
	paddr_t mfn;
	bool writable;
	void *va = NULL;

	*held = 0;
	if (d->privileged)
		return arch_guest_va(d, gpa, len, write);
	spin_lock(&d->lock);
	if (!p2m_lookup(d, gpa >> PAGE_SHIFT, &mfn, &writable) &&
	    (!write || writable) && !page_get_ref(mfn, d->id)) {
		if (write)
			logdirty_mark(d, gpa >> PAGE_SHIFT);
		*held = mfn;
		va = phys_to_virt(mfn + (gpa & (PAGE_SIZE - 1)));
	}
	spin_unlock(&d->lock);
	return va;
}

void arch_guest_va_put(paddr_t held)
{
	if (held)
		page_put_ref(held);
}

void dom0_start(void)
{
	pr_info("dom0: starting on CPU0; COM1 is dom0's from now on.\n");
	pr_info("dom0: the hypervisor log continues in the ring (vmctl dmesg) and on port 0xe9\n");
	console_handover_com1();
	svm_run(&dom0.vcpu0);
}
