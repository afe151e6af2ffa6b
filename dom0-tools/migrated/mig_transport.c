/*
 * The migration transport: frames, key, challenge-response, offer and
 * result (mig_transport.h; docs/migration.md, "Transport").  Shared by
 * vmctl migrate and keel-migrated; unit-tested over socket pairs
 * (tests/unit/migrated).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "mig_transport.h"

static const char label_sender[] = "keel-migrate sender v1";
static const char label_receiver[] = "keel-migrate receiver v1";
static const uint8_t helo_magic[8] = "KEELMIG";   /* with its NUL */

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

const char *kmig_type_name(uint32_t type, char buf[5])
{
	int i;

	for (i = 0; i < 4; i++) {
		char c = (char)(type >> (8 * i));

		buf[i] = isprint((unsigned char)c) ? c : '?';
	}
	buf[4] = '\0';
	return buf;
}

int kmig_key_parse(const char *text, uint8_t key[KMIG_KEY_BYTES])
{
	const char *end;
	size_t bin_len = 0;

	while (*text && isspace((unsigned char)*text))
		text++;
	if (sodium_hex2bin(key, KMIG_KEY_BYTES, text, strlen(text), NULL,
			   &bin_len, &end) != 0 || bin_len != KMIG_KEY_BYTES)
		return -EINVAL;
	while (*end && isspace((unsigned char)*end))
		end++;
	return *end ? -EINVAL : 0;
}

