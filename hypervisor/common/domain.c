/*
 * Domain life cycle and KEEL_HC_domctl (public/domctl.h).
 *
 * A domain is created paused with no memory.  Destroying it takes it off
 * the CPUs, closes its event channels and grant mappings, and releases its
 * pages; pages that dom0 still maps keep the domain listed as dying until
 * the last one is unmapped, after which it is reaped (domain_reap()).
 * Releasing is bounded per call: the pages are found by walking the p2m
 * (p2m_next), DOMAIN_RELEASE_BATCH at a time, and the destroy domctl
 * answers -EAGAIN until the last batch is done (docs/design.md).
 */
#include <keel/domain.h>
#include <keel/domstate.h>
#include <keel/arch.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/p2m.h>
#include <keel/page.h>
#include <keel/xmalloc.h>
#include <public/domctl.h>
#include <public/memory.h>
#include <public/sched.h>

static struct domain *table[MAX_DOMAINS];
static spinlock_t domlist_lock = SPINLOCK_INIT;

void domain_table_init(void)
{
	table[DOMID_DOM0] = &dom0;
	dom0.refcnt = 1;
}

struct domain *domain_get(uint16_t domid, struct domain *self)
{
	struct domain *d = NULL;

	if (domid == KEEL_DOMID_SELF)
		domid = self->id;
	if (domid >= MAX_DOMAINS)
		return NULL;
	spin_lock(&domlist_lock);
	if (table[domid] && !table[domid]->dying) {
		d = table[domid];
		__atomic_add_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL);
	}
	spin_unlock(&domlist_lock);
	return d;
}

struct domain *domain_get_any(uint16_t domid)
{
	struct domain *d = NULL;

	if (domid >= MAX_DOMAINS)
		return NULL;
	spin_lock(&domlist_lock);
	d = table[domid];
	if (d)
		__atomic_add_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL);
	spin_unlock(&domlist_lock);
	return d;
}

static void domain_free(struct domain *d)
{
	if (d->logdirty.bitmap)
		xfree_bytes(d->logdirty.bitmap,
			    (size_t)((d->logdirty.nr_bits + 63) / 64) * 8);
	for (unsigned i = 1; i < d->nr_vcpus; i++)
		xfree_bytes(d->vcpu[i], sizeof(struct vcpu));
	xfree_bytes(d, sizeof(*d));
}

void domain_put(struct domain *d)
{
	if (__atomic_sub_fetch(&d->refcnt, 1, __ATOMIC_ACQ_REL) == 0)
		domain_free(d);
}

/* Drop the table's reference of dying domains with no page still held. */
static void domain_reap(void)
{
	for (unsigned id = 1; id < MAX_DOMAINS; id++) {
		struct domain *d;

		spin_lock(&domlist_lock);
		d = table[id];
		/* released: a destroy still giving pages back, or a domain
		 * still being built (dying too), is not ours to free. */
		if (d && d->dying &&
		    __atomic_load_n(&d->released, __ATOMIC_ACQUIRE) &&
		    __atomic_load_n(&d->pages_held, __ATOMIC_ACQUIRE) == 0) {
			table[id] = NULL;
			spin_unlock(&domlist_lock);
			pr_info("dom%u: released\n", id);
			domain_put(d);
			continue;
		}
		spin_unlock(&domlist_lock);
	}
}

void domain_page_held(uint16_t owner, int delta)
{
	struct domain *d = owner < MAX_DOMAINS ? table[owner] : NULL;

	if (d)
		__atomic_add_fetch(&d->pages_held, (uint64_t)(int64_t)delta,
				   __ATOMIC_ACQ_REL);
}

/* pause_flags: a vCPU runs only when they are all clear. */
void vcpu_set_pause_flag(struct vcpu *v, unsigned flag)
{
	unsigned old = __atomic_fetch_or(&v->pause_flags, flag, __ATOMIC_ACQ_REL);

	if (!old)
		sched_sleep(v);
}

void vcpu_clear_pause_flag(struct vcpu *v, unsigned flag)
{
	unsigned old = __atomic_fetch_and(&v->pause_flags, ~flag, __ATOMIC_ACQ_REL);

	if ((old & flag) && !(old & ~flag))
		sched_wake(v);
}

void vcpu_unblock(struct vcpu *v)
{
	v->block_deadline = 0;
	vcpu_clear_pause_flag(v, VPF_blocked);
}

static void wait_off_cpus(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		arch_vcpu_wait_descheduled(d->vcpu[i]);
}

