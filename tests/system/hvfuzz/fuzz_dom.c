/*
 * Host-side, coverage-guided fuzzing of domain control (KEEL_HC_domctl) and
 * scheduling (KEEL_HC_sched_op, KEEL_HC_set_timer, credit parameters)
 * through the REAL hypervisor common code: domain.c, schedule.c (via
 * sched_glue.c), sched_credit.c, memory.c, evtchn.c, gnttab.c, page.c,
 * page_alloc.c, frame.c, xmalloc.c and guest_copy.c.  Unlike fuzz_hv.c
 * (which fakes the domain table), domains here are created, paused,
 * started, scheduled, shut down and destroyed by the code under test; the
 * harness only fakes the arch below it: machine memory (a host array the
 * real frame allocator hands out), a p2m per domain (a list of gfn ->
 * frame), and two guest pCPUs whose scheduler passes it runs itself.
 *
 * One input is a little program of steps:
 *   dom0: domctl create / destroy (continued or not) / pause / unpause /
 *         getinfo(_next) / set_max_mem / set_vcpu_context / sched_credit /
 *         raw; memory_op populate and decrease for a guest;
 *   a guest vCPU that is running on a pCPU: sched_op yield / block (with
 *         or without a deadline) / shutdown / raw, set_timer, memory_op on
 *         itself, event channels (bind the timer virq, interdomain ports
 *         between guests, send, unmask, close), writes to its shared info;
 *   the machine: a scheduler pass on pCPU 1 or 2 (timers, then
 *         sched_pick, as schedule_loop() does), the clock moving on.
 * FUZZ_FAMILIES: FAM_DOMCTL (dom0's side) and/or FAM_SCHED (the guests'
 * side); the machine steps are always on.
 *
 * Checked after every step (a violation aborts, so libFuzzer saves the
 * input): no lock held and no domain reference left besides the table's;
 * each guest's nr_pages is what its p2m holds, every p2m frame is an
 * allocated, unreleased page it owns, none mapped twice; the scheduler:
 * a vCPU runs on at most one pCPU and only while runnable or just made
 * unrunnable, is queued only while runnable, a runnable vCPU is queued,
 * running or parked (capped), a vCPU of a killed domain is nowhere; weight
 * and cap in range; a destroy call gives back at most DOMAIN_RELEASE_BATCH
 * pages; a blocked vCPU whose deadline has passed is woken by the next
 * pass; interdomain ports point back.
 * After the input: every guest destroyed (destroy repeated while it says
 * -EAGAIN, a bounded number of times) and reaped, no vCPU left on a pCPU
 * or queue, every frame back in the pool (the pool figure returns).
 */
#include "harness.h"

#include <setjmp.h>
#include <keel/domain.h>
#include <keel/domstate.h>
#include <keel/logdirty.h>
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/hypercall.h>
#include <keel/mm.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/rangeset.h>
#include <keel/sched.h>
#include <keel/time.h>
#include <keel/xmalloc.h>
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/shared_info.h>
#include <public/vcpu_state.h>
#include <keel/domstate.h>
#include <keel/logdirty.h>

#define FAM_DOMCTL 1u
#define FAM_SCHED  2u
#ifndef FUZZ_FAMILIES
#define FUZZ_FAMILIES (FAM_DOMCTL | FAM_SCHED)
#endif

#define NR_POOL     768           /* pool frames */
#define NR_DOM0     4             /* dom0's own RAM frames (1:1) */
#define MEM_BASE    0x40000000ull /* machine address of frame 0 */
#define DOM0_GPA    (MEM_BASE + NR_POOL * 4096ull)
#define NR_PCPUS    2             /* guest pCPUs 1 and 2 */
#define MAX_P2M     1024          /* p2m entries, all domains */
#define MAX_GUESTS  6             /* domids 1..6 at most */
#define ARG_GFN     0             /* a guest's argument page */

uint64_t fuzz_run_timers(uint64_t now);

/* ---- harness.c's pieces ------------------------------------------------- */

int harness_locks_held;

void harness_bug(const char *file, int line, const char *what)
{
	fprintf(stderr, "BUG at %s:%d: %s\n", file, line, what);
	abort();
}

#define CHECK(cond, ...) do {                                              \
	if (!(cond)) {                                                     \
		fprintf(stderr, "INVARIANT %s:%d: %s: ", __FILE__, __LINE__, \
			#cond);                                            \
		fprintf(stderr, __VA_ARGS__);                              \
		fprintf(stderr, "\n");                                     \
		abort();                                                   \
	}                                                                  \
} while (0)

static int trace = -1;

static bool tracing(void)
{
	if (trace < 0)
		trace = getenv("HVFUZZ_TRACE") != NULL;
	return trace;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	if (tracing())
		vfprintf(stderr, fmt, ap);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "PANIC: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

__noreturn void dom0_died(const char *why)
{
	fprintf(stderr, "dom0 died: %s\n", why);
	abort();
}

/* ---- the hypervisor's own allocations ------------------------------------
 * malloc-backed (not xmalloc.c over the pool) so that ASan sees a use of a
 * freed domain or vCPU; counted, so that a leak fails the teardown. */

static long alloc_outstanding, alloc_base;

void *xzalloc_bytes(size_t size)
{
	alloc_outstanding += (long)size;
	return calloc(1, size);
}

void xfree_bytes(void *p, size_t size)
{
	if (p)
		alloc_outstanding -= (long)size;
	free(p);
}

/* ---- machine memory ----------------------------------------------------- */

struct domain dom0;
static uint8_t mem[NR_POOL + NR_DOM0][4096] __attribute__((aligned(4096)));
static uint64_t bitmap[(NR_POOL + 63) / 64];
static uint64_t pool_at_start;

void *arch_phys_to_virt(paddr_t pa)
{
	CHECK(pa >= MEM_BASE && pa < MEM_BASE + sizeof(mem),
	      "phys_to_virt(%#lx): not RAM", (unsigned long)pa);
	return &mem[0][0] + (pa - MEM_BASE);
}

paddr_t arch_virt_to_phys(const void *va)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)mem;

	CHECK(off < sizeof(mem), "virt_to_phys(%p)", va);
	return MEM_BASE + off;
}

