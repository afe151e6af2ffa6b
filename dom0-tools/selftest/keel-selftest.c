/*
 * keel-selftest: checks /dev/keel/privcmd and the hypervisor's argument
 * validation from dom0 user space with raw ioctls (no library, so that the
 * library's own checks cannot hide the module's or the hypervisor's).
 * Prints one "PASS: name" or "FAIL: name (why)" line per check and a
 * closing "N passed, N failed"; exits 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <public/keel.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/sysctl.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/dom0/privcmd.h>

static int passed, failed;

static void verdict(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		printf("PASS: %s\n", name);
		passed++;
		return;
	}
	printf("FAIL: %s (", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(")\n");
	failed++;
}

/* Returns the ioctl's return value; *err gets errno when it is -1. */
static int hc(int fd, struct keel_ioctl_hypercall *h, int *err)
{
	int rc;

	h->result = 0x7777;   /* shows whether the module wrote a result */
	errno = 0;
	rc = ioctl(fd, KEEL_IOCTL_HYPERCALL, h);
	*err = rc < 0 ? errno : 0;
	return rc;
}

static void check_hc_result(int fd, const char *name,
			    struct keel_ioctl_hypercall *h, int64_t want)
{
	int err, rc = hc(fd, h, &err);

	verdict(rc == 0 && h->result == want, name,
		"ioctl %d errno %d, result %lld, want result %lld", rc, err,
		(long long)h->result, (long long)want);
}

static void check_ioctl_errno(int fd, const char *name,
			      struct keel_ioctl_hypercall *h, int want)
{
	int err, rc = hc(fd, h, &err);

	verdict(rc == -1 && err == want && h->result == 0x7777, name,
		"ioctl %d errno %d (%s), want errno %d", rc, err,
		strerror(err), want);
}

int main(void)
{
	struct keel_ioctl_hypercall h;
	struct keel_version_info vi;
	struct keel_physinfo pi;
	struct keel_gnttab_copy gc;
	int fd, err, rc;

	fd = open(KEEL_PRIVCMD_PATH, O_RDWR);
	verdict(fd >= 0, "open_privcmd", "%s: %s", KEEL_PRIVCMD_PATH,
		strerror(errno));
	if (fd < 0)
		goto out;

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_ABI;
	rc = hc(fd, &h, &err);
	verdict(rc == 0 && h.result >= 0 &&
		KEEL_ABI_VERSION_MAJOR(h.result) == KEEL_ABI_MAJOR,
		"version_abi", "ioctl %d errno %d result %#llx", rc, err,
		(long long)h.result);

	memset(&h, 0, sizeof(h));
	h.op = 999;
	check_hc_result(fd, "invalid_hypercall_enosys", &h, -KEEL_ENOSYS);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_MAX;
	check_hc_result(fd, "first_unused_hypercall_enosys", &h, -KEEL_ENOSYS);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = 12345;
	check_hc_result(fd, "version_bad_subop_enosys", &h, -KEEL_ENOSYS);

	memset(&h, 0, sizeof(h));
	memset(&vi, 0, sizeof(vi));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_INFO;
	h.arg[1] = (uintptr_t)&vi;
	h.len[1] = sizeof(vi);
	h.arg[2] = sizeof(vi) - 4;
	check_hc_result(fd, "version_info_bad_length_einval", &h, -KEEL_EINVAL);

	h.arg[2] = sizeof(vi);
	rc = hc(fd, &h, &err);
	verdict(rc == 0 && h.result == 0 && vi.abi_version == KEEL_ABI_VERSION,
		"version_info", "ioctl %d errno %d result %lld abi %#x", rc,
		err, (long long)h.result, vi.abi_version);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_sysctl;
	h.arg[0] = KEEL_SYSCTL_PHYSINFO;
	h.arg[1] = (uintptr_t)&pi;
	h.len[1] = sizeof(pi);
	h.arg[2] = sizeof(pi) - 8;
	check_hc_result(fd, "physinfo_bad_length_einval", &h, -KEEL_EINVAL);

	/* A length past the buffer: the hypervisor would write beyond the
	 * module's bounce copy, so the module refuses it. */
	h.arg[2] = sizeof(pi) + 8;
	check_ioctl_errno(fd, "ioctl_length_past_buffer_einval", &h, EINVAL);

	/* A scalar where a buffer belongs would reach the hypervisor as a
	 * dom0-physical address, and dom0's RAM is all writable to it: the
	 * module refuses it, whether the number is dom0 RAM (page 0, which
	 * Linux keeps for the BIOS) or beyond any RAM. */
	h.arg[1] = 0;
	h.len[1] = 0;
	h.arg[2] = sizeof(pi);
	check_ioctl_errno(fd, "ioctl_scalar_for_buffer_dom0_ram_einval", &h,
			  EINVAL);
	h.arg[1] = 0xfff0000000ull;
	check_ioctl_errno(fd, "ioctl_scalar_for_buffer_far_einval", &h, EINVAL);

	/* A buffer where the ABI has a scalar. */
	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_ABI;
	h.arg[1] = (uintptr_t)&vi;
	h.len[1] = sizeof(vi);
	check_ioctl_errno(fd, "ioctl_buffer_for_scalar_einval", &h, EINVAL);

	/* A grant copy's gfn side is a dom0 frame number: not from user
	 * space through privcmd (gntdev's copy names pinned pages). */
	memset(&h, 0, sizeof(h));
	memset(&gc, 0, sizeof(gc));
	gc.source.ref_or_gfn = 0;
	gc.source.domid = KEEL_DOMID_SELF;
	gc.dest.ref_or_gfn = 0x100000;	/* 4 GiB */
	gc.dest.domid = KEEL_DOMID_SELF;
	gc.len = 8;
	h.op = KEEL_HC_grant_table;
	h.arg[0] = KEEL_GNTTABOP_copy;
	h.arg[1] = (uintptr_t)&gc;
	h.len[1] = sizeof(gc);
	h.arg[2] = 1;
	h.arg[3] = sizeof(gc);
	check_ioctl_errno(fd, "ioctl_grant_copy_gfn_side_einval", &h, EINVAL);

	/* dom0's shared-info page is the module's. */
	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_memory_op;
	h.arg[0] = KEEL_MEMOP_set_shared_info;
	h.arg[1] = 0;
	check_ioctl_errno(fd, "ioctl_set_shared_info_eperm", &h, EPERM);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_ABI;
	h.pad = 1;
	check_ioctl_errno(fd, "ioctl_pad_nonzero_einval", &h, EINVAL);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[1] = (uintptr_t)&vi;
	h.len[1] = KEEL_PRIVCMD_BUF_MAX + 1;
	check_ioctl_errno(fd, "ioctl_buffer_too_long_einval", &h, EINVAL);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_INFO;
	h.arg[1] = 16;          /* an unmapped user address */
	h.len[1] = sizeof(vi);
	h.arg[2] = sizeof(vi);
	check_ioctl_errno(fd, "ioctl_bad_user_pointer_efault", &h, EFAULT);

	errno = 0;
	rc = ioctl(fd, _IO('K', 99), 0);
	verdict(rc == -1 && errno == ENOTTY, "ioctl_unknown_enotty",
		"ioctl %d errno %d", rc, errno);

	close(fd);
out:
	printf("keel-selftest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
