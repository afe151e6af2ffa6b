/*
 * libkeelctl: the save/restore/migration domctls (public/domctl.h 10-18,
 * docs/migration.md).  Each returns 0 or -errno, as the other domctl
 * wrappers do; those that pass a second buffer give it as arg3/arg4.
 */
#include <errno.h>
#include <string.h>

#include "keelctl_private.h"

static void init(struct keel_domctl *d, uint32_t cmd, uint16_t domid)
{
	memset(d, 0, sizeof(*d));
	d->cmd = cmd;
	d->domid = domid;
}

/* One domctl with an optional second buffer (buf may be NULL, len 0). */
static int domctl2(struct keel_ctl *h, struct keel_domctl *d, void *buf,
		   size_t len)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_BUF(d, sizeof(*d)),
		KEEL_HC_SCALAR(sizeof(*d)),
		buf ? KEEL_HC_BUF(buf, (uint32_t)len) : KEEL_HC_SCALAR(0),
		KEEL_HC_SCALAR(len),
	};
	int64_t rc;

	if (len > KEEL_PRIVCMD_BUF_MAX)
		return -EINVAL;
	rc = keel_ctl_hypercall(h, KEEL_HC_domctl, a, 4);
	if (rc < 0) {
		keel_ctl_log(h, KEEL_LOG_DEBUG, "domctl %u on domain %u: %s",
			     d->cmd, d->domid, strerror((int)-rc));
		return (int)rc;
	}
	return 0;
}

int keel_logdirty_enable(struct keel_ctl *h, uint16_t domid)
{
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_logdirty, domid);
	d.u.logdirty.op = KEEL_LOGDIRTY_enable;
	return domctl2(h, &d, NULL, 0);
}

int keel_logdirty_disable(struct keel_ctl *h, uint16_t domid)
{
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_logdirty, domid);
	d.u.logdirty.op = KEEL_LOGDIRTY_disable;
	return domctl2(h, &d, NULL, 0);
}

long keel_logdirty_read(struct keel_ctl *h, uint16_t domid, uint64_t start_gfn,
			uint64_t nr, uint64_t *bitmap, int clean,
			uint64_t *tracked)
{
	struct keel_domctl d;
	int rc;

	init(&d, KEEL_DOMCTL_logdirty, domid);
	d.u.logdirty.op = clean ? KEEL_LOGDIRTY_clean : KEEL_LOGDIRTY_peek;
	d.u.logdirty.start_gfn = start_gfn;
	d.u.logdirty.nr = nr;
	rc = domctl2(h, &d, bitmap, (size_t)(nr / 8));
	if (rc)
		return rc;
	if (tracked)
		*tracked = d.u.logdirty.tracked;
	return (long)d.u.logdirty.dirty;
}

long keel_domain_memlist(struct keel_ctl *h, uint16_t domid, uint64_t start_gfn,
			 uint64_t *gfns, size_t room, uint64_t *next_gfn)
{
	struct keel_domctl d;
	int rc;

	if (room == 0 || room > KEEL_MEMLIST_MAX)
		return -EINVAL;
	init(&d, KEEL_DOMCTL_memlist, domid);
	d.u.memlist.start_gfn = start_gfn;
	d.u.memlist.nr = (uint32_t)room;
	rc = domctl2(h, &d, gfns, room * sizeof(uint64_t));
	if (rc)
		return rc;
	if (d.u.memlist.nr > room)
		return -EIO;
	*next_gfn = d.u.memlist.next_gfn;
	return d.u.memlist.nr;
}

int keel_vcpu_state_get(struct keel_ctl *h, uint16_t domid, unsigned int vcpu,
			struct keel_vcpu_state *st)
{
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_get_vcpu_state, domid);
	d.u.vcpu_state.vcpu = vcpu;
	return domctl2(h, &d, st, sizeof(*st));
}

int keel_vcpu_state_set(struct keel_ctl *h, uint16_t domid, unsigned int vcpu,
			const struct keel_vcpu_state *st)
{
	struct keel_vcpu_state copy = *st;
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_set_vcpu_state, domid);
	d.u.vcpu_state.vcpu = vcpu;
	return domctl2(h, &d, &copy, sizeof(copy));
}

int keel_dom_state_get(struct keel_ctl *h, uint16_t domid,
		       struct keel_dom_state *out)
{
	struct keel_domctl d;
	int rc;

	init(&d, KEEL_DOMCTL_get_dom_state, domid);
	rc = domctl2(h, &d, NULL, 0);
	if (rc)
		return rc;
	memcpy(out, &d.u.dom_state, sizeof(*out));
	return 0;
}

int keel_dom_state_set(struct keel_ctl *h, uint16_t domid,
		       const struct keel_dom_state *in)
{
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_set_dom_state, domid);
	memcpy(&d.u.dom_state, in, sizeof(*in));
	return domctl2(h, &d, NULL, 0);
}

long keel_evtchn_state_get(struct keel_ctl *h, uint16_t domid,
			   struct keel_evtchn_rec *recs, size_t room)
{
	struct keel_domctl d;
	size_t got = 0;
	uint32_t first = 1;

	while (got < room) {
		size_t want = room - got;
		int rc;

		if (want > KEEL_PRIVCMD_BUF_MAX / sizeof(*recs))
			want = KEEL_PRIVCMD_BUF_MAX / sizeof(*recs);
		init(&d, KEEL_DOMCTL_get_evtchn, domid);
		d.u.evtchn.first_port = first;
		d.u.evtchn.nr = (uint32_t)want;
		rc = domctl2(h, &d, recs + got, want * sizeof(*recs));
		if (rc)
			return rc;
		if (d.u.evtchn.nr > want)
			return -EIO;
		got += d.u.evtchn.nr;
		if (!d.u.evtchn.next_port)
			return (long)got;
		first = d.u.evtchn.next_port;
	}
	return -ENOSPC;
}

int keel_evtchn_state_set(struct keel_ctl *h, uint16_t domid,
			  const struct keel_evtchn_rec *recs, size_t n)
{
	struct keel_domctl d;
	size_t done = 0;

	while (done < n) {
		size_t k = n - done;
		int rc;

		if (k > KEEL_PRIVCMD_BUF_MAX / sizeof(*recs))
			k = KEEL_PRIVCMD_BUF_MAX / sizeof(*recs);
		init(&d, KEEL_DOMCTL_set_evtchn, domid);
		d.u.evtchn.nr = (uint32_t)k;
		rc = domctl2(h, &d, (void *)(recs + done), k * sizeof(*recs));
		if (rc)
			return rc;
		done += k;
	}
	return 0;
}

int keel_domain_resume(struct keel_ctl *h, uint16_t domid, int cancelled)
{
	struct keel_domctl d;

	init(&d, KEEL_DOMCTL_resume, domid);
	d.u.resume.result = cancelled ? 1 : 0;
	return domctl2(h, &d, NULL, 0);
}

_Static_assert(sizeof(struct keel_dom_state) ==
	       sizeof(((struct keel_domctl *)0)->u.dom_state),
	       "keel_dom_state mirrors keel_domctl.u.dom_state");
