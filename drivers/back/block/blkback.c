/*
 * keel-blkback: dom0's block backend, a libkeelback device class.
 *
 *   keel-blkback [--debug]
 *
 * Serves every /local/domain/0/backend/vbd/<domid>/<devid> the toolstack
 * writes (docs/backends.md, "keel-blkback"): opens the image its keys name
 * (image.h: raw, or a cow overlay over a base), offers sectors and
 * features, and answers blkif requests (io/blkif.h).  Data moves with
 * grant copy, one ioctl per direction for a whole batch of requests.
 * Messages go to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keelback.h>

#include "blk_req.h"
#include "image.h"

/* Bytes of data one request can carry, and where its data sits in the
 * batch buffer: request i at i * REQ_BYTES (page-aligned). */
#define REQ_BYTES (KEEL_BLKIF_MAX_SEGMENTS * KEEL_PAGE_SIZE)

struct blk_disk {
	struct blk_image *img;
	bool readonly;
	uint64_t requests, errors;     /* served; answered with an error   */
	uint64_t shown_requests, shown_errors;  /* last written to the store */
};

/* One batch's working memory, grown to the largest batch seen. */
struct blkback {
	uint8_t *buf;
	size_t buf_reqs;
	struct blk_io *io;
	int16_t *status;
	struct keel_ioctl_gntdev_copy_seg *segs;
	uint32_t *seg_req;             /* which request each copy seg is for */
};

static int grow(struct blkback *bb, unsigned int n)
{
	size_t segs = (size_t)n * KEEL_BLKIF_MAX_SEGMENTS * 2;
	void *p;

	if (n <= bb->buf_reqs)
		return 0;
	free(bb->buf);
	free(bb->io);
	free(bb->status);
	free(bb->segs);
	free(bb->seg_req);
	bb->buf_reqs = 0;
	bb->io = calloc(n, sizeof(*bb->io));
	bb->status = calloc(n, sizeof(*bb->status));
	bb->segs = calloc(segs, sizeof(*bb->segs));
	bb->seg_req = calloc(segs, sizeof(*bb->seg_req));
	bb->buf = posix_memalign(&p, KEEL_PAGE_SIZE, (size_t)n * REQ_BYTES) ?
		  NULL : p;
	if (!bb->io || !bb->status || !bb->segs || !bb->seg_req || !bb->buf)
		return -ENOMEM;
	bb->buf_reqs = n;
	return 0;
}

/* ---- connect / disconnect ------------------------------------------------ */

static int blk_connect(struct kb_device *dev)
{
	char *params = NULL, *mode = NULL, *type = NULL, *base = NULL;
	struct blk_image_spec spec = { 0 };
	struct blk_disk *disk;
	char err[256];
	int rc;

	disk = calloc(1, sizeof(*disk));
	if (!disk)
		return -ENOMEM;
	if (kb_dev_read(dev, "params", &params) < 0 || !params[0]) {
		kb_dev_fail(dev, "no params (image path) in the backend directory");
		rc = -EINVAL;
		goto out;
	}
	if (kb_dev_read(dev, "mode", &mode) < 0)
		mode = NULL;
	if (kb_dev_read(dev, "type", &type) < 0)
		type = NULL;
	if (kb_dev_read(dev, "base", &base) < 0)
		base = NULL;
	spec.format = type && type[0] ? type : "raw";
	spec.target = params;
	spec.base = base;
	spec.readonly = mode && strcmp(mode, "r") == 0;
	rc = blk_image_open(&spec, &disk->img, err, sizeof(err));
	if (rc < 0) {
		kb_dev_fail(dev, "cannot open %s image %s: %s", spec.format,
			    params, err);
		goto out;
	}
	disk->readonly = spec.readonly || disk->img->readonly;
	/* Two guests writing one raw file would corrupt it: a writer locks
	 * it exclusively, readers share (a cow overlay locks itself). */
	if (strcmp(spec.format, "raw") == 0) {
		rc = blk_raw_lock(disk->img, !disk->readonly);
		if (rc < 0) {
			kb_dev_fail(dev, "image %s is in use by another device",
				    params);
			blk_image_close(disk->img);
			goto out;
		}
	}
	kb_dev_printf(dev, "sectors", "%llu",
		      (unsigned long long)disk->img->sectors);
	kb_dev_printf(dev, "sector-size", "%u", KEEL_BLKIF_SECTOR_SIZE);
	kb_dev_printf(dev, "info", "%u", disk->readonly ? KEEL_VDISK_READONLY : 0);
	kb_dev_printf(dev, "feature-flush-cache", "1");
	kb_dev_printf(dev, "feature-persistent", "0");
	kb_dev_printf(dev, "feature-discard", "%d", !disk->readonly);
	kb_dev_printf(dev, "discard-granularity", "%u", KEEL_BLKIF_SECTOR_SIZE);
	kb_dev_printf(dev, "discard-alignment", "0");
	kb_dev_printf(dev, "discard-secure", "0");
	kb_dev_printf(dev, "keel-requests", "0");
	kb_dev_printf(dev, "keel-errors", "0");
	kb_dev_printf(dev, "hotplug-status", "connected");
	kb_dev_set(dev, disk);
	kb_dev_log(dev, KEEL_LOG_INFO, "%s %s (%s), %llu sectors", spec.format,
		   params, disk->readonly ? "ro" : "rw",
		   (unsigned long long)disk->img->sectors);
	disk = NULL;
	rc = 0;
out:
	free(params);
	free(mode);
	free(type);
	free(base);
	free(disk);
	return rc;
}

