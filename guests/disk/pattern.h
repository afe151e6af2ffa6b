/*
 * The disk program's data pattern and command line (pattern.c): pure,
 * also built into the host unit tests.  dom0's tests recompute the
 * pattern in Python (docs/guests.md, "disk"):
 *
 *   word w (0..63, 8 bytes little-endian) of 512-byte sector s is
 *   ((s << 6) | w) ^ ((seed * 0x9E3779B97F4A7C15) mod 2^64)
 */
#ifndef GUEST_DISK_PATTERN_H
#define GUEST_DISK_PATTERN_H

#include <stdint.h>

#define DISK_SECTOR_SIZE   512u
#define DISK_WORDS_PER_SECTOR (DISK_SECTOR_SIZE / 8u)
#define DISK_PATTERN_MUL   0x9E3779B97F4A7C15ull

uint64_t disk_pattern_word(uint64_t seed, uint64_t sector, unsigned int word);
/* Fill count sectors (buf: count * 512 bytes) as disk sectors from
 * `sector` on. */
void disk_pattern_fill(void *buf, uint64_t seed, uint64_t sector, uint64_t count);
/* The index (0 .. count-1) of the first of count sectors in buf that does
 * not hold the pattern of disk sector `sector` + index, or -1 if all do. */
long disk_pattern_check(const void *buf, uint64_t seed, uint64_t sector,
			uint64_t count);

enum disk_verb {
	DISK_NONE = 0,          /* no command: open the disk, report, idle */
	DISK_WRITE,             /* write START COUNT SEED                  */
	DISK_VERIFY,            /* verify START COUNT SEED                 */
	DISK_BENCH,             /* bench [MIB]                             */
	DISK_LOOP,              /* loop START COUNT SEED [PASSES [CHUNK]]  */
	DISK_DISCARD,           /* discard START COUNT                     */
};

#define DISK_BENCH_MIB      256u
#define DISK_LOOP_PASSES    20u
#define DISK_LOOP_CHUNK     128u    /* sectors written and flushed per step */

struct disk_cmd {
	enum disk_verb verb;
	uint64_t start, count, seed;
	uint64_t passes, chunk;         /* loop                               */
	uint64_t mib;                   /* bench                              */
	uint64_t wait_s;                /* wait=S: for a disk to appear       */
};

/*
 * The first word of the command line that is a verb, and its numbers
 * (other words before it, like the kernel's `quiet`, are skipped; one of
 * them may be `wait=S`: wait up to S seconds for a disk to be attached).
 * 0, or -KEEL_EINVAL: a verb with missing, extra or malformed numbers,
 * COUNT, PASSES, CHUNK or MIB of 0, or START + COUNT past 2^64.
 */
int disk_parse_cmd(const char *cmdline, struct disk_cmd *out);

#endif