/* ---- the p2m: a list of (domain, gfn) -> machine frame ------------------ */

struct p2m_entry {
	struct domain *d;
	uint64_t gfn;
	paddr_t mfn;
	bool writable;
	bool ld;                /* read-only for log-dirty only */
};
static struct p2m_entry p2m[MAX_P2M];
static unsigned nr_p2m;
static unsigned removes_this_call;

static void need_lock(struct domain *d)
{
	CHECK(d->lock.locked, "p2m call on d%u without d->lock", d->id);
}

static int find(struct domain *d, uint64_t gfn)
{
	for (unsigned i = 0; i < nr_p2m; i++)
		if (p2m[i].d == d && p2m[i].gfn == gfn)
			return (int)i;
	return -1;
}

static int lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *w)
{
	int i = find(d, gfn);

	if (i < 0)
		return -ENOENT;
	*mfn = p2m[i].mfn;
	if (w)
		*w = p2m[i].writable || p2m[i].ld;
	return 0;
}

int p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *writable)
{
	need_lock(d);
	CHECK(!d->privileged, "p2m_lookup on dom0");
	return lookup(d, gfn, mfn, writable);
}

int p2m_add(struct domain *d, uint64_t gfn, paddr_t mfn)
{
	need_lock(d);
	if (gfn >= KEEL_MAX_GFN)
		return -EINVAL;
	if (find(d, gfn) >= 0)
		return -EEXIST;
	if (nr_p2m == MAX_P2M)
		return -ENOMEM;
	p2m[nr_p2m++] = (struct p2m_entry){ d, gfn, mfn, true, false };
	return 0;
}

int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn)
{
	int i;

	need_lock(d);
	removes_this_call++;
	i = find(d, gfn);
	if (i < 0)
		return -ENOENT;
	*mfn = p2m[i].mfn;
	p2m[i] = p2m[--nr_p2m];
	return 0;
}

int p2m_next(struct domain *d, uint64_t *gfn)
{
	uint64_t best = UINT64_MAX;

	need_lock(d);
	for (unsigned i = 0; i < nr_p2m; i++)
		if (p2m[i].d == d && p2m[i].gfn >= *gfn && p2m[i].gfn < best)
			best = p2m[i].gfn;
	if (best == UINT64_MAX)
		return -ENOENT;
	*gfn = best;
	return 0;
}

uint64_t p2m_table_pages(struct domain *d)
{
	need_lock(d);
	return 0;
}

int p2m_protect(struct domain *d, uint64_t gfn, bool readonly)
{
	int i;

	need_lock(d);
	i = find(d, gfn);
	if (i < 0)
		return -ENOENT;
	p2m[i].writable = !readonly;
	p2m[i].ld = false;
	return 0;
}

/* arch/x86/p2m.c's log-dirty hooks over the list. */
int p2m_logdirty_protect(struct domain *d, uint64_t gfn)
{
	int i;

	need_lock(d);
	i = find(d, gfn);
	if (i < 0)
		return -ENOENT;
	if (p2m[i].writable) {
		p2m[i].writable = false;
		p2m[i].ld = true;
	}
	return 0;
}

int p2m_logdirty_unprotect(struct domain *d, uint64_t gfn)
{
	int i;

	need_lock(d);
	i = find(d, gfn);
	if (i < 0)
		return -ENOENT;
	if (p2m[i].writable)
		return 0;
	if (!p2m[i].ld)
		return -EACCES;
	p2m[i].writable = true;
	p2m[i].ld = false;
	return 0;
}

/* dom0 maps nothing foreign or granted in these targets (gnttab.c and
 * mmu.c have theirs in fuzz_hv.c): refuse. */
int p2m_map_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	return -EINVAL;
}

int p2m_unmap_foreign(struct domain *d, paddr_t mfn, bool readonly)
{
	return -ENOENT;
}

int p2m_map_grant(struct domain *d, paddr_t mfn, bool readonly)
{
	return -EINVAL;
}

int p2m_unmap_grant(struct domain *d, paddr_t mfn, bool readonly)
{
	return -ENOENT;
}

void arch_p2m_flush(struct domain *d)
{
}

/* guest_copy.c's translation: dom0's RAM 1:1, a guest's through its p2m
 * with a page reference held while copying. */
void *arch_guest_va_get(struct domain *d, uint64_t gpa, size_t len, bool write,
			paddr_t *held)
{
	paddr_t mfn;
	bool w;

	*held = 0;
	if ((gpa & 4095) + len > 4096)
		return NULL;
	if (d->privileged) {
		if (gpa < DOM0_GPA || gpa + len > DOM0_GPA + NR_DOM0 * 4096ull)
			return NULL;
		return arch_phys_to_virt(gpa);
	}
	if (lookup(d, gpa >> 12, &mfn, &w) || (write && !w) ||
	    page_get_ref(mfn, d->id))
		return NULL;
	*held = mfn;
	return (uint8_t *)arch_phys_to_virt(mfn) + (gpa & 4095);
}

