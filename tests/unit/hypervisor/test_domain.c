/*
 * common/domain.c: the domain life cycle through KEEL_HC_domctl, with every
 * hook it calls stubbed here (this suite does not link fake_hv.c, whose
 * domain table would clash with domain.c's own).  The p2m is a short
 * sorted list of (domain, gfn, mfn), so a guest can hold gfns anywhere in
 * its 2^28-page space; p2m_remove counts its calls and gives up (failing
 * the test) after a bound, so a destroy that walks every gfn fails fast
 * instead of running 2^28 steps.
 */
#include "harness.h"

#include <keel/domain.h>
#include <keel/domstate.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/frame.h>
#include <keel/hypercall.h>
#include <keel/mm.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/xmalloc.h>
#include <public/domctl.h>
#include <public/memory.h>

#define MAX_ENTRIES    4096       /* stub p2m entries, all domains */
#define REMOVE_LIMIT   100000     /* p2m_remove calls before we give up */
#define MAX_PER_CALL   1024       /* most pages one destroy call may free */

struct domain dom0;
struct frame_allocator hv_frames;

struct p2m_entry {
	uint16_t domid;
	uint64_t gfn;
	paddr_t mfn;
};

static struct p2m_entry p2m[MAX_ENTRIES];   /* sorted by (domid, gfn) */
static unsigned nr_entries;
static unsigned long removes;               /* p2m_remove calls */
static unsigned long released;              /* domain_page_release calls */
static unsigned arch_destroys;

/* ---- stubs ---------------------------------------------------------------- */

void printk(enum log_level lvl, const char *fmt, ...)
{
	(void)lvl;
	(void)fmt;
}

void *xzalloc_bytes(size_t size)
{
	return calloc(1, size);
}

void xfree_bytes(void *p, size_t size)
{
	(void)size;
	free(p);
}

uint64_t frame_free_count(struct frame_allocator *fa)
{
	(void)fa;
	return 1ull << 20;
}

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	memcpy(dst, (const void *)(uintptr_t)gpa, len);
	return 0;
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	memcpy((void *)(uintptr_t)gpa, src, len);
	return 0;
}

paddr_t arch_virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

int arch_domain_init(struct domain *d) { return 0; }
void arch_domain_destroy(struct domain *d) { arch_destroys++; }
int arch_vcpu_init(struct vcpu *v) { return 0; }
void arch_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rbx) { }
void arch_vcpu_wait_descheduled(struct vcpu *v) { }
bool arch_vcpu_is_running(const struct vcpu *v) { return false; }
int evtchn_domain_init(struct domain *d) { return 0; }
void evtchn_domain_destroy(struct domain *d) { }
void evtchn_notify_dom0_exc(void) { }
int gnttab_domain_init(struct domain *d) { return 0; }
void gnttab_domain_destroy(struct domain *d) { }
void sched_domain_init(struct domain *d) { }
void sched_set_params(struct domain *d, uint32_t weight, uint32_t cap) { }
void sched_sleep(struct vcpu *v) { }
void sched_wake(struct vcpu *v) { }
void page_put_ref(paddr_t mfn) { }
/* The save/restore commands (common/domstate.c) have their own suite. */
bool domstate_is_op(uint32_t cmd) { return false; }
long domstate_op(struct vcpu *caller, struct domain *d, struct keel_domctl *op,
		 uint64_t buf, uint64_t len) { return -ENOSYS; }

long domain_set_shared_info(struct domain *d, uint64_t gfn,
			    const struct vcpu *caller)
{
	return 0;
}

void domain_page_release(paddr_t mfn)
{
	released++;
}

static int find(struct domain *d, uint64_t gfn)
{
	for (unsigned i = 0; i < nr_entries; i++)
		if (p2m[i].domid == d->id && p2m[i].gfn == gfn)
			return (int)i;
	return -1;
}

int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn)
{
	int i;

	ck_assert_int_eq(d->lock.locked, 1);
	ck_assert_uint_lt(++removes, REMOVE_LIMIT);
	i = find(d, gfn);
	if (i < 0)
		return -ENOENT;
	*mfn = p2m[i].mfn;
	memmove(&p2m[i], &p2m[i + 1], (nr_entries - i - 1) * sizeof(p2m[0]));
	nr_entries--;
	return 0;
}

int p2m_next(struct domain *d, uint64_t *gfn)
{
	ck_assert_int_eq(d->lock.locked, 1);
	for (unsigned i = 0; i < nr_entries; i++)
		if (p2m[i].domid == d->id && p2m[i].gfn >= *gfn) {
			*gfn = p2m[i].gfn;
			return 0;
		}
	return -ENOENT;
}

/* ---- helpers -------------------------------------------------------------- */

static void setup(void)
{
	memset(&dom0, 0, sizeof(dom0));
	dom0.privileged = true;
	dom0.vcpu[0] = &dom0.vcpu0;
	dom0.vcpu0.domain = &dom0;
	dom0.nr_vcpus = 1;
	domain_table_init();
	nr_entries = 0;
	removes = released = 0;
	arch_destroys = 0;
}

static long domctl(struct keel_domctl *op)
{
	uint64_t args[HYPERCALL_NARGS] = { (uintptr_t)op, sizeof(*op) };

	return do_domctl_op(dom0.vcpu[0], args);
}

