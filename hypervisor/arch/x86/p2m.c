/*
 * Physical-to-machine maps on nested page tables (keel/p2m.h; AMD APM
 * vol. 2 sec. 15.25).  Guest RAM is mapped 4 KiB at a time; dom0's table is
 * the 1:1 one built at boot, into which foreign and grant mappings of pool
 * frames are added at their own frame numbers.
 */
#include <keel/p2m.h>
#include <keel/logdirty.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/page.h>
#include <public/memory.h>
#include <asm/mm.h>
#include <asm/percpu.h>
#include <asm/svm.h>

#define NPT_RW (PTE_RW | PTE_US)
#define NPT_RO (PTE_US)
/* Read-only only because log-dirty mode tracks it (keel/logdirty.h): a
 * write makes it writable again.  A protect's read-only has no such bit. */
#define NPT_LD (PTE_US | PTE_AVL9)

static uint64_t gpa_of(uint64_t gfn)
{
	return gfn << PAGE_SHIFT;
}

/*
 * Table pages that an unmap empties are freed only after the flush: until
 * then another pCPU's page walk may still be reading them.  A 4 KiB unmap
 * empties at most three (PT, PD, PDPT).
 */
struct deferred_free {
	paddr_t page[4];
	unsigned n;
};

static void defer_free(void *ctx, paddr_t pa)
{
	struct deferred_free *df = ctx;

	if (df->n < ARRAY_SIZE(df->page))
		df->page[df->n++] = pa;
	/* else: keep the page; a few table pages are cheaper than a
	 * use-after-free by a page walker. */
}

static void *map_table(void *ctx, paddr_t pa)
{
	return hv_pt_mem.map(hv_pt_mem.ctx, pa);
}

/* Table pages a guest's p2m_add allocates are counted against it. */
static paddr_t counted_alloc(void *ctx)
{
	struct domain *d = ctx;
	paddr_t pa = hv_pt_mem.alloc(hv_pt_mem.ctx);

	if (pa)
		d->arch.npt_pages++;
	return pa;
}

static void counted_free(void *ctx, paddr_t pa)
{
	struct domain *d = ctx;

	hv_pt_mem.free(hv_pt_mem.ctx, pa);
	if (d->arch.npt_pages)
		d->arch.npt_pages--;
}

/* Unmap one page of d's table and flush, then free emptied tables. */
static int unmap_and_flush(struct domain *d, uint64_t gpa)
{
	struct deferred_free df = { .n = 0 };
	struct pt_mem mem = { hv_pt_mem.alloc, defer_free, map_table, &df };
	const struct pt_mem *saved = d->arch.npt.mem;
	int rc;

	d->arch.npt.mem = &mem;
	rc = pt_unmap(&d->arch.npt, gpa, PAGE_SIZE);
	d->arch.npt.mem = saved;
	arch_p2m_flush(d);
	for (unsigned i = 0; i < df.n; i++) {
		hv_pt_mem.free(hv_pt_mem.ctx, df.page[i]);
		if (!d->privileged && d->arch.npt_pages)
			d->arch.npt_pages--;
	}
	return rc;
}

int p2m_add(struct domain *d, uint64_t gfn, paddr_t mfn)
{
	struct pt_mem mem = { counted_alloc, counted_free, map_table, d };
	const struct pt_mem *saved = d->arch.npt.mem;
	paddr_t old;
	uint64_t fl;
	int rc;

	if (gfn >= KEEL_MAX_GFN)
		return -EINVAL;
	if (!pt_lookup(&d->arch.npt, gpa_of(gfn), &old, &fl))
		return -EEXIST;
	d->arch.npt.mem = &mem;
	rc = pt_map(&d->arch.npt, gpa_of(gfn), mfn, PAGE_SIZE, NPT_RW, 0);
	d->arch.npt.mem = saved;
	return rc;
}

uint64_t p2m_table_pages(struct domain *d)
{
	return d->arch.npt_pages;
}

int p2m_lookup(struct domain *d, uint64_t gfn, paddr_t *mfn, bool *writable)
{
	uint64_t fl;

	if (gfn >= KEEL_MAX_GFN ||
	    pt_lookup(&d->arch.npt, gpa_of(gfn), mfn, &fl))
		return -ENOENT;
	/* Writable to the guest: read-only for log-dirty counts as
	 * writable (a write is only recorded first). */
	if (writable)
		*writable = fl & (PTE_RW | PTE_AVL9);
	return 0;
}

int p2m_remove(struct domain *d, uint64_t gfn, paddr_t *mfn)
{
	int rc;

	rc = p2m_lookup(d, gfn, mfn, NULL);
	if (rc)
		return rc;
	return unmap_and_flush(d, gpa_of(gfn));
}

int p2m_next(struct domain *d, uint64_t *gfn)
{
	uint64_t gpa;

	if (*gfn >= KEEL_MAX_GFN)
		return -ENOENT;
	gpa = gpa_of(*gfn);
	if (pt_next_mapped(&d->arch.npt, &gpa) ||
	    (gpa >> PAGE_SHIFT) >= KEEL_MAX_GFN)
		return -ENOENT;
	*gfn = gpa >> PAGE_SHIFT;
	return 0;
}

