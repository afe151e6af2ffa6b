/*
 * Block images: what keel-blkback reads and writes for a guest's disk.
 *
 * An image is an object with four operations on 512-byte sectors.  Two
 * formats exist: raw (a plain file) and cow (a copy-on-write overlay file
 * stacked over any other image opened read-only, its base).  A new layer
 * (encrypt, log, rate-limit) is one more set of ops that holds a lower
 * image and forwards to it: see image_cow.c, the model for such layers.
 *
 * Every function returns 0 (or a documented non-negative value) on
 * success and a negative errno value on failure; none exits or prints.
 * Buffers need no alignment; raw uses O_DIRECT where buffer, offset and
 * length are 512-aligned and the file system allows it.
 *
 * Guarantee: a write that returned 0 is in the file (the kernel's page
 * cache or the device); after flush() returned 0 every write that returned
 * before it is on stable storage, metadata included.
 */
#ifndef KEEL_BLK_IMAGE_H
#define KEEL_BLK_IMAGE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLK_SECTOR_SIZE 512u

struct blk_image;

struct blk_image_ops {
	/* Read/write count sectors at sector; -EINVAL past the end (nothing
	 * done), -EROFS for a write to a read-only image, -EIO or the
	 * system's error otherwise. */
	int (*read)(struct blk_image *img, void *buf, uint64_t sector,
		    uint32_t count);
	int (*write)(struct blk_image *img, const void *buf, uint64_t sector,
		     uint32_t count);
	/* Everything written so far to stable storage. */
	int (*flush)(struct blk_image *img);
	/* The sectors are no longer needed: free their space if the format
	 * can (raw: they read as zeros afterwards).  NULL: a layer that
	 * keeps them (cow).  -EINVAL past the end, -EROFS if read-only. */
	int (*discard)(struct blk_image *img, uint64_t sector, uint64_t count);
	/* Frees the image (and closes its lower images). */
	void (*close)(struct blk_image *img);
};

struct blk_image {
	const struct blk_image_ops *ops;
	uint64_t sectors;          /* size in 512-byte sectors */
	bool readonly;
};

/* What a disk line or the backend's store keys describe. */
struct blk_image_spec {
	const char *format;        /* "raw" or "cow"                      */
	const char *target;        /* raw: the image; cow: the overlay    */
	const char *base;          /* cow: the base image (opened ro)     */
	bool readonly;             /* access=ro                           */
};

/*
 * Opens what spec describes.  raw: the file must exist (ENOENT), be a
 * regular file or block device whose size is a multiple of 512 (EINVAL).
 * cow: opens base read-only as raw, then the overlay, creating it if
 * missing (its size is the base's).  On failure *err (errlen bytes, may
 * be NULL) says why in words, e.g. "base /x: No such file or directory".
 */
int blk_image_open(const struct blk_image_spec *spec, struct blk_image **out,
		   char *err, size_t errlen);

/* The formats on their own. */
int blk_raw_open(const char *path, bool readonly, struct blk_image **out);
/* Stacks an overlay file over base (which the cow image then owns and
 * closes); create: make the overlay if it does not exist.  EINVAL for an
 * overlay whose header is not a cow header or whose size differs from
 * base's; the overlay is never used read-write by two openers (flock:
 * EBUSY). */
int blk_cow_open(struct blk_image *base, const char *overlay, bool create,
		 bool readonly, struct blk_image **out);

/* Makes a sparse raw image of sectors * 512 bytes (mode 0600), its size
 * and name synced; -EEXIST if path exists. */
int blk_raw_create(const char *path, uint64_t sectors);
/* An advisory flock on a raw image's file, shared or exclusive, held until
 * it is closed: -EBUSY if another open file holds a conflicting one. */
int blk_raw_lock(struct blk_image *img, bool exclusive);



/* For layers: -EINVAL unless sectors [sector, sector + count) are in img. */
int blk_image_check_range(const struct blk_image *img, uint64_t sector,
			  uint32_t count);

static inline int blk_image_read(struct blk_image *img, void *buf,
				 uint64_t sector, uint32_t count)
{
	return img->ops->read(img, buf, sector, count);
}

static inline int blk_image_write(struct blk_image *img, const void *buf,
				  uint64_t sector, uint32_t count)
{
	return img->ops->write(img, buf, sector, count);
}

static inline int blk_image_flush(struct blk_image *img)
{
	return img->ops->flush(img);
}

/* Discard, or 0 without doing anything for a format that keeps data. */
static inline int blk_image_discard(struct blk_image *img, uint64_t sector,
				    uint64_t count)
{
	if (!img->ops->discard) {
		if (img->readonly)
			return -EROFS;
		return blk_image_check_range(img, sector, count);
	}
	return img->ops->discard(img, sector, count);
}

static inline void blk_image_close(struct blk_image *img)
{
	if (img)
		img->ops->close(img);
}

#endif
