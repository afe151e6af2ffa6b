/*
 * Grant tables (keel/gnttab.h, public/grant_table.h): version 1 entries in
 * pages of the granter's own RAM, registered with setup_table.
 *
 * A grant entry is guest memory that the granter may rewrite at any
 * moment.  The hypervisor reads it only through atomic operations on its
 * two 32-bit words -- {flags, domid} and frame -- and sets GTF_reading /
 * GTF_writing with a compare-and-swap on the {flags, domid} word, so the
 * permission and the grantee are checked in the same instant the bits are
 * set (as Xen does).  A granter that keeps changing the word makes the
 * grantee give up with -EAGAIN after GNTTAB_CAS_TRIES attempts.
 *
 * Isolation does not depend on the flags: every frame reached through a
 * grant is held with a page reference (keel/page.h) while it is mapped or
 * copied, so it stays the granter's and cannot return to the pool.  The
 * flags are the granter's own protocol for knowing when it may reuse a
 * page.
 *
 * GTF_reading/GTF_writing rule: after an unmap (or a copy) the bit is
 * cleared only when no remaining mapping in the grantee's maptrack maps
 * the same (granter, ref) with that access.  Only dom0 may map grants for
 * now (others get -EPERM), and an entry names one grantee, so the
 * grantee's maptrack holds every mapping of a grant; a granter that
 * rewrites the domid of an entry in use fools only its own bookkeeping.
 * When other domains may map grants, this becomes a per-(granter, ref)
 * count.
 *
 * Locks, outermost first: gnttab.lock of the domains involved (ascending
 * domid), then one d->lock at a time around p2m calls (keel/p2m.h), then
 * the page allocator's.  Callers must not hold any of them.
 */
#include <keel/gnttab.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/rangeset.h>
#include <keel/xmalloc.h>
#include <public/grant_table.h>
#include <public/memory.h>

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct keel_grant_entry_v1))
#define GNTTAB_CAS_TRIES  16

/* The host unit tests define this to play a granter that rewrites the
 * entry between our read and our compare-and-swap. */
#ifdef GNTTAB_TEST_RACE
void GNTTAB_TEST_RACE(uint32_t *word);
#define grant_race(word) GNTTAB_TEST_RACE(word)
#else
#define grant_race(word) do { } while (0)
#endif

/* ---- grant entries ------------------------------------------------------ */

static bool ref_valid(struct domain *g, uint64_t ref)
{
	return ref < (uint64_t)g->gnttab.nr_frames * ENTRIES_PER_FRAME;
}

/*
 * The {flags, domid} word of entry `ref` (x86 is little-endian: flags in
 * bits 0-15, domid in 16-31); the frame is the next word.  An entry never
 * crosses a frame.  Called with g->gnttab.lock held and ref_valid().
 */
static uint32_t *entry_word(struct domain *g, uint64_t ref)
{
	uint8_t *frame = arch_phys_to_virt(g->gnttab.mfn[ref / ENTRIES_PER_FRAME]);

	return (uint32_t *)(frame + (ref % ENTRIES_PER_FRAME) *
			    sizeof(struct keel_grant_entry_v1));
}

/*
 * Set GTF_reading (and GTF_writing if `write`) in the entry if it grants
 * `grantee` that access.  0, -EACCES (not granted, or read-only), -EAGAIN
 * (the granter kept changing the entry).
 */
