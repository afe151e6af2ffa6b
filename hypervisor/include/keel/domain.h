/*
 * Domains and their vCPUs.
 *
 * Locking: domlist_lock (domain.c) guards the domain table; d->lock guards
 * a domain's life-cycle state, memory accounting and p2m; d->evtchn.lock
 * and d->gnttab.lock guard its ports and grant table (take two domains'
 * locks of one kind in ascending domid order).  The scheduler has its own
 * per-pCPU locks.  Never hold d->lock while taking domlist_lock.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/types.h>
#include <keel/console.h>
#include <keel/rangeset.h>
#include <keel/spinlock.h>
#include <keel/evtchn.h>
#include <keel/gnttab.h>
#include <keel/sched.h>
#include <keel/logdirty.h>
#include <public/shared_info.h>
#include <asm/domain.h>

#define DOMID_DOM0   0
#define MAX_DOMAINS  256         /* domids 0 .. MAX_DOMAINS-1 */
/* The most pages one destroy call gives back (docs/design.md, "Destroy"):
 * a larger domain is released over several calls, each -EAGAIN but the
 * last, so no hypercall holds a pCPU for long. */
#define DOMAIN_RELEASE_BATCH 512

/* vcpu->pause_flags: reasons a vCPU cannot run (0 = runnable). */
#define VPF_blocked  (1u << 0)   /* waiting for an event or its deadline */
#define VPF_down     (1u << 1)   /* no context set yet                   */
#define VPF_paused   (1u << 2)   /* its domain is paused                 */
#define VPF_dead     (1u << 3)   /* domain shut down or dying            */

struct domain;

struct vcpu {
	struct domain *domain;
	unsigned id;
	volatile unsigned pause_flags;      /* VPF_*; atomic updates */
	uint64_t timer_deadline;            /* set_timer, ns; 0 = none */
	uint64_t block_deadline;            /* block with timeout; 0 = none */
	uint16_t virq_to_port[KEEL_NR_VIRQS];
	uint64_t hold_subop;                /* the sub-op of its hypercall now
					       (hypercall.c, hold statistics) */
	struct sched_vcpu sched;
	struct arch_vcpu arch;
};

struct domain {
	uint16_t id;
	bool privileged;                    /* may use dom0-only hypercalls */
	spinlock_t lock;
	int refcnt;                         /* atomic: table + transient users */
	unsigned pause_count;
	bool dying;                         /* destroyed; waiting for pages */
	bool destroying;                    /* destroy began (domain_kill) */
	bool killed;                        /* ... and its vCPUs are off, ports,
					       grants and shared info closed */
	bool releasing;                     /* a destroy call runs the last step */
	bool released;                      /* destroy done: memory, arch state */
	uint64_t release_next;              /* destroy's cursor: next gfn */
	bool is_shutdown;
	unsigned shutdown_reason;
	uint64_t nr_pages;                  /* RAM pages it owns now */
	uint64_t max_pages;
	uint64_t pages_held;                /* released pages still mapped */
	uint64_t max_gfn;                   /* 1 + highest gfn ever populated
					       (a statistic: destroy walks the p2m) */
	unsigned nr_vcpus;
	struct vcpu *vcpu[KEEL_MAX_VCPUS];
	struct keel_shared_info *shared_info;   /* NULL until registered */
	uint64_t shared_info_gfn;
	uint8_t upcall_vector;              /* 0 = none */
	/* dom0: its RAM (1:1).  Guests: unused (their p2m says). */
	struct rangeset ram;
	struct evtchn_domain evtchn;
	struct gnttab_domain gnttab;
	struct sched_domain sched;
	struct console_io_rate console_io;
	struct logdirty logdirty;           /* under d->lock */
	uint64_t time_offset;               /* its system time minus the
					       hypervisor's (a restored
					       domain's time goes on) */
	struct arch_domain arch;
	struct vcpu vcpu0;                  /* storage for vcpu[0] */
};

extern struct domain dom0;

/* Find a live (not dying) domain and take a reference; NULL if none.
 * KEEL_DOMID_SELF means `self`. */
struct domain *domain_get(uint16_t domid, struct domain *self);
/* Like domain_get, but dying domains too (for getinfo). */
struct domain *domain_get_any(uint16_t domid);
void domain_put(struct domain *d);

/* Copy between the hypervisor and a domain's RAM at guest-physical gpa.
 * The whole range must be the domain's RAM.  0 or -EFAULT. */
int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len);
int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len);

/* Arch hook: the hypervisor's pointer to [gpa, gpa+len) of domain d (len
 * within one page), or NULL unless it is the domain's RAM (and writable,
 * if `write`). */
void *arch_guest_va(struct domain *d, uint64_t gpa, size_t len, bool write);
/* The same, holding a reference on the page until arch_guest_va_put(*held)
 * (*held is 0 when no reference was needed: dom0's own RAM). */
void *arch_guest_va_get(struct domain *d, uint64_t gpa, size_t len, bool write,
			paddr_t *held);
void arch_guest_va_put(paddr_t held);

/* dom0 cannot continue: log why and restart the machine (or stop it, with
 * the noreboot option). */
__noreturn void dom0_died(const char *why);

/* A guest stops for good (sched_op shutdown, a fatal fault, a triple
 * fault): mark it, take its vCPUs off the CPUs, tell dom0 (VIRQ_DOM_EXC). */
void domain_shutdown(struct domain *d, unsigned reason);
/* A guest broke its contract: log why and shut it down as crashed. */
void domain_crash(struct domain *d, const char *why);

/* Make v runnable again if it was blocked (an event or its deadline). */
void vcpu_unblock(struct vcpu *v);
/* Set/clear a VPF_* reason; the scheduler hears when v stops or starts
 * being runnable. */
void vcpu_set_pause_flag(struct vcpu *v, unsigned flag);
void vcpu_clear_pause_flag(struct vcpu *v, unsigned flag);

/* Boot: dom0 is entry 0 of the domain table. */
void domain_table_init(void);
/* memory.c: register gfn of d's RAM as its shared-info page (or none, for
 * KEEL_GFN_INVALID).  caller: the guest vCPU asking, or NULL for dom0 on a
 * paused domain.  0, -EINVAL (not d's RAM), -EBUSY (a guest replacing a
 * registered page while another of its vCPUs has started). */
long domain_set_shared_info(struct domain *d, uint64_t gfn,
			    const struct vcpu *caller);

/* The same for a restored domain (paused): the page keeps its contents
 * (pending events, masks) but for the time fields, which are the
 * hypervisor's.  0 or -EINVAL. */
long domain_restore_shared_info(struct domain *d, uint64_t gfn);

/* Arch hooks for the domain life cycle (arch/x86/svm/guest.c). */
int arch_domain_init(struct domain *d);
void arch_domain_destroy(struct domain *d);
int arch_vcpu_init(struct vcpu *v);
void arch_vcpu_set_entry(struct vcpu *v, uint64_t rip, uint64_t rbx);
/* Return once v is not in guest mode on any pCPU (kicking it if needed). */
void arch_vcpu_wait_descheduled(struct vcpu *v);

#endif
