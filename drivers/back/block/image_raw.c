/*
 * Raw images: a regular file or a block device, sector n at byte n * 512.
 *
 * Two descriptors: fd (buffered, always there) and dfd (O_DIRECT, -1 when
 * the file system refuses O_DIRECT, e.g. tmpfs).  An I/O whose buffer is
 * 512-aligned goes through dfd (offset and length always are); anything
 * else goes through fd.  Linux keeps the two coherent: a direct write
 * drops the cached pages of its range, a direct read first writes back the
 * dirty ones.  A direct I/O that fails with EINVAL (a device whose logical
 * block is larger than 512) is redone buffered and dfd is given up.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"

struct raw_image {
	struct blk_image img;  /* first: a struct blk_image * is a raw_image * */
	int fd;
	int dfd;
};

static const struct blk_image_ops raw_ops;

static struct raw_image *to_raw(struct blk_image *img)
{
	return (struct raw_image *)img;
}

/* pread/pwrite until len bytes moved: short transfers continue, EINTR
 * retries, an end of file inside the image (it shrank) is -EIO. */
static int raw_loop(int fd, bool write, void *buf, size_t len, off_t off)
{
	char *p = buf;

	while (len) {
		ssize_t n = write ? pwrite(fd, p, len, off)
				  : pread(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += n;
		len -= (size_t)n;
	}
	return 0;
}

static int raw_io(struct raw_image *raw, bool write, void *buf,
		  uint64_t sector, uint32_t count)
{
	size_t len = (size_t)count * BLK_SECTOR_SIZE;
	off_t off = (off_t)(sector * BLK_SECTOR_SIZE);
	int rc;

	if (raw->dfd >= 0 && (uintptr_t)buf % BLK_SECTOR_SIZE == 0) {
		rc = raw_loop(raw->dfd, write, buf, len, off);
		if (rc != -EINVAL)
			return rc;
		close(raw->dfd);
		raw->dfd = -1;
	}
	return raw_loop(raw->fd, write, buf, len, off);
}

static int raw_read(struct blk_image *img, void *buf, uint64_t sector,
		    uint32_t count)
{
	int rc = blk_image_check_range(img, sector, count);

	return rc ? rc : raw_io(to_raw(img), false, buf, sector, count);
}

static int raw_write(struct blk_image *img, const void *buf, uint64_t sector,
		     uint32_t count)
{
	int rc;

	if (img->readonly)
		return -EROFS;
	rc = blk_image_check_range(img, sector, count);
	/* raw_io only reads from buf when write is true */
	return rc ? rc : raw_io(to_raw(img), true, (void *)buf, sector, count);
}

static int raw_flush(struct blk_image *img)
{
	return fdatasync(to_raw(img)->fd) ? -errno : 0;
}

/* Punches a hole: the space is freed and the sectors read as zeros.
 * Where the file system cannot, zeros are written instead, so that the
 * guarantee ("reads as zeros") holds either way. */
static int raw_discard(struct blk_image *img, uint64_t sector, uint64_t count)
{
	static const uint8_t zeros[64 * 1024];
	struct raw_image *raw = to_raw(img);
	off_t off = (off_t)(sector * BLK_SECTOR_SIZE);
	uint64_t left = count * BLK_SECTOR_SIZE;
	int rc;

	if (img->readonly)
		return -EROFS;
	rc = blk_image_check_range(img, sector, count);
	if (rc || count == 0)
		return rc;
	if (fallocate(raw->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
		      (off_t)left) == 0)
		return 0;
	if (errno != EOPNOTSUPP)
		return -errno;
	while (left) {
		size_t n = left < sizeof(zeros) ? (size_t)left : sizeof(zeros);

		rc = raw_loop(raw->fd, true, (void *)zeros, n, off);
		if (rc)
			return rc;
		off += (off_t)n;
		left -= n;
	}
	return 0;
}

static void raw_close(struct blk_image *img)
{
	struct raw_image *raw = to_raw(img);

	if (raw->dfd >= 0)
		close(raw->dfd);
	close(raw->fd);
	free(raw);
}

static const struct blk_image_ops raw_ops = {
	.read = raw_read,
	.write = raw_write,
	.flush = raw_flush,
	.discard = raw_discard,
	.close = raw_close,
};

/* The size in bytes of what fd is: a regular file or a block device. */
static int raw_size(int fd, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) ? -errno : 0;
	return -EINVAL;
}

/*
 * Opens path as a raw image (see image.h): -ENOENT if it does not exist,
 * -EINVAL if it is neither a regular file nor a block device or its size
 * is not a multiple of 512, -ENOMEM, or open()'s error.  No lock is taken:
 * see blk_raw_lock.
 */
int blk_raw_open(const char *path, bool readonly, struct blk_image **out)
{
	int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct raw_image *raw;
	uint64_t bytes;
	int rc;

	raw = calloc(1, sizeof(*raw));
	if (!raw)
		return -ENOMEM;
	raw->fd = open(path, flags);
	if (raw->fd < 0) {
		rc = -errno;
		goto err_free;
	}
	rc = raw_size(raw->fd, &bytes);
	if (rc)
		goto err_close;
	if (bytes % BLK_SECTOR_SIZE) {
		rc = -EINVAL;
		goto err_close;
	}
	raw->dfd = open(path, flags | O_DIRECT);  /* -1: buffered only */
	raw->img.ops = &raw_ops;
	raw->img.sectors = bytes / BLK_SECTOR_SIZE;
	raw->img.readonly = readonly;
	*out = &raw->img;
	return 0;

err_close:
	close(raw->fd);
err_free:
	free(raw);
	return rc;
}

/* fsync of the directory that holds path, so a new name survives a crash. */
static int raw_sync_dir(const char *path)
{
	char *copy = strdup(path);
	int fd, rc = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd))
		rc = -errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

/*
 * Makes a sparse raw image of sectors * 512 bytes at path, mode 0600, and
 * syncs its size and its name: -EEXIST if path exists (it is left alone),
 * -EFBIG for a size no file can have, or the system's error (the half-made
 * file is removed).
 */
int blk_raw_create(const char *path, uint64_t sectors)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (sectors > (uint64_t)INT64_MAX / BLK_SECTOR_SIZE)
		rc = -EFBIG;
	else if (ftruncate(fd, (off_t)(sectors * BLK_SECTOR_SIZE)) || fsync(fd))
		rc = -errno;
	close(fd);
	if (!rc)
		rc = raw_sync_dir(path);
	if (rc)
		unlink(path);
	return rc;
}

/*
 * Takes an advisory flock on a raw image's file, shared or exclusive,
 * without waiting: -EBUSY if another open file holds a conflicting one,
 * -EINVAL if img is not a raw image.  It lasts until the image is closed.
 */
int blk_raw_lock(struct blk_image *img, bool exclusive)
{
	if (img->ops != &raw_ops)
		return -EINVAL;
	if (flock(to_raw(img)->fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB))
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	return 0;
}
