/* The fake hypervisor around evtchn.c, gnttab.c, mmu.c, memory.c and
 * sched_credit.c: see fake_hv.h. */
#include "harness.h"

#include <keel/domain.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/xmalloc.h>
#include <keel/arch.h>
#include <public/domctl.h>

#include "fake_hv.h"

struct domain dom0;

static struct domain doms[FAKE_NR_DOMS];
static struct domain *domtab[FAKE_NR_DOMS];
static struct vcpu vcpus[FAKE_NR_DOMS][KEEL_MAX_VCPUS];

struct fake_p2m_entry {
	bool present, writable;
	unsigned frame;
};
static struct fake_p2m_entry p2m[FAKE_NR_DOMS][FAKE_NR_GFNS];

static uint8_t mem[FAKE_NR_FRAMES][4096] __attribute__((aligned(4096)));
static struct page_info pages[FAKE_NR_FRAMES];
static bool not_pool[FAKE_NR_FRAMES];
static unsigned next_frame;

struct fake_grant_map fake_grant_maps[FAKE_NR_FRAMES];
int fake_alloc_fail;
int fake_copy_to_fail;
int fake_map_grant_fail;
unsigned fake_notify_count;
struct vcpu *fake_notify_last;
unsigned fake_kick_count[SCHED_MAX_PCPUS + 1];
long fake_alloc_outstanding;
int fake_refs_outstanding;
struct vcpu *fake_picked;
unsigned fake_picked_count;
int fake_picked_locks;

void fake_reset(void)
{
	memset(&dom0, 0, sizeof(dom0));
	memset(doms, 0, sizeof(doms));
	memset(domtab, 0, sizeof(domtab));
	memset(vcpus, 0, sizeof(vcpus));
	memset(p2m, 0, sizeof(p2m));
	memset(mem, 0, sizeof(mem));
	memset(pages, 0, sizeof(pages));
	memset(not_pool, 0, sizeof(not_pool));
	memset(fake_grant_maps, 0, sizeof(fake_grant_maps));
	next_frame = 0;
	fake_alloc_fail = fake_copy_to_fail = fake_map_grant_fail = 0;
	fake_notify_count = 0;
	fake_notify_last = NULL;
	memset(fake_kick_count, 0, sizeof(fake_kick_count));
	fake_alloc_outstanding = 0;
	fake_refs_outstanding = 0;
	fake_picked = NULL;
	fake_picked_count = 0;
	fake_picked_locks = 0;
}

struct domain *fake_domain(uint16_t id, unsigned nr_vcpus)
{
	struct domain *d = id == 0 ? &dom0 : &doms[id];

	if (id >= FAKE_NR_DOMS || nr_vcpus > KEEL_MAX_VCPUS || nr_vcpus == 0)
		harness_bug(__FILE__, __LINE__, "fake_domain: bad arguments");
	memset(d, 0, sizeof(*d));
	d->id = id;
	d->privileged = id == 0;
	d->refcnt = 1;
	d->nr_vcpus = nr_vcpus;
	d->sched.weight = KEEL_SCHED_WEIGHT_DEFAULT;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = i == 0 ? &d->vcpu0 : &vcpus[id][i];

		memset(v, 0, sizeof(*v));
		v->domain = d;
		v->id = i;
		d->vcpu[i] = v;
	}
	domtab[id] = d;
	return d;
}

void fake_domain_dying(struct domain *d)
{
	d->dying = true;
}

static struct fake_p2m_entry *p2m_entry(struct domain *d, uint64_t gfn)
{
	if (d->id >= FAKE_NR_DOMS || gfn >= FAKE_NR_GFNS)
		return NULL;
	return &p2m[d->id][gfn];
}

void fake_p2m_set(struct domain *d, uint64_t gfn, unsigned frame,
		  bool writable)
{
	struct fake_p2m_entry *e = p2m_entry(d, gfn);

	if (!e || frame >= FAKE_NR_FRAMES)
		harness_bug(__FILE__, __LINE__, "fake_p2m_set: out of range");
	e->present = true;
	e->writable = writable;
	e->frame = frame;
}

