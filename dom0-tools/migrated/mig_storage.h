/*
 * Disk images over the migration connection (vmctl migrate --with-storage;
 * docs/migration.md, "Copying disk images").  The sender announces each
 * image (DOPN), copies it in 64 KiB blocks (DBLK) while the guest runs,
 * again and again for the blocks whose contents changed (a BLAKE2b hash per
 * block, kept from the last copy), and a last time once the guest is
 * paused: the stream then travels in frames (STRF, STRD ...) through a
 * relay that holds the stream's END record back until that last pass is
 * out, so the target has every block before it starts the guest.
 */
#ifndef KEEL_MIG_STORAGE_H
#define KEEL_MIG_STORAGE_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include "mig_transport.h"
#include "mig_stream.h"

#define KMIG_DISKS_MAX       16
#define KMIG_PATH_MAX        1024
#define KMIG_HASH_BYTES      16
/* Pre-copy passes over the disks while the guest runs, at most. */
#define KMIG_DISK_ROUNDS     5

/* The stream's framing (mig_stream.h, docs/migration.md "The stream"): a
 * header, then records {u32 type, u32 length, u32 crc, u32 0} + body
 * padded to 8.  The relay reads only these, to find the END record. */
#define KMIG_STREAM_HEADER   MIG_HEADER_SIZE
#define KMIG_STREAM_REC_HDR  16
#define KMIG_STREAM_REC_END  MIG_REC_END

struct kmig_disk {
	char path[KMIG_PATH_MAX];
	int fd;
	uint64_t size;
	uint64_t nblocks;
	uint8_t (*hash)[KMIG_HASH_BYTES];   /* of each block as last sent */
};

struct kmig_disks {
	struct kmig_disk d[KMIG_DISKS_MAX];
	unsigned int n;
	uint64_t blocks_sent, bytes_sent;
	unsigned int rounds;
	volatile int *cancel;               /* may be NULL */
};

/* ---- sender ---- */

/* Opens path (read-only) as the next image; 0 or -errno with err. */
int kmig_disks_add(struct kmig_disks *ds, const char *path, char *err,
		   size_t errlen);
void kmig_disks_close(struct kmig_disks *ds);

/* DOPN for every image, each answered by the receiver; 0 or -errno. */
int kmig_disks_announce(int fd, struct kmig_disks *ds, char *err, size_t errlen);

/*
 * One pass: sends every block whose hash differs from the last sent (the
 * first pass: every block that is not all zeros; the target's file starts
 * sparse).  Returns the number of blocks sent, or -errno (-ECANCELED).
 */
long kmig_disks_pass(int fd, struct kmig_disks *ds, int first, char *err,
		     size_t errlen);

/* The pre-copy passes: a first one, then more while blocks change, at
 * most KMIG_DISK_ROUNDS; 0 or -errno. */
int kmig_disks_precopy(int fd, struct kmig_disks *ds, char *err, size_t errlen);

/*
 * The relay between the engine and the connection: kmig_relay_start sends
 * STRF and returns the pipe end the engine writes to (*wr).  The relay
 * forwards the stream in STRD frames; at the END record it runs the last
 * pass over ds first; at the pipe's end it sends SEOF.  After the engine
 * returns, close *wr and call kmig_relay_finish: 0, or -errno with the
 * reason in r->err (r->end_sent tells whether END went out).
 */
struct kmig_relay {
	int sock, rd;
	struct kmig_disks *ds;
	pthread_t thread;
	int rc;
	int end_sent;
	long last_pass_blocks;
	char err[256];
};
int kmig_relay_start(struct kmig_relay *r, int sock, struct kmig_disks *ds, int *wr);
int kmig_relay_finish(struct kmig_relay *r);

/* ---- receiver ---- */

struct kmig_rdisk {
	char path[KMIG_PATH_MAX];
	int fd;
	uint64_t size;
};

struct kmig_rdisks {
	struct kmig_rdisk d[KMIG_DISKS_MAX];
	unsigned int n;
	const char *root;                   /* images only under this dir */
};

/* A DOPN body: checks the path (absolute, under root, no "..") and makes
 * the file (new, mode 0600, sparse, size bytes).  0 or -errno with err. */
int kmig_rdisks_open(struct kmig_rdisks *rs, const uint8_t *body, size_t len,
		     char *err, size_t errlen);
/* A DBLK body into its file; 0 or -errno with err. */
int kmig_rdisks_block(struct kmig_rdisks *rs, const uint8_t *body, size_t len,
		      char *err, size_t errlen);
/* Flushes and closes every file; keep=0 also removes them. */
void kmig_rdisks_close(struct kmig_rdisks *rs, int keep);

#endif
