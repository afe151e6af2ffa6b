/*
 * KEEL_HC_domctl: domain control, dom0 only (others: -KEEL_EPERM).
 *
 *   arg1 = gpa of struct keel_domctl (IN/OUT), arg2 = sizeof(struct keel_domctl)
 *
 * Returns 0 or a negative error; OUT fields are written back on success.
 * Errors common to every command: EINVAL (size, cmd-specific ranges, pad
 * not 0), EFAULT (buffer), ESRCH (no such domain, or a domain that is dying
 * where the command needs a live one), EPERM (not dom0, or the command
 * names dom0 where it may not).
 *
 * A new domain is created paused, with no memory and no vCPU state: the
 * builder populates its memory (memory.h), loads the kernel through
 * foreign mappings (mmu.h), sets vCPU 0's start state (set_vcpu_context),
 * then unpauses it.
 */
#ifndef KEEL_PUBLIC_DOMCTL_H
#define KEEL_PUBLIC_DOMCTL_H

#include "keel.h"

#define KEEL_DOMCTL_create           1  /* IN u.create; OUT domid              */
#define KEEL_DOMCTL_destroy          2  /* domid; EBUSY never: pages still
					   mapped by dom0 keep it "dying".
					   EAGAIN: memory is given back a
					   bounded batch per call; call again
					   (the domain is dying meanwhile)    */
#define KEEL_DOMCTL_pause            3  /* domid; pauses nest (a count)        */
#define KEEL_DOMCTL_unpause          4  /* domid; EINVAL if not paused         */
#define KEEL_DOMCTL_getinfo          5  /* IN domid; OUT u.info                */
#define KEEL_DOMCTL_getinfo_next     6  /* IN domid; OUT u.info of the first
					   domain with id >= domid, or ESRCH  */
#define KEEL_DOMCTL_set_max_mem      7  /* IN u.max_mem                        */
#define KEEL_DOMCTL_set_vcpu_context 8  /* IN u.vcpu_context (paused domain,
					   EBUSY once it has run)             */
#define KEEL_DOMCTL_sched_credit     9  /* IN/OUT u.sched                      */
/*
 * Save, restore and migration (docs/migration.md).  Commands marked "buf"
 * take a second buffer: arg3 = its gpa, arg4 = its size in bytes.
 */
#define KEEL_DOMCTL_logdirty        10  /* IN/OUT u.logdirty; buf: the bitmap
					   (peek/clean: nr / 8 bytes, OUT)  */
#define KEEL_DOMCTL_memlist         11  /* IN/OUT u.memlist; buf: uint64_t
					   gfns (OUT), nr * 8 bytes          */
#define KEEL_DOMCTL_get_vcpu_state  12  /* IN u.vcpu_state; buf: struct
					   keel_vcpu_state (OUT); paused    */
#define KEEL_DOMCTL_set_vcpu_state  13  /* IN u.vcpu_state; buf: IN; paused
					   and never run (a new domain)     */
#define KEEL_DOMCTL_get_dom_state   14  /* OUT u.dom_state; paused          */
#define KEEL_DOMCTL_set_dom_state   15  /* IN u.dom_state; paused, new      */
#define KEEL_DOMCTL_get_evtchn      16  /* IN/OUT u.evtchn; buf: struct
					   keel_evtchn_rec[] (OUT)          */
#define KEEL_DOMCTL_set_evtchn      17  /* IN u.evtchn; buf: records (IN);
					   paused, new                       */
#define KEEL_DOMCTL_resume          18  /* IN u.resume: a domain shut down
					   for suspend goes on               */

/* u.logdirty.op */
#define KEEL_LOGDIRTY_enable   0   /* write-protect all, bitmap clear      */
#define KEEL_LOGDIRTY_disable  1
#define KEEL_LOGDIRTY_peek     2   /* read bits [start_gfn, +nr)           */
#define KEEL_LOGDIRTY_clean    3   /* read and clear them                  */
#define KEEL_LOGDIRTY_MAX_BITS (65536u * 8)   /* nr per call             */

/* One event channel of a domain (get_evtchn / set_evtchn). */
struct keel_evtchn_rec {
	uint32_t port;             /* 1 .. KEEL_NR_EVENT_CHANNELS-1          */
	uint8_t  state;            /* KEEL_EVTCHNSTAT_* (event_channel.h)    */
	uint8_t  pad;
	uint16_t vcpu;             /* notified vCPU (virq: bound vCPU)       */
	uint16_t remote_dom;       /* unbound: who may bind; interdomain: peer */
	uint16_t pad2;
	uint32_t remote_port;      /* interdomain: peer's port; virq: virq   */
};
KEEL_ABI_SIZE_CHECK(struct keel_evtchn_rec, 16);