static void blk_disconnect(struct kb_device *dev)
{
	struct blk_disk *disk = kb_dev_get(dev);

	if (!disk)
		return;
	blk_image_flush(disk->img);
	blk_image_close(disk->img);
	free(disk);
	kb_dev_set(dev, NULL);
}

/* ---- serving ------------------------------------------------------------------ */

/*
 * Adds the copy segments of request i (direction to_guest) to bb->segs,
 * split where the batch buffer crosses a page (a segment may start
 * mid-page there).  Returns the new count.
 */
static size_t add_copies(struct blkback *bb, size_t nsegs, unsigned int i,
			 bool to_guest)
{
	const struct blk_io *io = &bb->io[i];
	uint8_t *p = bb->buf + (size_t)i * REQ_BYTES;

	for (unsigned int s = 0; s < io->nseg; s++) {
		uint16_t off = io->seg[s].offset, left = io->seg[s].len;

		while (left > 0) {
			size_t room = KEEL_PAGE_SIZE - ((uintptr_t)p % KEEL_PAGE_SIZE);
			uint16_t len = left < room ? left : (uint16_t)room;

			bb->segs[nsegs] = (struct keel_ioctl_gntdev_copy_seg){
				.addr = (uint64_t)(uintptr_t)p,
				.ref = io->seg[s].gref,
				.offset = off,
				.len = len,
				.flags = to_guest ? KEEL_GNTDEV_COPY_TO_GUEST : 0,
			};
			bb->seg_req[nsegs++] = i;
			p += len;
			off += len;
			left -= len;
		}
	}
	return nsegs;
}

/* One grant-copy ioctl for every segment of the requests whose status is
 * OKAY and whose op is op; a failed segment fails its request. */
static void copy_phase(struct kb_device *dev, struct blkback *bb,
		       unsigned int n, uint8_t op, bool to_guest)
{
	size_t nsegs = 0;
	int rc;

	for (unsigned int i = 0; i < n; i++)
		if (bb->status[i] == KEEL_BLKIF_RSP_OKAY && bb->io[i].op == op)
			nsegs = add_copies(bb, nsegs, i, to_guest);
	if (nsegs == 0)
		return;
	rc = kb_grant_copy(dev, bb->segs, nsegs);
	for (size_t k = 0; k < nsegs; k++)
		if (rc < 0 || bb->segs[k].status != 0)
			bb->status[bb->seg_req[k]] = KEEL_BLKIF_RSP_ERROR;
	if (rc < 0)
		kb_dev_log(dev, KEEL_LOG_WARN, "grant copy: %s", strerror(-rc));
}

