/*
 * libkeelctl: dom0 user space's interface to the Keel hypervisor.
 *
 * A handle wraps one open /dev/keel/privcmd and the logger its owner
 * injected; the library keeps no other state and never exits or prints on
 * its own.  Every function returns 0 (or a documented non-negative value)
 * on success and a negative errno value on failure: either the device's
 * (ioctl) error or the hypervisor's KEEL_E* result, whose values are the
 * Linux errno values.  Shared by vmctl and every dom0 daemon.
 */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <public/keel.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/sysctl.h>
#include <public/domctl.h>
#include <public/vcpu_state.h>
#include <public/memory.h>
#include <public/mmu.h>
#include <public/event_channel.h>
#include <public/shared_info.h>
#include <public/grant_table.h>
#include <public/dom0/privcmd.h>
#include <public/dom0/evtchn.h>
#include <public/dom0/gntdev.h>

enum keel_log_level {
	KEEL_LOG_ERROR,
	KEEL_LOG_WARN,
	KEEL_LOG_INFO,
	KEEL_LOG_DEBUG,
};

/*
 * The caller's logger.  The library calls log() with a complete message
 * (no trailing newline); the caller decides where it goes.  Embed the
 * struct in a larger one to give the callback its context.
 */
struct keel_logger {
	void (*log)(struct keel_logger *self, enum keel_log_level level,
		    const char *fmt, va_list ap);
};

/* A logger that writes "PREFIX: message\n" to stderr for levels up to max. */
struct keel_stderr_logger {
	struct keel_logger base;
	const char *prefix;
	enum keel_log_level max;
};
void keel_stderr_logger_init(struct keel_stderr_logger *l, const char *prefix,
			     enum keel_log_level max);

struct keel_ctl;

/* Flags for keel_ctl_open(). */
#define KEEL_CTL_OPEN_QUIET  (1u << 0)  /* do not log a failure to open */

/*
 * Opens the hypercall device.  log may be NULL (no messages).  Returns the
 * handle, or NULL with errno set (ENOENT: module not loaded, EACCES: not
 * root, ENOMEM); unless KEEL_CTL_OPEN_QUIET, the reason is also logged.
 */
struct keel_ctl *keel_ctl_open(struct keel_logger *log, unsigned int flags);

/* Closes the device and frees the handle; NULL is allowed. */
void keel_ctl_close(struct keel_ctl *h);

/* One hypercall argument: a scalar (len == 0) or a buffer of len bytes. */
struct keel_hc_arg {
	uint64_t val;   /* the scalar, or (uintptr_t) of the buffer */
	uint32_t len;   /* 0 for a scalar, else 1 .. KEEL_PRIVCMD_BUF_MAX */
};

#define KEEL_HC_SCALAR(v)    ((struct keel_hc_arg){ .val = (uint64_t)(v), .len = 0 })
#define KEEL_HC_BUF(p, n)    ((struct keel_hc_arg){ .val = (uint64_t)(uintptr_t)(p), .len = (n) })

/*
 * Makes hypercall op with nargs (<= KEEL_PRIVCMD_NARGS) arguments; missing
 * ones are 0.  Returns the hypercall's result (>= 0) or a negative errno:
 * -EINVAL without a call when nargs, a length or a buffer is malformed,
 * the ioctl's errno when the device refused, else the hypervisor's error.
 */
int64_t keel_ctl_hypercall(struct keel_ctl *h, uint64_t op,
			   const struct keel_hc_arg *args, unsigned int nargs);

/* Returns the running hypervisor's KEEL_ABI_VERSION (>= 0) or -errno. */
int64_t keel_ctl_abi_version(struct keel_ctl *h);

/* Fills *info; returns 0 or -errno.  Strings are NUL-terminated on return. */
int keel_ctl_version_info(struct keel_ctl *h, struct keel_version_info *info);

/* Fills *info (KEEL_SYSCTL_PHYSINFO); returns 0 or -errno. */
int keel_ctl_physinfo(struct keel_ctl *h, struct keel_physinfo *info);

