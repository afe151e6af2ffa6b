/*
 * One incoming migration connection, start to end (migrated.h): the key
 * check, then either a bare check (vmctl migrate-check) or an offer, the
 * stream handed to the restore hook, and the result sent back.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "migrated.h"
#include "mig_storage.h"

#define IDLE_MS (MIGRATED_STREAM_IDLE_S * 1000)

struct restore_job {
	struct migrated *m;
	int rd;
	uint16_t domid;
	int rc;
	char err[512];
};

static void *restore_thread(void *arg)
{
	struct restore_job *j = arg;

	j->rc = j->m->restore(j->m, j->rd, &j->domid, j->err, sizeof(j->err));
	/* From now on the demultiplexer's writes fail instead of blocking. */
	close(j->rd);
	return NULL;
}

/*
 * The stream in frames (STRF): stream bytes go down a pipe to the restore,
 * running in a thread; disk blocks go to their files in between, in the
 * order they came, so every block sent before the stream's END record is
 * in its file before the restore can start the guest.
 */
static int framed_restore(struct migrated *m, int fd, struct kmig_rdisks *rs,
			  uint8_t *buf, uint16_t *domid, char *err, size_t errlen)
{
	struct restore_job j = { .m = m };
	char why[256] = "";
	pthread_t t;
	uint32_t type;
	size_t n;
	int p[2], rc;

	if (pipe2(p, O_CLOEXEC)) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -errno;
	}
	j.rd = p[0];
	rc = pthread_create(&t, NULL, restore_thread, &j);
	if (rc) {
		close(p[0]);
		close(p[1]);
		snprintf(err, errlen, "cannot start the restore: %s", strerror(rc));
		return -rc;
	}
	for (;;) {
		rc = kmig_recv(fd, &type, buf, KMIG_DATA_MAX + 1, &n, IDLE_MS);
		if (rc) {
			snprintf(why, sizeof(why), "the stream stopped: %s",
				 rc == -EPIPE ? "the connection was closed" : strerror(-rc));
			break;
		}
		if (type == KMIG_STRD) {
			if (kmig_write_all(p[1], buf, n, IDLE_MS))
				break;          /* the restore has ended: its error */
		} else if (type == KMIG_DBLK) {
			rc = kmig_rdisks_block(rs, buf, n, why, sizeof(why));
			if (rc)
				break;
		} else if (type == KMIG_SEOF) {
			break;
		} else {
			snprintf(why, sizeof(why), "an unexpected frame in the stream");
			break;
		}
	}
	close(p[1]);
	pthread_join(t, NULL);
	*domid = j.domid;
	if (j.rc)
		snprintf(err, errlen, "%.300s%s%.200s", j.err, why[0] ? "; " : "", why);
	return j.rc;
}

/*
 * After a failure, the sender may still be writing: closing now would
 * reset the connection and drop our result unread.  Read and drop what
 * comes until it sees the result (at its next round) and closes, for a
 * bounded time.
 */
static void drain(int fd)
{
	static uint8_t sink[65536];
	int left_ms = MIGRATED_DRAIN_S * 1000;

	shutdown(fd, SHUT_WR);
	while (left_ms > 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 1000) <= 0) {
			left_ms -= 1000;
			continue;
		}
		r = read(fd, sink, sizeof(sink));
		if (r <= 0)
			break;
	}
}

/*
 * After an accepted offer: the disk images (--with-storage), then the
 * stream, raw (STRM) or in frames (STRF), into the restore.  Returns the
 * restore's result; on any failure every image made here is removed.
 */
static int receive(struct migrated *m, int fd, const char *peer,
		   const struct kmig_offer *o, uint16_t *domid, char *err,
		   size_t errlen)
{
	struct kmig_rdisks rs = { .root = m->images_root ? m->images_root :
				  MIGRATED_IMAGES_ROOT };
	int storage = !!(o->flags & KMIG_OFFER_STORAGE);
	uint8_t *buf;
	uint32_t type;
	size_t n;
	int rc;

	buf = malloc(KMIG_DATA_MAX + 1);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		rc = kmig_recv(fd, &type, buf, KMIG_DATA_MAX + 1, &n,
			       storage ? IDLE_MS : KMIG_CTRL_TIMEOUT_MS);
		if (rc) {
			snprintf(err, errlen, "no stream after the offer (%s)",
				 rc == -EPIPE ? "the sender went away" : strerror(-rc));
			break;
		}
		if (storage && type == KMIG_DOPN) {
			rc = kmig_rdisks_open(&rs, buf, n, err, errlen);
			if (rc) {
				kmig_send_error(fd, rc, err);
				break;
			}
			m->log(m, "'%s': receiving the disk image %s (%llu MiB)", o->name,
			       rs.d[rs.n - 1].path,
			       (unsigned long long)(rs.d[rs.n - 1].size >> 20));
			rc = kmig_send(fd, KMIG_OKAY, NULL, 0);
			if (rc)
				break;
		} else if (storage && type == KMIG_DBLK) {
			rc = kmig_rdisks_block(&rs, buf, n, err, errlen);
			if (rc)
				break;
		} else if (type == KMIG_STRM) {

			m->log(m, "receiving '%s' from %s", o->name, peer);
			err[0] = '\0';
			rc = m->restore(m, fd, domid, err, errlen);
			break;
		} else if (type == KMIG_STRF) {
			m->log(m, "receiving '%s' from %s (framed, with %u disk image%s)",
			       o->name, peer, rs.n, rs.n == 1 ? "" : "s");
			err[0] = '\0';
			rc = framed_restore(m, fd, &rs, buf, domid, err, errlen);
			break;
		} else {
			char tn[5];

			snprintf(err, errlen, "an unexpected %s frame after the offer",
				 kmig_type_name(type, tn));
			rc = -EPROTO;
			break;
		}
	}
	free(buf);
	if (rc) {
		m->log(m, "'%s' from %s failed: %s (%s); everything it had created "
		       "is freed%s", o->name, peer, err[0] ? err : "no reason given",
		       strerror(-rc), rs.n ? ", its disk images removed" : "");
	}
	kmig_rdisks_close(&rs, rc == 0);
	return rc;
}

