/*
 * KEEL_HC_memory_op (public/memory.h): populating a domain's RAM, the
 * balloon, and the shared-info page.
 */
#include <keel/domain.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/time.h>
#include <public/memory.h>

#define GFN_CHUNK 64

static int populate_one(struct domain *d, uint64_t gfn)
{
	paddr_t mfn;
	int rc;

	if (gfn >= KEEL_MAX_GFN)
		return -EINVAL;
	/* Its nested table's pages count too: sparse gfns may cost up to
	 * three table pages each, all from the shared pool. */
	if (d->nr_pages >= d->max_pages ||
	    p2m_table_pages(d) >= P2M_TABLE_BUDGET(d->max_pages))
		return -ENOSPC;
	mfn = domain_page_alloc(d->id);
	if (!mfn)
		return -ENOMEM;
	rc = p2m_add(d, gfn, mfn);
	if (rc) {
		domain_page_release(mfn);
		return rc;
	}
	d->nr_pages++;
	logdirty_mark(d, gfn);	/* new and writable: the saver must send it */
	if (gfn >= d->max_gfn)
		d->max_gfn = gfn + 1;
	return 0;
}

static int decrease_one(struct domain *d, uint64_t gfn)
{
	paddr_t mfn;
	int rc;

	if (gfn >= KEEL_MAX_GFN)
		return -EINVAL;
	if (d->shared_info && gfn == d->shared_info_gfn)
		return -EBUSY;
	rc = p2m_remove(d, gfn, &mfn);
	if (rc)
		return rc;
	domain_page_release(mfn);
	d->nr_pages--;
	return 0;
}

/* Apply fn to each gfn of the caller's array; returns how many were done,
 * or the first error if none was. */
static long for_each_gfn(struct vcpu *v, struct domain *d, uint64_t list,
			 uint64_t n, int (*fn)(struct domain *, uint64_t))
{
	uint64_t gfns[GFN_CHUNK];
	uint64_t done = 0;
	int rc = 0;

	while (done < n && !rc) {
		uint64_t k = MIN(n - done, (uint64_t)GFN_CHUNK);

		rc = copy_from_guest(v->domain, gfns, list + done * 8, k * 8);
		if (rc)
			break;
		spin_lock(&d->lock);
		for (uint64_t i = 0; i < k && !rc; i++) {
			if (d->dying)
				rc = -ESRCH;
			else
				rc = fn(d, gfns[i]);
			if (!rc)
				done++;
		}
		spin_unlock(&d->lock);
	}
	return done ? (long)done : rc;
}

static long reservation_op(struct vcpu *v, const uint64_t *args)
{
	struct keel_memory_reservation r;
	struct domain *d;
	long rc;

	if (args[2] != sizeof(r))
		return -EINVAL;
	rc = copy_from_guest(v->domain, &r, args[1], sizeof(r));
	if (rc)
		return rc;
	if (r.pad[0] || r.pad[1] || r.pad[2] || r.nr_extents == 0 ||
	    r.nr_extents > KEEL_MEMOP_MAX_EXTENTS || args[4] != r.nr_extents * 8)
		return -EINVAL;
	/* A guest acts on itself only; nobody changes dom0's 1:1 RAM. */
	if (r.domid != KEEL_DOMID_SELF && r.domid != v->domain->id &&
	    !v->domain->privileged)
		return -EPERM;
	d = domain_get(r.domid, v->domain);
	if (!d)
		return -ESRCH;
	if (d->privileged) {
		domain_put(d);
		return -EPERM;
	}
	rc = for_each_gfn(v, d, args[3], r.nr_extents,
			  args[0] == KEEL_MEMOP_populate_physmap ? populate_one
								 : decrease_one);
	domain_put(d);
	return rc;
}

static long reservation_query(struct vcpu *v, const uint64_t *args)
{
	struct domain *d;
	long rc;

	if (args[1] > UINT16_MAX)
		return -EINVAL;
	if (args[1] != KEEL_DOMID_SELF && args[1] != v->domain->id &&
	    !v->domain->privileged)
		return -EPERM;
	d = domain_get((uint16_t)args[1], v->domain);
	if (!d)
		return -ESRCH;
	rc = (long)(args[0] == KEEL_MEMOP_current_reservation ? d->nr_pages
							      : d->max_pages);
	domain_put(d);
	return rc;
}