static long domctl_on(uint32_t cmd, uint16_t domid)
{
	struct keel_domctl op = { .cmd = cmd, .domid = domid };

	return domctl(&op);
}

static struct domain *create(uint64_t max_pages)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_create };
	struct domain *d;

	op.u.create.max_pages = max_pages;
	op.u.create.nr_vcpus = 1;
	ck_assert_int_eq(domctl(&op), 0);
	d = domain_get_any(op.domid);
	ck_assert_ptr_nonnull(d);
	domain_put(d);	/* the table keeps it */
	return d;
}

/* Back d's gfn with a page, as populate_one() does (in gfn order). */
static void give(struct domain *d, uint64_t gfn)
{
	ck_assert_uint_lt(nr_entries, MAX_ENTRIES);
	p2m[nr_entries++] = (struct p2m_entry){ d->id, gfn, 0x100000 + gfn };
	d->nr_pages++;
	if (gfn >= d->max_gfn)
		d->max_gfn = gfn + 1;
}

/* Destroy d, calling again while it asks to; returns the calls made. */
static unsigned destroy(uint16_t domid)
{
	unsigned calls = 0;
	long rc;

	do {
		unsigned long before = released;

		rc = domctl_on(KEEL_DOMCTL_destroy, domid);
		calls++;
		ck_assert_uint_le(released - before, MAX_PER_CALL);
		ck_assert_uint_lt(calls, 10000);
	} while (rc == -EAGAIN);
	ck_assert_int_eq(rc, 0);
	return calls;
}

/* ---- tests ---------------------------------------------------------------- */

/*
 * Issue 11, finding 1: a guest populates the top gfn (2^28 - 1) and powers
 * off.  Destroy must free by walking what is present, not every gfn up to
 * the highest one ever populated.  Before the fix release_memory() called
 * p2m_remove() for each of the 2^28 gfns (this test stops it at
 * REMOVE_LIMIT).
 */
START_TEST(destroy_after_top_gfn_walks_only_what_is_present)
{
	struct domain *d = create(16);
	uint16_t id = d->id;

	give(d, 0);
	give(d, KEEL_MAX_GFN - 1);
	destroy(id);
	ck_assert_uint_eq(released, 2);
	ck_assert_uint_le(removes, 4);
	ck_assert_uint_eq(nr_entries, 0);
	ck_assert_uint_eq(arch_destroys, 1);
	/* Nothing still mapped by dom0: reaped at the next look. */
	ck_assert_int_eq(domctl_on(KEEL_DOMCTL_getinfo, id), -ESRCH);
}
END_TEST

/*
 * No single destroy call frees more than MAX_PER_CALL pages: a large guest
 * is released over several calls (-EAGAIN: call again), and it stays
 * listed (dying) and unreaped until the last one.
 */
START_TEST(destroy_is_bounded_per_call_and_restartable)
{
	struct domain *d = create(4000);
	struct keel_domctl info = { .cmd = KEEL_DOMCTL_getinfo };
	uint16_t id = d->id;
	long rc;

	for (uint64_t i = 0; i < 3000; i++)
		give(d, i * 1000 + 7);
	rc = domctl_on(KEEL_DOMCTL_destroy, id);
	ck_assert_int_eq(rc, -EAGAIN);
	ck_assert_uint_ge(released, 1);
	ck_assert_uint_le(released, MAX_PER_CALL);
	ck_assert_uint_eq(arch_destroys, 0);
	info.domid = id;
	ck_assert_int_eq(domctl(&info), 0);
	ck_assert(info.u.info.flags & KEEL_DOMINF_dying);
	/* Other commands see a dying domain as gone. */
	ck_assert_int_eq(domctl_on(KEEL_DOMCTL_pause, id), -ESRCH);

	ck_assert_uint_ge(destroy(id), 2);
	ck_assert_uint_eq(released, 3000);
	ck_assert_uint_eq(nr_entries, 0);
	ck_assert_uint_eq(arch_destroys, 1);
	ck_assert_int_eq(domctl_on(KEEL_DOMCTL_getinfo, id), -ESRCH);
	/* Destroying it again: it is gone. */
	ck_assert_int_eq(domctl_on(KEEL_DOMCTL_destroy, id), -ESRCH);
}
END_TEST

/* Another domain's pages are never touched by a destroy. */
START_TEST(destroy_leaves_other_domains_alone)
{
	struct domain *a = create(16), *b = create(16);

	give(a, 5);
	give(a, 9);
	give(b, 5);
	destroy(a->id);
	ck_assert_uint_eq(released, 2);
	ck_assert_uint_eq(nr_entries, 1);
	ck_assert_uint_eq(p2m[0].domid, b->id);
	ck_assert_uint_eq(b->nr_pages, 1);
}
END_TEST

static Suite *domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, destroy_after_top_gfn_walks_only_what_is_present);
	tcase_add_test(tc, destroy_is_bounded_per_call_and_restartable);
	tcase_add_test(tc, destroy_leaves_other_domains_alone);
	suite_add_tcase(s, tc);
	return s;
}

HARNESS_MAIN(domain_suite)
