/*
 * Event counters (VM exits by reason, hypercalls by number) for dom0 and
 * for the other domains, read by dom0 with KEEL_SYSCTL_PERFC
 * (public/sysctl.h).  Lock-free: relaxed atomic increments.
 */
#ifndef KEEL_PERFC_H
#define KEEL_PERFC_H

#include <keel/types.h>
#include <public/sysctl.h>

struct domain;

/* Counts one exit of @reason (KEEL_PERFC_EXIT_*) by a vCPU of @d. */
void perfc_exit(const struct domain *d, unsigned reason);

/* Counts one hypercall @nr by a vCPU of @d (numbers past the array are
 * not counted). */
void perfc_hypercall(const struct domain *d, uint64_t nr);

/* A snapshot of every counter into @out. */
void perfc_read(struct keel_perfc *out);

#endif
