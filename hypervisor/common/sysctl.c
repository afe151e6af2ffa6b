/*
 * KEEL_HC_sysctl (public/sysctl.h): dom0 only.
 */
#include <keel/hypercall.h>
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/errno.h>
#include <keel/hold.h>
#include <keel/lib.h>
#include <keel/mm.h>
#include <keel/perfc.h>
#include <public/sysctl.h>

static long physinfo(struct vcpu *v, const uint64_t *args)
{
	struct keel_physinfo pi;
	uint64_t free;

	if (args[2] != sizeof(pi))
		return -EINVAL;
	memset(&pi, 0, sizeof(pi));
	free = frame_free_count(&hv_frames);
	pi.nr_cpus = arch_nr_cpus();
	pi.cpu_khz = arch_cpu_khz();
	pi.total_pages = mem_summary.total_pages;
	pi.dom0_pages = mem_summary.dom0_pages;
	pi.free_pages = free;
	/* Whatever is neither dom0's nor free is the hypervisor's: its
	 * image, its own allocations, and page fragments it cannot use. */
	pi.hypervisor_pages = pi.total_pages - pi.dom0_pages - free;
	return copy_to_guest(v->domain, args[1], &pi, sizeof(pi));
}

static long readconsole(struct vcpu *v, const uint64_t *args)
{
	static char buf[KEEL_CONSOLE_READ_MAX];	/* dom0 only: one caller */
	struct keel_console_cursor cur;
	uint64_t len = args[2];
	size_t n;
	long rc;

	if (len == 0 || len > KEEL_CONSOLE_READ_MAX)
		return -EINVAL;
	rc = copy_from_guest(v->domain, &cur, args[3], sizeof(cur));
	if (rc)
		return rc;
	n = console_ring_read(&cur.pos, &cur.lost, buf, len);
	rc = copy_to_guest(v->domain, args[1], buf, n);
	if (!rc)
		rc = copy_to_guest(v->domain, args[3], &cur, sizeof(cur));
	return rc ? rc : (long)n;
}

static long perfc(struct vcpu *v, const uint64_t *args)
{
	struct keel_perfc pc;

	if (args[2] != sizeof(pc))
		return -EINVAL;
	perfc_read(&pc);
	return copy_to_guest(v->domain, args[1], &pc, sizeof(pc));
}

static long hold_stats(struct vcpu *v, const uint64_t *args)
{
	static struct keel_hold_stat buf[KEEL_HOLD_MAX_ENTRIES]; /* dom0 only */
	uint64_t size = args[2];
	unsigned n;
	long rc;

	if (size == 0 || size % sizeof(buf[0]) || size > sizeof(buf) ||
	    (args[3] & ~(uint64_t)KEEL_HOLD_RESET))
		return -EINVAL;
	n = hold_read(buf, (unsigned)(size / sizeof(buf[0])),
		      args[3] & KEEL_HOLD_RESET);
	rc = copy_to_guest(v->domain, args[1], buf, n * sizeof(buf[0]));
	return rc ? rc : (long)n;
}

long do_sysctl_op(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	if (!v->domain->privileged)
		return -EPERM;
	switch (args[0]) {
	case KEEL_SYSCTL_PHYSINFO:
		return physinfo(v, args);
	case KEEL_SYSCTL_READCONSOLE:
		return readconsole(v, args);
	case KEEL_SYSCTL_PERFC:
		return perfc(v, args);
	case KEEL_SYSCTL_HOLD_STATS:
		return hold_stats(v, args);
	default:
		return -ENOSYS;
	}
}
