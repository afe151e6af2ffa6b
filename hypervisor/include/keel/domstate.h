/*
 * Save, restore and migration commands of KEEL_HC_domctl (public/domctl.h
 * 10-18; common/domstate.c): log-dirty, the memory list, vCPU and domain
 * state, event channels, resume after suspend.
 */
#ifndef KEEL_DOMSTATE_H
#define KEEL_DOMSTATE_H

#include <keel/types.h>

struct domain;
struct vcpu;
struct keel_domctl;
struct keel_vcpu_state;

/* True for the commands domstate_op handles. */
bool domstate_is_op(uint32_t cmd);
/* Runs one on guest d (a reference held; not dom0) for caller (dom0);
 * buf/len: the command's second buffer in the caller's memory (arg3,
 * arg4).  Returns 0 (op's OUT fields filled) or -errno. */
long domstate_op(struct vcpu *caller, struct domain *d, struct keel_domctl *op,
		 uint64_t buf, uint64_t len);

/* Arch hooks (arch/x86/svm/vcpu_state.c): v is paused and off every pCPU. */
void arch_vcpu_get_state(struct vcpu *v, struct keel_vcpu_state *out);
/* Checks and loads; 0 or -EINVAL (nothing changed then). */
int arch_vcpu_set_state(struct vcpu *v, const struct keel_vcpu_state *in);
/* The value a hypercall in progress returns (the suspend call's). */
void arch_vcpu_set_result(struct vcpu *v, uint64_t rax);

#endif
