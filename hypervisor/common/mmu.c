/*
 * KEEL_HC_mmu_update (public/mmu.h): the page-table update queue.  dom0
 * hands a batch of changes to physical-to-machine maps; each entry is
 * copied in, checked and applied on its own, and gets its own status.
 */
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <public/memory.h>
#include <public/mmu.h>

#define MMU_CHUNK 32

static int map_foreign(struct domain *caller, struct keel_mmu_update *u)
{
	struct domain *d = domain_get(u->domid, caller);
	bool ro = u->flags & KEEL_MMU_READONLY;
	paddr_t mfn;
	int rc;

	if (!d)
		return -ESRCH;
	if (d->privileged) {
		domain_put(d);
		return -EINVAL;		/* dom0's own memory is 1:1 already */
	}
	spin_lock(&d->lock);
	rc = p2m_lookup(d, u->gfn, &mfn, NULL);
	if (!rc)
		rc = page_get_ref(mfn, d->id);
	spin_unlock(&d->lock);
	domain_put(d);
	if (rc)
		return rc == -EINVAL ? -ENOENT : rc;
	spin_lock(&caller->lock);
	rc = p2m_map_foreign(caller, mfn, ro);
	spin_unlock(&caller->lock);
	if (rc) {
		page_put_ref(mfn);
		return rc;
	}
	u->value = mfn >> PAGE_SHIFT;
	return 0;
}

static int unmap_foreign(struct domain *caller, struct keel_mmu_update *u)
{
	paddr_t mfn = u->value << PAGE_SHIFT;
	bool ro = u->flags & KEEL_MMU_READONLY;
	int rc;

	if (u->value >= KEEL_MAX_GFN)
		return -EINVAL;
	spin_lock(&caller->lock);
	rc = p2m_unmap_foreign(caller, mfn, ro);
	spin_unlock(&caller->lock);
	if (!rc)
		page_put_ref(mfn);
	return rc;
}

static int protect(struct domain *caller, struct keel_mmu_update *u)
{
	struct domain *d = domain_get(u->domid, caller);
	int rc;

	if (!d)
		return -ESRCH;
	if (d->privileged) {
		domain_put(d);
		return -EINVAL;
	}
	spin_lock(&d->lock);
	rc = p2m_protect(d, u->gfn, u->flags & KEEL_MMU_READONLY);
	/* Writable again: log-dirty can no longer see its writes. */
	if (!rc && !(u->flags & KEEL_MMU_READONLY))
		logdirty_mark(d, u->gfn);
	spin_unlock(&d->lock);
	domain_put(d);
	return rc;
}

static int apply(struct domain *caller, struct keel_mmu_update *u)
{
	if (u->pad || (u->flags & ~KEEL_MMU_READONLY))
		return -EINVAL;
	switch (u->op) {
	case KEEL_MMU_map_foreign:
		return map_foreign(caller, u);
	case KEEL_MMU_unmap_foreign:
		return unmap_foreign(caller, u);
	case KEEL_MMU_protect:
		return protect(caller, u);
	default:
		return -EINVAL;
	}
}

long do_mmu_update(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	struct keel_mmu_update batch[MMU_CHUNK];
	uint64_t count = args[1], done = 0;
	const size_t sz = sizeof(batch[0]);
	long rc;

	if (!v->domain->privileged)
		return -EPERM;
	if (args[2] != sz || count == 0 || count > KEEL_MMU_BATCH_MAX)
		return -EINVAL;
	while (done < count) {
		uint64_t k = MIN(count - done, (uint64_t)MMU_CHUNK);
		uint64_t gpa = args[0] + done * sz;

		rc = copy_from_guest(v->domain, batch, gpa, k * sz);
		if (rc)
			return done ? (long)done : rc;
		for (uint64_t i = 0; i < k; i++)
			batch[i].status = apply(v->domain, &batch[i]);
		rc = copy_to_guest(v->domain, gpa, batch, k * sz);
		if (rc)
			return done ? (long)done : rc;
		done += k;
	}
	return (long)done;
}
