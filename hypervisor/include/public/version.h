/*
 * KEEL_HC_version: who is the hypervisor.  Callable by every domain.
 *
 *   arg1 = KEEL_VERSION_ABI
 *       Returns KEEL_ABI_VERSION of the running hypervisor.  Touches no
 *       memory: this is the "null hypercall" used by benchmarks.
 *   arg1 = KEEL_VERSION_INFO, arg2 = gpa of struct keel_version_info (OUT),
 *   arg3 = sizeof(struct keel_version_info)
 *       Returns 0.  -KEEL_EINVAL if arg3 is wrong, -KEEL_EFAULT if the
 *       buffer is not the caller's memory.
 *   Any other arg1: -KEEL_ENOSYS.
 */
#ifndef KEEL_PUBLIC_VERSION_H
#define KEEL_PUBLIC_VERSION_H

#include "types.h"

#define KEEL_VERSION_ABI   0
#define KEEL_VERSION_INFO  1

struct keel_version_info {
	uint32_t abi_version;      /* OUT: KEEL_ABI_VERSION                        */
	uint16_t major;            /* OUT: release major                            */
	uint16_t minor;            /* OUT: release minor                            */
	char     extra[16];        /* OUT: release suffix, NUL-terminated ("-dev")  */
	char     build_id[48];     /* OUT: GNU build id, lowercase hex, NUL-term.   */
	char     compiled[32];     /* OUT: build date, NUL-terminated               */
};
KEEL_ABI_SIZE_CHECK(struct keel_version_info, 104);

#endif