/* Fills *pc with the hypervisor's exit and hypercall counters
 * (KEEL_SYSCTL_PERFC); returns 0 or -errno. */
int keel_ctl_perfc(struct keel_ctl *h, struct keel_perfc *pc);

/*
 * How long hypercalls held a pCPU (KEEL_SYSCTL_HOLD_STATS): fills out with
 * up to max entries (1 .. KEEL_HOLD_MAX_ENTRIES), one per (hypercall,
 * sub-op) called since boot or the last reset; with reset the hypervisor
 * clears its figures once read.  Returns the number of entries or -errno.
 */
int keel_ctl_hold_stats(struct keel_ctl *h, struct keel_hold_stat *out,
			size_t max, bool reset);

/* The name of hypercall nr ("memory_op") and of its sub-op
 * ("populate_physmap"; "op N" for one it does not know: buf). */
const char *keel_hypercall_name(unsigned nr);
const char *keel_hypercall_subop_name(unsigned nr, unsigned subop,
				      char *buf, size_t len);

/*
 * Reads up to len (1 .. KEEL_CONSOLE_READ_MAX) bytes of the hypervisor log
 * from cursor->pos into buf, advancing the cursor; cursor->lost tells how
 * many bytes the ring had already overwritten.  Returns the number of bytes
 * read (0: nothing new) or -errno.
 */
int keel_ctl_read_console(struct keel_ctl *h, struct keel_console_cursor *cursor,
			  char *buf, size_t len);

/*
 * Domains (KEEL_HC_domctl, public/domctl.h).  Each returns 0 or -errno:
 * ESRCH (no such domain, or dying where a live one is needed), EINVAL (an
 * argument out of range), EPERM (the call names dom0 where it may not), or
 * the device's error.
 */

/* Creates a paused, empty domain; *domid receives its id. */
int keel_domain_create(struct keel_ctl *h, uint64_t max_pages,
		       unsigned int nr_vcpus, uint16_t *domid);
/* Destroys it (over as many hypercalls as its memory takes); it stays
 * "dying" while dom0 still maps any of its pages. */
int keel_domain_destroy(struct keel_ctl *h, uint16_t domid);
/* Pauses nest; unpause of a domain that is not paused is EINVAL. */
int keel_domain_pause(struct keel_ctl *h, uint16_t domid);
int keel_domain_unpause(struct keel_ctl *h, uint16_t domid);
int keel_domain_getinfo(struct keel_ctl *h, uint16_t domid,
			struct keel_dominfo *out);
/* The first domain with id >= from_domid; -ESRCH when there is none. */
int keel_domain_getinfo_next(struct keel_ctl *h, uint16_t from_domid,
			     struct keel_dominfo *out);
int keel_domain_set_max_mem(struct keel_ctl *h, uint16_t domid,
			    uint64_t max_pages);
/* Start state of a paused domain's vCPU: 32-bit entry point, EBX, and the
 * gfn of the page that becomes its shared-info page.  EBUSY once it ran. */
int keel_domain_set_vcpu_context(struct keel_ctl *h, uint16_t domid,
				 unsigned int vcpu, uint64_t rip, uint64_t rbx,
				 uint64_t shared_info_gfn);
/* Credit scheduler parameters: weight 1 .. 65535, cap 0 (none) .. 100. */
int keel_sched_credit_get(struct keel_ctl *h, uint16_t domid,
			  uint32_t *weight, uint32_t *cap);
int keel_sched_credit_set(struct keel_ctl *h, uint16_t domid,
			  uint32_t weight, uint32_t cap);

/*
 * Save, restore and migration (public/domctl.h 10-18, docs/migration.md).
 * Each returns 0 (or a count) or -errno: EBUSY (not paused, or a "set"
 * on a domain that already ran), EINVAL, ESRCH, EPERM (dom0).
 */
