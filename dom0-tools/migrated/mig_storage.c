/*
 * Disk images over the migration connection (mig_storage.h): the sender's
 * passes and stream relay, the receiver's files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "mig_storage.h"

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- sender ---- */

int kmig_disks_add(struct kmig_disks *ds, const char *path, char *err,
		   size_t errlen)
{
	struct kmig_disk *d;
	struct stat st;
	int rc;

	if (ds->n == KMIG_DISKS_MAX) {
		snprintf(err, errlen, "more than %d disk images", KMIG_DISKS_MAX);
		return -E2BIG;
	}
	if (path[0] != '/' || strlen(path) >= KMIG_PATH_MAX) {
		snprintf(err, errlen, "disk image '%s': not an absolute path", path);
		return -EINVAL;
	}
	d = &ds->d[ds->n];
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", path);
	d->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (d->fd < 0 || fstat(d->fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the disk image %s: %s", path, strerror(-rc));
		if (d->fd >= 0)
			close(d->fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "disk image %s is not a regular file", path);
		close(d->fd);
		return -EINVAL;
	}
	d->size = (uint64_t)st.st_size;
	d->nblocks = (d->size + KMIG_BLOCK - 1) / KMIG_BLOCK;
	d->hash = calloc(d->nblocks ? d->nblocks : 1, sizeof(*d->hash));
	if (!d->hash) {
		close(d->fd);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	ds->n++;
	return 0;
}

void kmig_disks_close(struct kmig_disks *ds)
{
	unsigned int i;

	for (i = 0; i < ds->n; i++) {
		close(ds->d[i].fd);
		free(ds->d[i].hash);
	}
	ds->n = 0;
}

int kmig_disks_announce(int fd, struct kmig_disks *ds, char *err, size_t errlen)
{
	uint8_t body[16 + KMIG_PATH_MAX];
	unsigned int i;
	int rc;

	for (i = 0; i < ds->n; i++) {
		size_t n = strlen(ds->d[i].path);

		put32(body, i);
		put32(body + 4, 0);
		put64(body + 8, ds->d[i].size);
		memcpy(body + 16, ds->d[i].path, n);
		rc = kmig_send(fd, KMIG_DOPN, body, 16 + n);
		if (rc) {
			snprintf(err, errlen, "cannot announce %s: %s", ds->d[i].path,
				 strerror(-rc));
			return rc;
		}
		rc = kmig_offer_answer(fd, err, errlen);
		if (rc)
			return rc;
	}
	return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

long kmig_disks_pass(int fd, struct kmig_disks *ds, int first, char *err,
		     size_t errlen)
{
	uint8_t *buf, h[KMIG_HASH_BYTES];
	long sent = 0;
	unsigned int i;
	uint64_t b;
	int rc = 0;

	buf = malloc(16 + KMIG_BLOCK);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < ds->n && !rc; i++) {
		struct kmig_disk *d = &ds->d[i];

		for (b = 0; b < d->nblocks; b++) {
			uint64_t off = b * KMIG_BLOCK;
			size_t want = d->size - off < KMIG_BLOCK ? d->size - off : KMIG_BLOCK;
			ssize_t got;

			if (ds->cancel && *ds->cancel) {
				snprintf(err, errlen, "cancelled");
				rc = -ECANCELED;
				break;
			}
			got = pread(d->fd, buf + 16, want, (off_t)off);
			if (got < 0 || (size_t)got != want) {
				rc = got < 0 ? -errno : -EIO;
				snprintf(err, errlen, "cannot read %s at %llu: %s", d->path,
					 (unsigned long long)off, strerror(-rc));
				break;
			}
			crypto_generichash(h, sizeof(h), buf + 16, want, NULL, 0);
			if (first) {
				memcpy(d->hash[b], h, sizeof(h));
				if (all_zero(buf + 16, want))
					continue;
			} else {
				if (!memcmp(d->hash[b], h, sizeof(h)))
					continue;
				memcpy(d->hash[b], h, sizeof(h));
			}
			put32(buf, i);
			put32(buf + 4, 0);
			put64(buf + 8, off);
			rc = kmig_send(fd, KMIG_DBLK, buf, 16 + want);
			if (rc) {
				snprintf(err, errlen, "cannot send %s: %s", d->path, strerror(-rc));
				break;
			}
			sent++;
			ds->blocks_sent++;
			ds->bytes_sent += want;
		}
	}
	free(buf);
	ds->rounds++;
	return rc ? rc : sent;
}

int kmig_disks_precopy(int fd, struct kmig_disks *ds, char *err, size_t errlen)
{
	long n, last = -1;
	int round;

	for (round = 0; round < KMIG_DISK_ROUNDS; round++) {
		n = kmig_disks_pass(fd, ds, round == 0, err, errlen);
		if (n < 0)
			return (int)n;
		/* Nothing changed since the last pass, or no better: the last
		 * pass (paused) takes the rest. */
		if (round > 0 && (n == 0 || (last >= 0 && n >= last)))
			break;
		last = n;
	}
	return 0;
}

/* Reads exactly n bytes of the engine's stream; 0, 1 at a clean EOF
 * before the first byte, or -errno. */
static int pipe_read(int rd, uint8_t *p, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t r = read(rd, p + done, n - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return done ? -ENODATA : 1;
		done += (size_t)r;
	}
	return 0;
}

/* Forwards n bytes of the stream from rd in STRD frames. */
static int forward(struct kmig_relay *r, uint8_t *buf, const uint8_t *head,
		   size_t headlen, uint64_t n)
{
	int rc;

	if (headlen) {
		rc = kmig_send(r->sock, KMIG_STRD, head, headlen);
		if (rc)
			return rc;
	}
	while (n) {
		size_t chunk = n < KMIG_BLOCK ? (size_t)n : KMIG_BLOCK;

		rc = pipe_read(r->rd, buf, chunk);
		if (rc)
			return rc > 0 ? -ENODATA : rc;
		rc = kmig_send(r->sock, KMIG_STRD, buf, chunk);
		if (rc)
			return rc;
		n -= chunk;
	}
	return 0;
}

static void *relay_main(void *arg)
{
	struct kmig_relay *r = arg;
	uint8_t hdr[KMIG_STREAM_HEADER], rec[KMIG_STREAM_REC_HDR], *buf;
	int rc;

	buf = malloc(KMIG_BLOCK);
	if (!buf) {
		r->rc = -ENOMEM;
		snprintf(r->err, sizeof(r->err), "out of memory");
		goto out;
	}
	rc = pipe_read(r->rd, hdr, sizeof(hdr));
	if (rc) {
		r->rc = rc > 0 ? -ENODATA : rc;
		snprintf(r->err, sizeof(r->err), "the stream ended before its header");
		goto out;
	}
	rc = kmig_send(r->sock, KMIG_STRD, hdr, sizeof(hdr));
	while (!rc) {
		uint32_t type, len;
		uint64_t padded;

		rc = pipe_read(r->rd, rec, sizeof(rec));
		if (rc) {
			if (rc > 0)
				snprintf(r->err, sizeof(r->err), "the stream ended without "
					 "its END record");
			rc = rc > 0 ? -ENODATA : rc;
			break;
		}
		type = get32(rec);
		len = get32(rec + 4);
		padded = ((uint64_t)len + 7) & ~7ull;
		if (type == KMIG_STREAM_REC_END) {
			/* The guest is paused and all its state is out: the
			 * disks' last pass goes before END. */
			long n = kmig_disks_pass(r->sock, r->ds, 0, r->err, sizeof(r->err));

			if (n < 0) {
				rc = (int)n;
				break;
			}
			r->last_pass_blocks = n;
		}
		rc = forward(r, buf, rec, sizeof(rec), padded);
		if (!rc && type == KMIG_STREAM_REC_END) {
			r->end_sent = 1;
			rc = kmig_send(r->sock, KMIG_SEOF, NULL, 0);
			break;
		}
	}
	if (rc && !r->err[0])
		snprintf(r->err, sizeof(r->err), "relaying the stream: %s", strerror(-rc));
	r->rc = rc;
out:
	free(buf);
	/* A relay that stops makes the engine's next write fail. */
	close(r->rd);
	r->rd = -1;
	return NULL;
}

int kmig_relay_start(struct kmig_relay *r, int sock, struct kmig_disks *ds, int *wr)
{
	int p[2], rc;

	memset(r, 0, sizeof(*r));
	r->sock = sock;
	r->ds = ds;
	rc = kmig_send(sock, KMIG_STRF, NULL, 0);
	if (rc)
		return rc;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	r->rd = p[0];
	rc = pthread_create(&r->thread, NULL, relay_main, r);
	if (rc) {
		close(p[0]);
		close(p[1]);
		return -rc;
	}
	*wr = p[1];
	return 0;
}

int kmig_relay_finish(struct kmig_relay *r)
{
	pthread_join(r->thread, NULL);
	return r->rc;
}

/* ---- receiver ---- */

static int path_ok(const char *root, const char *path)
{
	size_t n = strlen(root);

	if (path[0] != '/' || strncmp(path, root, n) || path[n] == '\0')
		return 0;
	if (strstr(path, "/../") || strstr(path, "/./") || strstr(path, "//"))
		return 0;
	n = strlen(path);
	return !(n >= 3 && !strcmp(path + n - 3, "/.."));
}

/* mkdir -p of path's parent directories below root. */
static int make_parents(const char *root, const char *path)
{
	char tmp[KMIG_PATH_MAX];
	char *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + strlen(root); (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(tmp, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

int kmig_rdisks_open(struct kmig_rdisks *rs, const uint8_t *body, size_t len,
		     char *err, size_t errlen)
{
	struct kmig_rdisk *d;
	size_t plen;
	int rc;

	if (len < 17 || len - 16 >= KMIG_PATH_MAX || get32(body) != rs->n ||
	    rs->n == KMIG_DISKS_MAX) {
		snprintf(err, errlen, "a malformed disk announcement");
		return -EPROTO;
	}
	d = &rs->d[rs->n];
	plen = len - 16;
	memcpy(d->path, body + 16, plen);
	d->path[plen] = '\0';
	d->size = get64(body + 8);
	if (strlen(d->path) != plen || !path_ok(rs->root, d->path)) {
		snprintf(err, errlen, "disk image '%.200s' is not a path under %s",
			 d->path, rs->root);
		return -EACCES;
	}
	rc = make_parents(rs->root, d->path);
	if (!rc) {
		d->fd = open(d->path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		rc = d->fd < 0 ? -errno : 0;
	}
	if (rc) {
		snprintf(err, errlen, rc == -EEXIST ?
			 "disk image %s exists here already (shared storage? then "
			 "migrate without --with-storage)" : "cannot create %s: %s",
			 d->path, strerror(-rc));
		return rc;
	}
	if (ftruncate(d->fd, (off_t)d->size)) {
		rc = -errno;
		snprintf(err, errlen, "cannot size %s: %s", d->path, strerror(-rc));
		close(d->fd);
		unlink(d->path);
		return rc;
	}
	rs->n++;
	return 0;
}

int kmig_rdisks_block(struct kmig_rdisks *rs, const uint8_t *body, size_t len,
		      char *err, size_t errlen)
{
	struct kmig_rdisk *d;
	uint32_t idx;
	uint64_t off;
	size_t n;
	ssize_t w;

	if (len < 16 || (idx = get32(body)) >= rs->n) {
		snprintf(err, errlen, "a malformed disk block");
		return -EPROTO;
	}
	d = &rs->d[idx];
	off = get64(body + 8);
	n = len - 16;
	if (off > d->size || n > d->size - off) {
		snprintf(err, errlen, "a disk block beyond the end of %s", d->path);
		return -EPROTO;
	}
	w = pwrite(d->fd, body + 16, n, (off_t)off);
	if (w < 0 || (size_t)w != n) {
		int rc = w < 0 ? -errno : -EIO;

		snprintf(err, errlen, "cannot write %s: %s", d->path, strerror(-rc));
		return rc;
	}
	return 0;
}

void kmig_rdisks_close(struct kmig_rdisks *rs, int keep)
{
	unsigned int i;

	for (i = 0; i < rs->n; i++) {
		if (keep)
			fsync(rs->d[i].fd);
		close(rs->d[i].fd);
		if (!keep)
			unlink(rs->d[i].path);
	}
	rs->n = 0;
}
