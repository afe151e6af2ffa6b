/*
 * The migration transport and the receiver's conversation: every check
 * runs the two ends on a socket pair, one of them in a thread.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "migrated.h"

static const char key_hex[] =
	"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
static const char other_hex[] =
	"ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";
static int sv[2];

static void pair_setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void pair_teardown(void)
{
	close(sv[0]);
	close(sv[1]);
}

/* ---- keys ---- */

START_TEST(key_parse_accepts_hex_with_blanks)
{
	uint8_t k[KMIG_KEY_BYTES];

	ck_assert_int_eq(kmig_key_parse(key_hex, k), 0);
	ck_assert_uint_eq(k[0], 0x00);
	ck_assert_uint_eq(k[1], 0x11);
	ck_assert_uint_eq(k[31], 0xff);
	ck_assert_int_eq(kmig_key_parse("  ffeeddccbbaa99887766554433221100"
					"ffeeddccbbaa99887766554433221100 \n", k), 0);
	ck_assert_uint_eq(k[0], 0xff);
}
END_TEST

START_TEST(key_parse_refuses_bad_keys)
{
	static const char *bad[] = {
		"",
		"00112233",                                      /* short */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeef", /* odd */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00", /* long */
		"0011223344556677889gaabbccddeeff00112233445566778899aabbccddeeff", /* not hex */
		"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff x",
	};
	uint8_t k[KMIG_KEY_BYTES];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(kmig_key_parse(bad[i], k) == -EINVAL, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(key_load_says_why)
{
	uint8_t k[KMIG_KEY_BYTES];
	char path[] = "/tmp/kmig-test-XXXXXX", err[256];
	int fd;

	ck_assert_int_eq(kmig_key_load("/nonexistent/key", k, err, sizeof(err)), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "cannot read the migration key /nonexistent/key"));
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "nonsense\n", 9), 9);
	close(fd);
	ck_assert_int_eq(kmig_key_load(path, k, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "is not a migration key"));
	fd = open(path, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, key_hex, strlen(key_hex)), (ssize_t)strlen(key_hex));
	close(fd);
	ck_assert_int_eq(kmig_key_load(path, k, err, sizeof(err)), 0);
	ck_assert_uint_eq(k[2], 0x22);
	unlink(path);
}
END_TEST

/* ---- frames ---- */

START_TEST(frame_round_trip)
{
	uint8_t buf[64];
	uint32_t type;
	size_t len;

	ck_assert_int_eq(kmig_send(sv[0], KMIG_OFFR, "hello", 5), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_BYE, NULL, 0), 0);
	ck_assert_int_eq(kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_uint_eq(type, KMIG_OFFR);
	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq((char *)buf, "hello");
	ck_assert_int_eq(kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_uint_eq(type, KMIG_BYE);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(frame_too_big_is_refused)
{
	static uint8_t big[KMIG_DATA_MAX + 1];
	uint8_t hdr[8] = { 'O', 'F', 'F', 'R', 0xff, 0xff, 0, 0 }, buf[64];
	uint32_t type;
	size_t len;

	ck_assert_int_eq(kmig_send(sv[0], KMIG_OFFR, big, sizeof(big)), -EMSGSIZE);
	ck_assert_int_eq(write(sv[0], hdr, sizeof(hdr)), 8);
	ck_assert_int_eq(kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 1000), -EPROTO);
}
END_TEST

START_TEST(frame_eof_and_timeout)
{
	uint8_t buf[64];
	uint32_t type;
	size_t len;

	ck_assert_int_eq(kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 50), -ETIMEDOUT);
	ck_assert_int_eq(write(sv[0], "OFF", 3), 3);       /* a cut header */
	shutdown(sv[0], SHUT_WR);
	ck_assert_int_eq(kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 1000), -EPIPE);
}
END_TEST

/* ---- authentication ---- */

struct auth_job {
	const char *hex;
	int rc;
	char err[256];
};

