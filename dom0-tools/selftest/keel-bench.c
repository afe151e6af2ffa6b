/*
 * keel-bench: the cost of a null hypercall (KEEL_HC_version/KEEL_VERSION_ABI
 * through /dev/keel/privcmd) beside a null system call (getppid), measured
 * in the same run.  Each call is timed on its own with clock_gettime and the
 * median reported, so a timer interrupt or a preemption does not skew it.
 * Usage: keel-bench [ITERATIONS]   (default 100000)
 * Prints one line of key=value pairs (nanoseconds) for scripts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <public/keel.h>
#include <public/version.h>
#include <public/dom0/privcmd.h>

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

int main(int argc, char **argv)
{
	struct keel_ioctl_hypercall h;
	long i, n = argc > 1 ? strtol(argv[1], NULL, 0) : 100000;
	uint64_t *t, t0, hc_ns, sys_ns, clk_ns;
	int fd;

	if (n <= 0) {
		fprintf(stderr, "usage: keel-bench [ITERATIONS]\n");
		return 1;
	}
	t = calloc((size_t)n, sizeof(*t));
	if (!t) {
		fprintf(stderr, "keel-bench: out of memory\n");
		return 1;
	}
	fd = open(KEEL_PRIVCMD_PATH, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "keel-bench: cannot open %s: %s\n",
			KEEL_PRIVCMD_PATH, strerror(errno));
		return 1;
	}

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		t[i] = now_ns() - t0;
	}
	clk_ns = median(t, n);

	for (i = 0; i < n; i++) {
		t0 = now_ns();
		syscall(SYS_getppid);   /* not cached by glibc: a real syscall */
		t[i] = now_ns() - t0;
	}
	sys_ns = median(t, n);

	memset(&h, 0, sizeof(h));
	h.op = KEEL_HC_version;
	h.arg[0] = KEEL_VERSION_ABI;
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		if (ioctl(fd, KEEL_IOCTL_HYPERCALL, &h) < 0 || h.result < 0) {
			fprintf(stderr, "keel-bench: hypercall failed: %s, result %lld\n",
				strerror(errno), (long long)h.result);
			return 1;
		}
		t[i] = now_ns() - t0;
	}
	hc_ns = median(t, n);

	printf("keel-bench: iterations=%ld null_hypercall_ns=%llu null_syscall_ns=%llu clock_ns=%llu\n",
	       n, (unsigned long long)hc_ns, (unsigned long long)sys_ns,
	       (unsigned long long)clk_ns);
	close(fd);
	free(t);
	return 0;
}
