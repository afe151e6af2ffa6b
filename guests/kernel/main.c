/*
 * Boot in C and the kernel's main-context services.  entry.S has switched
 * to long mode on an identity map and installed the IDT; kernel_start()
 * brings up, in order: start-info checks, frame bookkeeping, event
 * channels (upcall vector), interrupts, the timer, the console ring, the
 * store, the grant table, the balloon and shutdown watches, then the
 * program's guest_main().
 */
#include <stddef.h>

#include "hypercall.h"
#include "kernel.h"
#include "layout.h"
#include "mm.h"
#include "xs.h"

_Static_assert(offsetof(struct keel_start_info, nr_pages) == SI_OFF_NR_PAGES,
	       "entry.S reads nr_pages here");
_Static_assert(offsetof(struct keel_start_info, max_pages) == SI_OFF_MAX_PAGES,
	       "entry.S reads max_pages here");

extern char __image_start[], __image_end[];
extern uint32_t boot_nr_2m_pages;

struct keel_start_info *start_info;
struct keel_shared_info *shared_info;
unsigned int kernel_domid;
char kernel_home[32];

static volatile int work_pending;

void kernel_kick(void)
{
	work_pending = 1;
}

int kernel_work_pending(void)
{
	return work_pending;
}

int cmdline_has(const char *word)
{
	return start_info && gk_has_word(start_info->cmdline, word);
}

void kernel_poll(void)
{
	if (irq_depth)
		return;
	work_pending = 0;
	xs_poll();
	shutdown_poll();
	balloon_poll();
}

/*
 * Denali's idle-with-timeout: with interrupts off, look for work; if
 * there is none, block until an event is pending or the deadline.  An
 * event that arrives after the look leaves evtchn_upcall_pending set, and
 * block returns at once; sti then lets the upcall in.
 */
void kernel_block(uint64_t deadline_ns)
{
	irq_disable();
	hc_sched_op(KEEL_SCHEDOP_block, deadline_ns);
	irq_enable();
}

void kernel_wait(uint64_t deadline_ns)
{
	irq_disable();
	if (!work_pending)
		hc_sched_op(KEEL_SCHEDOP_block, deadline_ns);
	irq_enable();
	kernel_poll();
}

static void check(const char *what, int rc)
{
	if (rc < 0)
		printk("kernel: %s failed: error %d\n", what, rc);
}

void __attribute__((noreturn)) kernel_start(uint32_t si_gpa);

void kernel_start(uint32_t si_gpa)
{
	struct keel_start_info *si = (struct keel_start_info *)(uintptr_t)si_gpa;
	uint64_t kernel_first = (uint64_t)(uintptr_t)__image_start >> KEEL_PAGE_SHIFT;
	int rc;

	if (memcmp(si->magic, KEEL_START_INFO_MAGIC, 8) != 0) {
		early_write("kernel: bad start_info magic\n", 29);
		hc_shutdown(KEEL_SHUTDOWN_crash);
	}
	si->cmdline[KEEL_START_INFO_CMDLINE - 1] = '\0';
	start_info = si;
	kernel_domid = si->domid;
	gk_snprintf(kernel_home, sizeof(kernel_home), "/local/domain/%u", kernel_domid);
	printk("keel guest kernel: domain %u, %lu KiB (max %lu KiB), %u MiB mapped, cmdline \"%s\"\n",
	       kernel_domid, (unsigned long)si->nr_pages * 4,
	       (unsigned long)si->max_pages * 4, boot_nr_2m_pages * 2, si->cmdline);

	mm_init(si->nr_pages, si->max_pages, kernel_first, si->first_free_gfn);
	if (si->max_pages > mm_limit())
		printk("kernel: tracking only %lu of %lu pages\n",
		       (unsigned long)mm_limit(), (unsigned long)si->max_pages);

	shared_info = (struct keel_shared_info *)(uintptr_t)(si->shared_info_gfn << KEEL_PAGE_SHIFT);
	rc = evtchn_init();
	if (rc < 0)
		panic("cannot set the upcall vector: error %d\n", rc);
	irq_enable();
	rc = time_init();
	if (rc < 0)
		panic("cannot bind the timer VIRQ: error %d\n", rc);

	check("console ring", cons_init());
	check("store", xs_init());
	check("grant table", gnttab_init());
	check("balloon", balloon_init());
	check("shutdown watch", shutdown_init());
	kernel_poll();

	rc = guest_main(si->cmdline);
	printk("guest_main returned %d: powering off\n", rc);
	hc_shutdown(KEEL_SHUTDOWN_poweroff);
}
