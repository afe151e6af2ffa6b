/*
 * KEEL_HC_domctl's save/restore/migration commands (public/domctl.h,
 * docs/migration.md): dom0 takes a paused domain apart into data and puts
 * a new paused one together from it.  Checks first, then the action; a
 * "set" on a domain that already ran is EBUSY.
 */
#include <keel/domstate.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/lib.h>
#include <keel/logdirty.h>
#include <keel/p2m.h>
#include <keel/sched.h>
#include <keel/time.h>
#include <keel/xmalloc.h>
#include <public/domctl.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/vcpu_state.h>

#define WORDS_PER_COPY 64            /* bitmap words copied at a time */
#define GFNS_PER_COPY  64
#define EVTCHN_PER_COPY 32
#define MEMLIST_MAX    8192

bool domstate_is_op(uint32_t cmd)
{
	return cmd >= KEEL_DOMCTL_logdirty && cmd <= KEEL_DOMCTL_resume;
}

/* Paused and never started: a domain being restored. */
static bool is_new(struct domain *d)
{
	if (!d->pause_count)
		return false;
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		if (!(d->vcpu[i]->pause_flags & VPF_down))
			return false;
	return true;
}

static long op_logdirty(struct vcpu *caller, struct domain *d,
			struct keel_domctl *op, uint64_t buf, uint64_t len)
{
	uint64_t words[WORDS_PER_COPY];
	uint64_t start = op->u.logdirty.start_gfn, nr = op->u.logdirty.nr;
	long total = 0;

	if (op->u.logdirty.pad)
		return -EINVAL;
	switch (op->u.logdirty.op) {
	case KEEL_LOGDIRTY_enable:
		return logdirty_enable(d);
	case KEEL_LOGDIRTY_disable:
		return logdirty_disable(d);
	case KEEL_LOGDIRTY_peek:
	case KEEL_LOGDIRTY_clean:
		break;
	default:
		return -EINVAL;
	}
	if (nr == 0 || nr % 64 || start % 64 || nr > KEEL_LOGDIRTY_MAX_BITS ||
	    start >= KEEL_MAX_GFN || len != nr / 8)
		return -EINVAL;
	memset(words, 0, sizeof(words));
	/* The whole buffer must be writable before a bit is cleared: a
	 * cleared bit that never reached dom0 would be a lost page. */
	for (uint64_t off = 0; off < len; off += sizeof(words)) {
		long rc = copy_to_guest(caller->domain, buf + off, words,
					MIN(len - off, (uint64_t)sizeof(words)));
		if (rc)
			return rc;
	}
	for (uint64_t done = 0; done < nr; done += WORDS_PER_COPY * 64) {
		uint64_t n = MIN(nr - done, (uint64_t)WORDS_PER_COPY * 64);
		long got = logdirty_read(d, start + done, n, words,
					 op->u.logdirty.op == KEEL_LOGDIRTY_clean);

		if (got < 0)
			return got;
		total += got;
		if (copy_to_guest(caller->domain, buf + done / 8, words, n / 8))
			return -EFAULT;	/* checked above: cannot happen */
	}
	spin_lock(&d->lock);
	op->u.logdirty.tracked = d->logdirty.nr_bits;
	op->u.logdirty.faults = d->logdirty.faults;
	spin_unlock(&d->lock);
	op->u.logdirty.dirty = (uint64_t)total;
	return 0;
}

static long op_memlist(struct vcpu *caller, struct domain *d,
		       struct keel_domctl *op, uint64_t buf, uint64_t len)
{
	uint64_t gfns[GFNS_PER_COPY], gfn = op->u.memlist.start_gfn;
	uint32_t room = op->u.memlist.nr, found = 0;
	bool end = false;