static void blk_serve(struct kb_device *dev, const void *reqs, void *rsps,
		      unsigned int n)
{
	struct blkback *bb = kb_priv(kb_dev_backend(dev));
	struct blk_disk *disk = kb_dev_get(dev);
	const struct keel_blkif_request *req = reqs;
	struct keel_blkif_response *rsp = rsps;
	unsigned int i;
	int rc;

	rc = grow(bb, n);
	for (i = 0; i < n; i++) {
		bb->status[i] = rc < 0 ? KEEL_BLKIF_RSP_ERROR :
				blk_req_decode(&req[i], disk->img->sectors,
					       disk->readonly, &bb->io[i]);
		if (rc < 0) {   /* no memory: answer from the request itself */
			rsp[i].id = req[i].id;
			rsp[i].operation = req[i].operation;
			rsp[i].status = KEEL_BLKIF_RSP_ERROR;
		}
	}
	if (rc < 0) {
		disk->requests += n;
		disk->errors += n;
		return;
	}
	/* Writes' data in, then every request in ring order, then reads'
	 * data out: a flush covers every write before it in the batch. */
	copy_phase(dev, bb, n, KEEL_BLKIF_OP_WRITE, false);
	for (i = 0; i < n; i++) {
		const struct blk_io *io = &bb->io[i];
		uint8_t *data = bb->buf + (size_t)i * REQ_BYTES;

		if (bb->status[i] != KEEL_BLKIF_RSP_OKAY)
			continue;
		if (io->op == KEEL_BLKIF_OP_READ)
			rc = blk_image_read(disk->img, data, io->sector, io->nsect);
		else if (io->op == KEEL_BLKIF_OP_WRITE)
			rc = blk_image_write(disk->img, data, io->sector, io->nsect);
		else if (io->op == KEEL_BLKIF_OP_DISCARD)
			rc = blk_image_discard(disk->img, io->sector,
					       io->discard_sectors);
		else
			rc = blk_image_flush(disk->img);
		if (rc < 0) {
			bb->status[i] = KEEL_BLKIF_RSP_ERROR;
			kb_dev_log(dev, KEEL_LOG_WARN,
				   "op %u sector %llu: %s", io->op,
				   (unsigned long long)io->sector, strerror(-rc));
		}
	}
	copy_phase(dev, bb, n, KEEL_BLKIF_OP_READ, true);
	for (i = 0; i < n; i++) {
		rsp[i].id = bb->io[i].id;
		rsp[i].operation = bb->io[i].op;
		rsp[i].status = bb->status[i];
		if (bb->status[i] != KEEL_BLKIF_RSP_OKAY)
			disk->errors++;
	}
	disk->requests += n;
}

static void blk_poll(struct kb_device *dev)
{
	struct blk_disk *disk = kb_dev_get(dev);

	if (!disk)
		return;
	if (disk->requests != disk->shown_requests) {
		kb_dev_printf(dev, "keel-requests", "%llu",
			      (unsigned long long)disk->requests);
		disk->shown_requests = disk->requests;
	}
	if (disk->errors != disk->shown_errors) {
		kb_dev_printf(dev, "keel-errors", "%llu",
			      (unsigned long long)disk->errors);
		disk->shown_errors = disk->errors;
	}
}

static const struct kb_ops blk_ops = {
	.device_class = "vbd",
	.slot_size = sizeof(union keel_blkif_slot),
	.req_size = sizeof(struct keel_blkif_request),
	.rsp_size = sizeof(struct keel_blkif_response),
	.max_ring_order = KEEL_RING_MAX_ORDER,
	.connect = blk_connect,
	.serve = blk_serve,
	.disconnect = blk_disconnect,
	.poll = blk_poll,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: keel-blkback [--debug]\n"
		   "Serves guests' block devices (vbd) from image files; see "
		   "/usr/share/doc/keel/backends.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct keel_stderr_logger log;
	struct blkback bb = { 0 };
	struct kb_config cfg = { .ops = &blk_ops, .priv = &bb };
	enum keel_log_level max = KEEL_LOG_INFO;
	struct kb_backend *b;
	int c, rc;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			max = KEEL_LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	keel_stderr_logger_init(&log, "keel-blkback", max);
	cfg.log = &log.base;
	rc = kb_open(&cfg, &b);
	if (rc < 0)
		return 1;
	rc = kb_run(b);
	kb_close(b);
	free(bb.buf);
	free(bb.io);
	free(bb.status);
	free(bb.segs);
	free(bb.seg_req);
	return rc < 0 ? 1 : 0;
}
