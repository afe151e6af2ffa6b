/*
 * Hypercall dispatch: the arch decodes the calling convention
 * (public/keel.h) and calls hypercall_dispatch(); each do_*_op() checks
 * the caller's privilege first, copies its arguments in, validates all of
 * them, acts, and copies results out.
 */
#ifndef KEEL_HYPERCALL_H
#define KEEL_HYPERCALL_H

#include <keel/types.h>

struct vcpu;

#define HYPERCALL_NARGS 5

long hypercall_dispatch(struct vcpu *v, uint64_t nr,
			const uint64_t args[HYPERCALL_NARGS]);

long do_version_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_sysctl_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_domctl_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_memory_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_mmu_update(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_sched_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_set_timer_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);
long do_console_io(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS]);

/* Arch hooks for sysctl. */
unsigned arch_nr_cpus(void);
uint32_t arch_cpu_khz(void);

#endif
