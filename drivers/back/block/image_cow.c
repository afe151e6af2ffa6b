/*
 * The cow layer: a copy-on-write overlay file over a base image, and the
 * model for any layer (encrypt, log, rate-limit): it holds lower images --
 * the base, and the overlay file opened as raw (its "store") -- and uses
 * them only through blk_image_*, so it stacks over raw, cow or anything.
 *
 * The store: a 4 KiB header (union cow_header, then zeros), a bitmap (bit
 * c % 8 of byte c / 8 set: cluster c is in the overlay) padded to 4 KiB,
 * then the data, sparse, from the next cluster boundary: virtual sector s
 * is store sector data + s.  Clusters are 4 KiB, a guest page: blkfront's
 * page-sized writes copy nothing from the base and the bitmap costs 32 KiB
 * per GiB.  Byte offsets and the guarantees: docs/block-images.md.
 *
 * Crash rule: a copied cluster is flushed before the bitmap sector marking
 * it is written (never marked but unwritten); both are written before
 * write() returns (a killed backend loses nothing acknowledged).
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image.h"

#define COW_MAGIC          "KEELCOW"   /* with its NUL: 8 bytes */
#define COW_VERSION        1u
#define COW_CLUSTER_SIZE   4096u       /* what blk_cow_open creates */
#define COW_CLUSTER_MAX    (1u << 20)  /* the largest it opens */
#define COW_HEADER_SECTORS 8u          /* the header is 4 KiB */
#define COW_ALIGN          4096u       /* buffers: O_DIRECT-friendly */

/* The header's first sector, as on disk (le*toh/htole* convert). */
union cow_header {
	struct {
		char magic[8];
		uint32_t version;
		uint32_t cluster_size;  /* bytes: a power of two, 512..1 MiB */
		uint64_t sectors;       /* the virtual size: the base's */
	};
	uint8_t sector[BLK_SECTOR_SIZE];
};

struct cow_image {
	struct blk_image img;     /* first: a blk_image * is a cow_image * */
	struct blk_image *base;   /* read, never written */
	struct blk_image *store;  /* the overlay file, as a raw image */
	uint32_t csec;            /* sectors per cluster */
	uint64_t data;            /* the store's sector of virtual sector 0 */
	uint8_t *bitmap;          /* a copy of the on-disk bitmap */
	uint8_t *cbuf;            /* one cluster, for read-merge-write */
};

/* The bitmap's length and the data's start, in store sectors. */
static void cow_layout(uint64_t sectors, uint32_t csec,
		       uint64_t *bitmap_sectors, uint64_t *data)
{
	uint64_t bytes = ((sectors + csec - 1) / csec + 7) / 8;

	*bitmap_sectors = (bytes ? (bytes + COW_ALIGN - 1) / COW_ALIGN : 1) * 8;
	*data = (COW_HEADER_SECTORS + *bitmap_sectors + csec - 1) / csec * csec;
}

static bool cow_in_overlay(const struct cow_image *cow, uint64_t sector)
{
	return cow->bitmap[sector / cow->csec / 8] & (1u << (sector / cow->csec % 8));
}

/* How many of count sectors from sector lie in clusters that are all in
 * the overlay, or all in the base (*in_overlay says which). */
static uint32_t cow_run(const struct cow_image *cow, uint64_t sector,
			uint32_t count, bool *in_overlay)
{
	uint64_t end = (sector / cow->csec + 1) * cow->csec;

	*in_overlay = cow_in_overlay(cow, sector);
	while (end < sector + count && cow_in_overlay(cow, end) == *in_overlay)
		end += cow->csec;
	return end < sector + count ? (uint32_t)(end - sector) : count;
}

