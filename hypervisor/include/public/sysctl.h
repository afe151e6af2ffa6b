/*
 * KEEL_HC_sysctl: machine-wide information and control.  dom0 only: any
 * other caller gets -KEEL_EPERM before its arguments are looked at.
 *
 *   arg1 = KEEL_SYSCTL_PHYSINFO, arg2 = gpa of struct keel_physinfo (OUT),
 *   arg3 = sizeof(struct keel_physinfo)
 *       Returns 0; -KEEL_EINVAL on a wrong size, -KEEL_EFAULT on a bad buffer.
 *
 *   arg1 = KEEL_SYSCTL_READCONSOLE, arg2 = gpa of a byte buffer (OUT),
 *   arg3 = its size in bytes (1 .. KEEL_CONSOLE_READ_MAX),
 *   arg4 = gpa of struct keel_console_cursor (IN/OUT)
 *       Copies hypervisor log bytes starting at cursor->pos into the
 *       buffer and returns how many were copied (0: nothing new).  pos is
 *       a byte count since boot; if the ring has already overwritten
 *       bytes at pos, copying starts at the oldest byte still held and
 *       cursor->lost says how many were skipped.  On return cursor->pos is
 *       the position after the last byte copied.  -KEEL_EINVAL on a size of
 *       0 or over the maximum, -KEEL_EFAULT on a bad buffer.
 *
 *   arg1 = KEEL_SYSCTL_PERFC, arg2 = gpa of struct keel_perfc (OUT),
 *   arg3 = sizeof(struct keel_perfc)
 *       Copies the event counters since boot: VM exits by reason and
 *       hypercalls by number, for dom0 and for all other domains together
 *       (to find what dom0's work costs in the hypervisor: `vmctl
 *       exit-stats`).  Returns 0; -KEEL_EINVAL on a wrong size,
 *       -KEEL_EFAULT on a bad buffer.
 *
 *   arg1 = KEEL_SYSCTL_HOLD_STATS, arg2 = gpa of struct keel_hold_stat[]
 *   (OUT), arg3 = its size in bytes (a multiple of the struct, at most
 *   KEEL_HOLD_MAX_ENTRIES of them), arg4 = flags (KEEL_HOLD_RESET: clear
 *   the figures once read)
 *       How long hypercalls held a pCPU: for each (hypercall, sub-op)
 *       called since boot or the last reset, the calls, the longest single
 *       call and the total, in ns of system time, ordered by hypercall then
 *       sub-op.  A destroy step is one domctl destroy call.  Returns the
 *       number of entries written (0 .. arg3 / sizeof); entries that do not
 *       fit are left out (KEEL_HOLD_MAX_ENTRIES always fit).
 *       -KEEL_EINVAL on a size of 0, not a multiple, or over the maximum,
 *       or an unknown flag; -KEEL_EFAULT on a bad buffer.
 *
 *   Any other arg1: -KEEL_ENOSYS.
 */
#ifndef KEEL_PUBLIC_SYSCTL_H
#define KEEL_PUBLIC_SYSCTL_H

#include "keel.h"

#define KEEL_SYSCTL_PHYSINFO     0
#define KEEL_SYSCTL_READCONSOLE  1
#define KEEL_SYSCTL_PERFC        2
#define KEEL_SYSCTL_HOLD_STATS   3

#define KEEL_CONSOLE_READ_MAX    (64u * 1024u)

/* Hold statistics: the sub-op of a hypercall is its first argument (the
 * command: memory_op, event_channel, grant_table, sched_op, sysctl,
 * console_io, version), domctl's cmd, 0 for the others (mmu_update,
 * set_timer); sub-ops at or above KEEL_HOLD_SUBOP_OTHER count together. */
#define KEEL_HOLD_SUBOPS         32
#define KEEL_HOLD_SUBOP_OTHER    (KEEL_HOLD_SUBOPS - 1)
#define KEEL_HOLD_MAX_ENTRIES    (KEEL_HC_MAX * KEEL_HOLD_SUBOPS)
#define KEEL_HOLD_RESET          (1u << 0)

struct keel_hold_stat {
	uint16_t hypercall;        /* OUT: KEEL_HC_*                              */
	uint16_t subop;            /* OUT: 0 .. KEEL_HOLD_SUBOP_OTHER             */
	uint16_t max_domid;        /* OUT: the caller of the longest call         */
	uint16_t pad;
	uint64_t count;            /* OUT: calls                                  */
	uint64_t max_ns;           /* OUT: the longest single call                */
	uint64_t total_ns;         /* OUT: all calls together                     */
	uint64_t over_1ms;         /* OUT: calls that took over 1 ms              */
	uint64_t over_10ms;        /* OUT: ... over 10 ms                         */
};
KEEL_ABI_SIZE_CHECK(struct keel_hold_stat, 48);

struct keel_physinfo {
	uint32_t nr_cpus;          /* OUT: physical CPUs running                  */
	uint32_t cpu_khz;          /* OUT: TSC frequency in kHz                   */
	uint64_t total_pages;      /* OUT: RAM pages in the machine's memory map  */
	uint64_t dom0_pages;       /* OUT: RAM pages given to dom0                */
	uint64_t hypervisor_pages; /* OUT: pages the hypervisor uses itself       */
	uint64_t free_pages;       /* OUT: pages free for guests                  */
	uint64_t boot_tsc_hz;      /* OUT: reserved, 0                            */
};
KEEL_ABI_SIZE_CHECK(struct keel_physinfo, 48);

/* VM exit reasons counted (index into keel_perfc.exits). */
#define KEEL_PERFC_EXIT_CPUID     0
#define KEEL_PERFC_EXIT_MSR_READ  1
#define KEEL_PERFC_EXIT_MSR_WRITE 2
#define KEEL_PERFC_EXIT_VMMCALL   3
#define KEEL_PERFC_EXIT_NPF       4
#define KEEL_PERFC_EXIT_NMI       5
#define KEEL_PERFC_EXIT_EXCP      6  /* intercepted exceptions (#DB, #AC)  */
#define KEEL_PERFC_EXIT_HLT       7
#define KEEL_PERFC_EXIT_INTR      8  /* physical interrupt (guest pCPUs)  */
#define KEEL_PERFC_EXIT_SVM_INSN  9  /* VMRUN, VMLOAD, ... answered #UD    */
#define KEEL_PERFC_EXIT_OTHER     10
#define KEEL_PERFC_EXITS          16 /* array size                         */
#define KEEL_PERFC_HYPERCALLS     16 /* array size: KEEL_HC_* numbers      */

struct keel_perfc_set {
	uint64_t exits[KEEL_PERFC_EXITS];          /* OUT: by KEEL_PERFC_EXIT_* */
	uint64_t hypercalls[KEEL_PERFC_HYPERCALLS]; /* OUT: by KEEL_HC_*         */
};
KEEL_ABI_SIZE_CHECK(struct keel_perfc_set, 256);

struct keel_perfc {
	struct keel_perfc_set dom0;                 /* OUT: dom0's              */
	struct keel_perfc_set guests;               /* OUT: every other domain  */
};
KEEL_ABI_SIZE_CHECK(struct keel_perfc, 512);

struct keel_console_cursor {
	uint64_t pos;              /* IN/OUT: byte position in the log since boot */
	uint64_t lost;             /* OUT: bytes skipped because overwritten      */
};
KEEL_ABI_SIZE_CHECK(struct keel_console_cursor, 16);

#endif