static void *auth_server_thread(void *p)
{
	struct auth_job *j = p;
	uint8_t k[KMIG_KEY_BYTES];

	kmig_key_parse(j->hex, k);
	j->rc = kmig_auth_server(sv[1], k, j->err, sizeof(j->err));
	return NULL;
}

static int client_auth(const char *hex, char *err, size_t errlen)
{
	uint8_t k[KMIG_KEY_BYTES];

	kmig_key_parse(hex, k);
	return kmig_auth_client(sv[0], k, err, errlen);
}

START_TEST(auth_same_key_passes_both_ways)
{
	struct auth_job j = { .hex = key_hex };
	pthread_t t;
	char err[256] = "";

	pthread_create(&t, NULL, auth_server_thread, &j);
	ck_assert_int_eq(client_auth(key_hex, err, sizeof(err)), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(j.rc, 0);
}
END_TEST

START_TEST(auth_wrong_key_refused)
{
	struct auth_job j = { .hex = key_hex };
	pthread_t t;
	char err[256] = "";

	pthread_create(&t, NULL, auth_server_thread, &j);
	ck_assert_int_eq(client_auth(other_hex, err, sizeof(err)), -EACCES);
	pthread_join(t, NULL);
	ck_assert_int_eq(j.rc, -EACCES);
	ck_assert_str_eq(j.err, "authentication failed (wrong migration key?)");
	ck_assert_ptr_nonnull(strstr(err, "authentication failed"));
}
END_TEST

/* A receiver that has the sender's proof checked by nobody: it answers
 * AKOK with a MAC made without the key.  The sender must refuse it. */
static void *impostor_thread(void *p)
{
	uint8_t helo[16 + KMIG_NONCE_BYTES] = "KEELMIG", buf[256], mac[KMIG_MAC_BYTES];
	uint32_t type;
	size_t len;

	(void)p;
	helo[8] = KMIG_VERSION;
	kmig_send(sv[1], KMIG_HELO, helo, sizeof(helo));
	kmig_recv(sv[1], &type, buf, sizeof(buf), &len, 1000);
	memset(mac, 0x5a, sizeof(mac));
	kmig_send(sv[1], KMIG_AKOK, mac, sizeof(mac));
	return NULL;
}

START_TEST(auth_impostor_receiver_refused)
{
	pthread_t t;
	char err[256] = "";

	pthread_create(&t, NULL, impostor_thread, NULL);
	ck_assert_int_eq(client_auth(key_hex, err, sizeof(err)), -EACCES);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "does not hold our migration key"));
}
END_TEST

/* A replayed proof (from an earlier session) does not pass: the
 * receiver's nonce is new each time. */