static int domain_create(uint64_t max_pages, unsigned nr_vcpus, uint16_t *id)
{
	struct domain *d;
	unsigned slot = 0;
	int rc = -ENOMEM;

	d = xzalloc(struct domain);
	if (!d)
		return -ENOMEM;
	spin_lock_init(&d->lock);
	d->refcnt = 1;
	d->pause_count = 1;
	d->max_pages = max_pages;
	d->nr_vcpus = nr_vcpus;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		struct vcpu *v = i ? xzalloc(struct vcpu) : &d->vcpu0;

		if (!v)
			goto err_free_vcpus;
		v->domain = d;
		v->id = i;
		v->pause_flags = VPF_down | VPF_paused;
		d->vcpu[i] = v;
	}
	sched_domain_init(d);

	spin_lock(&domlist_lock);
	for (slot = 1; slot < MAX_DOMAINS && table[slot]; slot++)
		;
	if (slot == MAX_DOMAINS) {
		spin_unlock(&domlist_lock);
		rc = -ENOSPC;
		goto err_free_vcpus;
	}
	d->id = slot;
	table[slot] = d;	/* reserved; not usable until fully built */
	d->dying = true;
	spin_unlock(&domlist_lock);

	rc = arch_domain_init(d);
	if (rc)
		goto err_unlist;
	rc = evtchn_domain_init(d);
	if (rc)
		goto err_arch;
	rc = gnttab_domain_init(d);
	if (rc)
		goto err_evtchn;
	for (unsigned i = 0; i < nr_vcpus; i++) {
		rc = arch_vcpu_init(d->vcpu[i]);
		if (rc)
			goto err_gnttab;
	}
	__atomic_store_n(&d->dying, false, __ATOMIC_RELEASE);
	*id = d->id;
	pr_info("dom%u: created (%lu pages max, %u vCPU)\n", d->id, max_pages,
		nr_vcpus);
	return 0;

err_gnttab:
	gnttab_domain_destroy(d);
err_evtchn:
	evtchn_domain_destroy(d);
err_arch:
	arch_domain_destroy(d);	/* also frees any vCPU state it made */
err_unlist:
	spin_lock(&domlist_lock);
	table[slot] = NULL;
	spin_unlock(&domlist_lock);
err_free_vcpus:
	domain_free(d);
	return rc;
}

/*
 * Give back up to DOMAIN_RELEASE_BATCH of d's pages (freed now, or when dom0
 * stops mapping them), found by walking what its p2m maps from the cursor
 * up: the cost follows the pages it has, never the gfns it could have.
 * Returns true once none is left.  Locks: d->lock held.
 */
static bool release_memory(struct domain *d)
{
	uint64_t gfn = d->release_next;

	for (unsigned n = 0; n < DOMAIN_RELEASE_BATCH; n++, gfn++) {
		paddr_t mfn;

		if (p2m_next(d, &gfn)) {
			d->release_next = KEEL_MAX_GFN;
			return true;
		}
		if (p2m_remove(d, gfn, &mfn))
			continue;
		domain_page_release(mfn);
		d->nr_pages--;
	}
	d->release_next = gfn;
	return false;
}

/* The first destroy call: off the CPUs, ports and grants closed, shared
 * info dropped.  Bounded: a few steps per vCPU, port and grant entry. */
static void domain_kill_begin(struct domain *d)
{
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_set_pause_flag(d->vcpu[i], VPF_dead);
	wait_off_cpus(d);
	evtchn_domain_destroy(d);
	gnttab_domain_destroy(d);
	if (d->shared_info) {
		page_put_ref(arch_virt_to_phys(d->shared_info));
		d->shared_info = NULL;
	}
}

/*
 * One step of destroying d: the first call takes it down and every call
 * gives back a batch of its memory.  Returns 0 when it is destroyed (it is
 * reaped once dom0 maps none of its pages), -EAGAIN if memory is left (call
 * again), -ESRCH if it was destroyed already or is still being built.
 * The caller holds a reference to d.
 */
static long domain_kill(struct domain *d)
{
	bool first, done;

	spin_lock(&d->lock);
	if (d->releasing || (d->dying && !d->destroying)) {
		spin_unlock(&d->lock);
		return -ESRCH;
	}
	if (d->destroying && !d->killed) {
		spin_unlock(&d->lock);
		return -EAGAIN;	/* another call is taking it down */
	}
	first = !d->destroying;
	d->dying = true;
	d->destroying = true;
	spin_unlock(&d->lock);
	if (first)
		domain_kill_begin(d);
	spin_lock(&d->lock);
	d->killed = true;
	done = !d->releasing && release_memory(d);
	if (done)
		d->releasing = true;	/* this call, and no other, ends it */
	spin_unlock(&d->lock);
	if (!done)
		return -EAGAIN;
	arch_domain_destroy(d);
	__atomic_store_n(&d->released, true, __ATOMIC_RELEASE);
	pr_info("dom%u: destroyed%s\n", d->id,
		d->pages_held ? "; dying until dom0 unmaps its pages" : "");
	evtchn_notify_dom0_exc();
	return 0;
}