	if (op->u.memlist.pad || room == 0 || room > MEMLIST_MAX ||
	    len != (uint64_t)room * 8)
		return -EINVAL;
	while (found < room && !end) {
		unsigned n = 0, want = MIN(room - found, (uint32_t)GFNS_PER_COPY);

		spin_lock(&d->lock);
		while (n < want) {
			if (p2m_next(d, &gfn)) {
				end = true;
				break;
			}
			gfns[n++] = gfn++;
		}
		spin_unlock(&d->lock);
		if (n && copy_to_guest(caller->domain, buf + found * 8ull, gfns,
				       n * 8ull))
			return -EFAULT;
		found += n;
	}
	if (!end) {	/* room used up: is anything left? */
		spin_lock(&d->lock);
		end = p2m_next(d, &gfn) != 0;
		spin_unlock(&d->lock);
	}
	op->u.memlist.nr = found;
	op->u.memlist.next_gfn = end ? KEEL_GFN_INVALID : gfn;
	return 0;
}

static long op_vcpu_state(struct vcpu *caller, struct domain *d,
			  struct keel_domctl *op, uint64_t buf, uint64_t len)
{
	struct keel_vcpu_state *st;
	struct vcpu *v;
	long rc;

	if (op->u.vcpu_state.pad || op->u.vcpu_state.vcpu >= d->nr_vcpus ||
	    len != sizeof(*st))
		return -EINVAL;
	v = d->vcpu[op->u.vcpu_state.vcpu];
	if (!d->pause_count)
		return -EBUSY;
	if (op->cmd == KEEL_DOMCTL_set_vcpu_state && !(v->pause_flags & VPF_down))
		return -EBUSY;
	st = xzalloc(struct keel_vcpu_state);
	if (!st)
		return -ENOMEM;
	if (op->cmd == KEEL_DOMCTL_get_vcpu_state) {
		arch_vcpu_get_state(v, st);
		rc = copy_to_guest(caller->domain, buf, st, sizeof(*st));
	} else {
		rc = copy_from_guest(caller->domain, st, buf, sizeof(*st));
		if (!rc)
			rc = arch_vcpu_set_state(v, st);
		if (!rc && (st->flags & KEEL_VCPU_STATE_up)) {
			if (st->flags & KEEL_VCPU_STATE_blocked)
				vcpu_set_pause_flag(v, VPF_blocked);
			vcpu_clear_pause_flag(v, VPF_down);
		}
	}
	xfree_bytes(st, sizeof(*st));
	return rc;
}

static long op_get_dom_state(struct domain *d, struct keel_domctl *op)
{
	if (!d->pause_count)
		return -EBUSY;
	memset(&op->u.dom_state, 0, sizeof(op->u.dom_state));
	op->u.dom_state.time_ns = now_ns() + d->time_offset;
	spin_lock(&d->lock);
	op->u.dom_state.shared_info_gfn = d->shared_info ? d->shared_info_gfn :
				       KEEL_GFN_INVALID;
	spin_unlock(&d->lock);
	op->u.dom_state.upcall_vector = d->upcall_vector;
	spin_lock(&d->gnttab.lock);
	op->u.dom_state.nr_gnttab_frames = d->gnttab.nr_frames;
	for (unsigned i = 0; i < d->gnttab.nr_frames; i++)
		op->u.dom_state.gnttab_gfn[i] = d->gnttab.gfn[i];
	spin_unlock(&d->gnttab.lock);
	return 0;
}

static long op_set_dom_state(struct domain *d, struct keel_domctl *op)
{
	uint32_t vec = op->u.dom_state.upcall_vector;
	uint32_t nr = op->u.dom_state.nr_gnttab_frames;
	uint64_t now = now_ns(), t = op->u.dom_state.time_ns;
	long rc;

	if (!is_new(d))
		return -EBUSY;
	if (op->u.dom_state.reserved[0] || op->u.dom_state.reserved[1] ||
	    (vec && (vec < 0x20 || vec > 0xef)) || nr > KEEL_GNTTAB_MAX_FRAMES)
		return -EINVAL;
	/* Its time goes on from where it was, never back: ahead of ours by
	 * what it was ahead when it left (0 when ours is later already). */
	d->time_offset = t > now ? t - now : 0;
	if (op->u.dom_state.shared_info_gfn != KEEL_GFN_INVALID) {
		rc = domain_restore_shared_info(d, op->u.dom_state.shared_info_gfn);
		if (rc)
			return rc;
	}
	if (nr) {
		rc = gnttab_restore(d, op->u.dom_state.gnttab_gfn, nr);
		if (rc)
			return rc;
	}
	__atomic_store_n(&d->upcall_vector, (uint8_t)vec, __ATOMIC_RELEASE);
	return 0;
}