static int grant_acquire(uint32_t *word, uint16_t grantee, bool write)
{
	uint32_t want = KEEL_GTF_reading | (write ? KEEL_GTF_writing : 0);

	for (unsigned i = 0; i < GNTTAB_CAS_TRIES; i++) {
		uint32_t old = __atomic_load_n(word, __ATOMIC_SEQ_CST);
		uint16_t flags = old & 0xffff, domid = old >> 16;

		if (!(flags & KEEL_GTF_permit_access) || domid != grantee)
			return -EACCES;
		if (write && (flags & KEEL_GTF_readonly))
			return -EACCES;
		grant_race(word);
		if (__atomic_compare_exchange_n(word, &old, old | want, false,
						__ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return 0;
	}
	return -EAGAIN;
}

/* Does the grantee still map (g, ref), writably if `writable`?  Called
 * with grantee->gnttab.lock held. */
static bool still_mapped(struct domain *grantee, uint16_t g, uint64_t ref,
			 bool writable)
{
	struct maptrack *mt = grantee->gnttab.maptrack;

	for (unsigned h = 0; mt && h < MAPTRACK_MAX; h++)
		if (mt[h].in_use && mt[h].granter == g && mt[h].ref == ref &&
		    (!writable || !mt[h].readonly))
			return true;
	return false;
}

/*
 * Undo grant_acquire once an access has ended (see the rule at the top).
 * A table that is gone (granter destroyed) is not touched: its frames may
 * already be someone else's.  Called with both gnttab locks held.
 */
static void grant_release(struct domain *grantee, struct domain *g,
			  uint64_t ref, bool write)
{
	uint32_t clear = 0;

	if (!ref_valid(g, ref))
		return;
	if (!still_mapped(grantee, g->id, ref, false))
		clear |= KEEL_GTF_reading;
	if (write && !still_mapped(grantee, g->id, ref, true))
		clear |= KEEL_GTF_writing;
	if (clear)
		__atomic_fetch_and(entry_word(g, ref), ~clear, __ATOMIC_SEQ_CST);
}

/*
 * The machine frame behind an acquired grant, with a page reference
 * taken.  The frame number is read only now that GTF_reading is set: the
 * granter must not change it while the grant is in use.  0, -EINVAL (not
 * the granter's own RAM), -EACCES (write to a frame the granter itself may
 * only read).  Called with g->gnttab.lock held; takes g->lock.
 */
static int grant_frame(struct domain *g, uint64_t ref, bool write,
		       paddr_t *mfn, uint64_t *gfn_out)
{
	uint32_t gfn = __atomic_load_n(entry_word(g, ref) + 1, __ATOMIC_SEQ_CST);
	bool writable;
	int rc;

	*gfn_out = gfn;
	spin_lock(&g->lock);
	rc = p2m_lookup(g, gfn, mfn, &writable) ? -EINVAL : 0;
	if (!rc && write && !writable)
		rc = -EACCES;
	if (!rc && page_get_ref(*mfn, g->id))
		rc = -EINVAL;
	spin_unlock(&g->lock);
	return rc;
}

/* ---- locking helpers ---------------------------------------------------- */

static void lock_pair(struct domain *a, struct domain *b)
{
	if (a == b) {
		spin_lock(&a->gnttab.lock);
		return;
	}
	if (a->id > b->id) {
		struct domain *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->gnttab.lock);
	spin_lock(&b->gnttab.lock);
}

static void unlock_pair(struct domain *a, struct domain *b)
{
	spin_unlock(&a->gnttab.lock);
	if (a != b)
		spin_unlock(&b->gnttab.lock);
}

/* ---- setup_table -------------------------------------------------------- */

static void put_frames(const paddr_t *mfn, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		page_put_ref(mfn[i]);
}

/* Resolve the caller's table gfns to writable frames of its own, taking a
 * reference on each.  0 or -EINVAL (nothing held then). */
static int get_table_frames(struct domain *d, const uint64_t *gfn, unsigned n,
			    paddr_t *mfn)
{
	for (unsigned i = 0; i < n; i++) {
		bool writable = false;
		int rc;

		spin_lock(&d->lock);
		rc = p2m_lookup(d, gfn[i], &mfn[i], &writable);
		if (!rc)
			rc = writable ? page_get_ref(mfn[i], d->id) : -EINVAL;
		spin_unlock(&d->lock);
		if (rc) {
			put_frames(mfn, i);
			return -EINVAL;
		}
	}
	return 0;
}

static int setup_table(struct domain *d, struct keel_gnttab_setup_table *st)
{
	paddr_t mfn[KEEL_GNTTAB_MAX_FRAMES], old[KEEL_GNTTAB_MAX_FRAMES];
	unsigned n = st->nr_frames, nr_old;
	int rc;

	if (n == 0 || n > KEEL_GNTTAB_MAX_FRAMES)
		return -EINVAL;
	rc = get_table_frames(d, st->frames, n, mfn);
	if (rc)
		return rc;
	spin_lock(&d->gnttab.lock);
	if (d->gnttab.maps_of_mine) {
		spin_unlock(&d->gnttab.lock);
		put_frames(mfn, n);
		return -EBUSY;
	}
	nr_old = d->gnttab.nr_frames;
	memcpy(old, d->gnttab.mfn, sizeof(old));
	memcpy(d->gnttab.gfn, st->frames, n * sizeof(uint64_t));
	memcpy(d->gnttab.mfn, mfn, n * sizeof(paddr_t));
	d->gnttab.nr_frames = n;
	spin_unlock(&d->gnttab.lock);
	put_frames(old, nr_old);
	return 0;
}

/* ---- map / unmap -------------------------------------------------------- */

static int free_handle(struct domain *d)
{
	for (unsigned h = 0; d->gnttab.maptrack && h < MAPTRACK_MAX; h++)
		if (!d->gnttab.maptrack[h].in_use)
			return h;
	return -ENOSPC;
}

/* Map the caller's p2m entry for a grant (dom0: at the frame's own
 * number).  Takes self->lock. */
static int map_into(struct domain *self, paddr_t mfn, bool ro)
{
	int rc;

	spin_lock(&self->lock);
	rc = p2m_map_grant(self, mfn, ro);
	spin_unlock(&self->lock);
	return rc;
}

/*
 * Map g's grant `m->ref` into self.  Called with both gnttab locks held;
 * on failure nothing is left changed.
 */
static int map_locked(struct domain *self, struct domain *g,
		      struct keel_gnttab_map *m)
{
	bool ro = m->flags & KEEL_GNTMAP_readonly;
	struct maptrack *mt;
	uint64_t gfn;
	paddr_t mfn;
	int h, rc;

	if (!ref_valid(g, m->ref))
		return -EINVAL;
	h = free_handle(self);
	if (h < 0)
		return h;
	rc = grant_acquire(entry_word(g, m->ref), self->id, !ro);
	if (rc)
		return rc;
	/* Only dom0 can hold mappings so far: a guest learns whether its
	 * request was otherwise valid (EINVAL/EACCES above) before EPERM. */
	if (!self->privileged) {
		grant_release(self, g, m->ref, !ro);
		return -EPERM;
	}
	rc = grant_frame(g, m->ref, !ro, &mfn, &gfn);
	if (!rc) {
		rc = map_into(self, mfn, ro);
		if (rc)
			page_put_ref(mfn);
	}
	if (rc) {
		grant_release(self, g, m->ref, !ro);
		return rc;
	}
	mt = &self->gnttab.maptrack[h];
	mt->in_use = 1;
	mt->readonly = ro;
	mt->granter = g->id;
	mt->ref = m->ref;
	mt->mfn = mfn;
	mt->gfn = gfn;
	g->gnttab.maps_of_mine++;
	m->handle = h;
	m->dev_frame = mfn >> PAGE_SHIFT;
	return 0;
}

static int map_one(struct domain *self, struct keel_gnttab_map *m)
{
	struct domain *g;
	int rc;

	m->handle = 0;
	m->dev_frame = 0;
	if (m->flags & ~KEEL_GNTMAP_readonly)
		return -EINVAL;
	g = domain_get(m->dom, self);
	if (!g)
		return -ESRCH;
	lock_pair(self, g);
	rc = map_locked(self, g, m);
	unlock_pair(self, g);
	domain_put(g);
	return rc;
}

/*
 * Undo handle h of d's maptrack: the translation goes first (p2m unmap
 * returns once no pCPU can use it), then the grant flags, then the page
 * reference.  Called with d's and g's gnttab locks held (g may be NULL: the
 * granter no longer exists).
 */
static void unmap_locked(struct domain *d, struct domain *g, unsigned h)
{
	struct maptrack mt = d->gnttab.maptrack[h];

	memset(&d->gnttab.maptrack[h], 0, sizeof(mt));
	spin_lock(&d->lock);
	if (p2m_unmap_grant(d, mt.mfn, mt.readonly))
		pr_err("gnttab: d%u handle %u: frame %lx was not mapped\n",
		       d->id, h, (unsigned long)mt.mfn);
	spin_unlock(&d->lock);
	if (g) {
		/* dom0 may have written the page through its own mapping,
		 * which the granter's nested map never saw: log-dirty mode
		 * must send it again (as Xen marks it at unmap). */
		if (!mt.readonly) {
			spin_lock(&g->lock);
			logdirty_mark(g, mt.gfn);
			spin_unlock(&g->lock);
		}
		grant_release(d, g, mt.ref, !mt.readonly);
		g->gnttab.maps_of_mine--;
	}
	page_put_ref(mt.mfn);
}

/* The granter of d's handle h: its id, and the domain referenced (NULL if
 * none is left), or -EINVAL if h is not in use.  The granter may be
 * dying: its grants stay mapped until unmapped. */
static int handle_granter(struct domain *d, uint64_t h, uint16_t *gidp,
			  struct domain **g)
{
	uint16_t gid;

	if (h >= MAPTRACK_MAX)
		return -EINVAL;
	spin_lock(&d->gnttab.lock);
	if (!d->gnttab.maptrack || !d->gnttab.maptrack[h].in_use) {
		spin_unlock(&d->gnttab.lock);
		return -EINVAL;
	}
	gid = d->gnttab.maptrack[h].granter;
	spin_unlock(&d->gnttab.lock);
	*gidp = gid;
	*g = gid == d->id ? d : domain_get_any(gid);
	return 0;
}

/* Unmap handle h of d.  0 or -EINVAL (not in use). */
static int unmap_handle(struct domain *d, uint64_t h)
{
	struct domain *g = NULL;
	struct maptrack *mt;
	uint16_t gid;
	int rc = handle_granter(d, h, &gid, &g);

	if (rc)
		return rc;
	lock_pair(d, g ? g : d);
	mt = d->gnttab.maptrack ? &d->gnttab.maptrack[h] : NULL;
	/* Re-check: another vCPU may have unmapped (and reused) it. */
	if (mt && mt->in_use && mt->granter == gid)
		unmap_locked(d, g, h);
	else
		rc = -EINVAL;
	unlock_pair(d, g ? g : d);
	if (g && g != d)
		domain_put(g);
	return rc;
}

/* ---- copy --------------------------------------------------------------- */

struct copy_side {
	struct domain *g;          /* granter, or NULL: a gfn of the caller */
	uint64_t ref_or_gfn;
	uint64_t gfn;              /* a grant's frame (log-dirty) */
	uint16_t offset;
	bool write;
	bool acquired;             /* grant flags set */
	bool referenced;           /* page reference held on mfn */
	paddr_t mfn;
};

/* Decode one side: 0, -EINVAL, -ESRCH (granter unknown). */
static int copy_decode(struct domain *self, const struct keel_gnttab_copy_ptr *p,
		       bool gref, bool write, uint16_t len, struct copy_side *s)
{
	memset(s, 0, sizeof(*s));
	s->ref_or_gfn = p->ref_or_gfn;
	s->offset = p->offset;
	s->write = write;
	if (p->pad || (uint32_t)p->offset + len > PAGE_SIZE)
		return -EINVAL;
	if (!gref)
		return p->domid == KEEL_DOMID_SELF || p->domid == self->id ?
		       0 : -EINVAL;
	if (p->ref_or_gfn > UINT32_MAX)
		return -EINVAL;
	s->g = domain_get(p->domid, self);
	return s->g ? 0 : -ESRCH;
}

/* Is gfn a page of dom0's own RAM?  dom0's table maps far more than its RAM
 * 1:1 (up to 512 GiB: MMIO, holes, memory above the hypervisor's 1:1 map),
 * and the hypervisor must never dereference those: its RAM ranges are the
 * rule, as for arch_guest_va. */
static bool dom0_ram_frame(const struct domain *d, uint64_t gfn)
{
	uint64_t gpa = gfn << PAGE_SHIFT;

	return gfn < KEEL_MAX_GFN &&
	       rangeset_contains(&d->ram, gpa, gpa + PAGE_SIZE);
}

/* The caller's own frame at a gfn: a pool frame (a guest's RAM, or one dom0
 * maps), referenced; or a page of dom0's own RAM, which never returns to
 * the pool.  Anything else is -EFAULT.  0 or -EFAULT. */
static int own_frame(struct domain *self, struct copy_side *s)
{
	struct page_info *pg;
	bool writable = false;
	int rc;

	spin_lock(&self->lock);
	rc = p2m_lookup(self, s->ref_or_gfn, &s->mfn, &writable) ? -EFAULT : 0;
	if (!rc && s->write && !writable)
		rc = -EFAULT;
	pg = rc ? NULL : mfn_to_page(s->mfn);
	if (pg) {
		uint16_t owner = __atomic_load_n(&pg->owner, __ATOMIC_RELAXED);

		rc = page_get_ref(s->mfn, owner) ? -EFAULT : 0;
		s->referenced = !rc;
	} else if (!rc && !(self->privileged &&
			    dom0_ram_frame(self, s->ref_or_gfn))) {
		rc = -EFAULT;
	}
	spin_unlock(&self->lock);
	return rc;
}

/* Take hold of one side.  Called with every gnttab lock of the copy held. */
static int copy_acquire(struct domain *self, struct copy_side *s)
{
	int rc;

	if (!s->g)
		return own_frame(self, s);
	if (!ref_valid(s->g, s->ref_or_gfn))
		return -EINVAL;
	rc = grant_acquire(entry_word(s->g, s->ref_or_gfn), self->id, s->write);
	if (rc)
		return rc;
	s->acquired = true;
	rc = grant_frame(s->g, s->ref_or_gfn, s->write, &s->mfn, &s->gfn);
	s->referenced = !rc;
	return rc;
}

static void copy_release(struct domain *self, struct copy_side *s)
{
	if (s->acquired)
		grant_release(self, s->g, s->ref_or_gfn, s->write);
	if (s->referenced)
		page_put_ref(s->mfn);
	s->acquired = s->referenced = false;
}

/* Lock the gnttab locks of up to three domains (NULLs and repeats
 * skipped) in ascending domid order; unlock_set() undoes it. */
static void sort_set(struct domain *set[3])
{
	for (unsigned i = 0; i < 3; i++)
		for (unsigned j = i + 1; j < 3; j++)
			if (set[j] && (!set[i] || set[j]->id < set[i]->id)) {
				struct domain *t = set[i];

				set[i] = set[j];
				set[j] = t;
			}
	for (unsigned i = 1; i < 3; i++)
		for (unsigned k = 0; k < i; k++)
			if (set[i] == set[k])
				set[i] = NULL;
	/* dropping repeats leaves the others in ascending order */
}

static void lock_set(struct domain *set[3])
{
	for (unsigned i = 0; i < 3; i++)
		if (set[i])
			spin_lock(&set[i]->gnttab.lock);
}

static void unlock_set(struct domain *set[3])
{
	for (unsigned i = 3; i-- > 0;)
		if (set[i])
			spin_unlock(&set[i]->gnttab.lock);
}

/* Acquire both sides, copy, release.  Every lock is held across the copy
 * (at most a page), so no other access to these grants interleaves. */
static int copy_locked(struct domain *self, struct copy_side *src,
		       struct copy_side *dst, uint16_t len)
{
	int rc = copy_acquire(self, src);

	if (!rc)
		rc = copy_acquire(self, dst);
	if (!rc) {
		struct domain *w = dst->g ? dst->g : self;

		memmove((uint8_t *)arch_phys_to_virt(dst->mfn) + dst->offset,
			(uint8_t *)arch_phys_to_virt(src->mfn) + src->offset,
			len);
		/* written behind the nested map's back: log-dirty must know */
		if (!w->privileged) {
			spin_lock(&w->lock);
			logdirty_mark(w, dst->g ? dst->gfn : dst->ref_or_gfn);
			spin_unlock(&w->lock);
		}
	}
	copy_release(self, dst);
	copy_release(self, src);
	return rc;
}

static int copy_one(struct domain *self, struct keel_gnttab_copy *c)
{
	struct copy_side src, dst;
	struct domain *set[3];
	int rc;

	memset(&src, 0, sizeof(src));
	memset(&dst, 0, sizeof(dst));
	if (c->flags & ~(KEEL_GNTCOPY_source_gref | KEEL_GNTCOPY_dest_gref) ||
	    c->len == 0 || c->len > PAGE_SIZE)
		return -EINVAL;
	rc = copy_decode(self, &c->source, c->flags & KEEL_GNTCOPY_source_gref,
			 false, c->len, &src);
	if (!rc)
		rc = copy_decode(self, &c->dest, c->flags & KEEL_GNTCOPY_dest_gref,
				 true, c->len, &dst);
	if (!rc) {
		set[0] = self;
		set[1] = src.g;
		set[2] = dst.g;
		sort_set(set);
		lock_set(set);
		rc = copy_locked(self, &src, &dst, c->len);
		unlock_set(set);
	}
	if (src.g)
		domain_put(src.g);
	if (dst.g)
		domain_put(dst.g);
	return rc;
}

/* ---- the hypercall ------------------------------------------------------ */

union gnttab_batch {
	struct keel_gnttab_setup_table setup[1];
	struct keel_gnttab_map map[KEEL_GNTTAB_BATCH_MAX];
	struct keel_gnttab_unmap unmap[KEEL_GNTTAB_BATCH_MAX];
	struct keel_gnttab_copy copy[KEEL_GNTTAB_BATCH_MAX];
};

static size_t op_size(uint64_t cmd)
{
	switch (cmd) {
	case KEEL_GNTTABOP_setup_table:
		return sizeof(struct keel_gnttab_setup_table);
	case KEEL_GNTTABOP_map_grant_ref:
		return sizeof(struct keel_gnttab_map);
	case KEEL_GNTTABOP_unmap_grant_ref:
		return sizeof(struct keel_gnttab_unmap);
	case KEEL_GNTTABOP_copy:
		return sizeof(struct keel_gnttab_copy);
	default:
		return 0;
	}
}

static void run_batch(struct domain *d, uint64_t cmd, union gnttab_batch *b,
		      unsigned count)
{
	for (unsigned i = 0; i < count; i++) {
		switch (cmd) {
		case KEEL_GNTTABOP_setup_table:
			b->setup[i].status = setup_table(d, &b->setup[i]);
			break;
		case KEEL_GNTTABOP_map_grant_ref:
			b->map[i].status = map_one(d, &b->map[i]);
			break;
		case KEEL_GNTTABOP_unmap_grant_ref:
			b->unmap[i].status = unmap_handle(d, b->unmap[i].handle);
			break;
		default:
			b->copy[i].status = copy_one(d, &b->copy[i]);
			break;
		}
	}
}

/*
 * KEEL_HC_grant_table: args[0] = KEEL_GNTTABOP_*, args[1] = gpa of an
 * array of args[2] (1 .. KEEL_GNTTAB_BATCH_MAX; setup_table: 1) structs of
 * args[3] bytes.  Returns 0 once the batch was read, each element carrying
 * its own status (a map by a domain other than dom0: EPERM once the grant
 * itself checked out); or for the batch ENOSYS (command), EINVAL (count,
 * size), EFAULT (the array is not
 * readable and writable: checked before any element acts).  Takes no lock
 * on entry.
 */
long do_grant_table_op(struct vcpu *v, const uint64_t args[5])
{
	union gnttab_batch batch, *b = &batch;	/* 2.5 KiB of a 32 KiB stack */
	struct domain *d = v->domain;
	uint64_t cmd = args[0], count = args[2];
	size_t esize = op_size(cmd), bytes;
	int rc;

	if (!esize)
		return -ENOSYS;
	if (count == 0 || count > KEEL_GNTTAB_BATCH_MAX ||
	    (cmd == KEEL_GNTTABOP_setup_table && count != 1) ||
	    args[3] != esize)
		return -EINVAL;
	bytes = count * esize;
	rc = copy_from_guest(d, b, args[1], bytes);
	if (!rc)	/* the statuses must be deliverable before anything acts */
		rc = copy_to_guest(d, args[1], b, bytes);
	if (rc)
		return rc;
	run_batch(d, cmd, b, count);
	return copy_to_guest(d, args[1], b, bytes);
}

/* ---- domain life cycle -------------------------------------------------- */

int gnttab_domain_init(struct domain *d)
{
	spin_lock_init(&d->gnttab.lock);
	d->gnttab.nr_frames = 0;
	d->gnttab.maps_of_mine = 0;
	d->gnttab.maptrack = xzalloc_array(struct maptrack, MAPTRACK_MAX);
	return d->gnttab.maptrack ? 0 : -ENOMEM;
}

/*
 * Unmap every grant d maps, and drop its own table (the frames' references
 * go; grants of d that others still map keep their page references, and
 * their later unmaps skip the vanished table).  Takes the locks itself.
 */
void gnttab_domain_destroy(struct domain *d)
{
	paddr_t mfn[KEEL_GNTTAB_MAX_FRAMES];
	struct maptrack *mt;
	unsigned n;

	for (unsigned h = 0; d->gnttab.maptrack && h < MAPTRACK_MAX; h++)
		if (d->gnttab.maptrack[h].in_use)
			unmap_handle(d, h);
	spin_lock(&d->gnttab.lock);
	n = d->gnttab.nr_frames;
	memcpy(mfn, d->gnttab.mfn, sizeof(mfn));
	d->gnttab.nr_frames = 0;
	mt = d->gnttab.maptrack;
	d->gnttab.maptrack = NULL;
	spin_unlock(&d->gnttab.lock);
	put_frames(mfn, n);
	xfree_bytes(mt, sizeof(struct maptrack) * MAPTRACK_MAX);
}

int gnttab_restore(struct domain *d, const uint64_t *gfn, unsigned n)
{
	struct keel_gnttab_setup_table st = { .nr_frames = n };

	if (n == 0 || n > KEEL_GNTTAB_MAX_FRAMES)
		return -EINVAL;
	memcpy(st.frames, gfn, n * sizeof(uint64_t));
	return setup_table(d, &st);
}