unsigned fake_new_frame(uint16_t owner)
{
	unsigned f = next_frame++;

	if (f >= FAKE_NR_FRAMES)
		harness_bug(__FILE__, __LINE__, "fake_new_frame: out of frames");
	pages[f].owner = owner;
	pages[f].flags = PGF_allocated;
	return f;
}

unsigned fake_give(struct domain *d, uint64_t gfn, bool writable)
{
	unsigned f = fake_new_frame(d->id);

	fake_p2m_set(d, gfn, f, writable);
	return f;
}

void fake_p2m_clear(struct domain *d, uint64_t gfn)
{
	struct fake_p2m_entry *e = p2m_entry(d, gfn);

	if (!e)
		harness_bug(__FILE__, __LINE__, "fake_p2m_clear: out of range");
	memset(e, 0, sizeof(*e));
}

void fake_frame_not_pool(unsigned frame)
{
	not_pool[frame] = true;
}

void *fake_frame(unsigned i)
{
	return mem[i];
}

void *fake_gfn_ptr(struct domain *d, uint64_t gfn)
{
	struct fake_p2m_entry *e = p2m_entry(d, gfn);

	return e && e->present ? mem[e->frame] : NULL;
}

struct keel_shared_info *fake_shared_info(struct domain *d, uint64_t gfn)
{
	fake_give(d, gfn, true);
	d->shared_info = fake_gfn_ptr(d, gfn);
	d->shared_info_gfn = gfn;
	return d->shared_info;
}

struct page_info *fake_page(unsigned frame)
{
	return &pages[frame];
}

/* ---- domains ------------------------------------------------------------ */

static struct domain *take(struct domain *d)
{
	d->refcnt++;
	fake_refs_outstanding++;
	return d;
}

struct domain *domain_get(uint16_t domid, struct domain *self)
{
	struct domain *d;

	if (domid == KEEL_DOMID_SELF)
		return take(self);
	if (domid >= FAKE_NR_DOMS || !domtab[domid] || domtab[domid]->dying)
		return NULL;
	d = domtab[domid];
	return take(d);
}

struct domain *domain_get_any(uint16_t domid)
{
	if (domid >= FAKE_NR_DOMS || !domtab[domid])
		return NULL;
	return take(domtab[domid]);
}

void domain_put(struct domain *d)
{
	if (--d->refcnt < 0 || --fake_refs_outstanding < 0)
		harness_bug(__FILE__, __LINE__, "domain_put: underflow");
}

/* ---- guest memory ------------------------------------------------------- */

static int guest_copy(struct domain *d, uint64_t gpa, void *buf, size_t len,
		      bool to_guest)
{
	uint8_t *b = buf;

	if (gpa + len < gpa)
		return -EFAULT;
	while (len) {
		size_t off = gpa & 4095, chunk = MIN(len, 4096 - off);
		struct fake_p2m_entry *e = p2m_entry(d, gpa >> 12);

		if (!e || !e->present || (to_guest && !e->writable))
			return -EFAULT;
		if (to_guest)
			memcpy(mem[e->frame] + off, b, chunk);
		else
			memcpy(b, mem[e->frame] + off, chunk);
		b += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	return guest_copy(d, gpa, dst, len, false);
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	if (fake_copy_to_fail) {
		fake_copy_to_fail = 0;
		return -EFAULT;
	}
	return guest_copy(d, gpa, (void *)src, len, true);
}

void *arch_phys_to_virt(paddr_t pa)
{
	if (pa < FAKE_MEM_BASE || pa >= FAKE_MFN(FAKE_NR_FRAMES))
		harness_bug(__FILE__, __LINE__, "arch_phys_to_virt: not fake RAM");
	return &mem[0][0] + (pa - FAKE_MEM_BASE);
}

paddr_t arch_virt_to_phys(const void *va)
{
	uintptr_t off = (uintptr_t)va - (uintptr_t)mem;

	if (off >= sizeof(mem))
		harness_bug(__FILE__, __LINE__, "arch_virt_to_phys: not fake RAM");
	return FAKE_MEM_BASE + off;
}

/* ---- p2m and pages ------------------------------------------------------ */

static void need_lock(struct domain *d, const char *who)
{
	if (!d->lock.locked)
		harness_bug(__FILE__, __LINE__, who);
}

int p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *writable)
{
	struct fake_p2m_entry *e = p2m_entry(d, gfn);

	need_lock(d, "p2m_lookup without d->lock");
	if (!e || !e->present)
		return -ENOENT;
	*mfn = FAKE_MFN(e->frame);
	if (writable)
		*writable = e->writable;
	return 0;
}

