/*
 * struct xsd_domring_ops on the real hypervisor: foreign mappings through
 * libkeelctl (/dev/keel/privcmd) and event channels through
 * /dev/keel/evtchn.  Linked into xenstored only (the unit tests use
 * fakes).  Built without libkeelctl's event-channel calls (an older
 * keelctl.h), xsd_domring_keel_open() says so and fails: the daemon then
 * serves sockets only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "domring_keel.h"

#ifndef XSD_NO_KEELCTL
#include <keelctl.h>
#include <public/domctl.h>

struct xsd_domring_keel {
	struct keel_logger base;        /* libkeelctl's view of our logger */
	const struct xs_logger *log;
	struct keel_ctl *ctl;
	struct keel_evtchn *ev;
};

static void keel_log(struct keel_logger *self, enum keel_log_level level,
		     const char *fmt, va_list ap)
{
	struct xsd_domring_keel *k = (struct xsd_domring_keel *)self;
	static const enum xs_log_level map[] = {
		[KEEL_LOG_ERROR] = XS_LOG_ERR, [KEEL_LOG_WARN] = XS_LOG_WARN,
		[KEEL_LOG_INFO] = XS_LOG_INFO, [KEEL_LOG_DEBUG] = XS_LOG_DEBUG,
	};
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	xs_log(k->log, level <= KEEL_LOG_DEBUG ? map[level] : XS_LOG_DEBUG,
	       "keelctl: %s", msg);
}

static int k_map(void *ctx, uint32_t domid, uint64_t gfn, void **page)
{
	struct xsd_domring_keel *k = ctx;
	void *p = keel_map_foreign(k->ctl, (uint16_t)domid, &gfn, 1,
				   PROT_READ | PROT_WRITE);

	if (!p)
		return errno ? -errno : -EIO;
	*page = p;
	return 0;
}

static void k_unmap(void *ctx, void *page)
{
	struct xsd_domring_keel *k = ctx;

	keel_unmap_foreign(k->ctl, page, 1);
}

static int k_bind(void *ctx, uint32_t domid, uint32_t remote_port)
{
	struct xsd_domring_keel *k = ctx;

	return (int)keel_evtchn_bind_interdomain(k->ev, (uint16_t)domid,
						 remote_port);
}

static void k_unbind(void *ctx, uint32_t port)
{
	struct xsd_domring_keel *k = ctx;

	keel_evtchn_unbind(k->ev, port);
}

static int k_notify(void *ctx, uint32_t port)
{
	struct xsd_domring_keel *k = ctx;

	return keel_evtchn_notify(k->ev, port);
}

static int k_pending(void *ctx)
{
	struct xsd_domring_keel *k = ctx;

	return (int)keel_evtchn_pending(k->ev);
}

static int k_unmask(void *ctx, uint32_t port)
{
	struct xsd_domring_keel *k = ctx;

	return keel_evtchn_unmask(k->ev, port);
}

static int k_fd(void *ctx)
{
	struct xsd_domring_keel *k = ctx;

	return keel_evtchn_fd(k->ev);
}

/* Gone: no such domain, or destroyed and waiting for its pages. */
static int k_alive(void *ctx, uint32_t domid)
{
	struct xsd_domring_keel *k = ctx;
	struct keel_domctl d;
	struct keel_hc_arg args[2];
	int64_t rc;

	memset(&d, 0, sizeof(d));
	d.cmd = KEEL_DOMCTL_getinfo;
	d.domid = (uint16_t)domid;
	args[0] = KEEL_HC_BUF(&d, sizeof(d));
	args[1] = KEEL_HC_SCALAR(sizeof(d));
	rc = keel_ctl_hypercall(k->ctl, KEEL_HC_domctl, args, 2);
	if (rc == -ESRCH)
		return 0;
	if (rc < 0)
		return (int)rc;
	return (d.u.info.flags & KEEL_DOMINF_dying) ? 0 : 1;
}

const struct xsd_domring_ops xsd_domring_keel_ops = {
	.map = k_map,
	.unmap = k_unmap,
	.bind = k_bind,
	.unbind = k_unbind,
	.notify = k_notify,
	.pending = k_pending,
	.unmask = k_unmask,
	.fd = k_fd,
	.alive = k_alive,
};

int xsd_domring_keel_open(const struct xs_logger *log,
			  struct xsd_domring_keel **out)
{
	struct xsd_domring_keel *k = calloc(1, sizeof(*k));
	int rc;

	if (!k)
		return -ENOMEM;
	k->base.log = keel_log;
	k->log = log;
	k->ctl = keel_ctl_open(&k->base, KEEL_CTL_OPEN_QUIET);
	if (!k->ctl) {
		rc = -errno;
		goto err_free;
	}
	k->ev = keel_evtchn_open(&k->base,
				 KEEL_EVTCHN_NONBLOCK | KEEL_EVTCHN_QUIET);
	if (!k->ev) {
		rc = -errno;
		goto err_close_ctl;
	}
	*out = k;
	return 0;

err_close_ctl:
	keel_ctl_close(k->ctl);
err_free:
	free(k);
	return rc ? rc : -ENODEV;
}

void xsd_domring_keel_close(struct xsd_domring_keel *k)
{
	if (!k)
		return;
	keel_evtchn_close(k->ev);
	keel_ctl_close(k->ctl);
	free(k);
}

#else /* XSD_NO_KEELCTL */

const struct xsd_domring_ops xsd_domring_keel_ops;

int xsd_domring_keel_open(const struct xs_logger *log,
			  struct xsd_domring_keel **out)
{
	xs_log(log, XS_LOG_DEBUG,
	       "built without libkeelctl event channels");
	return -ENOSYS;
}

void xsd_domring_keel_close(struct xsd_domring_keel *k)
{
}

#endif
