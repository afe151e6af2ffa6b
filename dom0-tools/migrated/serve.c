/*
 * One incoming migration connection, start to end (migrated.h): the key
 * check, then either a bare check (vmctl migrate-check) or an offer, the
 * stream handed to the restore hook, and the result sent back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "migrated.h"

static int serve_offer(struct migrated *m, int fd, const char *peer,
		       const uint8_t *body, size_t len)
{
	struct kmig_offer o;
	char err[512], msg[600];
	uint8_t buf[KMIG_FRAME_MAX + 1];
	uint32_t type;
	uint16_t domid;
	size_t n;
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
	if (o.flags & KMIG_OFFER_STORAGE) {
		m->log(m, "refused '%s' from %s: this receiver cannot take disk "
		       "images (--with-storage)", o.name, peer);
		kmig_send_error(fd, -EOPNOTSUPP, "this receiver does not take disk "
				"images (--with-storage); use the shared directory");
		return -EOPNOTSUPP;
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

	rc = kmig_recv(fd, &type, buf, sizeof(buf), &n, KMIG_CTRL_TIMEOUT_MS);
	if (rc || type != KMIG_STRM) {
		m->log(m, "'%s' from %s: no stream after the offer (%s); nothing "
		       "was created", o.name, peer, rc ? strerror(-rc) : "another frame");
		return rc ? rc : -EPROTO;
	}
	m->log(m, "receiving '%s' from %s", o.name, peer);
	err[0] = '\0';
	rc = m->restore(m, fd, &domid, err, sizeof(err));
	if (rc) {
		m->log(m, "'%s' from %s failed: %s (%s); everything it had created "
		       "is freed", o.name, peer, err[0] ? err : "no reason given",
		       strerror(-rc));
		snprintf(msg, sizeof(msg), "%s", err[0] ? err : strerror(-rc));
		(void)kmig_result_send(fd, rc, msg);
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