int kmig_key_load(const char *path, uint8_t key[KMIG_KEY_BYTES], char *err,
		  size_t errlen)
{
	char text[256];
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the migration key %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	n = read(fd, text, sizeof(text) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc) {
		snprintf(err, errlen, "cannot read the migration key %s: %s", path,
			 strerror(-rc));
		return rc;
	}
	text[n] = '\0';
	rc = kmig_key_parse(text, key);
	sodium_memzero(text, sizeof(text));
	if (rc)
		snprintf(err, errlen, "%s is not a migration key (64 hex digits, "
			 "32 bytes)", path);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until fd is ready for events; 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long deadline = now_ms() + timeout_ms;
	int rc;

	for (;;) {
		long long left = deadline - now_ms();

		if (left < 0)
			left = 0;
		rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 0;
		if (rc == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

int kmig_write_all(int fd, const void *buf, size_t n, int timeout_ms)
{
	const uint8_t *p = buf;
	int rc;

	while (n) {
		ssize_t w;

		rc = wait_fd(fd, POLLOUT, timeout_ms);
		if (rc)
			return rc;
		w = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int kmig_read_all(int fd, void *buf, size_t n, int timeout_ms)
{
	uint8_t *p = buf;
	int rc;

	while (n) {
		ssize_t r;

		rc = wait_fd(fd, POLLIN, timeout_ms);
		if (rc)
			return rc;
		r = read(fd, p, n);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EPIPE;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int kmig_send(int fd, uint32_t type, const void *body, size_t len)
{
	uint8_t hdr[8];
	int rc;

	if (len > KMIG_DATA_MAX)
		return -EMSGSIZE;
	put32(hdr, type);
	put32(hdr + 4, (uint32_t)len);
	rc = kmig_write_all(fd, hdr, sizeof(hdr), KMIG_CTRL_TIMEOUT_MS);
	if (!rc && len)
		rc = kmig_write_all(fd, body, len, KMIG_CTRL_TIMEOUT_MS);
	return rc;
}

int kmig_recv(int fd, uint32_t *type, void *buf, size_t size, size_t *len,
	      int timeout_ms)
{
	uint8_t hdr[8];
	uint32_t n;
	int rc;

	rc = kmig_read_all(fd, hdr, sizeof(hdr), timeout_ms);
	if (rc)
		return rc;
	*type = get32(hdr);
	n = get32(hdr + 4);
	if (n > size)
		return -EPROTO;
	rc = kmig_read_all(fd, buf, n, timeout_ms);
	if (rc)
		return rc;
	if (n < size)
		((uint8_t *)buf)[n] = 0;
	*len = n;
	return 0;
}

void kmig_send_error(int fd, int rc, const char *msg)
{
	uint8_t body[KMIG_FRAME_MAX];
	size_t n = strnlen(msg, sizeof(body) - 4);

	put32(body, (uint32_t)rc);
	memcpy(body + 4, msg, n);
	(void)kmig_send(fd, KMIG_ERRR, body, n + 4);
}

/* An ERRR body into (rc, err); rc is -EPROTO if it is malformed. */
static int error_frame(const uint8_t *body, size_t len, char *err, size_t errlen)
{
	int rc;

	if (len < 4) {
		snprintf(err, errlen, "the receiver sent a malformed error");
		return -EPROTO;
	}
	rc = (int)get32(body);
	if (rc >= 0 || rc < -4095)
		rc = -EPROTO;
	snprintf(err, errlen, "%.*s", (int)(len - 4), (const char *)body + 4);
	return rc;
}

/* mac = crypto_auth(key, label || a || b) */
static void make_mac(uint8_t mac[KMIG_MAC_BYTES], const char *label,
		     const uint8_t a[KMIG_NONCE_BYTES],
		     const uint8_t b[KMIG_NONCE_BYTES],
		     const uint8_t key[KMIG_KEY_BYTES])
{
	crypto_auth_hmacsha512256_state st;

	crypto_auth_hmacsha512256_init(&st, key, KMIG_KEY_BYTES);
	crypto_auth_hmacsha512256_update(&st, (const uint8_t *)label, strlen(label));
	crypto_auth_hmacsha512256_update(&st, a, KMIG_NONCE_BYTES);
	crypto_auth_hmacsha512256_update(&st, b, KMIG_NONCE_BYTES);
	crypto_auth_hmacsha512256_final(&st, mac);
}

static int sodium_ready(char *err, size_t errlen)
{
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium did not initialise");
		return -EIO;
	}
	return 0;
}

static const char *io_what(int rc)
{
	if (rc == -EPIPE)
		return "the connection was closed";
	if (rc == -ETIMEDOUT)
		return "no answer in time";
	return strerror(-rc);
}

int kmig_auth_client(int fd, const uint8_t key[KMIG_KEY_BYTES], char *err,
		     size_t errlen)
{
	uint8_t body[KMIG_FRAME_MAX + 1], nonce_r[KMIG_NONCE_BYTES];
	uint8_t auth[4 + KMIG_NONCE_BYTES + KMIG_MAC_BYTES], want[KMIG_MAC_BYTES];
	uint8_t *nonce_s = auth + 4, *mac_s = auth + 4 + KMIG_NONCE_BYTES;
	uint32_t type;
	size_t len;
	char tn[5];
	int rc;

	rc = sodium_ready(err, errlen);
	if (rc)
		return rc;
	rc = kmig_recv(fd, &type, body, sizeof(body), &len, KMIG_CTRL_TIMEOUT_MS);
	if (rc) {
		snprintf(err, errlen, "no greeting from the receiver: %s", io_what(rc));
		return rc;
	}
	if (type == KMIG_ERRR)
		return error_frame(body, len, err, errlen);
	if (type != KMIG_HELO || len != 16 + KMIG_NONCE_BYTES ||
	    memcmp(body, helo_magic, sizeof(helo_magic))) {
		snprintf(err, errlen, "the peer is not a Keel migration receiver "
			 "(its first frame: %s, %zu bytes)", kmig_type_name(type, tn), len);
		return -EPROTO;
	}
	if (get32(body + 8) != KMIG_VERSION) {
		snprintf(err, errlen, "the receiver speaks transport version %u, we "
			 "speak %u", get32(body + 8), KMIG_VERSION);
		return -EPROTO;
	}
	memcpy(nonce_r, body + 16, KMIG_NONCE_BYTES);

	put32(auth, KMIG_VERSION);
	randombytes_buf(nonce_s, KMIG_NONCE_BYTES);
	make_mac(mac_s, label_sender, nonce_r, nonce_s, key);
	rc = kmig_send(fd, KMIG_AUTH, auth, sizeof(auth));
	if (rc) {
		snprintf(err, errlen, "cannot send our proof: %s", io_what(rc));
		return rc;
	}
	rc = kmig_recv(fd, &type, body, sizeof(body), &len, KMIG_CTRL_TIMEOUT_MS);
	if (rc) {
		snprintf(err, errlen, "no answer to our proof: %s", io_what(rc));
		return rc;
	}
	if (type == KMIG_ERRR)
		return error_frame(body, len, err, errlen);
	if (type != KMIG_AKOK || len != KMIG_MAC_BYTES) {
		snprintf(err, errlen, "unexpected %s frame after our proof",
			 kmig_type_name(type, tn));
		return -EPROTO;
	}
	make_mac(want, label_receiver, nonce_s, nonce_r, key);
	if (sodium_memcmp(want, body, KMIG_MAC_BYTES) != 0) {
		snprintf(err, errlen, "the receiver does not hold our migration key "
			 "(its proof is wrong)");
		return -EACCES;
	}
	return 0;
}

int kmig_auth_server(int fd, const uint8_t key[KMIG_KEY_BYTES], char *err,
		     size_t errlen)
{
	uint8_t helo[16 + KMIG_NONCE_BYTES], body[KMIG_FRAME_MAX + 1];
	uint8_t *nonce_r = helo + 16, want[KMIG_MAC_BYTES], mac_r[KMIG_MAC_BYTES];
	uint32_t type;
	size_t len;
	char tn[5];
	int rc;

	rc = sodium_ready(err, errlen);
	if (rc)
		return rc;
	memset(helo, 0, sizeof(helo));
	memcpy(helo, helo_magic, sizeof(helo_magic));
	put32(helo + 8, KMIG_VERSION);
	randombytes_buf(nonce_r, KMIG_NONCE_BYTES);
	rc = kmig_send(fd, KMIG_HELO, helo, sizeof(helo));
	if (rc) {
		snprintf(err, errlen, "cannot send the greeting: %s", io_what(rc));
		return rc;
	}
	rc = kmig_recv(fd, &type, body, sizeof(body), &len, KMIG_CTRL_TIMEOUT_MS);
	if (rc) {
		snprintf(err, errlen, "no proof of the key: %s",
			 rc == -EPROTO ? "an oversized frame" : io_what(rc));
		return rc == -EPROTO ? -EACCES : rc;
	}
	if (type != KMIG_AUTH || len != 4 + KMIG_NONCE_BYTES + KMIG_MAC_BYTES) {
		snprintf(err, errlen, "not a Keel migration sender (a %s frame of "
			 "%zu bytes instead of the proof)", kmig_type_name(type, tn), len);
		kmig_send_error(fd, -EACCES, "authentication failed");
		return -EACCES;
	}
	if (get32(body) != KMIG_VERSION) {
		snprintf(err, errlen, "the sender speaks transport version %u, we "
			 "speak %u", get32(body), KMIG_VERSION);
		kmig_send_error(fd, -EPROTO, "unsupported transport version");
		return -EPROTO;
	}
	make_mac(want, label_sender, nonce_r, body + 4, key);
	if (sodium_memcmp(want, body + 4 + KMIG_NONCE_BYTES, KMIG_MAC_BYTES) != 0) {
		snprintf(err, errlen, "authentication failed (wrong migration key?)");
		kmig_send_error(fd, -EACCES, "authentication failed: the sender "
				"does not hold this host's migration key");
		return -EACCES;
	}
	make_mac(mac_r, label_receiver, body + 4, nonce_r, key);
	rc = kmig_send(fd, KMIG_AKOK, mac_r, sizeof(mac_r));
	if (rc)
		snprintf(err, errlen, "cannot answer the proof: %s", io_what(rc));
	return rc;
}

size_t kmig_offer_encode(const struct kmig_offer *o, uint8_t *buf, size_t size)
{
	size_t n = strnlen(o->name, KMIG_NAME_MAX);

	if (size < 18 + n)
		return 0;
	put64(buf, o->mem_bytes);
	put32(buf + 8, o->vcpus);
	put32(buf + 12, o->flags);
	buf[16] = (uint8_t)n;
	buf[17] = (uint8_t)(n >> 8);
	memcpy(buf + 18, o->name, n);
	return 18 + n;
}

int kmig_offer_decode(const uint8_t *buf, size_t len, struct kmig_offer *o)
{
	size_t n, i;

	if (len < 18)
		return -EPROTO;
	n = buf[16] | (size_t)buf[17] << 8;
	if (n == 0 || n > KMIG_NAME_MAX || len != 18 + n)
		return -EPROTO;
	for (i = 0; i < n; i++)
		if (!isgraph(buf[18 + i]) || buf[18 + i] == '/')
			return -EPROTO;
	memset(o, 0, sizeof(*o));
	o->mem_bytes = get64(buf);
	o->vcpus = get32(buf + 8);
	o->flags = get32(buf + 12);
	memcpy(o->name, buf + 18, n);
	o->name[n] = '\0';
	if (!o->mem_bytes || !o->vcpus)
		return -EPROTO;
	return 0;
}

int kmig_offer_answer(int fd, char *err, size_t errlen)
{
	uint8_t body[KMIG_FRAME_MAX + 1];
	uint32_t type;
	size_t len;
	char tn[5];
	int rc;

	rc = kmig_recv(fd, &type, body, sizeof(body), &len, KMIG_CTRL_TIMEOUT_MS);
	if (rc) {
		snprintf(err, errlen, "no answer to the offer: %s", io_what(rc));
		return rc;
	}
	if (type == KMIG_ERRR)
		return error_frame(body, len, err, errlen);
	if (type != KMIG_OKAY || len) {
		snprintf(err, errlen, "unexpected %s frame after the offer",
			 kmig_type_name(type, tn));
		return -EPROTO;
	}
	return 0;
}

int kmig_result_send(int fd, int status, const char *msg)
{
	uint8_t body[KMIG_FRAME_MAX];
	size_t n = strnlen(msg, sizeof(body) - 4);

	put32(body, (uint32_t)status);
	memcpy(body + 4, msg, n);
	return kmig_send(fd, KMIG_RSLT, body, n + 4);
}

int kmig_result_recv(int fd, int timeout_ms, int *status, char *msg,
		     size_t msglen)
{
	uint8_t body[KMIG_FRAME_MAX + 1];
	uint32_t type;
	size_t len;
	char tn[5];
	int rc;

	rc = kmig_recv(fd, &type, body, sizeof(body), &len, timeout_ms);
	if (rc) {
		snprintf(msg, msglen, "no result from the receiver: %s", io_what(rc));
		return rc;
	}
	if (type == KMIG_ERRR) {
		*status = error_frame(body, len, msg, msglen);
		return 0;
	}
	if (type != KMIG_RSLT || len < 4) {
		snprintf(msg, msglen, "unexpected %s frame instead of the result",
			 kmig_type_name(type, tn));
		return -EPROTO;
	}
	*status = (int)get32(body);
	if (*status > 0 || *status < -4095)
		*status = -EPROTO;
	snprintf(msg, msglen, "%.*s", (int)(len - 4), (const char *)body + 4);
	return 0;
}