void arch_guest_va_put(paddr_t held)
{
	if (held)
		page_put_ref(held);
}

void *arch_guest_va(struct domain *d, uint64_t gpa, size_t len, bool write)
{
	paddr_t held;
	void *p = arch_guest_va_get(d, gpa, len, write, &held);

	arch_guest_va_put(held);
	return p;
}

/* ---- the machine: clock, pCPUs, hooks ----------------------------------- */

static uint64_t clock_ns;
static unsigned cur_cpu;                 /* whose code runs: 0 = dom0's */
static struct vcpu *picked[NR_PCPUS + 1];   /* published pick per pCPU */
static struct vcpu *prev_of[NR_PCPUS + 1];  /* schedule_loop's prev */
static bool resched[NR_PCPUS + 1];
static unsigned kicks, dom0_upcalls, pokes;

uint64_t now_ns(void)
{
	return clock_ns;
}

unsigned arch_cpu_id(void)
{
	return cur_cpu;
}

unsigned arch_nr_cpus(void)
{
	return NR_PCPUS + 1;
}

void arch_set_picked(struct vcpu *v)
{
	CHECK(cur_cpu >= 1 && cur_cpu <= NR_PCPUS, "pick on cpu %u", cur_cpu);
	CHECK(harness_locks_held > 0, "pick published without the pCPU lock");
	picked[cur_cpu] = v;
}

void this_cpu_request_resched(void)
{
	resched[cur_cpu] = true;
}

void this_cpu_clear_resched(void)
{
	resched[cur_cpu] = false;
}

void arch_kick_cpu(unsigned cpu)
{
	kicks++;
}

void arch_vcpu_poke(struct vcpu *v)
{
	pokes++;
}

void arch_send_dom0_upcall(uint8_t vector)
{
	dom0_upcalls++;
}

bool arch_vcpu_is_running(const struct vcpu *v)
{
	for (unsigned c = 1; c <= NR_PCPUS; c++)
		if (picked[c] == v)
			return true;
	return false;
}

void arch_run_vcpu(struct vcpu *v, uint64_t until)
{
	harness_bug(__FILE__, __LINE__, "schedule_loop is not run here");
}

void arch_idle_until(uint64_t until)
{
	harness_bug(__FILE__, __LINE__, "schedule_loop is not run here");
}

void console_notify_dom0(void)
{
}

void time_fill_shared_info(struct keel_shared_info *si, unsigned nr_vcpus,
			   uint64_t offset)
{
	(void)si;
	(void)nr_vcpus;
	(void)offset;
}

/* svm/vcpu_state.c's hooks: the register file is the arch's; here a
 * state is accepted and given back as zeros. */
void arch_vcpu_get_state(struct vcpu *v, struct keel_vcpu_state *out)
{
	memset(out, 0, sizeof(*out));
}

int arch_vcpu_set_state(struct vcpu *v, const struct keel_vcpu_state *in)
{
	return in->cpl > 3 ? -EINVAL : 0;
}

void arch_vcpu_set_result(struct vcpu *v, uint64_t rax)
{
}

int arch_domain_init(struct domain *d)
{
	return 0;
}

void arch_domain_destroy(struct domain *d)
{
}

int arch_vcpu_init(struct vcpu *v)
{
	return 0;
}

void arch_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rbx)
{
}

static struct domain *guest(unsigned id);

/* After the timer scan: no live guest vCPU has a one-shot timer or a
 * block deadline that is due and still pending. */
static void check_timers_fired(void)
{
	for (unsigned id = 1; id <= MAX_GUESTS + 1; id++) {
		struct domain *d = guest(id);

		if (!d || d->dying)
			continue;
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];

			CHECK(!v->timer_deadline || v->timer_deadline > clock_ns,
			      "d%u v%u: timer due at %lu not fired (now %lu)",
			      id, i, (unsigned long)v->timer_deadline,
			      (unsigned long)clock_ns);
			CHECK(!(v->pause_flags & VPF_blocked) ||
			      !v->block_deadline ||
			      v->block_deadline > clock_ns,
			      "d%u v%u still blocked past its deadline", id, i);
		}
	}
}

/* One pass of schedule_loop() on pCPU cpu: due timers, then the pick,
 * charging what ran there since the last pass.  The time a vCPU "runs" is
 * the clock moving between passes. */
static void sched_pass(unsigned cpu)
{
	unsigned saved = cur_cpu;
	uint64_t until;

	CHECK(harness_locks_held == 0, "scheduler pass with %d locks held",
	      harness_locks_held);
	cur_cpu = cpu;
	this_cpu_clear_resched();
	fuzz_run_timers(now_ns());
	check_timers_fired();
	prev_of[cpu] = sched_pick(cpu, now_ns(), prev_of[cpu], &until);
	CHECK(prev_of[cpu] == picked[cpu], "pick not published");
	cur_cpu = saved;
}

/* Another pCPU runs its scheduler until v is off it (what the real wait's
 * kick achieves).  Never with a lock held: a pCPU spinning here for a
 * lock the waiter holds would be a deadlock on the machine. */
void arch_vcpu_wait_descheduled(struct vcpu *v)
{
	CHECK(harness_locks_held == 0, "waiting for d%u v%u with %d locks held",
	      v->domain->id, v->id, harness_locks_held);
	for (unsigned c = 1; c <= NR_PCPUS; c++) {
		for (unsigned n = 0; picked[c] == v && n < 4; n++)
			sched_pass(c);
		CHECK(picked[c] != v, "d%u v%u still on pCPU %u after 4 passes "
		      "(flags %#x)", v->domain->id, v->id, c, v->pause_flags);
	}
}

