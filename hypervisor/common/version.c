/*
 * KEEL_HC_version (public/version.h).
 */
#include <keel/hypercall.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/version.h>
#include <public/keel.h>
#include <public/version.h>

long do_version_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	struct keel_version_info info;

	switch (args[0]) {
	case KEEL_VERSION_ABI:
		return KEEL_ABI_VERSION;
	case KEEL_VERSION_INFO:
		if (args[2] != sizeof(info))
			return -EINVAL;
		memset(&info, 0, sizeof(info));
		info.abi_version = KEEL_ABI_VERSION;
		info.major = KEEL_VERSION_MAJOR;
		info.minor = KEEL_VERSION_MINOR;
		strlcpy(info.extra, KEEL_VERSION_EXTRA, sizeof(info.extra));
		strlcpy(info.build_id, build_id_hex(), sizeof(info.build_id));
		strlcpy(info.compiled, KEEL_BUILD_DATE, sizeof(info.compiled));
		return copy_to_guest(v->domain, args[1], &info, sizeof(info));
	default:
		return -ENOSYS;
	}
}
