/*
 * Balloon driver: watches <home>/memory/target (KiB) and moves the
 * domain's RAM toward it one page at a time, giving back the highest free
 * frames (decrease_reservation) or repopulating the lowest holes
 * (populate_physmap), always for KEEL_DOMID_SELF.  When it gets there (or
 * cannot go further) it writes <home>/memory/actual (KiB) and prints
 * "balloon: N KiB".  The watch callback only records the target; the
 * pages move in balloon_poll(), from kernel_poll().
 */
#include "balloon_plan.h"
#include "hypercall.h"
#include "kernel.h"
#include "mm.h"
#include "xs.h"

/* Pages the kernel keeps free beyond those in use (stacks of future
 * allocations, the store's and programs' needs). */
#define BALLOON_RESERVE 128

static char target_path[64];
static char actual_path[64];
static uint64_t target_pages;   /* 0: no target set */
static int dirty;               /* a target arrived: work to do */
static int enabled;

static void target_changed(const char *path, const char *token, void *arg)
{
	char buf[32];
	uint64_t kib;
	int rc;

	(void)path;
	(void)token;
	(void)arg;
	/* the home may have moved (a restored domain has a new id) */
	xs_home_path(target_path, sizeof(target_path), "memory/target");
	rc = xs_read(XS_NO_TX, target_path, buf, sizeof(buf));
	if (rc < 0)
		return;                 /* ENOENT: no target (yet) */
	if (gk_parse_u64(buf, (size_t)rc, &kib) < 0) {
		printk("balloon: ignoring target \"%s\"\n", buf);
		return;
	}
	target_pages = balloon_kib_to_pages(kib);
	dirty = 1;
	kernel_kick();
}

/*
 * memory/actual after every pass (vmctl mem-set waits for it), the console
 * line only when the figure changed: the store's first watch event would
 * otherwise print the boot size a second time.
 */
static void report(void)
{
	static uint64_t printed_kib = ~0ull;
	char buf[32];
	uint64_t kib = balloon_pages_to_kib(mm_nr_populated());

	gk_snprintf(buf, sizeof(buf), "%lu", (unsigned long)kib);
	xs_home_path(actual_path, sizeof(actual_path), "memory/actual");
	xs_write(XS_NO_TX, actual_path, buf);
	if (kib != printed_kib)
		printk("balloon: %lu KiB\n", (unsigned long)kib);
	printed_kib = kib;
}

int balloon_init(void)
{
	int rc;

	if (xs_home_path(target_path, sizeof(target_path), "memory/target") < 0 ||
	    xs_home_path(actual_path, sizeof(actual_path), "memory/actual") < 0)
		return -KEEL_ERANGE;
	rc = xs_watch(target_path, "balloon", target_changed, NULL);
	if (rc < 0)
		return rc;
	enabled = 1;
	report();               /* memory/actual from the start */
	return 0;
}

/* One page: 0 done, or the hypercall's error. */
static long step_down(void)
{
	long gfn = mm_balloon_pick_release();
	uint64_t g;
	long rc;

	if (gfn < 0)
		return gfn;
	g = (uint64_t)gfn;
	rc = hc_memory_op(KEEL_MEMOP_decrease_reservation, &g, 1, KEEL_DOMID_SELF);
	if (rc == 1) {
		mm_set_unpopulated(g);
		return 0;
	}
	return rc < 0 ? rc : -KEEL_EIO;
}

static long step_up(void)
{
	long gfn = mm_balloon_pick_populate();
	uint64_t g;
	long rc;

	if (gfn < 0)
		return gfn;
	g = (uint64_t)gfn;
	rc = hc_memory_op(KEEL_MEMOP_populate_physmap, &g, 1, KEEL_DOMID_SELF);
	if (rc == 1) {
		mm_set_populated(g);
		return 0;
	}
	return rc < 0 ? rc : -KEEL_EIO;
}

void balloon_poll(void)
{
	uint64_t floor, ceiling;
	long rc = 0;
	int step;

	if (!enabled || !dirty)
		return;
	dirty = 0;
	floor = mm_nr_used() + BALLOON_RESERVE;
	ceiling = mm_limit();
	while ((step = balloon_step(mm_nr_populated(), target_pages, floor, ceiling))) {
		rc = step > 0 ? step_up() : step_down();
		if (rc < 0)
			break;
	}
	if (rc < 0)
		printk("balloon: stopped at %lu pages (target %lu): error %ld\n",
		       (unsigned long)mm_nr_populated(), (unsigned long)target_pages, rc);
	else if (balloon_clamp(target_pages, floor, ceiling) != target_pages)
		printk("balloon: target %lu KiB limited to %lu KiB\n",
		       (unsigned long)balloon_pages_to_kib(target_pages),
		       (unsigned long)balloon_pages_to_kib(mm_nr_populated()));
	report();
}