/* ---- invariants --------------------------------------------------------- */

static struct domain *guest(unsigned id)
{
	struct domain *d = domain_get_any((uint16_t)id);

	if (d)
		domain_put(d);
	return d;
}

static void check_locks(void)
{
	CHECK(harness_locks_held == 0, "%d locks held", harness_locks_held);
	CHECK(dom0.refcnt == 1, "dom0 refcnt %d", dom0.refcnt);
	for (unsigned id = 1; id <= MAX_GUESTS + 1; id++) {
		struct domain *d = guest(id);

		if (!d)
			continue;
		CHECK(d->refcnt == 1, "d%u refcnt %d", id, d->refcnt);
		CHECK(!d->lock.locked && !d->evtchn.lock.locked &&
		      !d->gnttab.lock.locked, "d%u lock", id);
	}
}

static void check_memory(void)
{
	unsigned per[MAX_GUESTS + 2] = { 0 };

	for (unsigned i = 0; i < nr_p2m; i++) {
		struct domain *d = p2m[i].d;
		struct page_info *pg = mfn_to_page(p2m[i].mfn);

		CHECK(d->id <= MAX_GUESTS + 1 && guest(d->id) == d,
		      "p2m entry of a domain no longer listed");
		CHECK(pg && pg->flags == PGF_allocated && pg->owner == d->id,
		      "d%u gfn %#lx: frame flags %x owner %u", d->id,
		      (unsigned long)p2m[i].gfn, pg ? pg->flags : 0,
		      pg ? pg->owner : 0);
		for (unsigned j = i + 1; j < nr_p2m; j++)
			CHECK(p2m[j].mfn != p2m[i].mfn, "frame at two gfns");
		per[d->id]++;
	}
	for (unsigned id = 1; id <= MAX_GUESTS + 1; id++) {
		struct domain *d = guest(id);

		if (d)
			CHECK(d->nr_pages == per[id], "d%u nr_pages %lu, p2m %u",
			      id, (unsigned long)d->nr_pages, per[id]);
	}
}

static void check_sched(void)
{
	for (unsigned c = 1; c <= NR_PCPUS; c++) {
		struct vcpu *v = picked[c];

		if (!v)
			continue;
		for (unsigned o = c + 1; o <= NR_PCPUS; o++)
			CHECK(picked[o] != v, "d%u v%u on two pCPUs",
			      v->domain->id, v->id);
		CHECK(v->sched.running, "picked d%u v%u not running",
		      v->domain->id, v->id);
		CHECK(!v->domain->killed, "a vCPU of killed d%u on pCPU %u",
		      v->domain->id, c);
	}
	for (unsigned id = 1; id <= MAX_GUESTS + 1; id++) {
		struct domain *d = guest(id);

		if (!d)
			continue;
		CHECK(d->sched.weight >= KEEL_SCHED_WEIGHT_MIN &&
		      d->sched.weight <= KEEL_SCHED_WEIGHT_MAX &&
		      d->sched.cap <= KEEL_SCHED_CAP_MAX, "d%u weight %u cap %u",
		      id, d->sched.weight, d->sched.cap);
		for (unsigned i = 0; i < d->nr_vcpus; i++) {
			struct vcpu *v = d->vcpu[i];
			bool on_cpu = arch_vcpu_is_running(v);

			CHECK(v->sched.running == on_cpu, "d%u v%u running %d, "
			      "picked %d", id, i, v->sched.running, on_cpu);
			if (v->pause_flags) {
				CHECK(!v->sched.on_runq, "d%u v%u queued with "
				      "flags %#x", id, i, v->pause_flags);
			} else {
				CHECK(v->sched.on_runq || on_cpu ||
				      v->sched.parked, "runnable d%u v%u lost "
				      "(not queued, running or parked)", id, i);
			}
			if (d->killed)
				CHECK(!on_cpu && !v->sched.on_runq,
				      "killed d%u v%u scheduled", id, i);
		}
	}
}

/* Interdomain ports point back. */
static void check_evtchn(void)
{
	for (unsigned id = 1; id <= MAX_GUESTS + 1; id++) {
		struct domain *d = guest(id), *r;

		if (!d || !d->evtchn.ports || d->killed)
			continue;
		for (unsigned p = 0; p < 64; p++) {
			struct evtchn *c = &d->evtchn.ports[p];

			if (c->state != ECS_INTERDOMAIN)
				continue;
			r = c->remote_dom ? guest(c->remote_dom) : &dom0;
			CHECK(r && r->evtchn.ports && !r->killed,
			      "d%u port %u: peer d%u gone", id, p,
			      c->remote_dom);
			CHECK(r->evtchn.ports[c->remote_port].state ==
			      ECS_INTERDOMAIN &&
			      r->evtchn.ports[c->remote_port].remote_dom == id &&
			      r->evtchn.ports[c->remote_port].remote_port == p,
			      "d%u port %u: peer does not point back", id, p);
		}
	}
}

/* Log-dirty mode's invariant: a tracked page whose bit is clear is not
 * writable, so no guest write to it goes unrecorded. */
