/*
 * The migration stream's framing: image header and checksummed records
 * (mig_stream.h, docs/migration.md).  Checksums are zlib's CRC-32.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "keelctl.h"
#include "mig_stream.h"

struct rec_hdr {
	uint32_t type;
	uint32_t length;
	uint32_t crc;
	uint32_t reserved;
};
_Static_assert(sizeof(struct rec_hdr) == 16, "stream layout");

void mig_stream_init(struct mig_stream *s, int fd, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->err = err;
	s->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
}

int mig_fail(struct mig_stream *s, int rc, const char *fmt, ...)
{
	va_list ap;

	if (s->err && s->errlen) {
		va_start(ap, fmt);
		vsnprintf(s->err, s->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int write_all(struct mig_stream *s, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n;

		if (s->cancel && *s->cancel)
			return mig_fail(s, -ECANCELED, "cancelled");
		n = write(s->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mig_fail(s, -errno, "cannot write the stream: %s",
					strerror(errno));
		}
		p += n;
		len -= (size_t)n;
		s->bytes += (uint64_t)n;
	}
	return 0;
}

/* 0, or -ENODATA when the stream ends first. */
static int read_all(struct mig_stream *s, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = read(s->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mig_fail(s, -errno, "cannot read the stream: %s",
					strerror(errno));
		}
		if (n == 0)
			return mig_fail(s, -ENODATA,
					"the stream ends early (truncated, or the link was cut) at byte %llu",
					(unsigned long long)s->bytes);
		p += n;
		len -= (size_t)n;
		s->bytes += (uint64_t)n;
	}
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);       /* the stream is little-endian, as x86 */
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

int mig_write_header(struct mig_stream *s)
{
	uint8_t h[MIG_HEADER_SIZE];

	memcpy(h, MIG_MAGIC, 8);
	put32(h + 8, MIG_VERSION);
	put32(h + 12, KEEL_ABI_VERSION);
	put32(h + 16, KEEL_PAGE_SIZE);
	put32(h + 20, (uint32_t)crc32(0, h, 20));
	return write_all(s, h, sizeof(h));
}

int mig_read_header(struct mig_stream *s)
{
	uint8_t h[MIG_HEADER_SIZE];
	uint32_t v, abi;
	int rc = read_all(s, h, sizeof(h));

	if (rc)
		return rc;
	if (memcmp(h, MIG_MAGIC, 8))
		return mig_fail(s, -EPROTO, "not a Keel migration stream (wrong magic)");
	if ((uint32_t)crc32(0, h, 20) != get32(h + 20))
		return mig_fail(s, -EBADMSG, "the stream header is corrupt (checksum)");
	v = get32(h + 8);
	abi = get32(h + 12);
	if (v != MIG_VERSION)
		return mig_fail(s, -EPROTONOSUPPORT,
				"stream version %u is not supported (this host reads version %u)",
				v, MIG_VERSION);
	if (KEEL_ABI_VERSION_MAJOR(abi) != KEEL_ABI_MAJOR ||
	    get32(h + 16) != KEEL_PAGE_SIZE)
		return mig_fail(s, -EPROTONOSUPPORT,
				"the stream is for hypervisor ABI %u.%u, this host speaks %u.%u",
				KEEL_ABI_VERSION_MAJOR(abi), KEEL_ABI_VERSION_MINOR(abi),
				KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
	return 0;
}

static const uint8_t zeros[8];

int mig_write_record2(struct mig_stream *s, uint32_t type, const void *a,
		      uint32_t alen, const void *b, uint32_t blen)
{
	struct rec_hdr h = { .type = type, .length = alen + blen };
	uint32_t crc;
	int rc;

	if ((uint64_t)alen + blen > MIG_REC_MAX)
		return mig_fail(s, -EMSGSIZE, "record too long");
	crc = (uint32_t)crc32(0, (const uint8_t *)&h, 8);
	if (alen)
		crc = (uint32_t)crc32(crc, a, alen);
	if (blen)
		crc = (uint32_t)crc32(crc, b, blen);
	h.crc = crc;
	rc = write_all(s, &h, sizeof(h));
	if (!rc && alen)
		rc = write_all(s, a, alen);
	if (!rc && blen)
		rc = write_all(s, b, blen);
	if (!rc && (h.length % 8))
		rc = write_all(s, zeros, 8 - h.length % 8);
	return rc;
}

int mig_write_record(struct mig_stream *s, uint32_t type, const void *body,
		     uint32_t len)
{
	return mig_write_record2(s, type, body, len, NULL, 0);
}

int mig_read_record(struct mig_stream *s, uint32_t *type, void **body,
		    uint32_t *len)
{
	struct rec_hdr h;
	uint8_t pad[8];
	uint32_t crc, padlen;
	uint8_t *b = NULL;
	int rc;

	*body = NULL;
	*len = 0;
	rc = read_all(s, &h, sizeof(h));
	if (rc)
		return rc;
	if (h.reserved)
		return mig_fail(s, -EBADMSG, "corrupt record header at byte %llu",
				(unsigned long long)(s->bytes - sizeof(h)));
	if (h.length > MIG_REC_MAX)
		return mig_fail(s, -EBADMSG, "record of %u bytes is too long (corrupt stream)",
				h.length);
	if (h.length) {
		b = malloc(h.length);
		if (!b)
			return mig_fail(s, -ENOMEM, "out of memory for a record");
		rc = read_all(s, b, h.length);
		if (rc)
			goto err_free;
	}
	padlen = (8 - h.length % 8) % 8;
	rc = read_all(s, pad, padlen);
	if (rc)
		goto err_free;
	crc = (uint32_t)crc32(0, (const uint8_t *)&h, 8);
	if (h.length)
		crc = (uint32_t)crc32(crc, b, h.length);
	if (crc != h.crc || memcmp(pad, zeros, padlen)) {
		rc = mig_fail(s, -EBADMSG, "record of type %u is corrupt (checksum)",
			      h.type & ~MIG_REC_OPTIONAL);
		goto err_free;
	}
	*type = h.type;
	*body = b;
	*len = h.length;
	return 0;
err_free:
	free(b);
	return rc;
}