static int serve_offer(struct migrated *m, int fd, const char *peer,
		       const uint8_t *body, size_t len)
{
	struct kmig_offer o;
	char err[512], msg[600];
	uint16_t domid;
	int rc;

	if (kmig_offer_decode(body, len, &o)) {
		m->log(m, "refused %s: a malformed offer", peer);
		kmig_send_error(fd, -EPROTO, "malformed offer");
		return -EPROTO;
	}
	m->log(m, "%s offers '%s' (%llu MiB, %u vCPU%s%s%s)", peer, o.name,
	       (unsigned long long)(o.mem_bytes >> 20), o.vcpus,
	       o.vcpus == 1 ? "" : "s",
	       o.flags & KMIG_OFFER_LIVE ? ", live" : "",
	       o.flags & KMIG_OFFER_STORAGE ? ", with storage" : "");
	if (o.flags & ~(uint32_t)(KMIG_OFFER_LIVE | KMIG_OFFER_STORAGE)) {
		m->log(m, "refused %s: unknown offer flags %#x", peer, o.flags);
		kmig_send_error(fd, -EINVAL, "unknown offer flags");
		return -EINVAL;
	}
	rc = m->name_running(m, o.name);
	if (rc != 0) {
		if (rc > 0) {
			rc = -EEXIST;
			snprintf(msg, sizeof(msg), "a domain called '%s' runs here already",
				 o.name);
		} else {
			snprintf(msg, sizeof(msg), "cannot look for '%s' here: %s",
				 o.name, strerror(-rc));
		}
		m->log(m, "refused '%s' from %s: %s", o.name, peer, msg);
		kmig_send_error(fd, rc, msg);
		return rc;
	}
	err[0] = '\0';
	rc = m->mem_fits(m, o.mem_bytes, err, sizeof(err));
	if (rc) {
		m->log(m, "refused '%s' from %s: %s", o.name, peer, err);
		kmig_send_error(fd, rc, err);
		return rc;
	}
	rc = kmig_send(fd, KMIG_OKAY, NULL, 0);
	if (rc) {
		m->log(m, "'%s' from %s: the sender went away after the offer", o.name, peer);
		return rc;
	}

	rc = receive(m, fd, peer, &o, &domid, err, sizeof(err));
	if (rc) {
		snprintf(msg, sizeof(msg), "%s", err[0] ? err : strerror(-rc));
		(void)kmig_result_send(fd, rc, msg);
		drain(fd);
		return rc;
	}
	m->log(m, "'%s' from %s is running here as domain %u", o.name, peer, domid);
	rc = kmig_result_send(fd, 0, "running");
	if (rc)
		m->log(m, "'%s': cannot tell %s that it runs here (%s): it stays "
		       "running; the sender keeps its copy paused", o.name, peer,
		       strerror(-rc));
	return 0;
}

int migrated_serve(struct migrated *m, int fd, const char *peer)
{
	uint8_t key[KMIG_KEY_BYTES], body[KMIG_FRAME_MAX + 1];
	char err[256], tn[5];
	uint32_t type;
	size_t len;
	int rc;

	rc = kmig_key_load(m->key_path, key, err, sizeof(err));
	if (rc) {
		m->log(m, "refused %s: %s", peer, err);
		kmig_send_error(fd, -EACCES, "this receiver has no migration key");
		return -EACCES;
	}
	rc = kmig_auth_server(fd, key, err, sizeof(err));
	sodium_memzero(key, sizeof(key));
	if (rc) {
		m->log(m, "refused %s: %s", peer, err);
		return rc;
	}
	rc = kmig_recv(fd, &type, body, sizeof(body), &len, KMIG_CTRL_TIMEOUT_MS);
	if (rc) {
		m->log(m, "%s: authenticated, then %s", peer,
		       rc == -EPIPE ? "closed the connection" : strerror(-rc));
		return rc;
	}
	switch (type) {
	case KMIG_BYE:
		m->log(m, "%s: key check passed (migrate-check)", peer);
		return 0;
	case KMIG_OFFR:
		return serve_offer(m, fd, peer, body, len);
	default:
		m->log(m, "refused %s: unexpected %s frame after authentication",
		       peer, kmig_type_name(type, tn));
		kmig_send_error(fd, -EPROTO, "unexpected frame");
		return -EPROTO;
	}
}