static void check_logdirty(void)
{
	for (unsigned i = 0; i < nr_p2m; i++) {
		struct domain *d = p2m[i].d;
		uint64_t g = p2m[i].gfn;

		if (!d->logdirty.enabled || g >= d->logdirty.nr_bits)
			continue;
		CHECK(!p2m[i].writable ||
		      (d->logdirty.bitmap[g / 64] & (1ull << (g % 64))),
		      "d%u gfn %lu writable with its dirty bit clear", d->id, g);
	}
}

static void check_all(void)
{
	check_logdirty();
	check_locks();
	check_memory();
	check_sched();
	check_evtchn();
}

/* ---- input decoding ----------------------------------------------------- */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) | (unsigned)u8(in) << 8);
}

static uint32_t u32(struct input *in)
{
	return u16(in) | (uint32_t)u16(in) << 16;
}

static uint64_t u64(struct input *in)
{
	return u32(in) | (uint64_t)u32(in) << 32;
}

static long traced(const char *what, unsigned dom, const uint64_t *a, long rc)
{
	if (tracing())
		fprintf(stderr, "d%u %s(%#lx, %#lx, %#lx, %#lx) = %ld\n", dom,
			what, (unsigned long)a[0], (unsigned long)a[1],
			(unsigned long)a[2], (unsigned long)a[3], rc);
	return rc;
}

/* A domid: mostly one that exists or did, sometimes dom0, SELF or raw. */
static uint16_t pick_dom(struct input *in)
{
	uint8_t b = u8(in);

	switch (b & 7) {
	case 5: return 0;
	case 6: return KEEL_DOMID_SELF;
	case 7: return b & 0x80 ? u16(in) : MAX_DOMAINS - 1 + (b >> 6);
	default: return 1 + (b >> 3) % (MAX_GUESTS + 1);
	}
}

static uint64_t pick_gfn(struct input *in)
{
	uint8_t b = u8(in);

	if (b == 0xff)
		return u64(in);
	if (b >= 0xf8)
		return KEEL_MAX_GFN - 1 - (b & 3);
	if (b >= 0xf0)
		return (uint64_t)u16(in) << 8;	/* sparse */
	return b % 24;
}

static uint64_t deadline(struct input *in)
{
	uint8_t b = u8(in);

	switch (b & 3) {
	case 0: return 0;
	case 1: return clock_ns + (b >> 2) * 1000000ull;
	case 2: return clock_ns - (b >> 2);	/* past */
	default: return u64(in);
	}
}

/* dom0's argument buffer (its own RAM), and a wild one now and then. */
static void *dom0_arg(void)
{
	return arch_phys_to_virt(DOM0_GPA);
}

static uint64_t dom0_gpa(struct input *in)
{
	uint8_t b = u8(in);

	if (b < 0xf0)
		return DOM0_GPA;
	if (b < 0xf8)
		return DOM0_GPA + NR_DOM0 * 4096ull - (b & 7);	/* straddles */
	return u64(in);
}

/* ---- dom0's side: domctl and memory_op ---------------------------------- */

static unsigned live_guests(void)
{
	unsigned n = 0;

	for (unsigned id = 1; id < MAX_DOMAINS; id++)
		if (guest(id))
			n++;
	return n;
}

static uint64_t domctl_buf, domctl_buf_len;	/* arg3, arg4 of the next call */

static long domctl(struct keel_domctl *op, uint64_t gpa, uint64_t size)
{
	uint64_t a[HYPERCALL_NARGS] = { gpa, size, domctl_buf, domctl_buf_len };
	long rc;

	memcpy(dom0_arg(), op, sizeof(*op));
	removes_this_call = 0;
	rc = traced("domctl", 0, (uint64_t[]){ op->cmd, op->domid, gpa, size },
		    do_domctl_op(dom0.vcpu[0], a));
	if (op->cmd == KEEL_DOMCTL_destroy)
		CHECK(removes_this_call <= DOMAIN_RELEASE_BATCH + 1,
		      "one destroy call removed %u pages", removes_this_call);
	memcpy(op, dom0_arg(), sizeof(*op));
	return rc;
}

static void destroy_fully(uint16_t id)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_destroy, .domid = id };
	long rc;
	unsigned n = 0;

	do {
		op.cmd = KEEL_DOMCTL_destroy;
		op.domid = id;
		rc = domctl(&op, DOM0_GPA, sizeof(op));
		CHECK(++n < 64, "d%u: destroy still -EAGAIN after 64 calls", id);
		check_all();
	} while (rc == -EAGAIN);
}

