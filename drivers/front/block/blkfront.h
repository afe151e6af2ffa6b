/*
 * Block frontend (blkif, io/blkif.h) for Keel's guest kernel: the disks
 * the toolstack puts under <home>/device/vbd/<devid>/ and keel-blkback
 * serves (docs/guests.md, "blkfront"; the handshake in docs/backends.md).
 *
 * Calls are synchronous and made from main context only.  While one
 * waits it runs the kernel's deferred work (kernel_wait), so store
 * watches -- the backend's state, a restart, a detach -- are handled in
 * the middle of an I/O: requests in flight when the backend restarts are
 * put on the new ring again, and the call returns when all are answered.
 * Waits are bounded: BLKFRONT_CONNECT_TIMEOUT_NS for a backend to connect
 * at open, BLKFRONT_IO_TIMEOUT_NS without any progress during an I/O.
 *
 * Errors (negative KEEL_E*):
 *   -KEEL_ENODEV  no such disk, or it was closed (detached)
 *   -KEEL_EIO     the backend answered ERROR, did not connect or answer
 *                 in time, or broke the protocol (the device is then
 *                 broken: every later call fails with -KEEL_EIO)
 *   -KEEL_ENOSYS  the backend does not know the operation
 *   -KEEL_EINVAL  sectors outside the disk, count 0, a NULL buffer
 *   -KEEL_EACCES  a write to a read-only disk
 *   -KEEL_ENOMEM, -KEEL_ENOSPC  no pages / grant refs for the data pool
 */
#ifndef BLKFRONT_H
#define BLKFRONT_H

#include <stdint.h>

#define BLKFRONT_CONNECT_TIMEOUT_NS (30 * 1000000000ull)
#define BLKFRONT_IO_TIMEOUT_NS      (30 * 1000000000ull)
#define BLKFRONT_MAX_DEVS           2

struct blkfront;        /* opaque: one open disk */

/* What the backend offers (read again at each connection). */
struct blkfront_info {
	unsigned int devid;        /* Xen's number: xvda = 51712            */
	char name[8];              /* "xvda"                                */
	uint64_t sectors;          /* disk size in sector_size units        */
	uint32_t sector_size;      /* 512 (the only size accepted)          */
	int readonly;              /* info & KEEL_VDISK_READONLY            */
	int flush;                 /* feature-flush-cache                   */
	int discard;               /* feature-discard                       */
	unsigned int ring_order;   /* ring pages = 1 << ring_order          */
	uint32_t ring_slots;
};

/*
 * Connect disk `devid` (-1: the lowest devid under <home>/device/vbd) and
 * wait until its backend is Connected.  Prints the boot-log line
 * "blkfront: xvda: connected, S sectors of 512 bytes (M MiB), rw|ro,
 * flush yes|no, discard yes|no, ring order K (N slots)".  *out is the handle; errors as
 * above (-KEEL_ENODEV: no disk at all).
 */
int blkfront_open(int devid, struct blkfront **out);
const struct blkfront_info *blkfront_info(const struct blkfront *bf);
/*
 * Move `count` sectors between the disk from `sector` on and buf (count *
 * 512 bytes, no alignment needed): as many requests as needed, up to a
 * ring's worth in flight, each of up to 11 page segments (44 KiB).
 * Returns 0 once every request was answered, else the first error.
 */
int blkfront_read(struct blkfront *bf, uint64_t sector, void *buf,
		  uint64_t count);
int blkfront_write(struct blkfront *bf, uint64_t sector, const void *buf,
		   uint64_t count);
/* FLUSH_DISKCACHE: returns once the backend has made every write it
 * acknowledged durable.  0 at once if the backend offers no flush. */
int blkfront_flush(struct blkfront *bf);
/* DISCARD: the sectors are no longer needed (keel-blkback: a raw image
 * reads zeros there afterwards).  -KEEL_ENOSYS if the backend offers no
 * discard, -KEEL_EACCES on a read-only disk, else as blkfront_read. */
int blkfront_discard(struct blkfront *bf, uint64_t sector, uint64_t count);
/* Close the disk: state 5, wait (bounded) for the backend's 6, give back
 * the grants and the port, state 6.  The handle is invalid afterwards. */
void blkfront_close(struct blkfront *bf);

#endif
