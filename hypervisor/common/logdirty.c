/*
 * Log-dirty mode: the dirty-page bitmap behind pre-copy migration
 * (keel/logdirty.h, docs/migration.md).  Common code: the nested map is
 * reached through the p2m_logdirty_* hooks only.
 */
#include <keel/logdirty.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/p2m.h>
#include <keel/xmalloc.h>

/* No libgcc in the hypervisor: count bits by hand (Kernighan). */
static unsigned popcount64(uint64_t x)
{
	unsigned n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

static size_t bitmap_bytes(uint64_t nr_bits)
{
	return (size_t)((nr_bits + 63) / 64) * sizeof(uint64_t);
}

int logdirty_enable(struct domain *d)
{
	uint64_t nr_bits, gfn;
	uint64_t *bm;

	/* Allocate outside the lock: the size is read again under it, and
	 * a domain that grew meanwhile is tracked over its old extent (a
	 * page beyond is new, and the saver finds it in the final memory
	 * list anyway). */
	spin_lock(&d->lock);
	nr_bits = d->max_gfn ? d->max_gfn : 1;
	spin_unlock(&d->lock);
	bm = xzalloc_bytes(bitmap_bytes(nr_bits));
	if (!bm)
		return -ENOMEM;

	spin_lock(&d->lock);
	if (d->logdirty.enabled) {
		spin_unlock(&d->lock);
		xfree_bytes(bm, bitmap_bytes(nr_bits));
		return -EBUSY;
	}
	d->logdirty.bitmap = bm;
	d->logdirty.nr_bits = nr_bits;
	d->logdirty.faults = 0;
	d->logdirty.enabled = true;
	for (gfn = 0; gfn < nr_bits && !p2m_next(d, &gfn); gfn++) {
		if (gfn >= nr_bits)
			break;
		p2m_logdirty_protect(d, gfn);
	}
	arch_p2m_flush(d);
	spin_unlock(&d->lock);
	return 0;
}

int logdirty_disable(struct domain *d)
{
	uint64_t *bm, nr_bits, gfn;

	spin_lock(&d->lock);
	if (!d->logdirty.enabled) {
		spin_unlock(&d->lock);
		return -EINVAL;
	}
	nr_bits = d->logdirty.nr_bits;
	for (gfn = 0; gfn < nr_bits && !p2m_next(d, &gfn); gfn++) {
		if (gfn >= nr_bits)
			break;
		p2m_logdirty_unprotect(d, gfn);	/* -EACCES: protect's, kept */
	}
	bm = d->logdirty.bitmap;
	d->logdirty.bitmap = NULL;
	d->logdirty.nr_bits = 0;
	d->logdirty.enabled = false;
	spin_unlock(&d->lock);
	xfree_bytes(bm, bitmap_bytes(nr_bits));
	return 0;
}

bool logdirty_write_fault(struct domain *d, uint64_t gfn)
{
	bool handled = false;

	spin_lock(&d->lock);
	if (d->logdirty.enabled && gfn < d->logdirty.nr_bits &&
	    p2m_logdirty_unprotect(d, gfn) == 0) {
		logdirty_mark(d, gfn);
		d->logdirty.faults++;
		handled = true;
	}
	spin_unlock(&d->lock);
	return handled;
}

long logdirty_read(struct domain *d, uint64_t start, uint64_t nr,
		   uint64_t *out, bool clean)
{
	long count = 0;
	bool protected = false;

	if (nr == 0 || nr % 64 || nr > LOGDIRTY_CHUNK_BITS || start % 64 ||
	    start + nr < start)
		return -EINVAL;
	spin_lock(&d->lock);
	if (!d->logdirty.enabled) {
		spin_unlock(&d->lock);
		return -EINVAL;
	}
	for (uint64_t w = 0; w < nr / 64; w++) {
		uint64_t first = start + w * 64, bits = 0;

		if (first < d->logdirty.nr_bits) {
			bits = d->logdirty.bitmap[first / 64];
			/* the last word may hold bits past nr_bits: never set */
		}
		out[w] = bits;
		if (!bits)
			continue;
		count += popcount64(bits);
		if (!clean)
			continue;
		d->logdirty.bitmap[first / 64] = 0;
		for (unsigned b = 0; b < 64; b++)
			if (bits & (1ull << b)) {
				p2m_logdirty_protect(d, first + b);
				protected = true;
			}
	}
	if (protected)
		arch_p2m_flush(d);
	spin_unlock(&d->lock);
	return count;
}