static void op_domctl(struct input *in)
{
	struct keel_domctl op;
	uint8_t k = u8(in);
	uint64_t gpa = DOM0_GPA, size = sizeof(op);
	long rc;

	static const uint8_t sched_only[4] = { 2, 3, 4, 8 };
	unsigned sel = k % 12;

	memset(&op, 0, sizeof(op));
	op.domid = pick_dom(in);
	/* fuzz_sched: dom0 only pauses, unpauses, looks and sets credit. */
	if (!(FUZZ_FAMILIES & FAM_DOMCTL))
		sel = sched_only[k % 4];
	switch (sel) {
	case 0:
		op.cmd = KEEL_DOMCTL_create;
		if (live_guests() >= MAX_GUESTS)
			return;	/* the fake p2m has room for a few */
		op.u.create.max_pages = k & 0x80 ? u64(in) : 1 + u8(in) % 48;
		op.u.create.nr_vcpus = u8(in) % (KEEL_MAX_VCPUS + 2);
		if (u8(in) == 0xff)
			op.u.create.flags = u32(in);
		break;
	case 1:
		if (k & 0x80) {
			destroy_fully(op.domid);
			return;
		}
		op.cmd = KEEL_DOMCTL_destroy;
		break;
	case 2:
		op.cmd = KEEL_DOMCTL_pause;
		break;
	case 3:
		op.cmd = KEEL_DOMCTL_unpause;
		break;
	case 4:
		op.cmd = k & 0x80 ? KEEL_DOMCTL_getinfo_next : KEEL_DOMCTL_getinfo;
		break;
	case 5:
		op.cmd = KEEL_DOMCTL_set_max_mem;
		op.u.max_mem.max_pages = k & 0x40 ? u64(in) : u8(in) % 40;
		break;
	case 6:
	case 7:
		op.cmd = KEEL_DOMCTL_set_vcpu_context;
		op.u.vcpu_context.vcpu = u8(in) % (KEEL_MAX_VCPUS + 1);
		op.u.vcpu_context.rip = k & 0x80 ? u64(in) : 0x100000;
		op.u.vcpu_context.rbx = 0x1000;
		op.u.vcpu_context.shared_info_gfn =
			k & 0x40 ? KEEL_GFN_INVALID : pick_gfn(in);
		if (u8(in) == 0xff)
			op.u.vcpu_context.pad = 1;
		break;
	case 8:
		op.cmd = KEEL_DOMCTL_sched_credit;
		op.u.sched.op = u8(in) % 3;
		op.u.sched.weight = k & 0x80 ? u32(in) : 1 + u8(in) * 64u;
		op.u.sched.cap = k & 0x40 ? u32(in) : u8(in) % 101;
		break;
	case 11: {	/* save/restore (10-18), a second buffer in dom0's RAM */
		struct domain *d = guest(op.domid);

		/* a guest write that faults now and then */
		if (d && d->logdirty.enabled && (k & 0x80)) {
			uint64_t g = pick_gfn(in);
			bool handled = logdirty_write_fault(d, g);
			int at = find(d, g);

			CHECK(!handled || (at >= 0 && p2m[at].writable),
			      "a handled write fault left d%u gfn %lu read-only", d->id, g);
		}
		op.cmd = KEEL_DOMCTL_logdirty + u8(in) % 9;
		for (unsigned i = 0; i < 12; i++)
			memcpy(op.u.raw + i * 4, &(uint32_t){ u8(in) & 0x80 ? u32(in) : u8(in) % 70 }, 4);
		if (op.cmd == KEEL_DOMCTL_logdirty) {
			op.u.logdirty.op = u8(in) % 5;
			op.u.logdirty.pad = 0;
			op.u.logdirty.start_gfn = (u8(in) % 4) * 64;
			op.u.logdirty.nr = 64 * (1 + u8(in) % 4);
		}
		domctl_buf = DOM0_GPA + 2048;
		domctl_buf_len = u8(in) == 0xff ? u16(in) : (u8(in) % 33) * 8;
		if (op.cmd == KEEL_DOMCTL_logdirty && !(k & 0x40))
			domctl_buf_len = op.u.logdirty.nr / 8;
		if (op.cmd == KEEL_DOMCTL_get_vcpu_state ||
		    op.cmd == KEEL_DOMCTL_set_vcpu_state)
			domctl_buf_len = k & 0x40 ? 8 : sizeof(struct keel_vcpu_state);
		rc = domctl(&op, gpa, size);
		domctl_buf = domctl_buf_len = 0;
		return;
	}
	case 9:	/* raw: any command, any size, any buffer */
		op.cmd = u8(in) % 20;
		op.pad = u8(in) == 0xff;
		for (unsigned i = 0; i < 16; i++)
			memcpy(op.u.raw + i * 4, &(uint32_t){ u32(in) }, 4);
		gpa = dom0_gpa(in);
		if (u8(in) == 0xff)
			size = u8(in);
		break;
	default: {	/* memory_op for a guest, as the builder does */
		struct keel_memory_reservation r = { 0 };
		uint64_t *list = (uint64_t *)((uint8_t *)dom0_arg() + 1024);
		uint64_t a[HYPERCALL_NARGS];
		unsigned n = 1 + u8(in) % 16;

		r.nr_extents = n;
		r.domid = op.domid;
		for (unsigned i = 0; i < n; i++)
			list[i] = k & 0x40 ? pick_gfn(in) : (k >> 3) % 8 + i;
		memcpy(dom0_arg(), &r, sizeof(r));
		a[0] = k & 0x80 ? KEEL_MEMOP_decrease_reservation
				: KEEL_MEMOP_populate_physmap;
		a[1] = DOM0_GPA;
		a[2] = sizeof(r);
		a[3] = DOM0_GPA + 1024;
		a[4] = n * 8;
		rc = traced("memory", 0, a, do_memory_op(dom0.vcpu[0], a));
		CHECK(rc <= (long)n, "memory_op did %ld of %u", rc, n);
		return;
	}
	}
	rc = domctl(&op, gpa, size);
	if (op.cmd == KEEL_DOMCTL_create && rc == 0 && gpa == DOM0_GPA)
		CHECK(op.domid >= 1 && op.domid <= MAX_GUESTS + 1,
		      "created domid %u", op.domid);
	if ((op.cmd == KEEL_DOMCTL_getinfo || op.cmd == KEEL_DOMCTL_getinfo_next)
	    && rc == 0 && gpa == DOM0_GPA && op.domid) {
		struct domain *d = guest(op.domid);

		CHECK(d && op.u.info.nr_pages == d->nr_pages &&
		      op.u.info.nr_vcpus == d->nr_vcpus,
		      "getinfo of d%u disagrees", op.domid);
	}
}

