/*
 * --with-storage: the sender's passes and relay against the receiver's
 * conversation (serve.c) in a thread, with a fake engine on both ends.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrated.h"
#include "mig_storage.h"

#define KEY_HEX "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define IMG_SIZE (5 * KMIG_BLOCK + 100)

static int sv[2];
static char dir[64], src[128], dst[128], root[128], key_path[128];
static struct migrated mig;
static int serve_rc;
static char log_text[8192];

/* What the fake restore saw. */
static int restore_called, disk_matched_at_end;
static size_t stream_bytes;

static void slog(struct migrated *m, const char *fmt, ...)
{
	size_t n = strlen(log_text);
	va_list ap;

	(void)m;
	va_start(ap, fmt);
	vsnprintf(log_text + n, sizeof(log_text) - n - 1, fmt, ap);
	va_end(ap);
	strcat(log_text, "\n");
}

static int not_running(struct migrated *m, const char *name)
{
	(void)m; (void)name;
	return 0;
}

static int mem_ok(struct migrated *m, uint64_t b, char *err, size_t n)
{
	(void)m; (void)b; (void)err; (void)n;
	return 0;
}

static int files_equal(const char *a, const char *b)
{
	static char x[IMG_SIZE + 1], y[IMG_SIZE + 1];
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	size_t na, nb;

	if (!fa || !fb) {
		if (fa)
			fclose(fa);
		if (fb)
			fclose(fb);
		return 0;
	}
	na = fread(x, 1, sizeof(x), fa);
	nb = fread(y, 1, sizeof(y), fb);
	fclose(fa);
	fclose(fb);
	return na == nb && !memcmp(x, y, na);
}

/* Reads a stream in the engine's framing up to END; at END, checks that
 * the copy equals the source already. */
static int fake_restore(struct migrated *m, int fd, uint16_t *domid, char *err,
			size_t n)
{
	uint8_t hdr[KMIG_STREAM_HEADER], rec[KMIG_STREAM_REC_HDR], body[64];

	(void)m;
	restore_called = 1;
	if (kmig_read_all(fd, hdr, sizeof(hdr), 2000))
		goto cut;
	stream_bytes += sizeof(hdr);
	for (;;) {
		uint32_t type, len;

		if (kmig_read_all(fd, rec, sizeof(rec), 2000))
			goto cut;
		type = rec[0] | rec[1] << 8;
		len = rec[4] | rec[5] << 8;
		len = (len + 7) & ~7u;
		if (len > sizeof(body) || (len && kmig_read_all(fd, body, len, 2000)))
			goto cut;
		stream_bytes += sizeof(rec) + len;
		if (type == KMIG_STREAM_REC_END)
			break;
	}
	disk_matched_at_end = files_equal(src, dst);
	*domid = 9;
	return 0;
cut:
	snprintf(err, n, "the stream ended early");
	return -EPIPE;
}

static void *serve_thread(void *p)
{
	(void)p;
	serve_rc = migrated_serve(&mig, sv[1], "169.254.99.1:40001");
	return NULL;
}

static void write_at(const char *path, off_t off, const char *what, size_t n)
{
	int fd = open(path, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, what, n, off), (ssize_t)n);
	close(fd);
}