int p2m_protect(struct domain *d, uint64_t gfn, bool readonly)
{
	paddr_t mfn;
	int rc = p2m_lookup(d, gfn, &mfn, NULL);

	if (rc)
		return rc;
	rc = pt_map(&d->arch.npt, gpa_of(gfn), mfn, PAGE_SIZE,
		    readonly ? NPT_RO : NPT_RW, 0);
	if (!rc && readonly)
		arch_p2m_flush(d);
	return rc;
}

int p2m_logdirty_protect(struct domain *d, uint64_t gfn)
{
	paddr_t mfn;
	uint64_t fl;

	if (gfn >= KEEL_MAX_GFN ||
	    pt_lookup(&d->arch.npt, gpa_of(gfn), &mfn, &fl))
		return -ENOENT;
	if (!(fl & PTE_RW))
		return 0;
	return pt_map(&d->arch.npt, gpa_of(gfn), mfn, PAGE_SIZE, NPT_LD, 0);
}

int p2m_logdirty_unprotect(struct domain *d, uint64_t gfn)
{
	paddr_t mfn;
	uint64_t fl;

	if (gfn >= KEEL_MAX_GFN ||
	    pt_lookup(&d->arch.npt, gpa_of(gfn), &mfn, &fl))
		return -ENOENT;
	if (fl & PTE_RW)
		return 0;
	if (!(fl & PTE_AVL9))
		return -EACCES;
	/* Upgrading a translation needs no flush: a stale read-only one
	 * only faults again, and this finds it writable. */
	return pt_map(&d->arch.npt, gpa_of(gfn), mfn, PAGE_SIZE, NPT_RW, 0);
}

/* dom0's table gets a 1:1 entry for a pool frame while any mapping of
 * either kind needs it, writable while any writable one does. */
static uint64_t dom0_entry_flags(const struct page_info *pg)
{
	return (pg->dom0_maps[0].rw || pg->dom0_maps[1].rw) ? NPT_RW : NPT_RO;
}

static int dom0_map(struct domain *dom0, paddr_t mfn, bool readonly,
		    unsigned kind)
{
	struct page_info *pg = mfn_to_page(mfn);
	struct dom0_map_count *c;
	int rc;

	if (!pg || !(pg->flags & PGF_allocated) || !dom0->privileged)
		return -EINVAL;
	c = &pg->dom0_maps[kind];
	if (c->all == UINT16_MAX)
		return -ENOSPC;
	c->all++;
	if (!readonly)
		c->rw++;
	rc = pt_map(&dom0->arch.npt, mfn, mfn, PAGE_SIZE,
		    dom0_entry_flags(pg), 0);
	if (rc) {
		c->all--;
		if (!readonly)
			c->rw--;
	}
	return rc;
}

static int dom0_unmap(struct domain *dom0, paddr_t mfn, bool readonly,
		      unsigned kind)
{
	struct page_info *pg = mfn_to_page(mfn);
	struct dom0_map_count *c;
	int rc;

	if (!pg)
		return -ENOENT;
	c = &pg->dom0_maps[kind];
	if (!c->all || (readonly ? c->all == c->rw : !c->rw))
		return -ENOENT;
	c->all--;
	if (!readonly)
		c->rw--;
	if (!pg->dom0_maps[0].all && !pg->dom0_maps[1].all)
		return unmap_and_flush(dom0, mfn);
	rc = pt_map(&dom0->arch.npt, mfn, mfn, PAGE_SIZE,
		    dom0_entry_flags(pg), 0);
	arch_p2m_flush(dom0);
	return rc;
}

int p2m_map_foreign(struct domain *dom0, paddr_t mfn, bool readonly)
{
	return dom0_map(dom0, mfn, readonly, DOM0_MAP_FOREIGN);
}

int p2m_unmap_foreign(struct domain *dom0, paddr_t mfn, bool readonly)
{
	return dom0_unmap(dom0, mfn, readonly, DOM0_MAP_FOREIGN);
}

int p2m_map_grant(struct domain *dom0, paddr_t mfn, bool readonly)
{
	return dom0_map(dom0, mfn, readonly, DOM0_MAP_GRANT);
}

int p2m_unmap_grant(struct domain *dom0, paddr_t mfn, bool readonly)
{
	return dom0_unmap(dom0, mfn, readonly, DOM0_MAP_GRANT);
}

/*
 * No pCPU may keep using a removed or downgraded translation: every vCPU
 * of d flushes its nested TLB at its next VMRUN, and a vCPU in guest mode
 * on another pCPU right now is kicked out and waited for.
 */
void arch_p2m_flush(struct domain *d)
{
	unsigned self = this_cpu()->id;

	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];
		int cpu;

		if (!v)
			continue;
		__atomic_store_n(&v->arch.flush_tlb, true, __ATOMIC_SEQ_CST);
		cpu = __atomic_load_n(&v->arch.running_on, __ATOMIC_SEQ_CST);
		if (cpu >= 0 && (unsigned)cpu != self)
			svm_kick_and_wait(v, (unsigned)cpu);
	}
}