int fake_frame_of(paddr_t mfn)
{
	if (mfn < FAKE_MEM_BASE || mfn >= FAKE_MFN(FAKE_NR_FRAMES) ||
	    (mfn & 4095))
		return -1;
	return (int)((mfn - FAKE_MEM_BASE) >> 12);
}

struct page_info *mfn_to_page(paddr_t mfn)
{
	int f = fake_frame_of(mfn);

	return f < 0 || not_pool[f] ? NULL : &pages[f];
}

int page_get_ref(paddr_t mfn, uint16_t owner)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || !(pg->flags & PGF_allocated) || pg->owner != owner)
		return -EINVAL;
	pg->refs++;
	return 0;
}

/* Does any live domain's shared-info pointer name frame f? */
static bool shared_info_names(int f)
{
	for (unsigned i = 0; i < FAKE_NR_DOMS; i++)
		if (domtab[i] && domtab[i]->shared_info == (void *)mem[f])
			return true;
	return false;
}

/* Dropping a frame's last reference while a domain's shared info still
 * points at it is the use-after-free 6998583 fixed (the pool could hand
 * the page out while senders still write to it): a BUG here. */
void page_put_ref(paddr_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg || pg->refs == 0)
		harness_bug(__FILE__, __LINE__, "page_put_ref: no reference");
	if (pg->refs == 1 && shared_info_names(fake_frame_of(mfn)))
		harness_bug(__FILE__, __LINE__,
			    "page_put_ref: last reference of a frame a domain's "
			    "shared info still points at");
	pg->refs--;
}

int p2m_map_grant(struct domain *d, paddr_t mfn, bool readonly)
{
	struct page_info *pg = mfn_to_page(mfn);
	int f = fake_frame_of(mfn);

	need_lock(d, "p2m_map_grant without dom0->lock");
	if (!d->privileged)
		harness_bug(__FILE__, __LINE__, "p2m_map_grant: not dom0");
	if (fake_map_grant_fail) {
		int rc = fake_map_grant_fail;

		fake_map_grant_fail = 0;
		return rc;
	}
	if (!pg || !(pg->flags & PGF_allocated))
		return -EINVAL;
	fake_grant_maps[f].all++;
	if (!readonly)
		fake_grant_maps[f].rw++;
	return 0;
}

int p2m_unmap_grant(struct domain *d, paddr_t mfn, bool readonly)
{
	int f = fake_frame_of(mfn);

	need_lock(d, "p2m_unmap_grant without dom0->lock");
	if (f < 0 || !fake_grant_maps[f].all ||
	    (readonly ? fake_grant_maps[f].all == fake_grant_maps[f].rw
		      : !fake_grant_maps[f].rw))
		return -ENOENT;
	fake_grant_maps[f].all--;
	if (!readonly)
		fake_grant_maps[f].rw--;
	return 0;
}

/* ---- allocator, notifications, log -------------------------------------- */

void *xzalloc_bytes(size_t size)
{
	if (fake_alloc_fail) {
		fake_alloc_fail = 0;
		return NULL;
	}
	fake_alloc_outstanding += size;
	return calloc(1, size);
}

void xfree_bytes(void *p, size_t size)
{
	if (p)
		fake_alloc_outstanding -= size;
	free(p);
}

void vcpu_notify_upcall(struct vcpu *v)
{
	fake_notify_count++;
	fake_notify_last = v;
}

void arch_set_picked(struct vcpu *v)
{
	fake_picked = v;
	fake_picked_count++;
	fake_picked_locks = harness_locks_held;
}

void sched_kick_cpu(unsigned cpu)
{
	fake_kick_count[MIN(cpu, SCHED_MAX_PCPUS)]++;
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	vfprintf(stderr, fmt, ap);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}
