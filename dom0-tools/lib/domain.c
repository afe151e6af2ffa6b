/*
 * libkeelctl: domain control (KEEL_HC_domctl) and the credit scheduler's
 * parameters.  See keelctl.h and public/domctl.h.
 */
#include <errno.h>
#include <string.h>

#include "keelctl_private.h"

/* Issues one domctl on *d (IN/OUT); returns 0 or -errno. */
static int domctl(struct keel_ctl *h, struct keel_domctl *d)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_BUF(d, sizeof(*d)),
		KEEL_HC_SCALAR(sizeof(*d)),
	};
	int64_t rc = keel_ctl_hypercall(h, KEEL_HC_domctl, a, 2);

	if (rc < 0) {
		keel_ctl_log(h, KEEL_LOG_DEBUG, "domctl %u on domain %u: %s",
			     d->cmd, d->domid, strerror((int)-rc));
		return (int)rc;
	}
	return 0;
}

static void domctl_init(struct keel_domctl *d, uint32_t cmd, uint16_t domid)
{
	memset(d, 0, sizeof(*d));
	d->cmd = cmd;
	d->domid = domid;
}

int keel_domain_create(struct keel_ctl *h, uint64_t max_pages,
		       unsigned int nr_vcpus, uint16_t *domid)
{
	struct keel_domctl d;
	int rc;

	domctl_init(&d, KEEL_DOMCTL_create, 0);
	d.u.create.max_pages = max_pages;
	d.u.create.nr_vcpus = nr_vcpus;
	rc = domctl(h, &d);
	if (rc)
		return rc;
	if (d.domid == 0 || d.domid > KEEL_DOMID_MAX)
		return -EIO;   /* never trust an id we would pass on */
	*domid = d.domid;
	return 0;
}

static int domctl_simple(struct keel_ctl *h, uint32_t cmd, uint16_t domid)
{
	struct keel_domctl d;

	domctl_init(&d, cmd, domid);
	return domctl(h, &d);
}

/* The hypervisor gives a domain's memory back a bounded batch per call and
 * answers -EAGAIN while some is left (public/domctl.h): call again.  Each
 * call frees pages, so the loop ends. */
int keel_domain_destroy(struct keel_ctl *h, uint16_t domid)
{
	int rc;

	do
		rc = domctl_simple(h, KEEL_DOMCTL_destroy, domid);
	while (rc == -EAGAIN);
	return rc;
}

int keel_domain_pause(struct keel_ctl *h, uint16_t domid)
{
	return domctl_simple(h, KEEL_DOMCTL_pause, domid);
}

int keel_domain_unpause(struct keel_ctl *h, uint16_t domid)
{
	return domctl_simple(h, KEEL_DOMCTL_unpause, domid);
}

static int getinfo(struct keel_ctl *h, uint32_t cmd, uint16_t domid,
		   struct keel_dominfo *out)
{
	struct keel_domctl d;
	int rc;

	domctl_init(&d, cmd, domid);
	rc = domctl(h, &d);
	if (rc)
		return rc;
	*out = d.u.info;
	return 0;
}

int keel_domain_getinfo(struct keel_ctl *h, uint16_t domid,
			struct keel_dominfo *out)
{
	return getinfo(h, KEEL_DOMCTL_getinfo, domid, out);
}

int keel_domain_getinfo_next(struct keel_ctl *h, uint16_t from_domid,
			     struct keel_dominfo *out)
{
	return getinfo(h, KEEL_DOMCTL_getinfo_next, from_domid, out);
}

int keel_domain_set_max_mem(struct keel_ctl *h, uint16_t domid,
			    uint64_t max_pages)
{
	struct keel_domctl d;

	domctl_init(&d, KEEL_DOMCTL_set_max_mem, domid);
	d.u.max_mem.max_pages = max_pages;
	return domctl(h, &d);
}

int keel_domain_set_vcpu_context(struct keel_ctl *h, uint16_t domid,
				 unsigned int vcpu, uint64_t rip, uint64_t rbx,
				 uint64_t shared_info_gfn)
{
	struct keel_domctl d;

	domctl_init(&d, KEEL_DOMCTL_set_vcpu_context, domid);
	d.u.vcpu_context.vcpu = vcpu;
	d.u.vcpu_context.rip = rip;
	d.u.vcpu_context.rbx = rbx;
	d.u.vcpu_context.shared_info_gfn = shared_info_gfn;
	return domctl(h, &d);
}

int keel_sched_credit_get(struct keel_ctl *h, uint16_t domid,
			  uint32_t *weight, uint32_t *cap)
{
	struct keel_domctl d;
	int rc;

	domctl_init(&d, KEEL_DOMCTL_sched_credit, domid);
	d.u.sched.op = KEEL_SCHED_GET;
	rc = domctl(h, &d);
	if (rc)
		return rc;
	*weight = d.u.sched.weight;
	*cap = d.u.sched.cap;
	return 0;
}

int keel_sched_credit_set(struct keel_ctl *h, uint16_t domid,
			  uint32_t weight, uint32_t cap)
{
	struct keel_domctl d;

	domctl_init(&d, KEEL_DOMCTL_sched_credit, domid);
	d.u.sched.op = KEEL_SCHED_SET;
	d.u.sched.weight = weight;
	d.u.sched.cap = cap;
	return domctl(h, &d);
}
