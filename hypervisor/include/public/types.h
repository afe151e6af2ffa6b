/*
 * Fixed-width types for the public ABI headers, usable from the hypervisor
 * (freestanding), the dom0 Linux module (__KERNEL__), dom0 user space and
 * guest kernels.
 */
#ifndef KEEL_PUBLIC_TYPES_H
#define KEEL_PUBLIC_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define KEEL_ABI_SIZE_CHECK(type, size) \
	_Static_assert(sizeof(type) == (size), #type " changed size: ABI break")

#endif