/* ---- a guest's side: its running vCPU's hypercalls ---------------------- */

/* The vCPU on pCPU c, if it may run guest code now (a pick whose flags a
 * destroy or pause has not set since). */
static struct vcpu *running_on(unsigned c)
{
	struct vcpu *v = picked[c];

	return v && !v->pause_flags ? v : NULL;
}

static uint64_t guest_arg_gpa(struct input *in)
{
	uint8_t b = u8(in);

	if (b < 0xf0)
		return ARG_GFN * 4096ull;
	return b < 0xf8 ? 4096 - (b & 7) : u64(in);
}

/* Write into the guest's argument page (if it has one). */
static bool guest_put(struct domain *d, const void *x, size_t len)
{
	return copy_to_guest(d, ARG_GFN * 4096ull, x, len) == 0;
}

static void op_guest(struct input *in, struct vcpu *v)
{
	struct domain *d = v->domain;
	uint8_t k = u8(in);
	uint64_t a[HYPERCALL_NARGS] = { 0 };
	long rc;

	switch (k % 8) {
	case 0:
	case 1:
		a[0] = k & 0x80 ? u8(in) % 5 : (k >> 3) % 3;
		a[1] = a[0] == KEEL_SCHEDOP_block ? deadline(in)
		     : a[0] == KEEL_SCHEDOP_shutdown ? u8(in) % 5 : u64(in);
		rc = traced("sched_op", d->id, a, do_sched_op(v, a));
		if (a[0] == KEEL_SCHEDOP_block && rc == 0 &&
		    (v->pause_flags & VPF_blocked) && a[1] &&
		    a[1] <= clock_ns)
			CHECK(0, "d%u v%u blocked past its deadline", d->id,
			      v->id);
		break;
	case 2:
		a[0] = deadline(in);
		traced("set_timer", d->id, a, do_set_timer_op(v, a));
		break;
	case 3: {	/* memory_op on itself (the balloon) */
		struct keel_memory_reservation r = { 0 };
		uint64_t list[8];
		unsigned n = 1 + u8(in) % 8;

		r.nr_extents = n;
		r.domid = k & 0x80 ? pick_dom(in) : KEEL_DOMID_SELF;
		for (unsigned i = 0; i < n; i++)
			list[i] = pick_gfn(in);
		if (!guest_put(d, &r, sizeof(r)) ||
		    copy_to_guest(d, 64, list, n * 8))
			return;
		a[0] = k & 0x40 ? KEEL_MEMOP_decrease_reservation
				: KEEL_MEMOP_populate_physmap;
		a[1] = guest_arg_gpa(in);
		a[2] = sizeof(r);
		a[3] = 64;
		a[4] = n * 8;
		if (k & 0x20) {
			a[0] = KEEL_MEMOP_set_shared_info;
			a[1] = pick_gfn(in);
		}
		traced("memory", d->id, a, do_memory_op(v, a));
		break;
	}
	case 4:
	case 5: {	/* event channels */
		uint8_t op = u8(in) % 6;
		union {
			struct keel_evtchn_bind_virq virq;
			struct keel_evtchn_alloc_unbound au;
			struct keel_evtchn_bind_interdomain bi;
			struct keel_evtchn_port_op port;
		} x;
		static const uint64_t cmd[6] = {
			KEEL_EVTCHNOP_bind_virq, KEEL_EVTCHNOP_alloc_unbound,
			KEEL_EVTCHNOP_bind_interdomain, KEEL_EVTCHNOP_send,
			KEEL_EVTCHNOP_unmask, KEEL_EVTCHNOP_close,
		};
		static const uint64_t size[6] = { 8, 8, 8, 8, 8, 8 };

		memset(&x, 0, sizeof(x));
		switch (op) {
		case 0:
			x.virq.virq = u8(in) % (KEEL_NR_VIRQS + 1);
			x.virq.vcpu = u8(in) % (KEEL_MAX_VCPUS + 1);
			break;
		case 1:
			x.au.dom = KEEL_DOMID_SELF;
			x.au.remote_dom = pick_dom(in);
			break;
		case 2:
			x.bi.remote_dom = pick_dom(in);
			x.bi.remote_port = u8(in) % 12;
			break;
		default:
			x.port.port = u8(in) % 12;
			break;
		}
		if (!guest_put(d, &x, sizeof(x)))
			return;
		a[0] = cmd[op];
		a[1] = guest_arg_gpa(in);
		a[2] = op == 0 ? sizeof(x.virq) : op == 1 ? sizeof(x.au)
		     : op == 2 ? sizeof(x.bi) : sizeof(x.port);
		(void)size;
		traced("evtchn", d->id, a, do_event_channel_op(v, a));
		break;
	}
	case 6: {	/* it writes its shared info (masks, pending bits) */
		struct keel_shared_info *si = d->shared_info;
		uint16_t off = u16(in) % (sizeof(*si) - 8);
		uint64_t val = u64(in);

		if (si)
			memcpy((uint8_t *)si + off, &val, 8);
		break;
	}
	default:	/* a grant table: destroy has one more thing to drop */
		a[0] = u8(in);
		a[1] = guest_arg_gpa(in);
		a[2] = 1;
		a[3] = u8(in);
		traced("gnttab", d->id, a, do_grant_table_op(v, a));
		break;
	}
}

/* ---- setup and teardown ------------------------------------------------- */

/* Two guests built and started as keel-domd does: created, RAM at gfns
 * 0..7, shared info at gfn 1, vCPU 0's context set, unpaused. */
