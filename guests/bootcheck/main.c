/*
 * bootcheck: checks the boot stub's work from C on bare QEMU (see bare.S),
 * then faults on purpose so the exception path runs too:
 *   (default)  write to address 8 -> #PF report, then shutdown(crash),
 *              which bare_hypercall turns into isa-debug-exit code 3
 *   "triple"   empty IDT + ud2 -> triple fault (QEMU -no-reboot exits 0)
 * Hypercalls are answered here: console_io goes to port 0xE9, the event
 * channel and timer calls succeed trivially, the rest is -ENOSYS.
 */
#include "hypercall.h"
#include "kernel.h"
#include "layout.h"

_Static_assert(UPCALL_VECTOR == 0xe0, "check_upcall raises vector 0xe0");

#define MSR_EFER     0xc0000080u
#define EFER_LME     (1u << 8)
#define EFER_LMA     (1u << 10)

extern uint32_t boot_nr_2m_pages;

static unsigned int passed, failed;
/* In BSS; bare.S scribbles on it before _start32, which must zero it. */
uint64_t bare_bss_probe;

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

long bare_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5)
{
	(void)a4;
	(void)a5;
	switch (nr) {
	case KEEL_HC_version:
		return a1 == KEEL_VERSION_ABI ? (long)KEEL_ABI_VERSION : -KEEL_ENOSYS;
	case KEEL_HC_console_io:
		for (uint64_t i = 0; i < a3; i++)
			outb(0xe9, ((const char *)(uintptr_t)a2)[i]);
		return (long)a3;
	case KEEL_HC_sched_op:
		if (a1 == KEEL_SCHEDOP_shutdown) {
			outb(0xf4, (uint8_t)a2);    /* QEMU exits (a2 << 1) | 1 */
			for (;;)
				__asm__ volatile("cli; hlt");
		}
		return 0;
	case KEEL_HC_set_timer:
		return 0;
	case KEEL_HC_event_channel:
		if (a1 == KEEL_EVTCHNOP_set_upcall_vector) {
			const struct keel_evtchn_upcall_vector *v = (const void *)(uintptr_t)a2;

			return (v->vector >= 0x20 && v->vector <= 0xef) ? 0 : -KEEL_EINVAL;
		}
		if (a1 == KEEL_EVTCHNOP_bind_virq) {
			((struct keel_evtchn_bind_virq *)(uintptr_t)a2)->port = 1;
			return 0;
		}
		return 0;
	default:
		return -KEEL_ENOSYS;
	}
}

static void check(const char *name, int ok)
{
	if (ok)
		passed++;
	else
		failed++;
	printk("%s: %s\n", ok ? "PASS" : "FAIL", name);
}

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

#define READ_CR(n) ({ uint64_t v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })

static void check_paging(void)
{
	uint64_t cr3 = READ_CR(3);
	const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(cr3 & ~0xfffull);
	const uint64_t *pdpt = (const uint64_t *)(uintptr_t)(pml4[0] & ~0xfffull);
	const uint64_t *pd = (const uint64_t *)(uintptr_t)(pdpt[0] & ~0xfffull);
	const uint64_t *pt = (const uint64_t *)(uintptr_t)(pd[0] & ~0xfffull);
	uint64_t want = (start_info->max_pages + 511) / 512;
	unsigned int n = 0;

	check("cr3_below_4g", cr3 < (1ull << 32));
	check("pml4_only_entry_0", (pml4[0] & 1) && !(pml4[1] & 1) && !(pml4[511] & 1));
	for (unsigned int i = 0; i < 2048; i++)
		if (((const uint64_t *)pd)[i] & 1)
			n++;
	check("pd_covers_max_pages", n == want && boot_nr_2m_pages == want);
	check("pd_2m_entries", (pd[1] & 0x83) == 0x83 && (pd[1] & ~0xfffull) == 0x200000);
	check("pt_frame_0_unmapped", !(pt[0] & 1));
	check("pt_frame_1_identity", (pt[1] & ~0xfffull) == 0x1000 && (pt[1] & 3) == 3);
}

static void check_memory(void)
{
	volatile uint64_t *last = (volatile uint64_t *)(uintptr_t)
		(start_info->max_pages * KEEL_PAGE_SIZE - 8);
	volatile uint64_t *low = (volatile uint64_t *)(uintptr_t)0x1000;

	*last = 0x1122334455667788ull;
	check("identity_top_of_max", *last == 0x1122334455667788ull);
	*low = 42;
	check("identity_page_1", *low == 42);
	check("bss_zeroed", bare_bss_probe == 0);
}

/* The upcall path: fake a pending timer port (1, bound by time_init) and a
 * pending but masked port 5, then raise the upcall vector by software. */
static void check_upcall(void)
{
	struct keel_vcpu_info *vi = &shared_info->vcpu_info[0];
	uint64_t before = time_timer_events();

	shared_info->evtchn_pending[0] = (1ull << 1) | (1ull << 5);
	shared_info->evtchn_mask[0] = 1ull << 5;
	vi->evtchn_pending_sel = 1;
	vi->evtchn_upcall_pending = 1;
	__asm__ volatile("int $0xe0" ::: "memory");
	check("upcall_dispatches_timer_port", time_timer_events() == before + 1);
	check("upcall_clears_flags", !vi->evtchn_upcall_pending && !vi->evtchn_pending_sel);
	check("upcall_clears_port_pending", !(shared_info->evtchn_pending[0] & 2));
	check("upcall_leaves_masked_port", shared_info->evtchn_pending[0] & (1ull << 5));
	check("upcall_kicks_deferred_work", kernel_work_pending());
	kernel_poll();
	check("kernel_poll_clears_work", !kernel_work_pending());
	shared_info->evtchn_pending[0] = 0;
	shared_info->evtchn_mask[0] = 0;
}

int guest_main(const char *cmdline)
{
	uint64_t efer = rdmsr(MSR_EFER);
	uint16_t cs;
	uint64_t rsp;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	__asm__ volatile("mov %%rsp, %0" : "=r"(rsp));
	printk("bootcheck: cmdline \"%s\"\n", cmdline);
	check("efer_lme_lma", (efer & EFER_LME) && (efer & EFER_LMA));
	check("cr0_pg_pe_wp", (READ_CR(0) & 0x80010001u) == 0x80010001u);
	check("cr4_pae", READ_CR(4) & (1u << 5));
	check("cs_64bit_selector", cs == 0x08);
	check("stack_aligned_in_bss", (rsp & 7) == 0 && rsp > 0x100000 && rsp < 0x200000);
	check("start_info_magic", !memcmp(start_info->magic, "keel-si1", 8));
	check_paging();
	check_memory();
	check_upcall();
	printk("bootcheck: %u passed, %u failed\n", passed, failed);

	if (gk_has_word(cmdline, "triple")) {
		printk("bootcheck: triple fault next\n");
		irq_disable();
		traps_disable();
		__asm__ volatile("ud2");
	}
	printk("bootcheck: page fault next\n");
	{
		volatile uintptr_t addr = 8;

		*(volatile uint64_t *)addr = 1;
	}
	printk("bootcheck: FAIL: no page fault\n");
	return 1;
}
