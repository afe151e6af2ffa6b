/*
 * Keel hypervisor public ABI: discovery and calling convention.
 *
 * Discovery: CPUID leaf KEEL_CPUID_BASE returns the highest hypervisor leaf
 * in EAX and the signature "KeelKeelKeel" in EBX, ECX, EDX.  Leaf
 * KEEL_CPUID_BASE + 1 returns KEEL_ABI_VERSION in EAX.
 *
 * Calling convention (64-bit callers): VMMCALL with
 *   RAX = hypercall number (KEEL_HC_*)
 *   RDI, RSI, RDX, R10, R8 = arguments 1..5
 * The result comes back in RAX: >= 0 on success (meaning per call), or a
 * negative KEEL_E* value.  Every other register is preserved.
 *
 * Pointers: every buffer argument is a *guest-physical* address of a flat
 * buffer that may cross pages; no structure passed to the hypervisor contains
 * a pointer.  A buffer that is not entirely in the caller's own memory fails
 * with -KEEL_EFAULT.  Every size argument must equal the size the caller's
 * header declares for the structure, or the call fails with -KEEL_EINVAL.
 */
#ifndef KEEL_PUBLIC_KEEL_H
#define KEEL_PUBLIC_KEEL_H

#include "types.h"

#define KEEL_CPUID_BASE      0x40000000u
#define KEEL_CPUID_SIG_EBX   0x6c65654bu /* "Keel" */
#define KEEL_CPUID_SIG_ECX   0x6c65654bu
#define KEEL_CPUID_SIG_EDX   0x6c65654bu

/* ABI version: major in bits 31..16, minor in 15..0.  A caller speaks a
 * hypervisor when the majors match and the hypervisor's minor is >= its own. */
#define KEEL_ABI_MAJOR       1u
#define KEEL_ABI_MINOR       1u
#define KEEL_ABI_VERSION     ((KEEL_ABI_MAJOR << 16) | KEEL_ABI_MINOR)
#define KEEL_ABI_VERSION_MAJOR(v) ((uint32_t)(v) >> 16)
#define KEEL_ABI_VERSION_MINOR(v) ((uint32_t)(v) & 0xffffu)

#define KEEL_PAGE_SHIFT      12
#define KEEL_PAGE_SIZE       (1u << KEEL_PAGE_SHIFT)

/* Hypercall numbers.  See docs/abi.md for each call's arguments and errors. */
#define KEEL_HC_version       0  /* any domain: version.h        */
#define KEEL_HC_sysctl        1  /* dom0 only:  sysctl.h         */
#define KEEL_HC_domctl        2  /* dom0 only:  domctl.h         */
#define KEEL_HC_memory_op     3  /* memory.h                     */
#define KEEL_HC_mmu_update    4  /* dom0 only:  mmu.h            */
#define KEEL_HC_event_channel 5  /* event_channel.h              */
#define KEEL_HC_grant_table   6  /* grant_table.h                */
#define KEEL_HC_sched_op      7  /* sched.h                      */
#define KEEL_HC_set_timer     8  /* sched.h                      */
#define KEEL_HC_console_io    9  /* console.h                    */
#define KEEL_HC_MAX          10  /* first unused number: answers -KEEL_ENOSYS */

/* Domain ids. */
typedef uint16_t keel_domid_t;
#define KEEL_DOMID_SELF    0x7ff0u   /* "the caller", where a call takes a domid */
#define KEEL_DOMID_INVALID 0x7ff4u
#define KEEL_DOMID_MAX     0x7fefu   /* highest id a domain can have */

#endif