static void build_guest(unsigned max_pages, unsigned nr_vcpus)
{
	struct keel_domctl op = { .cmd = KEEL_DOMCTL_create };
	struct keel_memory_reservation r = { 8, 0, { 0 } };
	uint64_t *list = (uint64_t *)((uint8_t *)dom0_arg() + 1024);
	uint64_t a[HYPERCALL_NARGS] = { KEEL_MEMOP_populate_physmap, DOM0_GPA,
					sizeof(r), DOM0_GPA + 1024, 64 };
	uint16_t id;

	op.u.create.max_pages = max_pages;
	op.u.create.nr_vcpus = nr_vcpus;
	CHECK(domctl(&op, DOM0_GPA, sizeof(op)) == 0, "create");
	id = op.domid;
	r.domid = id;
	memcpy(dom0_arg(), &r, sizeof(r));
	for (unsigned i = 0; i < 8; i++)
		list[i] = i;
	CHECK(do_memory_op(dom0.vcpu[0], a) == 8, "populate");
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_set_vcpu_context;
	op.domid = id;
	op.u.vcpu_context.rip = 0x100000;
	op.u.vcpu_context.rbx = 0x1000;
	op.u.vcpu_context.shared_info_gfn = 1;
	CHECK(domctl(&op, DOM0_GPA, sizeof(op)) == 0, "context");
	memset(&op, 0, sizeof(op));
	op.cmd = KEEL_DOMCTL_unpause;
	op.domid = id;
	CHECK(domctl(&op, DOM0_GPA, sizeof(op)) == 0, "unpause");
}

static void setup(void)
{
	if (dom0.evtchn.ports) {	/* the last input's dom0 */
		gnttab_domain_destroy(&dom0);
		evtchn_domain_destroy(&dom0);
		xfree_bytes(mfn_to_page(MEM_BASE),
			    NR_POOL * sizeof(struct page_info));
	}
	CHECK(alloc_outstanding == 0, "%ld bytes leaked", alloc_outstanding);
	harness_locks_held = 0;
	memset(mem, 0, sizeof(mem));
	memset(p2m, 0, sizeof(p2m));
	nr_p2m = 0;
	memset(picked, 0, sizeof(picked));
	memset(prev_of, 0, sizeof(prev_of));
	cur_cpu = 0;
	clock_ns = 1000000000ull;
	frame_init(&hv_frames, bitmap, MEM_BASE >> 12, NR_POOL);
	frame_add_free(&hv_frames, MEM_BASE >> 12, NR_POOL);
	page_info_init();
	sched_init(1, NR_PCPUS);

	memset(&dom0, 0, sizeof(dom0));
	dom0.privileged = true;
	dom0.vcpu[0] = &dom0.vcpu0;
	dom0.vcpu0.domain = &dom0;
	dom0.nr_vcpus = 1;
	dom0.upcall_vector = 0xf0;
	spin_lock_init(&dom0.lock);
	rangeset_init(&dom0.ram);
	rangeset_add(&dom0.ram, DOM0_GPA, DOM0_GPA + NR_DOM0 * 4096ull);
	domain_table_init();
	if (evtchn_domain_init(&dom0) || gnttab_domain_init(&dom0))
		harness_bug(__FILE__, __LINE__, "dom0 init");
	schedule_start();
	pool_at_start = frame_free_count(&hv_frames);
	alloc_base = alloc_outstanding;
	build_guest(32, 1);
	build_guest(24, 2);
}

static void teardown(void)
{
	for (unsigned id = 1; id < MAX_DOMAINS; id++)
		if (guest(id))
			destroy_fully((uint16_t)id);
	/* A getinfo reaps what no mapping holds: all of them, here. */
	{
		struct keel_domctl op = { .cmd = KEEL_DOMCTL_getinfo_next,
					  .domid = 1 };

		CHECK(domctl(&op, DOM0_GPA, sizeof(op)) == -ESRCH,
		      "d%u still listed after destroy", op.domid);
	}
	for (unsigned c = 1; c <= NR_PCPUS; c++) {
		sched_pass(c);
		CHECK(!picked[c], "pCPU %u still runs a vCPU", c);
	}
	CHECK(nr_p2m == 0, "%u p2m entries left", nr_p2m);
	check_locks();
	CHECK(frame_free_count(&hv_frames) == pool_at_start,
	      "pool %lu, was %lu", (unsigned long)frame_free_count(&hv_frames),
	      (unsigned long)pool_at_start);
	CHECK(alloc_outstanding == alloc_base, "%ld bytes leaked (domains, vCPUs, "
	      "ports, grant tables)", alloc_outstanding);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	unsigned steps = 0;

	setup();
	check_all();
	while (in.n && steps++ < 256) {
		uint8_t k = u8(&in);
		struct vcpu *v;

		switch (k % 8) {
		case 0:
		case 1:
		case 2:
			op_domctl(&in);
			break;
		case 3:
		case 4:
			v = running_on(1 + (k >> 3) % NR_PCPUS);
			if ((FUZZ_FAMILIES & FAM_SCHED) && v)
				op_guest(&in, v);
			break;
		case 5:
		case 6:
			sched_pass(1 + (k >> 3) % NR_PCPUS);
			break;
		default: {
			uint8_t b = u8(&in);

			clock_ns += b & 0x80 ? (uint64_t)(b & 0x7f) * 1000000ull
					     : (uint64_t)b * 1000ull;
			break;
		}
		}
		check_all();
	}
	teardown();
	return 0;
}