static int cow_read(struct blk_image *img, void *buf, uint64_t sector,
		    uint32_t count)
{
	struct cow_image *cow = (struct cow_image *)img;
	uint8_t *p = buf;
	int rc = blk_image_check_range(img, sector, count);

	while (!rc && count) {
		bool in_overlay;
		uint32_t n = cow_run(cow, sector, count, &in_overlay);

		rc = in_overlay
			? blk_image_read(cow->store, p, cow->data + sector, n)
			: blk_image_read(cow->base, p, sector, n);
		p += (size_t)n * BLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	return rc;
}

/* First write to a cluster: the whole cluster, base sectors merged with
 * the n new ones at sector, goes to the overlay (not yet marked). */
static int cow_copy_cluster(struct cow_image *cow, const uint8_t *p,
			    uint64_t sector, uint32_t n)
{
	uint64_t start = sector / cow->csec * cow->csec;
	uint64_t len = cow->img.sectors - start;
	int rc;

	if (len > cow->csec)
		len = cow->csec;  /* only the last cluster can be short */
	if (n < len) {
		rc = blk_image_read(cow->base, cow->cbuf, start, (uint32_t)len);
		if (rc)
			return rc;
	}
	memcpy(cow->cbuf + (sector - start) * BLK_SECTOR_SIZE, p,
	       (size_t)n * BLK_SECTOR_SIZE);
	return blk_image_write(cow->store, cow->cbuf, cow->data + start,
			       (uint32_t)len);
}

/* Marks clusters first..last (copied now or before): data durable first,
 * then the bitmap sectors with their bits.  If that write fails the bits
 * stay set in memory (true: the data is there) and the write fails. */
static int cow_mark(struct cow_image *cow, uint64_t first, uint64_t last)
{
	uint64_t c, s0 = first / 8 / BLK_SECTOR_SIZE;
	uint64_t s1 = last / 8 / BLK_SECTOR_SIZE;
	int rc = blk_image_flush(cow->store);

	if (rc)
		return rc;
	for (c = first; c <= last; c++)
		cow->bitmap[c / 8] |= (uint8_t)(1u << (c % 8));
	return blk_image_write(cow->store, cow->bitmap + s0 * BLK_SECTOR_SIZE,
			       COW_HEADER_SECTORS + s0, (uint32_t)(s1 - s0 + 1));
}

static int cow_write(struct blk_image *img, const void *buf, uint64_t sector,
		     uint32_t count)
{
	struct cow_image *cow = (struct cow_image *)img;
	uint64_t first = UINT64_MAX, last = 0;  /* clusters copied now */
	const uint8_t *p = buf;
	int rc;

	if (img->readonly)
		return -EROFS;
	rc = blk_image_check_range(img, sector, count);
	while (!rc && count) {
		bool in_overlay;
		uint32_t n = cow_run(cow, sector, count, &in_overlay);
		uint32_t left = cow->csec - sector % cow->csec;  /* in cluster */

		if (in_overlay) {
			rc = blk_image_write(cow->store, p, cow->data + sector, n);
		} else {
			n = n < left ? n : left;  /* copies go one by one */
			rc = cow_copy_cluster(cow, p, sector, n);
			last = sector / cow->csec;
			first = first < last ? first : last;
		}
		p += (size_t)n * BLK_SECTOR_SIZE;
		sector += n;
		count -= n;
	}
	if (!rc && first != UINT64_MAX)
		rc = cow_mark(cow, first, last);
	return rc;
}

/* All acknowledged writes are in the store; the base was never written. */
static int cow_flush(struct blk_image *img)
{
	return blk_image_flush(((struct cow_image *)img)->store);
}

static void cow_close(struct blk_image *img)
{
	struct cow_image *cow = (struct cow_image *)img;

	blk_image_close(cow->store);
	blk_image_close(cow->base);
	free(cow->cbuf);
	free(cow->bitmap);
	free(cow);
}

static const struct blk_image_ops cow_ops = {
	.read = cow_read,
	.write = cow_write,
	.flush = cow_flush,
	.close = cow_close,
};

/* Makes an empty overlay for a base of sectors: the header written, the
 * bitmap and data left as holes (zeros: nothing in the overlay). */
static int cow_create(const char *path, uint64_t sectors)
{
	union cow_header h = { {
		.magic = COW_MAGIC, .version = htole32(COW_VERSION),
		.cluster_size = htole32(COW_CLUSTER_SIZE),
		.sectors = htole64(sectors),
	} };
	uint64_t bitmap_sectors, data;
	struct blk_image *store;
	int rc;

	cow_layout(sectors, COW_CLUSTER_SIZE / BLK_SECTOR_SIZE,
		   &bitmap_sectors, &data);
	rc = blk_raw_create(path, data + sectors);
	if (rc)
		return rc;
	rc = blk_raw_open(path, false, &store);
	if (!rc) {
		rc = blk_image_write(store, h.sector, 0, 1);
		if (!rc)
			rc = blk_image_flush(store);
		blk_image_close(store);
	}
	if (rc)
		unlink(path);  /* undoes blk_raw_create */
	return rc;
}

/* Checks the header and the store's size (-EINVAL); loads the bitmap. */
static int cow_load(struct cow_image *cow)
{
	union cow_header h;
	uint64_t bitmap_sectors;
	uint32_t csize;
	int rc = blk_image_read(cow->store, h.sector, 0, 1);

	if (rc)
		return rc;  /* an empty store: -EINVAL, past its end */
	csize = le32toh(h.cluster_size);
	if (memcmp(h.magic, COW_MAGIC, sizeof(h.magic)) ||
	    le32toh(h.version) != COW_VERSION ||
	    csize < BLK_SECTOR_SIZE || csize > COW_CLUSTER_MAX ||
	    (csize & (csize - 1)) || le64toh(h.sectors) != cow->base->sectors)
		return -EINVAL;
	cow->csec = csize / BLK_SECTOR_SIZE;
	cow_layout(cow->base->sectors, cow->csec, &bitmap_sectors, &cow->data);
	if (cow->store->sectors != cow->data + cow->base->sectors)
		return -EINVAL;
	if (posix_memalign((void **)&cow->bitmap, COW_ALIGN,
			   bitmap_sectors * BLK_SECTOR_SIZE) ||
	    posix_memalign((void **)&cow->cbuf, COW_ALIGN, csize))
		return -ENOMEM;
	return blk_image_read(cow->store, cow->bitmap, COW_HEADER_SECTORS,
			      (uint32_t)bitmap_sectors);
}

/*
 * Stacks the overlay over base (image.h); it owns base once it succeeded.
 * -EINVAL: not a cow overlay or not base's size; -EBUSY: a writer holds it,
 * or readers (they share it) and this opener writes; -ENOENT: missing and
 * !create; -ENOMEM; or the system's error.
 */
int blk_cow_open(struct blk_image *base, const char *overlay, bool create,
		 bool readonly, struct blk_image **out)
{
	struct cow_image *cow;
	int rc;

	if (create) {
		rc = cow_create(overlay, base->sectors);
		if (rc && rc != -EEXIST)
			return rc;
	}
	cow = calloc(1, sizeof(*cow));
	if (!cow)
		return -ENOMEM;
	rc = blk_raw_open(overlay, readonly, &cow->store);
	if (rc)
		goto err_free;
	rc = blk_raw_lock(cow->store, !readonly);
	if (rc)
		goto err_close_store;
	cow->base = base;
	rc = cow_load(cow);
	if (rc)
		goto err_close_store;
	cow->img = (struct blk_image){ &cow_ops, base->sectors, readonly };
	*out = &cow->img;
	return 0;

err_close_store:
	blk_image_close(cow->store);
err_free:
	free(cow->cbuf);
	free(cow->bitmap);
	free(cow);
	return rc;
}