void domain_shutdown(struct domain *d, unsigned reason)
{
	spin_lock(&d->lock);
	if (d->is_shutdown || d->dying) {
		spin_unlock(&d->lock);
		return;
	}
	d->is_shutdown = true;
	d->shutdown_reason = reason;
	spin_unlock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++)
		vcpu_set_pause_flag(d->vcpu[i], VPF_dead);
	pr_info("dom%u: shut down (%s)\n", d->id,
		reason == KEEL_SHUTDOWN_poweroff ? "poweroff" :
		reason == KEEL_SHUTDOWN_reboot ? "reboot" :
		reason == KEEL_SHUTDOWN_crash ? "crash" : "suspend");
	evtchn_notify_dom0_exc();
}

void domain_crash(struct domain *d, const char *why)
{
	pr_warn("dom%u: crashed: %s\n", d->id, why);
	domain_shutdown(d, KEEL_SHUTDOWN_crash);
}

static void fill_info(struct domain *d, struct keel_dominfo *info)
{
	bool all_blocked = d->nr_vcpus > 0;

	memset(info, 0, sizeof(*info));
	info->domid = d->id;
	info->flags = (d->dying ? KEEL_DOMINF_dying : 0) |
		      (d->is_shutdown ? KEEL_DOMINF_shutdown : 0) |
		      (d->pause_count ? KEEL_DOMINF_paused : 0) |
		      (d->privileged ? KEEL_DOMINF_privileged : 0);
	info->shutdown_reason = d->shutdown_reason;
	info->nr_vcpus = d->nr_vcpus;
	info->nr_pages = d->nr_pages;
	info->max_pages = d->max_pages;
	info->weight = d->sched.weight;
	info->cap = d->sched.cap;
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		info->cpu_time_ns += v->sched.cpu_time_ns;
		if (!(v->pause_flags & VPF_blocked))
			all_blocked = false;
		if (arch_vcpu_is_running(v))
			info->flags |= KEEL_DOMINF_running;
	}
	if (d->privileged) {
		/* dom0 runs on CPU0 whenever the hypervisor does not. */
		info->flags |= KEEL_DOMINF_running;
		all_blocked = false;
	}
	if (all_blocked)
		info->flags |= KEEL_DOMINF_blocked;
}

static long domctl_getinfo(struct keel_domctl *op, bool next)
{
	unsigned id = op->domid;

	domain_reap();
	for (; id < MAX_DOMAINS; id++) {
		struct domain *d = domain_get_any((uint16_t)id);

		if (!d) {
			if (!next)
				return -ESRCH;
			continue;
		}
		fill_info(d, &op->u.info);
		op->domid = d->id;
		domain_put(d);
		return 0;
	}
	return -ESRCH;
}

static long domctl_create(struct keel_domctl *op)
{
	uint64_t free = frame_free_count(&hv_frames);

	if (op->u.create.flags || op->u.create.nr_vcpus == 0 ||
	    op->u.create.nr_vcpus > KEEL_MAX_VCPUS ||
	    op->u.create.max_pages == 0 || op->u.create.max_pages > free)
		return -EINVAL;
	return domain_create(op->u.create.max_pages, op->u.create.nr_vcpus,
			     &op->domid);
}

static long domctl_pause(struct domain *d, bool pause)
{
	spin_lock(&d->lock);
	if (!pause && d->pause_count == 0) {
		spin_unlock(&d->lock);
		return -EINVAL;
	}
	if (pause ? d->pause_count++ : --d->pause_count) {
		spin_unlock(&d->lock);
		if (pause)
			wait_off_cpus(d);
		return 0;
	}
	spin_unlock(&d->lock);
	for (unsigned i = 0; i < d->nr_vcpus; i++) {
		if (pause)
			vcpu_set_pause_flag(d->vcpu[i], VPF_paused);
		else
			vcpu_clear_pause_flag(d->vcpu[i], VPF_paused);
	}
	if (pause)
		wait_off_cpus(d);
	return 0;
}