/* The domain-wide state the migration stream carries (u.dom_state). */
struct keel_dom_state {
	uint64_t time_ns;
	uint64_t shared_info_gfn;
	uint32_t upcall_vector;
	uint32_t nr_gnttab_frames;
	uint64_t gnttab_gfn[4];
	uint64_t reserved[2];
};
int keel_logdirty_enable(struct keel_ctl *h, uint16_t domid);
int keel_logdirty_disable(struct keel_ctl *h, uint16_t domid);
/* Reads (clean: and clears, write-protecting again) the dirty bits of gfns
 * [start_gfn, start_gfn + nr) into bitmap (nr / 64 words; nr a multiple
 * of 64, at most KEEL_LOGDIRTY_MAX_BITS).  Returns the number of dirty
 * pages; *tracked (may be NULL) = how many gfns are tracked. */
long keel_logdirty_read(struct keel_ctl *h, uint16_t domid, uint64_t start_gfn,
			uint64_t nr, uint64_t *bitmap, int clean,
			uint64_t *tracked);
/* Populated gfns >= start_gfn, up to room (<= KEEL_MEMLIST_MAX) of them,
 * ascending; returns how many; *next_gfn: go on from there, or
 * KEEL_GFN_INVALID when there are no more. */
#define KEEL_MEMLIST_MAX 8192
long keel_domain_memlist(struct keel_ctl *h, uint16_t domid, uint64_t start_gfn,
			 uint64_t *gfns, size_t room, uint64_t *next_gfn);
int keel_vcpu_state_get(struct keel_ctl *h, uint16_t domid, unsigned int vcpu,
			struct keel_vcpu_state *st);
int keel_vcpu_state_set(struct keel_ctl *h, uint16_t domid, unsigned int vcpu,
			const struct keel_vcpu_state *st);
int keel_dom_state_get(struct keel_ctl *h, uint16_t domid,
		       struct keel_dom_state *out);
int keel_dom_state_set(struct keel_ctl *h, uint16_t domid,
		       const struct keel_dom_state *in);
/* All open ports of a paused domain into recs (room of them); returns how
 * many, or -ENOSPC when they do not fit. */
long keel_evtchn_state_get(struct keel_ctl *h, uint16_t domid,
			   struct keel_evtchn_rec *recs, size_t room);
int keel_evtchn_state_set(struct keel_ctl *h, uint16_t domid,
			  const struct keel_evtchn_rec *recs, size_t n);
/* A domain shut down for suspend (and paused) goes on: its suspend call
 * returns 1 when cancelled (same domain), 0 in a restored one. */
int keel_domain_resume(struct keel_ctl *h, uint16_t domid, int cancelled);

/*
 * Memory (KEEL_HC_memory_op, public/memory.h).  populate gives domid a
 * fresh zeroed page at each gfn; decrease takes them away.  Both split the
 * array into as many calls as needed and return how many pages were done,
 * in order (fewer than n: page [result] failed), or -errno when the very
 * first failed (ENOMEM, ENOSPC, EEXIST, ENOENT, EBUSY, ESRCH, EINVAL).
 * n == 0 returns 0 without a call.
 */
long keel_memory_populate(struct keel_ctl *h, uint16_t domid,
			  const uint64_t *gfns, size_t n);
long keel_memory_decrease(struct keel_ctl *h, uint16_t domid,
			  const uint64_t *gfns, size_t n);
/* The domain's nr_pages / max_pages, or -errno. */
long keel_memory_current(struct keel_ctl *h, uint16_t domid);
long keel_memory_maximum(struct keel_ctl *h, uint16_t domid);
/* Pages free for guests (physinfo), or -errno. */
long keel_free_memory_pages(struct keel_ctl *h);

/*
 * Maps gfns[0 .. n-1] of domain domid contiguously into this process (prot:
 * PROT_READ, optionally | PROT_WRITE).  All or nothing: returns the address,
 * or NULL with errno set (ENOENT: a gfn is not populated, ESRCH, EINVAL,
 * ENOMEM, ...) and nothing mapped.  Needs a handle opened on the device
 * (not a test backend: ENODEV).  Undo with keel_unmap_foreign(h, addr, n)
 * -- the whole mapping at once; that is what releases the pages.
 */
void *keel_map_foreign(struct keel_ctl *h, uint16_t domid,
		       const uint64_t *gfns, size_t n, int prot);
int keel_unmap_foreign(struct keel_ctl *h, void *addr, size_t n);

