/*
 * disk: does what its command line says with its first disk (blkfront),
 * prints one result line, also written to <home>/data/disk, then idles
 * (the domain stays up for dom0 to check).  docs/guests.md, "disk":
 *
 *   write START COUNT SEED    pattern into the sectors, flush: "disk: write ok COUNT sectors"
 *   verify START COUNT SEED   read back: "disk: verify ok COUNT sectors" or
 *                             "disk: verify FAILED at sector S"
 *   bench [MIB]               "disk: bench seqwrite|seqread X.Y MB/s", "... randread N IOPS"
 *   discard START COUNT       DISCARD, flush: "disk: discard ok COUNT sectors"
 *   loop START COUNT SEED [PASSES [CHUNK]]
 *                             passes of chunked write + flush, "disk: loop acked up to
 *                             sector S pass P" after each chunk, then "disk: loop done"
 *
 * A word `wait=S` before the command waits up to S seconds for a disk to
 * be attached.  No disk: "disk: no disk" and guest_main returns 1 (the
 * domain powers off).
 */
#include "blkfront.h"
#include "kernel.h"
#include "pattern.h"
#include "xs.h"

#define BUF_SECTORS   2048u                 /* 1 MiB: one bench request */
#define RAND_SECTORS  8u                    /* 4 KiB random reads      */
#define RAND_TIME_NS  (10 * NS_PER_SEC)
#define RAND_MAX_OPS  100000u

static uint8_t buf[BUF_SECTORS * DISK_SECTOR_SIZE] __attribute__((aligned(4096)));