static long domctl_vcpu_context(struct domain *d, struct keel_domctl *op)
{
	struct vcpu *v;
	long rc;

	if (op->u.vcpu_context.vcpu >= d->nr_vcpus || op->u.vcpu_context.pad)
		return -EINVAL;
	v = d->vcpu[op->u.vcpu_context.vcpu];
	if (!d->pause_count || !(v->pause_flags & VPF_down))
		return -EBUSY;
	if (op->u.vcpu_context.rip > UINT32_MAX ||
	    op->u.vcpu_context.rbx > UINT32_MAX)
		return -EINVAL;
	rc = domain_set_shared_info(d, op->u.vcpu_context.shared_info_gfn, NULL);
	if (rc)
		return rc;
	arch_vcpu_set_entry(v, op->u.vcpu_context.rip, op->u.vcpu_context.rbx);
	vcpu_clear_pause_flag(v, VPF_down);
	return 0;
}

static long domctl_sched(struct domain *d, struct keel_domctl *op)
{
	if (op->u.sched.pad || op->u.sched.op > KEEL_SCHED_SET)
		return -EINVAL;
	if (op->u.sched.op == KEEL_SCHED_SET) {
		if (op->u.sched.weight < KEEL_SCHED_WEIGHT_MIN ||
		    op->u.sched.weight > KEEL_SCHED_WEIGHT_MAX ||
		    op->u.sched.cap > KEEL_SCHED_CAP_MAX)
			return -EINVAL;
		sched_set_params(d, op->u.sched.weight, op->u.sched.cap);
	}
	op->u.sched.weight = d->sched.weight;
	op->u.sched.cap = d->sched.cap;
	return 0;
}

/* Commands on one existing guest domain (not dom0). */
static long domctl_on_domain(struct vcpu *caller, struct keel_domctl *op,
			     const uint64_t args[HYPERCALL_NARGS])
{
	struct domain *d;
	long rc;

	/* A destroy that answered -EAGAIN is continued on its dying domain. */
	if (op->cmd == KEEL_DOMCTL_destroy && op->domid != KEEL_DOMID_SELF)
		d = domain_get_any(op->domid);
	else
		d = domain_get(op->domid, caller->domain);

	if (!d)
		return -ESRCH;
	if (d->privileged && op->cmd != KEEL_DOMCTL_sched_credit) {
		domain_put(d);
		return -EPERM;
	}
	switch (op->cmd) {
	case KEEL_DOMCTL_destroy:
		rc = domain_kill(d);
		break;
	case KEEL_DOMCTL_pause:
	case KEEL_DOMCTL_unpause:
		rc = domctl_pause(d, op->cmd == KEEL_DOMCTL_pause);
		break;
	case KEEL_DOMCTL_set_max_mem:
		rc = op->u.max_mem.max_pages ? 0 : -EINVAL;
		if (!rc)
			d->max_pages = op->u.max_mem.max_pages;
		break;
	case KEEL_DOMCTL_set_vcpu_context:
		rc = domctl_vcpu_context(d, op);
		break;
	case KEEL_DOMCTL_sched_credit:
		rc = d->privileged ? -EPERM : domctl_sched(d, op);
		break;
	default:
		rc = domstate_is_op(op->cmd) ?
		     domstate_op(caller, d, op, args[2], args[3]) : -ENOSYS;
		break;
	}
	domain_put(d);
	if (op->cmd == KEEL_DOMCTL_destroy)
		domain_reap();
	return rc;
}

long do_domctl_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	struct keel_domctl op;
	long rc;

	if (!v->domain->privileged)
		return -EPERM;
	if (args[1] != sizeof(op))
		return -EINVAL;
	rc = copy_from_guest(v->domain, &op, args[0], sizeof(op));
	if (rc)
		return rc;
	v->hold_subop = op.cmd;	/* hold statistics by command */
	if (op.pad)
		return -EINVAL;
	switch (op.cmd) {
	case KEEL_DOMCTL_create:
		rc = domctl_create(&op);
		break;
	case KEEL_DOMCTL_getinfo:
	case KEEL_DOMCTL_getinfo_next:
		rc = domctl_getinfo(&op, op.cmd == KEEL_DOMCTL_getinfo_next);
		break;
	case KEEL_DOMCTL_destroy:
	case KEEL_DOMCTL_pause:
	case KEEL_DOMCTL_unpause:
	case KEEL_DOMCTL_set_max_mem:
	case KEEL_DOMCTL_set_vcpu_context:
	case KEEL_DOMCTL_sched_credit:
		rc = domctl_on_domain(v, &op, args);
		break;
	default:
		if (!domstate_is_op(op.cmd))
			return -ENOSYS;
		rc = domctl_on_domain(v, &op, args);
		break;
	}
	if (!rc)
		rc = copy_to_guest(v->domain, args[0], &op, sizeof(op));
	return rc;
}
