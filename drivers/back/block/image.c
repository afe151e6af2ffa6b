/*
 * blk_image_open: a disk spec (format, target, base, access) to an image,
 * with a sentence for the toolstack or the store's hotplug-error when it
 * cannot be opened.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "image.h"

/*
 * Checks an I/O's range for any layer: 0 if sectors [sector, sector +
 * count) lie inside img (count 0 anywhere up to the end), else -EINVAL.
 */
int blk_image_check_range(const struct blk_image *img, uint64_t sector,
			  uint32_t count)
{
	if (count > img->sectors || sector > img->sectors - count)
		return -EINVAL;
	return 0;
}

/* Says why in err (if any) and returns rc. */
static int image_fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* What an errno from opening a file means to someone writing a disk line. */
static const char *image_why(int rc, bool cow)
{
	if (rc == -EINVAL)
		return cow ? "not a cow overlay, or not the base's size"
			   : "not a file or block device of whole 512-byte sectors";
	if (rc == -EBUSY)
		return "in use read-write by another opener";
	return strerror(-rc);  /* glibc: a per-thread buffer for unknown ones */
}

/*
 * Opens what spec describes (see image.h).  A NULL format is "raw".
 * Errors: -EINVAL for a spec without a target, a cow spec without a base
 * or an unknown format; else blk_raw_open's and blk_cow_open's errors.
 * On failure nothing stays open and err holds one sentence.
 */
int blk_image_open(const struct blk_image_spec *spec, struct blk_image **out,
		   char *err, size_t errlen)
{
	const char *format = spec->format ? spec->format : "raw";
	struct blk_image *base;
	int rc;

	if (!spec->target)
		return image_fail(err, errlen, -EINVAL, "no target given");
	if (!strcmp(format, "raw")) {
		rc = blk_raw_open(spec->target, spec->readonly, out);
		if (rc)
			return image_fail(err, errlen, rc, "target %s: %s",
					  spec->target, image_why(rc, false));
		return 0;
	}
	if (strcmp(format, "cow"))
		return image_fail(err, errlen, -EINVAL,
				  "unknown format %s (raw or cow)", format);
	if (!spec->base)
		return image_fail(err, errlen, -EINVAL,
				  "format=cow needs a base");
	rc = blk_raw_open(spec->base, true, &base);
	if (rc)
		return image_fail(err, errlen, rc, "base %s: %s", spec->base,
				  image_why(rc, false));
	rc = blk_cow_open(base, spec->target, true, spec->readonly, out);
	if (rc) {
		blk_image_close(base);
		return image_fail(err, errlen, rc, "overlay %s: %s",
				  spec->target, image_why(rc, true));
	}
	return 0;
}