/* Print the result line and put it in data/disk for dom0's tests. */
static void result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void result(const char *fmt, ...)
{
	char line[160], path[96];
	va_list ap;

	va_start(ap, fmt);
	gk_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printk("disk: %s\n", line);
	if (xs_home_path(path, sizeof(path), "data/disk") == 0)
		(void)xs_write(XS_NO_TX, path, line);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static int check_range(const struct blkfront_info *info, uint64_t start,
		       uint64_t count)
{
	if (start > info->sectors || count > info->sectors - start) {
		result("sectors %lu..%lu are past the end (%lu sectors)",
		       (unsigned long)start, (unsigned long)(start + count - 1),
		       (unsigned long)info->sectors);
		return -KEEL_EINVAL;
	}
	return 0;
}

/* The pattern of `seed` over [start, start + count), 1 MiB per call;
 * on an error *failed_at is the first sector of the failed call. */
static int write_pattern(struct blkfront *bf, uint64_t start, uint64_t count,
			 uint64_t seed, uint64_t *failed_at)
{
	for (uint64_t done = 0; done < count;) {
		uint64_t n = min_u64(count - done, BUF_SECTORS);
		int rc;

		disk_pattern_fill(buf, seed, start + done, n);
		rc = blkfront_write(bf, start + done, buf, n);
		if (rc < 0) {
			*failed_at = start + done;
			return rc;
		}
		done += n;
	}
	return 0;
}

static void cmd_write(struct blkfront *bf, const struct disk_cmd *c)
{
	uint64_t at = c->start;
	int rc = write_pattern(bf, c->start, c->count, c->seed, &at);

	if (rc == 0)
		rc = blkfront_flush(bf);
	if (rc < 0)
		result("write FAILED at sector %lu: error %d", (unsigned long)at, rc);
	else
		result("write ok %lu sectors", (unsigned long)c->count);
}

static void cmd_discard(struct blkfront *bf, const struct disk_cmd *c)
{
	int rc = blkfront_discard(bf, c->start, c->count);

	if (rc == 0)
		rc = blkfront_flush(bf);
	if (rc < 0)
		result("discard FAILED: error %d", rc);
	else
		result("discard ok %lu sectors", (unsigned long)c->count);
}

static void cmd_verify(struct blkfront *bf, const struct disk_cmd *c)
{
	for (uint64_t done = 0; done < c->count;) {
		uint64_t n = min_u64(c->count - done, BUF_SECTORS);
		int rc = blkfront_read(bf, c->start + done, buf, n);
		long bad;

		if (rc < 0) {
			result("verify FAILED at sector %lu: read error %d",
			       (unsigned long)(c->start + done), rc);
			return;
		}
		bad = disk_pattern_check(buf, c->seed, c->start + done, n);
		if (bad >= 0) {
			result("verify FAILED at sector %lu",
			       (unsigned long)(c->start + done + (uint64_t)bad));
			return;
		}
		done += n;
	}
	result("verify ok %lu sectors", (unsigned long)c->count);
}

static void cmd_loop(struct blkfront *bf, const struct disk_cmd *c)
{
	for (uint64_t p = 1; p <= c->passes; p++) {
		/* The last pass writes SEED itself: `verify START COUNT SEED`
		 * checks the end result. */
		uint64_t seed = c->seed + c->passes - p;

		for (uint64_t done = 0; done < c->count;) {
			uint64_t n = min_u64(c->count - done, c->chunk);
			uint64_t at = c->start + done;
			int rc = write_pattern(bf, at, n, seed, &at);

			if (rc == 0)
				rc = blkfront_flush(bf);
			if (rc < 0) {
				result("loop FAILED at sector %lu pass %lu: error %d",
				       (unsigned long)at, (unsigned long)p, rc);
				return;
			}
			done += n;
			printk("disk: loop acked up to sector %lu pass %lu\n",
			       (unsigned long)(c->start + done - 1), (unsigned long)p);
		}
	}
	result("loop done");
}

/* MB/s (10^6 bytes) with one decimal, as "X.Y". */
static void print_rate(const char *phase, uint64_t bytes, uint64_t ns)
{
	uint64_t tenths = ns ? bytes * 10000 / ns : 0;

	printk("disk: bench %s %lu.%lu MB/s\n", phase,
	       (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void cmd_bench(struct blkfront *bf, const struct disk_cmd *c)
{
	uint64_t mib = min_u64(c->mib, blkfront_info(bf)->sectors / BUF_SECTORS);
	uint64_t sectors = mib * BUF_SECTORS, t0, ops = 0, rng = 0x2545F4914F6CDD1Dull;
	int rc = 0;

	if (mib == 0 || blkfront_info(bf)->readonly) {
		result("bench: needs a writable disk of at least 1 MiB");
		return;
	}
	printk("disk: bench over sectors 0..%lu (%lu MiB)\n",
	       (unsigned long)(sectors - 1), (unsigned long)mib);
	disk_pattern_fill(buf, 0, 0, BUF_SECTORS);
	t0 = time_now_ns();
	for (uint64_t s = 0; rc == 0 && s < sectors; s += BUF_SECTORS)
		rc = blkfront_write(bf, s, buf, BUF_SECTORS);
	if (rc == 0)
		print_rate("seqwrite", sectors * DISK_SECTOR_SIZE, time_now_ns() - t0);
	if (rc == 0)
		rc = blkfront_flush(bf);
	t0 = time_now_ns();
	for (uint64_t s = 0; rc == 0 && s < sectors; s += BUF_SECTORS)
		rc = blkfront_read(bf, s, buf, BUF_SECTORS);
	if (rc == 0)
		print_rate("seqread", sectors * DISK_SECTOR_SIZE, time_now_ns() - t0);
	t0 = time_now_ns();
	while (rc == 0 && ops < RAND_MAX_OPS && time_now_ns() - t0 < RAND_TIME_NS) {
		uint64_t s = xorshift(&rng) % (sectors / RAND_SECTORS) * RAND_SECTORS;

		rc = blkfront_read(bf, s, buf, RAND_SECTORS);
		ops++;
	}
	if (rc == 0)
		printk("disk: bench randread %lu IOPS\n",
		       (unsigned long)(ops * NS_PER_SEC / (time_now_ns() - t0)));
	if (rc < 0)
		result("bench FAILED: error %d", rc);
	else
		result("bench done");
}

int guest_main(const char *cmdline)
{
	struct blkfront *bf;
	struct disk_cmd c;
	uint64_t next, deadline;
	int rc;

	if (disk_parse_cmd(cmdline, &c) < 0) {
		result("bad command line \"%s\"", cmdline);
		return 2;
	}
	deadline = time_now_ns() + c.wait_s * NS_PER_SEC;
	while ((rc = blkfront_open(-1, &bf)) == -KEEL_ENODEV &&
	       time_now_ns() < deadline)
		kernel_wait(time_now_ns() + 200 * NS_PER_MS);
	if (rc == -KEEL_ENODEV) {
		result("no disk");
		return 1;
	}
	if (rc < 0) {
		result("cannot open the disk: error %d", rc);
		return 1;
	}
	if (c.verb != DISK_NONE && c.verb != DISK_BENCH &&
	    check_range(blkfront_info(bf), c.start, c.count) < 0)
		c.verb = DISK_NONE;
	switch (c.verb) {
	case DISK_WRITE:
		cmd_write(bf, &c);
		break;
	case DISK_VERIFY:
		cmd_verify(bf, &c);
		break;
	case DISK_LOOP:
		cmd_loop(bf, &c);
		break;
	case DISK_BENCH:
		cmd_bench(bf, &c);
		break;
	case DISK_DISCARD:
		cmd_discard(bf, &c);
		break;
	case DISK_NONE:
		break;
	}
	next = time_now_ns() + NS_PER_SEC;
	for (;;) {
		time_sleep_until(next);
		next += NS_PER_SEC;
	}
}