/* The hypervisor's pointer to page gfn of d, with a reference held if it
 * is a pool page.  NULL if it is not d's RAM. */
static void *own_page(struct domain *d, uint64_t gfn)
{
	paddr_t mfn;

	if (d->privileged) {
		uint64_t gpa = gfn << PAGE_SHIFT;

		if (gfn >= KEEL_MAX_GFN ||
		    !rangeset_contains(&d->ram, gpa, gpa + PAGE_SIZE))
			return NULL;
		return arch_phys_to_virt(gpa);
	}
	if (p2m_lookup(d, gfn, &mfn, NULL) || page_get_ref(mfn, d->id))
		return NULL;
	return arch_phys_to_virt(mfn);
}

/* True if a vCPU of d other than `caller` has started (it may be running
 * or about to, reading d->shared_info without a lock). */
static bool others_started(struct domain *d, const struct vcpu *caller)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (d->vcpu[i] != caller &&
		    !(__atomic_load_n(&d->vcpu[i]->pause_flags, __ATOMIC_ACQUIRE) &
		      VPF_down))
			return true;
	return false;
}

/*
 * Point d's shared info at one of its pages (or at none).  Every writer of
 * the page -- a sender setting a pending bit, unmask, closing a port --
 * loads the pointer under d->evtchn.lock, so the pointer changes under that
 * lock too; the old page's reference is dropped only after, when no writer
 * can still hold it (else a guest that moved its shared info and then gave
 * its old page back could have a sender write into a page the pool has
 * since handed to another domain).
 * Its vCPUs' own upcall checks (prepare_upcall, evtchn_upcall_pending) read
 * the pointer without a lock, so a page is dropped only when none of them
 * can be running: caller NULL is dom0 on a paused domain (domctl); a
 * guest's vCPU may replace a registered page only while the domain's other
 * vCPUs have not started (-EBUSY otherwise).
 * Locks: d->lock, then d->evtchn.lock.
 */
static long set_shared_info(struct domain *d, uint64_t gfn,
			    const struct vcpu *caller, bool keep)
{
	struct keel_shared_info *si = NULL, *old;

	spin_lock(&d->lock);
	if (caller && d->shared_info && !d->privileged &&
	    others_started(d, caller)) {
		spin_unlock(&d->lock);
		return -EBUSY;
	}
	if (gfn != KEEL_GFN_INVALID) {	/* KEEL_GFN_INVALID: unregister */
		si = own_page(d, gfn);
		if (!si) {
			spin_unlock(&d->lock);
			return -EINVAL;
		}
		if (!keep)
			memset(si, 0, sizeof(*si));
		time_fill_shared_info(si, d->nr_vcpus, d->time_offset);
		d->shared_info_gfn = gfn;
	}
	spin_lock(&d->evtchn.lock);
	old = d->shared_info;
	__atomic_store_n(&d->shared_info, si, __ATOMIC_RELEASE);
	spin_unlock(&d->evtchn.lock);
	if (old && !d->privileged)
		page_put_ref(arch_virt_to_phys(old));
	spin_unlock(&d->lock);
	return 0;
}

long domain_set_shared_info(struct domain *d, uint64_t gfn,
			    const struct vcpu *caller)
{
	return set_shared_info(d, gfn, caller, false);
}

long domain_restore_shared_info(struct domain *d, uint64_t gfn)
{
	return set_shared_info(d, gfn, NULL, true);
}

long do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	switch (args[0]) {
	case KEEL_MEMOP_populate_physmap:
	case KEEL_MEMOP_decrease_reservation:
		return reservation_op(v, args);
	case KEEL_MEMOP_current_reservation:
	case KEEL_MEMOP_maximum_reservation:
		return reservation_query(v, args);
	case KEEL_MEMOP_set_shared_info:
		return domain_set_shared_info(v->domain, args[1], v);
	default:
		return -ENOSYS;
	}
}