START_TEST(auth_replay_refused)
{
	uint8_t k[KMIG_KEY_BYTES], buf[256], auth[4 + 64];
	struct auth_job j = { .hex = key_hex };
	uint32_t type;
	size_t len;
	pthread_t t;

	/* Session 1: capture a genuine AUTH frame sent in answer to HELO 1. */
	kmig_key_parse(key_hex, k);
	pthread_create(&t, NULL, auth_server_thread, &j);
	ck_assert_int_eq(kmig_recv(sv[0], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_uint_eq(type, KMIG_HELO);
	{
		/* make a correct proof by running a client against a copy of
		 * this HELO on a second pair */
		int sv2[2];

		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv2), 0);
		kmig_send(sv2[1], KMIG_HELO, buf, len);
		kmig_send(sv2[1], KMIG_ERRR, "\xf3\xff\xff\xffstop", 8);
		(void)kmig_auth_client(sv2[0], k, (char *)buf, sizeof(buf));
		ck_assert_int_eq(kmig_recv(sv2[1], &type, auth, sizeof(auth), &len, 1000), 0);
		ck_assert_uint_eq(type, KMIG_AUTH);
		close(sv2[0]);
		close(sv2[1]);
	}
	/* That proof answers HELO 1 correctly: accepted. */
	ck_assert_int_eq(kmig_send(sv[0], KMIG_AUTH, auth, len), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(j.rc, 0);
	ck_assert_int_eq(kmig_recv(sv[0], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_uint_eq(type, KMIG_AKOK);

	/* Session 2: the same proof replayed against a fresh HELO fails. */
	pthread_create(&t, NULL, auth_server_thread, &j);
	ck_assert_int_eq(kmig_recv(sv[0], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_AUTH, auth, sizeof(auth)), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(j.rc, -EACCES);
}
END_TEST

START_TEST(auth_garbage_sender_refused)
{
	struct auth_job j = { .hex = key_hex };
	uint8_t buf[256];
	uint32_t type;
	size_t len;
	pthread_t t;

	pthread_create(&t, NULL, auth_server_thread, &j);
	ck_assert_int_eq(kmig_recv(sv[0], &type, buf, sizeof(buf), &len, 1000), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_OFFR, "x", 1), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(j.rc, -EACCES);
	ck_assert_ptr_nonnull(strstr(j.err, "not a Keel migration sender"));
}
END_TEST

START_TEST(auth_client_meets_non_keel_peer)
{
	char err[256];

	ck_assert_int_eq(write(sv[1], "SSH-2.0-OpenSSH\r\n", 17), 17);
	ck_assert_int_eq(client_auth(key_hex, err, sizeof(err)), -EPROTO);
}
END_TEST

/* ---- offers ---- */

START_TEST(offer_round_trip)
{
	struct kmig_offer o = { .name = "counter", .mem_bytes = 64ull << 20, .vcpus = 1,
				.flags = KMIG_OFFER_LIVE }, back;
	uint8_t buf[128];
	size_t n = kmig_offer_encode(&o, buf, sizeof(buf));

	ck_assert_uint_eq(n, 18 + 7);
	ck_assert_int_eq(kmig_offer_decode(buf, n, &back), 0);
	ck_assert_str_eq(back.name, "counter");
	ck_assert_uint_eq(back.mem_bytes, 64ull << 20);
	ck_assert_uint_eq(back.vcpus, 1);
	ck_assert_uint_eq(back.flags, KMIG_OFFER_LIVE);
}
END_TEST

START_TEST(offer_decode_refuses_malformed)
{
	struct kmig_offer o = { .name = "g", .mem_bytes = 1 << 20, .vcpus = 1 }, back;
	uint8_t buf[128];
	size_t n = kmig_offer_encode(&o, buf, sizeof(buf));

	ck_assert_int_eq(kmig_offer_decode(buf, 17, &back), -EPROTO);      /* short */
	ck_assert_int_eq(kmig_offer_decode(buf, n + 1, &back), -EPROTO);   /* long */
	buf[18] = '/';
	ck_assert_int_eq(kmig_offer_decode(buf, n, &back), -EPROTO);       /* a path */
	buf[18] = '\n';
	ck_assert_int_eq(kmig_offer_decode(buf, n, &back), -EPROTO);       /* control */
	buf[18] = 'g';
	buf[16] = 0;
	ck_assert_int_eq(kmig_offer_decode(buf, 18, &back), -EPROTO);      /* no name */
	buf[16] = 200;
	ck_assert_int_eq(kmig_offer_decode(buf, 218, &back), -EPROTO);     /* too long */
	buf[16] = 1;
	memset(buf, 0, 8);
	ck_assert_int_eq(kmig_offer_decode(buf, n, &back), -EPROTO);       /* 0 bytes */
}
END_TEST

/* ---- the receiver's conversation (serve.c) with fake hooks ---- */

struct fake {
	int running;                 /* name_running() answer */
	int mem_rc;                  /* mem_fits() answer */
	int restore_rc;
	size_t stream_len;           /* bytes restore() reads before answering */
	int restore_called;
	size_t got;                  /* bytes it did read */
	char log[4096];
};

static void fake_log(struct migrated *m, const char *fmt, ...)
{
	struct fake *f = m->ctx;
	size_t n = strlen(f->log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->log + n, sizeof(f->log) - n - 1, fmt, ap);
	va_end(ap);
	strcat(f->log, "\n");
}

static int fake_running(struct migrated *m, const char *name)
{
	(void)name;
	return ((struct fake *)m->ctx)->running;
}

static int fake_mem(struct migrated *m, uint64_t bytes, char *err, size_t n)
{
	struct fake *f = m->ctx;

	if (f->mem_rc)
		snprintf(err, n, "not enough free memory here: %llu", (unsigned long long)bytes);
	return f->mem_rc;
}

static int fake_restore(struct migrated *m, int fd, uint16_t *domid, char *err,
			size_t n)
{
	struct fake *f = m->ctx;
	char buf[256];

	f->restore_called = 1;
	while (f->got < f->stream_len) {
		size_t want = f->stream_len - f->got;
		ssize_t r = read(fd, buf, want < sizeof(buf) ? want : sizeof(buf));

		if (r <= 0) {
			snprintf(err, n, "the stream ended early (cut link)");
			return -EPIPE;
		}
		f->got += (size_t)r;
	}
	if (f->restore_rc) {
		snprintf(err, n, "bad checksum in record 3");
		return f->restore_rc;
	}
	*domid = 7;
	return 0;
}

static struct fake fk;
static struct migrated mig;
static char key_path[64];
static int serve_rc;

static void *serve_thread(void *p)
{
	(void)p;
	serve_rc = migrated_serve(&mig, sv[1], "169.254.99.1:40000");
	return NULL;
}

static void serve_setup(void)
{
	int fd;

	pair_setup();
	memset(&fk, 0, sizeof(fk));
	strcpy(key_path, "/tmp/kmig-key-XXXXXX");
	fd = mkstemp(key_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, key_hex, strlen(key_hex)), (ssize_t)strlen(key_hex));
	close(fd);
	mig = (struct migrated){ .key_path = key_path, .log = fake_log,
				 .name_running = fake_running, .mem_fits = fake_mem,
				 .restore = fake_restore, .ctx = &fk };
	serve_rc = 1;
}

static void serve_teardown(void)
{
	unlink(key_path);
	pair_teardown();
}

/* The sender's side up to the offer's answer; returns that answer. */
static int offer(const char *name, uint32_t flags, char *err, size_t n)
{
	struct kmig_offer o = { .mem_bytes = 16 << 20, .vcpus = 1, .flags = flags };
	uint8_t buf[128];
	size_t len;

	snprintf(o.name, sizeof(o.name), "%s", name);
	ck_assert_int_eq(client_auth(key_hex, err, n), 0);
	len = kmig_offer_encode(&o, buf, sizeof(buf));
	ck_assert_int_eq(kmig_send(sv[0], KMIG_OFFR, buf, len), 0);
	return kmig_offer_answer(sv[0], err, n);
}

START_TEST(serve_check_only)
{
	pthread_t t;
	char err[256];

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(client_auth(key_hex, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_BYE, NULL, 0), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(serve_rc, 0);
	ck_assert_ptr_nonnull(strstr(fk.log, "169.254.99.1:40000: key check passed"));
	ck_assert_int_eq(fk.restore_called, 0);
}
END_TEST

START_TEST(serve_wrong_key_logged)
{
	pthread_t t;
	char err[256];

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(client_auth(other_hex, err, sizeof(err)), -EACCES);
	pthread_join(t, NULL);
	ck_assert_int_eq(serve_rc, -EACCES);
	ck_assert_ptr_nonnull(strstr(fk.log, "refused 169.254.99.1:40000: authentication "
				     "failed (wrong migration key?)"));
}
END_TEST

START_TEST(serve_no_key_file_refuses)
{
	pthread_t t;
	char err[256];

	mig.key_path = "/nonexistent/migration.key";
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(client_auth(key_hex, err, sizeof(err)), -EACCES);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "no migration key"));
	ck_assert_ptr_nonnull(strstr(fk.log, "refused 169.254.99.1:40000: cannot read"));
}
END_TEST

START_TEST(serve_refuses_name_running)
{
	pthread_t t;
	char err[256];

	fk.running = 1;
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", KMIG_OFFER_LIVE, err, sizeof(err)), -EEXIST);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "'counter' runs here already"));
	ck_assert_int_eq(fk.restore_called, 0);
}
END_TEST

START_TEST(serve_refuses_no_memory)
{
	pthread_t t;
	char err[256];

	fk.mem_rc = -ENOMEM;
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", 0, err, sizeof(err)), -ENOMEM);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "not enough free memory"));
	ck_assert_ptr_nonnull(strstr(fk.log, "refused 'counter'"));
	ck_assert_int_eq(fk.restore_called, 0);
}
END_TEST

START_TEST(serve_refuses_unknown_flags)
{
	pthread_t t;
	char err[256];

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("g", 0x80, err, sizeof(err)), -EINVAL);
	pthread_join(t, NULL);
	ck_assert_int_eq(fk.restore_called, 0);
}
END_TEST

START_TEST(serve_stream_then_running)
{
	static char stream[10000];
	pthread_t t;
	char err[256], msg[256];
	int status = 1;

	fk.stream_len = sizeof(stream);
	memset(stream, 'S', sizeof(stream));
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", KMIG_OFFER_LIVE, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_STRM, NULL, 0), 0);
	ck_assert_int_eq(kmig_write_all(sv[0], stream, sizeof(stream), 1000), 0);
	ck_assert_int_eq(kmig_result_recv(sv[0], 2000, &status, msg, sizeof(msg)), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(msg, "running");
	ck_assert_int_eq(serve_rc, 0);
	ck_assert_uint_eq(fk.got, sizeof(stream));
	ck_assert_ptr_nonnull(strstr(fk.log, "'counter' from 169.254.99.1:40000 is running here as domain 7"));
}
END_TEST

START_TEST(serve_restore_error_reaches_sender)
{
	pthread_t t;
	char err[256], msg[256];
	int status = 0;

	fk.stream_len = 10;
	fk.restore_rc = -EILSEQ;
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", 0, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_STRM, NULL, 0), 0);
	ck_assert_int_eq(kmig_write_all(sv[0], "0123456789", 10, 1000), 0);
	ck_assert_int_eq(kmig_result_recv(sv[0], 2000, &status, msg, sizeof(msg)), 0);
	shutdown(sv[0], SHUT_WR);                  /* the sender hangs up */
	pthread_join(t, NULL);
	ck_assert_int_eq(status, -EILSEQ);
	ck_assert_str_eq(msg, "bad checksum in record 3");
	ck_assert_int_eq(serve_rc, -EILSEQ);
}
END_TEST

/* The restore fails early while the sender still streams: the receiver
 * reads and drops the rest, so the sender's writes do not fail and it
 * finds the reason waiting for it. */
static void *sender_thread(void *p)
{
	static char chunk[65536];
	size_t *sent = p;
	int i;

	for (i = 0; i < 32; i++) {
		if (kmig_write_all(sv[0], chunk, sizeof(chunk), 2000))
			break;
		*sent += sizeof(chunk);
	}
	return NULL;
}

START_TEST(serve_failure_mid_stream_drains_then_reports)
{
	pthread_t t, ts;
	char err[256], msg[256];
	size_t sent = 0;
	int status = 0;

	fk.stream_len = 10;
	fk.restore_rc = -EILSEQ;
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", KMIG_OFFER_LIVE, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_STRM, NULL, 0), 0);
	pthread_create(&ts, NULL, sender_thread, &sent);
	pthread_join(ts, NULL);
	ck_assert_uint_eq(sent, 32 * 65536);       /* 2 MiB, none refused */
	ck_assert_int_eq(kmig_result_recv(sv[0], 2000, &status, msg, sizeof(msg)), 0);
	ck_assert_int_eq(status, -EILSEQ);
	shutdown(sv[0], SHUT_WR);
	pthread_join(t, NULL);
	ck_assert_int_eq(serve_rc, -EILSEQ);
}
END_TEST

START_TEST(serve_cut_link_mid_stream)
{
	pthread_t t;
	char err[256];

	fk.stream_len = 1 << 20;
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", KMIG_OFFER_LIVE, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_send(sv[0], KMIG_STRM, NULL, 0), 0);
	ck_assert_int_eq(kmig_write_all(sv[0], "partial", 7, 1000), 0);
	shutdown(sv[0], SHUT_RDWR);                /* the sender goes away */
	pthread_join(t, NULL);
	ck_assert_int_eq(serve_rc, -EPIPE);
	ck_assert_uint_eq(fk.got, 7);
	ck_assert_ptr_nonnull(strstr(fk.log, "failed: the stream ended early"));
}
END_TEST

START_TEST(serve_no_stream_after_offer)
{
	pthread_t t;
	char err[256];

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(offer("counter", 0, err, sizeof(err)), 0);
	close(sv[0]);                               /* e.g. Ctrl-C before save */
	sv[0] = open("/dev/null", O_RDONLY);
	pthread_join(t, NULL);
	ck_assert_int_lt(serve_rc, 0);
	ck_assert_int_eq(fk.restore_called, 0);
	ck_assert_ptr_nonnull(strstr(fk.log, "no stream after the offer"));
}
END_TEST

Suite *storage_suite(void);

int main(void)
{
	Suite *s = suite_create("migrated");
	TCase *keys = tcase_create("keys"), *frames = tcase_create("frames");
	TCase *auth = tcase_create("auth"), *offers = tcase_create("offers");
	TCase *serve = tcase_create("serve");
	SRunner *sr;
	int failed;

	tcase_add_test(keys, key_parse_accepts_hex_with_blanks);
	tcase_add_test(keys, key_parse_refuses_bad_keys);
	tcase_add_test(keys, key_load_says_why);
	tcase_add_checked_fixture(frames, pair_setup, pair_teardown);
	tcase_add_test(frames, frame_round_trip);
	tcase_add_test(frames, frame_too_big_is_refused);
	tcase_add_test(frames, frame_eof_and_timeout);
	tcase_add_checked_fixture(auth, pair_setup, pair_teardown);
	tcase_add_test(auth, auth_same_key_passes_both_ways);
	tcase_add_test(auth, auth_wrong_key_refused);
	tcase_add_test(auth, auth_impostor_receiver_refused);
	tcase_add_test(auth, auth_replay_refused);
	tcase_add_test(auth, auth_garbage_sender_refused);
	tcase_add_test(auth, auth_client_meets_non_keel_peer);
	tcase_add_test(offers, offer_round_trip);
	tcase_add_test(offers, offer_decode_refuses_malformed);
	tcase_add_checked_fixture(serve, serve_setup, serve_teardown);
	tcase_add_test(serve, serve_check_only);
	tcase_add_test(serve, serve_wrong_key_logged);
	tcase_add_test(serve, serve_no_key_file_refuses);
	tcase_add_test(serve, serve_refuses_name_running);
	tcase_add_test(serve, serve_refuses_no_memory);
	tcase_add_test(serve, serve_refuses_unknown_flags);
	tcase_add_test(serve, serve_stream_then_running);
	tcase_add_test(serve, serve_restore_error_reaches_sender);
	tcase_add_test(serve, serve_failure_mid_stream_drains_then_reports);
	tcase_add_test(serve, serve_cut_link_mid_stream);
	tcase_add_test(serve, serve_no_stream_after_offer);
	suite_add_tcase(s, keys);
	suite_add_tcase(s, frames);
	suite_add_tcase(s, auth);
	suite_add_tcase(s, offers);
	suite_add_tcase(s, serve);
	signal(SIGPIPE, SIG_IGN);
	sr = srunner_create(s);
	srunner_add_suite(sr, storage_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
