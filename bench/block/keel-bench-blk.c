/*
 * keel-bench-blk: dom0's native side of the block benchmark (bench/block):
 * the same I/O the guest's `disk bench` does, on the image file itself,
 * with O_DIRECT so that dom0's page cache does not flatter it.
 *
 *   keel-bench-blk seqwrite FILE MIB     1 MiB writes, then fdatasync
 *   keel-bench-blk seqread FILE MIB      1 MiB reads
 *   keel-bench-blk randread FILE SECONDS 4 KiB reads at random 4 KiB offsets
 *
 * Prints "BENCH dom0_<test> <value>" (MB/s, or IOPS for randread).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr, "usage: keel-bench-blk seqwrite|seqread FILE MIB\n"
			"       keel-bench-blk randread FILE SECONDS\n");
	return 2;
}

static int seq(const char *file, long mib, int write)
{
	int fd = open(file, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	void *buf;
	double t0, t;

	if (fd < 0 || posix_memalign(&buf, 4096, MIB)) {
		fprintf(stderr, "keel-bench-blk: %s: %s\n", file, strerror(errno));
		return 1;
	}
	memset(buf, 0x5a, MIB);
	t0 = now();
	for (long i = 0; i < mib; i++) {
		ssize_t n = write ? pwrite(fd, buf, MIB, (off_t)i * MIB) :
				    pread(fd, buf, MIB, (off_t)i * MIB);
		if (n != MIB) {
			fprintf(stderr, "keel-bench-blk: %s at %ld MiB: %s\n",
				write ? "write" : "read", i,
				n < 0 ? strerror(errno) : "short");
			return 1;
		}
	}
	if (write && fdatasync(fd) < 0)
		return 1;
	t = now() - t0;
	printf("BENCH dom0_seq%s_mbs %.2f\n", write ? "write" : "read",
	       mib * 1.048576 / t);
	close(fd);
	free(buf);
	return 0;
}

static int randread(const char *file, double seconds)
{
	int fd = open(file, O_RDONLY | O_DIRECT);
	off_t size, pages;
	unsigned long n = 0;
	uint64_t x = 88172645463325252ull;   /* xorshift64 */
	void *buf;
	double t0, t;

	if (fd < 0 || posix_memalign(&buf, 4096, 4096)) {
		fprintf(stderr, "keel-bench-blk: %s: %s\n", file, strerror(errno));
		return 1;
	}
	size = lseek(fd, 0, SEEK_END);
	pages = size / 4096;
	if (pages <= 0)
		return 1;
	t0 = now();
	do {
		for (int k = 0; k < 64; k++, n++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (pread(fd, buf, 4096, (off_t)(x % (uint64_t)pages) * 4096) != 4096)
				return 1;
		}
		t = now() - t0;
	} while (t < seconds);
	printf("BENCH dom0_randread_iops %.0f\n", n / t);
	close(fd);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return usage();
	if (strcmp(argv[1], "seqwrite") == 0)
		return seq(argv[2], atol(argv[3]), 1);
	if (strcmp(argv[1], "seqread") == 0)
		return seq(argv[2], atol(argv[3]), 0);
	if (strcmp(argv[1], "randread") == 0)
		return randread(argv[2], atof(argv[3]));
	return usage();
}
