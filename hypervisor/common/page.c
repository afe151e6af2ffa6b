/*
 * Ownership and mapping references of pool frames (keel/page.h).
 *
 * The page_info array covers the frame allocator's span.  A frame is
 * freed only when its owner has released it and no mapping holds it; when
 * the owner is a dying domain, its pages_held count falls with each such
 * free, and the domain is finally reaped at zero (domain.c).
 */
#include <keel/page.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/mm.h>
#include <keel/spinlock.h>
#include <keel/xmalloc.h>

static struct page_info *pages;
static spinlock_t page_lock = SPINLOCK_INIT;

void page_info_init(void)
{
	pages = xzalloc_array(struct page_info, hv_frames.nr_pfns);
	if (!pages)
		panic("no memory for the page ownership table");
	for (uint64_t i = 0; i < hv_frames.nr_pfns; i++)
		pages[i].owner = PAGE_OWNER_NONE;
}

struct page_info *mfn_to_page(paddr_t mfn)
{
	uint64_t pfn = mfn >> PAGE_SHIFT;

	if (!pages || pfn < hv_frames.base_pfn ||
	    pfn >= hv_frames.base_pfn + hv_frames.nr_pfns)
		return NULL;
	return &pages[pfn - hv_frames.base_pfn];
}

paddr_t domain_page_alloc(uint16_t owner)
{
	paddr_t pa = alloc_pages(1, 1);
	struct page_info *pg;

	if (!pa)
		return 0;
	pg = mfn_to_page(pa);
	spin_lock(&page_lock);
	pg->owner = owner;
	pg->flags = PGF_allocated;
	pg->refs = 0;
	spin_unlock(&page_lock);
	return pa;
}

/* With page_lock held: the frame goes back to the pool. */
static void free_locked(struct page_info *pg, paddr_t mfn)
{
	pg->owner = PAGE_OWNER_NONE;
	pg->flags = 0;
	free_pages(mfn, 1);
}

void domain_page_release(paddr_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg)
		panic("release of frame %lx outside the pool", mfn);
	spin_lock(&page_lock);
	if (!(pg->flags & PGF_allocated) || (pg->flags & PGF_released))
		panic("double release of frame %lx", mfn);
	if (pg->refs == 0) {
		free_locked(pg, mfn);
	} else {
		pg->flags |= PGF_released;
		domain_page_held(pg->owner, 1);
	}
	spin_unlock(&page_lock);
}

int page_get_ref(paddr_t mfn, uint16_t owner)
{
	struct page_info *pg = mfn_to_page(mfn);
	int rc = 0;

	if (!pg)
		return -EINVAL;
	spin_lock(&page_lock);
	if (!(pg->flags & PGF_allocated) || (pg->flags & PGF_released) ||
	    pg->owner != owner || pg->refs == UINT32_MAX)
		rc = -EINVAL;
	else
		pg->refs++;
	spin_unlock(&page_lock);
	return rc;
}

void page_put_ref(paddr_t mfn)
{
	struct page_info *pg = mfn_to_page(mfn);

	if (!pg)
		panic("put of frame %lx outside the pool", mfn);
	spin_lock(&page_lock);
	if (pg->refs == 0)
		panic("reference underflow on frame %lx", mfn);
	if (--pg->refs == 0 && (pg->flags & PGF_released)) {
		domain_page_held(pg->owner, -1);
		free_locked(pg, mfn);
	}
	spin_unlock(&page_lock);
}
