/*
 * Copying hypercall arguments in and out of a domain's memory.  Every page
 * is looked up through the arch's guest-physical translation, which fails
 * for anything that is not the domain's own RAM (hypervisor memory, other
 * domains, MMIO), so a hostile buffer address gets -EFAULT.  A guest page
 * is held by a reference while it is copied: another vCPU of the same guest
 * giving the page back meanwhile cannot make it someone else's under us.
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
		paddr_t held;
		const void *src = arch_guest_va_get(d, gpa, chunk, false, &held);

		if (!src)
			return -EFAULT;
		memcpy(out, src, chunk);
		arch_guest_va_put(held);
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
		paddr_t held;
		void *dst = arch_guest_va_get(d, gpa, chunk, true, &held);

		if (!dst)
			return -EFAULT;
		memcpy(dst, in, chunk);
		arch_guest_va_put(held);
		in += chunk;
		gpa += chunk;
		len -= chunk;
	}
	return 0;
}