static long op_evtchn(struct vcpu *caller, struct domain *d,
		      struct keel_domctl *op, uint64_t buf, uint64_t len)
{
	struct keel_evtchn_rec recs[EVTCHN_PER_COPY];
	uint32_t room = op->u.evtchn.nr, done = 0;
	unsigned next = op->u.evtchn.first_port;

	if (op->u.evtchn.pad || room == 0 || room > KEEL_NR_EVENT_CHANNELS ||
	    len != (uint64_t)room * sizeof(recs[0]))
		return -EINVAL;
	if (op->cmd == KEEL_DOMCTL_get_evtchn) {
		if (!d->pause_count)
			return -EBUSY;
		while (done < room) {
			unsigned want = MIN(room - done, (uint32_t)EVTCHN_PER_COPY);
			int n = evtchn_save(d, next, recs, want, &next);

			if (n && copy_to_guest(caller->domain,
					       buf + done * sizeof(recs[0]), recs,
					       n * sizeof(recs[0])))
				return -EFAULT;
			done += (uint32_t)n;
			if (!next)
				break;
		}
		op->u.evtchn.nr = done;
		op->u.evtchn.next_port = next;
		return 0;
	}
	if (!is_new(d))
		return -EBUSY;
	while (done < room) {
		unsigned want = MIN(room - done, (uint32_t)EVTCHN_PER_COPY);

		if (copy_from_guest(caller->domain, recs,
				    buf + done * sizeof(recs[0]),
				    want * sizeof(recs[0])))
			return -EFAULT;
		for (unsigned i = 0; i < want; i++) {
			int rc = evtchn_restore(d, &recs[i]);

			if (rc) {
				op->u.evtchn.nr = done + i;
				return rc;
			}
		}
		done += want;
	}
	op->u.evtchn.nr = done;
	return 0;
}

static long op_resume(struct domain *d, struct keel_domctl *op)
{
	if (op->u.resume.pad || op->u.resume.result > 1)
		return -EINVAL;
	spin_lock(&d->lock);
	if (!d->is_shutdown || d->shutdown_reason != KEEL_SHUTDOWN_suspend ||
	    !d->pause_count) {
		spin_unlock(&d->lock);
		return -EBUSY;
	}
	d->is_shutdown = false;
	d->shutdown_reason = 0;
	spin_unlock(&d->lock);
	arch_vcpu_set_result(d->vcpu[0], op->u.resume.result);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_clear_pause_flag(d->vcpu[i], VPF_dead);
	return 0;
}

long domstate_op(struct vcpu *caller, struct domain *d, struct keel_domctl *op,
		 uint64_t buf, uint64_t len)
{
	switch (op->cmd) {
	case KEEL_DOMCTL_logdirty:
		return op_logdirty(caller, d, op, buf, len);
	case KEEL_DOMCTL_memlist:
		return op_memlist(caller, d, op, buf, len);
	case KEEL_DOMCTL_get_vcpu_state:
	case KEEL_DOMCTL_set_vcpu_state:
		return op_vcpu_state(caller, d, op, buf, len);
	case KEEL_DOMCTL_get_dom_state:
		return op_get_dom_state(d, op);
	case KEEL_DOMCTL_set_dom_state:
		return op_set_dom_state(d, op);
	case KEEL_DOMCTL_get_evtchn:
	case KEEL_DOMCTL_set_evtchn:
		return op_evtchn(caller, d, op, buf, len);
	case KEEL_DOMCTL_resume:
		return op_resume(d, op);
	default:
		return -ENOSYS;
	}
}