/*
 * Allocates an unbound port in domain dom that remote_dom may bind (the
 * builder's console and store ports).  Returns the port or -errno.  Goes
 * through the hypercall device; the port belongs to dom, not to dom0.
 */
long keel_evtchn_alloc_unbound_for(struct keel_ctl *h, uint16_t dom,
				   uint16_t remote_dom);

/*
 * Event channels for dom0 user space (/dev/keel/evtchn, public/dom0/
 * evtchn.h).  A handle owns the ports it binds; closing it closes them.
 * Ports come back masked from keel_evtchn_pending(): handle the event, then
 * keel_evtchn_unmask() the port.  Functions return -errno on failure
 * (EBADF: a port this handle does not own).
 */
struct keel_evtchn;

#define KEEL_EVTCHN_NONBLOCK  (1u << 0)  /* pending() returns -EAGAIN */
#define KEEL_EVTCHN_QUIET     (1u << 1)  /* do not log a failure to open */

/* NULL with errno set (ENOENT: module not loaded, EACCES, ENOMEM). */
struct keel_evtchn *keel_evtchn_open(struct keel_logger *log,
				     unsigned int flags);
void keel_evtchn_close(struct keel_evtchn *e);
/* The file descriptor, for poll(): readable when a port is pending. */
int keel_evtchn_fd(struct keel_evtchn *e);
/* Each returns the new local port (>= 1) or -errno. */
long keel_evtchn_bind_interdomain(struct keel_evtchn *e, uint16_t domid,
				  uint32_t remote_port);
long keel_evtchn_bind_unbound(struct keel_evtchn *e, uint16_t remote_domid);
long keel_evtchn_bind_virq(struct keel_evtchn *e, unsigned int virq);
int keel_evtchn_unbind(struct keel_evtchn *e, uint32_t port);
int keel_evtchn_notify(struct keel_evtchn *e, uint32_t port);
/* The next pending port (masked), or -errno (EAGAIN if non-blocking and
 * nothing is pending; EFBIG once if events were lost to an overflow). */
long keel_evtchn_pending(struct keel_evtchn *e);
int keel_evtchn_unmask(struct keel_evtchn *e, uint32_t port);

/*
 * Grant mappings for dom0 user space (/dev/keel/gntdev, public/dom0/
 * gntdev.h).  keel_gnt_map maps one granted page (prot PROT_READ, optionally
 * | PROT_WRITE) and returns its address, or NULL with errno set (EACCES:
 * not granted to dom0 or read-only; ESRCH; EINVAL: bad ref; ENOSPC).
 * keel_gnt_unmap ends it; keel_gnt_close ends all of them.
 */
struct keel_gnt;

#define KEEL_GNT_QUIET  (1u << 0)  /* do not log a failure to open */

struct keel_gnt *keel_gnt_open(struct keel_logger *log, unsigned int flags);
void keel_gnt_close(struct keel_gnt *g);
void *keel_gnt_map(struct keel_gnt *g, uint16_t domid, uint32_t ref,
		   int prot);
int keel_gnt_unmap(struct keel_gnt *g, void *addr);
/*
 * Maps n grants of one domain contiguously (a multi-page ring): all or
 * nothing, NULL with errno set as keel_gnt_map.  Undo with
 * keel_gnt_unmap_pages(g, addr, n).
 */
void *keel_gnt_map_pages(struct keel_gnt *g, uint16_t domid,
			 const uint32_t *refs, size_t n, int prot);
int keel_gnt_unmap_pages(struct keel_gnt *g, void *addr, size_t n);
/*
 * Copies between granted pages and this process's memory: segs[0 .. n-1]
 * (public/dom0/gntdev.h; n up to KEEL_GNTDEV_COPY_MAX per ioctl, more are
 * split).  Returns 0 once every segment was tried -- each has its own
 * status (0 or -errno) -- or -errno for the call (EINVAL, EFAULT, ENOMEM).
 */
int keel_gnt_copy(struct keel_gnt *g, struct keel_ioctl_gntdev_copy_seg *segs,
		  size_t n);

#endif
