/*
 * Domains and their vCPUs.  So far there is only dom0; the domain-control
 * hypercalls come with guest domains.
 */
#ifndef KEEL_DOMAIN_H
#define KEEL_DOMAIN_H

#include <keel/types.h>
#include <keel/rangeset.h>
#include <asm/domain.h>

#define DOMID_DOM0 0

struct domain;

struct vcpu {
	struct domain *domain;
	unsigned id;
	struct arch_vcpu arch;
};

struct domain {
	uint16_t id;
	bool privileged;              /* may use dom0-only hypercalls */
	/* Guest-physical RAM ranges, for checking hypercall buffers.  dom0
	 * runs 1:1, so these are machine addresses too. */
	struct rangeset ram;
	uint64_t nr_pages;
	struct arch_domain arch;
	struct vcpu vcpu0;
};

extern struct domain dom0;

/* Copy between the hypervisor and a domain's RAM at guest-physical gpa.
 * The whole range must be the domain's RAM.  0 or -EFAULT (then nothing
 * or part may have been copied; callers treat the call as failed). */
int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len);
int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len);

/* Arch hook: the hypervisor's pointer to [gpa, gpa+len) of domain d (len
 * within one page), or NULL unless it is the domain's RAM (and writable,
 * if `write`). */
void *arch_guest_va(struct domain *d, uint64_t gpa, size_t len, bool write);

/* dom0 cannot continue: log why and restart the machine (or stop it, with
 * the noreboot option). */
__noreturn void dom0_died(const char *why);

#endif