static void setup(void)
{
	int fd;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	strcpy(dir, "/tmp/kmig-storage-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/src.img", dir);
	snprintf(root, sizeof(root), "%s/dst/", dir);
	snprintf(dst, sizeof(dst), "%s/dst/disks/guest.img", dir);
	snprintf(key_path, sizeof(key_path), "%s/key", dir);
	mkdir(root, 0755);
	fd = open(key_path, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_eq(write(fd, KEY_HEX, 64), 64);
	close(fd);
	/* blocks 0 and 3 hold data, the rest is a hole; the tail too */
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_eq(ftruncate(fd, IMG_SIZE), 0);
	close(fd);
	write_at(src, 10, "block zero", 10);
	write_at(src, 3 * KMIG_BLOCK + 7, "block three", 11);
	write_at(src, IMG_SIZE - 4, "tail", 4);
	mig = (struct migrated){ .key_path = key_path, .images_root = root,
				 .log = slog, .name_running = not_running,
				 .mem_fits = mem_ok, .restore = fake_restore };
	log_text[0] = '\0';
	restore_called = disk_matched_at_end = 0;
	stream_bytes = 0;
	serve_rc = 1;
}

static void teardown(void)
{
	char cmd[200];

	close(sv[0]);
	close(sv[1]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Auth and a storage offer; returns the offer's answer. */
static int start(void)
{
	uint8_t k[KMIG_KEY_BYTES], buf[128];
	struct kmig_offer o = { .name = "guest", .mem_bytes = 16 << 20, .vcpus = 1,
				.flags = KMIG_OFFER_LIVE | KMIG_OFFER_STORAGE };
	char err[256];
	size_t n;

	kmig_key_parse(KEY_HEX, k);
	ck_assert_int_eq(kmig_auth_client(sv[0], k, err, sizeof(err)), 0);
	n = kmig_offer_encode(&o, buf, sizeof(buf));
	ck_assert_int_eq(kmig_send(sv[0], KMIG_OFFR, buf, n), 0);
	return kmig_offer_answer(sv[0], err, sizeof(err));
}

/* A fake engine's stream: header, one 10-byte record, END. */
static void fake_save(int wr, int with_end)
{
	uint8_t hdr[KMIG_STREAM_HEADER] = "KEELMIG\n", rec[KMIG_STREAM_REC_HDR + 16] = { 1, 0, 0, 0, 10 };
	uint8_t end[KMIG_STREAM_REC_HDR] = { 0 };

	ck_assert_int_eq(write(wr, hdr, sizeof(hdr)), (ssize_t)sizeof(hdr));
	ck_assert_int_eq(write(wr, rec, sizeof(rec)), (ssize_t)sizeof(rec));
	if (with_end)
		ck_assert_int_eq(write(wr, end, sizeof(end)), (ssize_t)sizeof(end));
}

START_TEST(disks_copied_and_rewritten_blocks_sent_again)
{
	struct kmig_disks ds = { 0 };
	struct kmig_relay r;
	pthread_t t;
	char err[256], msg[256];
	int wr, status = 1;

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(start(), 0);
	ck_assert_int_eq(kmig_disks_add(&ds, src, err, sizeof(err)), 0);
	strcpy(ds.d[0].path, dst);          /* one machine: another path */
	ck_assert_int_eq(kmig_disks_announce(sv[0], &ds, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_disks_precopy(sv[0], &ds, err, sizeof(err)), 0);
	/* the first pass sends the 3 blocks that are not zeros */
	ck_assert_uint_eq(ds.blocks_sent, 3);
	/* the guest writes while "running": block 1 and block 3 again */
	write_at(src, KMIG_BLOCK + 1, "written during the copy", 23);
	write_at(src, 3 * KMIG_BLOCK + 7, "BLOCK THREE", 11);
	ck_assert_int_eq(kmig_relay_start(&r, sv[0], &ds, &wr), 0);
	fake_save(wr, 1);
	close(wr);
	ck_assert_int_eq(kmig_relay_finish(&r), 0);
	ck_assert_int_eq(r.end_sent, 1);
	ck_assert_int_eq(r.last_pass_blocks, 2);
	ck_assert_int_eq(kmig_result_recv(sv[0], 5000, &status, msg, sizeof(msg)), 0);
	pthread_join(t, NULL);
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(serve_rc, 0);
	ck_assert_int_eq(disk_matched_at_end, 1);
	ck_assert_uint_eq(stream_bytes, KMIG_STREAM_HEADER + 16 + 16 + 16);
	ck_assert(files_equal(src, dst));
	ck_assert_ptr_nonnull(strstr(log_text, "receiving the disk image"));
	kmig_disks_close(&ds);
}
END_TEST

START_TEST(cut_stream_removes_the_images)
{
	struct kmig_disks ds = { 0 };
	struct kmig_relay r;
	struct stat st;
	pthread_t t;
	char err[256];
	int wr;

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(start(), 0);
	ck_assert_int_eq(kmig_disks_add(&ds, src, err, sizeof(err)), 0);
	strcpy(ds.d[0].path, dst);
	ck_assert_int_eq(kmig_disks_announce(sv[0], &ds, err, sizeof(err)), 0);
	ck_assert_int_eq(kmig_disks_precopy(sv[0], &ds, err, sizeof(err)), 0);
	ck_assert_int_eq(stat(dst, &st), 0);
	ck_assert_int_eq(kmig_relay_start(&r, sv[0], &ds, &wr), 0);
	fake_save(wr, 0);                  /* the engine fails before END */
	close(wr);
	ck_assert_int_eq(kmig_relay_finish(&r), -ENODATA);
	ck_assert_int_eq(r.end_sent, 0);
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	ck_assert_int_lt(serve_rc, 0);
	ck_assert_int_eq(stat(dst, &st), -1);
	ck_assert_ptr_nonnull(strstr(log_text, "its disk images removed"));
	kmig_disks_close(&ds);
}
END_TEST

START_TEST(image_outside_root_or_existing_refused)
{
	struct kmig_disks ds = { 0 };
	struct stat st;
	pthread_t t;
	char err[256];

	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(start(), 0);
	ck_assert_int_eq(kmig_disks_add(&ds, src, err, sizeof(err)), 0);
	snprintf(ds.d[0].path, sizeof(ds.d[0].path), "%s../escape.img", root);
	ck_assert_int_eq(kmig_disks_announce(sv[0], &ds, err, sizeof(err)), -EACCES);
	shutdown(sv[0], SHUT_WR);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "is not a path under"));
	ck_assert_int_eq(stat(ds.d[0].path, &st), -1);

	close(sv[0]);
	close(sv[1]);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	mkdir(root, 0755);
	snprintf(ds.d[0].path, sizeof(ds.d[0].path), "%sthere.img", root);
	close(open(ds.d[0].path, O_WRONLY | O_CREAT, 0600));
	pthread_create(&t, NULL, serve_thread, NULL);
	ck_assert_int_eq(start(), 0);
	ck_assert_int_eq(kmig_disks_announce(sv[0], &ds, err, sizeof(err)), -EEXIST);
	shutdown(sv[0], SHUT_WR);
	pthread_join(t, NULL);
	ck_assert_ptr_nonnull(strstr(err, "exists here already"));
	ck_assert_int_eq(stat(ds.d[0].path, &st), 0);   /* left alone */
	kmig_disks_close(&ds);
}
END_TEST

START_TEST(block_beyond_the_end_refused)
{
	uint8_t body[16 + 8] = { 0 };
	struct kmig_rdisks rs = { .root = root };
	uint8_t open_body[16 + 128] = { 0 };
	char err[256];
	size_t n = strlen(dst);

	open_body[8] = 100;                       /* 100 bytes */
	memcpy(open_body + 16, dst, n);
	ck_assert_int_eq(kmig_rdisks_open(&rs, open_body, 16 + n, err, sizeof(err)), 0);
	body[8] = 96;                             /* offset 96 + 8 bytes > 100 */
	ck_assert_int_eq(kmig_rdisks_block(&rs, body, sizeof(body), err, sizeof(err)), -EPROTO);
	body[0] = 1;                              /* no disk 1 */
	body[8] = 0;
	ck_assert_int_eq(kmig_rdisks_block(&rs, body, sizeof(body), err, sizeof(err)), -EPROTO);
	body[0] = 0;
	ck_assert_int_eq(kmig_rdisks_block(&rs, body, sizeof(body), err, sizeof(err)), 0);
	kmig_rdisks_close(&rs, 0);
	ck_assert_int_eq(access(dst, F_OK), -1);
}
END_TEST

Suite *storage_suite(void)
{
	Suite *s = suite_create("storage");
	TCase *tc = tcase_create("storage");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, disks_copied_and_rewritten_blocks_sent_again);
	tcase_add_test(tc, cut_stream_removes_the_images);
	tcase_add_test(tc, image_outside_root_or_existing_refused);
	tcase_add_test(tc, block_beyond_the_end_refused);
	suite_add_tcase(s, tc);
	return s;
}
