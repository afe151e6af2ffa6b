/*
 * Copying hypercall arguments in and out of a domain's memory.  Every page
 * is looked up through the arch's guest-physical translation, which fails
 * for anything that is not the domain's own RAM (hypervisor memory, other
 * domains, MMIO), so a hostile buffer address gets -EFAULT.
 */
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/lib.h>

int copy_from_guest(struct domain *d, void *dst, uint64_t gpa, size_t len)
{
	uint8_t *out = dst;

	if (gpa + len < gpa)
		return -EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		const void *src = arch_guest_va(d, gpa, chunk, false);

		if (!src)
			return -EFAULT;
		memcpy(out, src, chunk);
		out += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_to_guest(struct domain *d, uint64_t gpa, const void *src, size_t len)
{
	const uint8_t *in = src;

	if (gpa + len < gpa)
		return -EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_SIZE - (gpa & (PAGE_SIZE - 1)));
		void *dst = arch_guest_va(d, gpa, chunk, true);

		if (!dst)
			return -EFAULT;
		memcpy(dst, in, chunk);
		in += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}