/* keel_dominfo.flags */
#define KEEL_DOMINF_dying     (1u << 0)  /* destroyed; pages still mapped     */
#define KEEL_DOMINF_shutdown  (1u << 1)  /* shut down: see shutdown_reason   */
#define KEEL_DOMINF_paused    (1u << 2)
#define KEEL_DOMINF_blocked   (1u << 3)  /* every vCPU waits for an event     */
#define KEEL_DOMINF_running   (1u << 4)  /* a vCPU is on a pCPU right now     */
#define KEEL_DOMINF_privileged (1u << 5) /* dom0                              */

struct keel_dominfo {
	uint16_t domid;            /* OUT                                      */
	uint16_t pad0;
	uint32_t flags;            /* OUT: KEEL_DOMINF_*                       */
	uint32_t shutdown_reason;  /* OUT: KEEL_SHUTDOWN_* (sched.h) if shutdown */
	uint32_t nr_vcpus;         /* OUT                                      */
	uint64_t nr_pages;         /* OUT: RAM pages it has                    */
	uint64_t max_pages;        /* OUT: RAM pages it may have               */
	uint64_t cpu_time_ns;      /* OUT: CPU time used by all its vCPUs      */
	uint32_t weight;           /* OUT: credit scheduler weight             */
	uint32_t cap;              /* OUT: percent of one CPU, 0 = no cap      */
	uint64_t reserved[2];
};
KEEL_ABI_SIZE_CHECK(struct keel_dominfo, 64);

#define KEEL_SCHED_WEIGHT_DEFAULT 256
#define KEEL_SCHED_WEIGHT_MIN     1
#define KEEL_SCHED_WEIGHT_MAX     65535
#define KEEL_SCHED_CAP_MAX        100   /* one vCPU cannot use more */

#define KEEL_SCHED_GET 0
#define KEEL_SCHED_SET 1

struct keel_domctl {
	uint32_t cmd;              /* IN: KEEL_DOMCTL_*                        */
	uint16_t domid;            /* IN (OUT for create)                      */
	uint16_t pad;              /* IN: 0                                    */
	union {
		struct {
			uint64_t max_pages;   /* IN: 1 .. free memory          */
			uint32_t nr_vcpus;    /* IN: 1 .. KEEL_MAX_VCPUS        */
			uint32_t flags;       /* IN: 0                          */
		} create;
		struct keel_dominfo info;
		struct {
			uint64_t max_pages;   /* IN: >= 1                       */
		} max_mem;
		struct {
			uint32_t vcpu;        /* IN: 0 .. nr_vcpus-1            */
			uint32_t pad;
			uint64_t rip;         /* IN: 32-bit entry point         */
			uint64_t rbx;         /* IN: start_info gpa             */
			uint64_t shared_info_gfn; /* IN: a page of the domain's RAM */
		} vcpu_context;
		struct {
			uint32_t op;          /* IN: KEEL_SCHED_GET / _SET      */
			uint32_t weight;      /* IN/OUT: 1 .. 65535             */
			uint32_t cap;         /* IN/OUT: 0 .. 100               */
			uint32_t pad;
		} sched;
		struct {
			uint32_t op;          /* IN: KEEL_LOGDIRTY_*            */
			uint32_t pad;
			uint64_t start_gfn;   /* IN: a multiple of 64           */
			uint64_t nr;          /* IN: bits, a multiple of 64,
						 1 .. KEEL_LOGDIRTY_MAX_BITS   */
			uint64_t dirty;       /* OUT: bits set in the chunk     */
			uint64_t tracked;     /* OUT: gfns tracked (0 .. n-1)   */
			uint64_t faults;      /* OUT: write faults so far       */
		} logdirty;
		struct {
			uint64_t start_gfn;   /* IN: first gfn to look at       */
			uint32_t nr;          /* IN: room (1 .. 8192); OUT: found */
			uint32_t pad;
			uint64_t next_gfn;    /* OUT: where to go on, or
						 KEEL_GFN_INVALID: done        */
		} memlist;
		struct {
			uint32_t vcpu;        /* IN: 0 .. nr_vcpus-1            */
			uint32_t pad;
		} vcpu_state;
		struct {
			uint64_t time_ns;     /* OUT: its system time now; IN:
						 its time continues from here  */
			uint64_t shared_info_gfn; /* IN/OUT; KEEL_GFN_INVALID: none */
			uint32_t upcall_vector;   /* IN/OUT: 0 or 0x20 .. 0xef  */
			uint32_t nr_gnttab_frames;/* IN/OUT: 0 .. 4             */
			uint64_t gnttab_gfn[4];   /* IN/OUT                     */
			uint64_t reserved[2];     /* IN: 0                      */
		} dom_state;
		struct {
			uint32_t first_port;  /* IN: get: first port to look at */
			uint32_t nr;          /* IN: records (room); OUT: got   */
			uint32_t next_port;   /* OUT: get: go on here, 0 = done */
			uint32_t pad;
		} evtchn;
		struct {
			uint32_t result;      /* IN: what the guest's suspend
						 call returns: 1 = cancelled,
						 it is the same domain          */
			uint32_t pad;
		} resume;
		uint8_t raw[120];
	} u;
};
KEEL_ABI_SIZE_CHECK(struct keel_domctl, 128);

#endif
