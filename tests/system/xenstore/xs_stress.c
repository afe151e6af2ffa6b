/*
 * Test helper for the store's system tests, built on libkxs.
 *
 *   xs-stress incr SOCKET PATH NPROC NITER
 *       NPROC processes each add 1 to the number at PATH, NITER times, each
 *       increment a read-modify-write transaction retried on EAGAIN
 *       that also writes PATH_mirror with the same value.
 *       Prints "commits N retries R"; exit 0 if every commit succeeded.
 *   xs-stress incr-log SOCKET PATH MAX
 *       Increments PATH up to MAX times, printing each committed value.
 *   xs-stress hold SOCKET PATH VALUE
 *       Writes PATH inside a transaction, prints "held", and waits (at most
 *       60 s) without committing.
 *   xs-stress writers SOCKET PREFIX NPROC
 *       NPROC processes write until the store goes away: process I commits
 *       PREFIX/I/a and PREFIX/I/b = n in one transaction, then writes
 *       PREFIX/I/plain = n, and appends "I n" to stdout once both were
 *       acknowledged.  No reconnecting: each exits when the store dies.
 *   xs-stress verify SOCKET PREFIX NPROC LOGFILE
 *       After a restart: for each I, a == b (no half-applied transaction)
 *       and a, plain >= the last n LOGFILE shows for I (nothing
 *       acknowledged lost), a <= that n + 1.  Prints what it found.
 *   xs-stress snapshot SOCKET PATH
 *       Two connections: inside a transaction of the first, reads of PATH
 *       and of PATH's directory keep answering what the transaction first
 *       saw while the second changes them; the commit fails with EAGAIN.
 *   xs-stress shrink SOCKET PATH SECONDS
 *       Alternates PATH's children between 300 and 5 (long names), each
 *       change one transaction, for SECONDS.
 *   xs-stress tx-across-restart SOCKET PATH
 *       Opens a transaction, prints "open", waits for a line on stdin (the
 *       test restarts the store meanwhile), then writes in it: expects
 *       EAGAIN (the transaction died with the old daemon), and a plain
 *       write on the same handle to work (reconnected).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kxs.h"

#define MAX_RETRIES 10000

/* PATH_mirror gets the same value in the same transaction, so a torn
 * commit would show as a difference. */
static int write_mirror(struct kxs *h, uint32_t tx, const char *path,
			const char *val)
{
	char mpath[512];

	snprintf(mpath, sizeof(mpath), "%s_mirror", path);
	return kxs_write(h, tx, mpath, val, strlen(val));
}

/* One transactional increment; returns the new value or -errno. */
static long incr_once(struct kxs *h, const char *path, unsigned *retries)
{
	unsigned tries;
	long v = 0;
	int rc;

	for (tries = 0; tries < MAX_RETRIES; tries++) {
		uint32_t tx;
		char *val, buf[32];
		size_t len;

		rc = kxs_tx_start(h, &tx);
		if (rc)
			return rc;
		rc = kxs_read(h, tx, path, &val, &len);
		if (rc == 0) {
			v = strtol(val, NULL, 10);
			free(val);
		} else if (rc == -ENOENT) {
			v = 0;
		} else {
			kxs_tx_end(h, tx, false);
			return rc;
		}
		snprintf(buf, sizeof(buf), "%ld", v + 1);
		rc = kxs_write(h, tx, path, buf, strlen(buf));
		if (rc == 0)
			rc = write_mirror(h, tx, path, buf);
		if (rc) {
			kxs_tx_end(h, tx, false);
			return rc;
		}
		rc = kxs_tx_end(h, tx, true);
		if (rc == 0)
			return v + 1;
		if (rc != -EAGAIN)
			return rc;
		(*retries)++;
	}
	return -EAGAIN;
}

static int child_incr(const char *sock, const char *path, long n, int fd)
{
	struct kxs *h;
	unsigned retries = 0;
	long i, r;

	if (kxs_open(sock, NULL, &h))
		return 1;
	for (i = 0; i < n; i++) {
		r = incr_once(h, path, &retries);
		if (r < 0) {
			fprintf(stderr, "increment failed: %s\n", strerror((int)-r));
			return 1;
		}
	}
	kxs_close(h);
	return write(fd, &retries, sizeof(retries)) == sizeof(retries) ? 0 : 1;
}

static int cmd_incr(const char *sock, const char *path, long nproc, long n)
{
	unsigned total = 0, r;
	int p[2], status, bad = 0;
	long i;

	if (pipe(p))
		return 1;
	for (i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(child_incr(sock, path, n, p[1]));
		if (pid < 0)
			return 1;
	}
	close(p[1]);
	for (i = 0; i < nproc; i++) {
		wait(&status);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	while (read(p[0], &r, sizeof(r)) == sizeof(r))
		total += r;
	printf("commits %ld retries %u\n", nproc * n, total);
	return bad ? 1 : 0;
}

static int cmd_incr_log(const char *sock, const char *path, long max)
{
	struct kxs *h;
	unsigned retries = 0;
	long i, r;

	if (kxs_open(sock, NULL, &h))
		return 1;
	kxs_set_reconnect(h, 0);   /* the test kills the store under it */
	for (i = 0; i < max; i++) {
		r = incr_once(h, path, &retries);
		if (r < 0)
			return 1;
		printf("%ld\n", r);
		fflush(stdout);
	}
	kxs_close(h);
	return 0;
}

static int cmd_hold(const char *sock, const char *path, const char *value)
{
	struct kxs *h;
	uint32_t tx;

	if (kxs_open(sock, NULL, &h) || kxs_tx_start(h, &tx) ||
	    kxs_write(h, tx, path, value, strlen(value)))
		return 1;
	printf("held\n");
	fflush(stdout);
	sleep(60);
	return 0;
}

static int writer(const char *sock, const char *prefix, long id)
{
	char a[256], b[256], plain[256], val[32];
	struct kxs *h;
	uint32_t tx;
	long n;
	int rc;

	if (kxs_open(sock, NULL, &h))
		return 1;
	kxs_set_reconnect(h, 0);
	snprintf(a, sizeof(a), "%s/%ld/a", prefix, id);
	snprintf(b, sizeof(b), "%s/%ld/b", prefix, id);
	snprintf(plain, sizeof(plain), "%s/%ld/plain", prefix, id);
	for (n = 1;; n++) {
		snprintf(val, sizeof(val), "%ld", n);
		do {
			rc = kxs_tx_start(h, &tx);
			if (rc == 0)
				rc = kxs_write(h, tx, a, val, strlen(val));
			if (rc == 0)
				rc = kxs_write(h, tx, b, val, strlen(val));
			if (rc == 0)
				rc = kxs_tx_end(h, tx, true);
		} while (rc == -EAGAIN);
		if (rc == 0)
			rc = kxs_write(h, 0, plain, val, strlen(val));
		if (rc)
			return 0;   /* the store died: expected */
		printf("%ld %ld\n", id, n);
		fflush(stdout);
	}
}

static int cmd_writers(const char *sock, const char *prefix, long nproc)
{
	int status;
	long i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < nproc; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(writer(sock, prefix, i));
		if (pid < 0)
			return 1;
	}
	for (i = 0; i < nproc; i++)
		wait(&status);
	return 0;
}

static long read_long(struct kxs *h, const char *path)
{
	char *v;
	size_t len;
	long n;

	if (kxs_read(h, 0, path, &v, &len))
		return -1;
	n = strtol(v, NULL, 10);
	free(v);
	return n;
}

static int cmd_verify(const char *sock, const char *prefix, long nproc,
		      const char *logfile)
{
	long last[256] = { 0 }, id, n, a, b, plain, i;
	char path[256];
	struct kxs *h;
	FILE *f = fopen(logfile, "r");
	int bad = 0;

	if (!f || nproc > 256 || kxs_open(sock, NULL, &h))
		return 1;
	while (fscanf(f, "%ld %ld", &id, &n) == 2)
		if (id >= 0 && id < nproc && n > last[id])
			last[id] = n;
	fclose(f);
	for (i = 0; i < nproc; i++) {
		snprintf(path, sizeof(path), "%s/%ld/a", prefix, i);
		a = read_long(h, path);
		snprintf(path, sizeof(path), "%s/%ld/b", prefix, i);
		b = read_long(h, path);
		snprintf(path, sizeof(path), "%s/%ld/plain", prefix, i);
		plain = read_long(h, path);
		printf("writer %ld: acknowledged %ld, stored a=%ld b=%ld plain=%ld\n",
		       i, last[i], a, b, plain);
		if (a != b || a < last[i] || a > last[i] + 1 ||
		    plain < last[i] || last[i] == 0)
			bad++;
	}
	kxs_close(h);
	return bad ? 1 : 0;
}

static int expect_str(struct kxs *h, uint32_t tx, const char *path,
		      const char *want, const char *what)
{
	char *v;
	size_t len;
	int rc = kxs_read(h, tx, path, &v, &len);

	if (rc) {
		printf("%s: read %s: %s\n", what, path, strerror(-rc));
		return 1;
	}
	rc = strcmp(v, want) != 0;
	if (rc)
		printf("%s: %s is '%s', expected '%s'\n", what, path, v, want);
	free(v);
	return rc;
}

static int cmd_snapshot(const char *sock, const char *path)
{
	char dir[256], child[300], *names;
	struct kxs *a, *b;
	uint32_t tx;
	size_t len;
	int bad = 0, rc;

	if (kxs_open(sock, NULL, &a) || kxs_open(sock, NULL, &b))
		return 1;
	snprintf(dir, sizeof(dir), "%s-dir", path);
	snprintf(child, sizeof(child), "%s/one", dir);
	if (kxs_write(b, 0, path, "old", 3) || kxs_write(b, 0, child, "1", 1) ||
	    kxs_tx_start(a, &tx))
		return 1;
	bad |= expect_str(a, tx, path, "old", "first read");
	if (kxs_directory(a, tx, dir, &names, &len) == 0)
		free(names);
	if (kxs_write(b, 0, path, "new", 3) || kxs_rm(b, 0, child))
		return 1;
	snprintf(child, sizeof(child), "%s/two", dir);
	if (kxs_write(b, 0, child, "2", 1))
		return 1;
	bad |= expect_str(a, tx, path, "old", "read in the transaction");
	bad |= expect_str(a, 0, path, "new", "read outside");
	rc = kxs_directory(a, tx, dir, &names, &len);
	if (rc || len != 4 || memcmp(names, "one", 4) != 0) {
		printf("directory in the transaction: %s\n",
		       rc ? strerror(-rc) : names);
		bad = 1;
	}
	if (rc == 0)
		free(names);
	rc = kxs_tx_end(a, tx, true);
	if (rc != -EAGAIN) {
		printf("commit: %s, expected EAGAIN\n", rc ? strerror(-rc) : "OK");
		bad = 1;
	}
	kxs_close(a);
	kxs_close(b);
	if (!bad)
		printf("snapshot reads held; commit EAGAIN\n");
	return bad;
}

static int set_children(struct kxs *h, const char *path, int n)
{
	char child[300];
	uint32_t tx;
	int i, rc;

	do {
		rc = kxs_tx_start(h, &tx);
		if (rc)
			return rc;
		rc = kxs_rm(h, tx, path);
		for (i = 0; rc == 0 && i < n; i++) {
			snprintf(child, sizeof(child),
				 "%s/a-long-child-name-to-fill-parts-%04d", path, i);
			rc = kxs_write(h, tx, child, "x", 1);
		}
		if (rc == 0)
			rc = kxs_tx_end(h, tx, true);
		else
			kxs_tx_end(h, tx, false);
	} while (rc == -EAGAIN);
	return rc;
}

static int cmd_shrink(const char *sock, const char *path, long seconds)
{
	time_t end = time(NULL) + seconds;
	struct kxs *h;
	long rounds = 0;

	if (kxs_open(sock, NULL, &h))
		return 1;
	while (time(NULL) < end) {
		if (set_children(h, path, 300) || set_children(h, path, 5))
			return 1;
		rounds++;
	}
	printf("shrink: %ld rounds\n", rounds);
	kxs_close(h);
	return 0;
}

static int cmd_tx_across_restart(const char *sock, const char *path)
{
	struct kxs *h;
	uint32_t tx;
	char line[16];
	int rc;

	if (kxs_open(sock, NULL, &h) || kxs_tx_start(h, &tx))
		return 1;
	printf("open\n");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	rc = kxs_write(h, tx, path, "in-tx", 5);
	if (rc != -EAGAIN) {
		printf("write in the old transaction: %s, expected EAGAIN\n",
		       rc ? strerror(-rc) : "OK");
		return 1;
	}
	rc = kxs_tx_end(h, tx, true);
	if (rc != -EAGAIN) {
		printf("its commit: %s, expected EAGAIN\n",
		       rc ? strerror(-rc) : "OK");
		return 1;
	}
	rc = kxs_write(h, 0, path, "after", 5);
	if (rc || kxs_reconnects(h) != 1) {
		printf("write after: %s, reconnects %u\n", strerror(-rc),
		       kxs_reconnects(h));
		return 1;
	}
	printf("EAGAIN, then reconnected\n");
	kxs_close(h);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "writers") == 0)
		return cmd_writers(argv[2], argv[3], atol(argv[4]));
	if (argc == 6 && strcmp(argv[1], "verify") == 0)
		return cmd_verify(argv[2], argv[3], atol(argv[4]), argv[5]);
	if (argc == 4 && strcmp(argv[1], "snapshot") == 0)
		return cmd_snapshot(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "shrink") == 0)
		return cmd_shrink(argv[2], argv[3], atol(argv[4]));
	if (argc == 4 && strcmp(argv[1], "tx-across-restart") == 0)
		return cmd_tx_across_restart(argv[2], argv[3]);
	if (argc == 6 && strcmp(argv[1], "incr") == 0)
		return cmd_incr(argv[2], argv[3], atol(argv[4]), atol(argv[5]));
	if (argc == 5 && strcmp(argv[1], "incr-log") == 0)
		return cmd_incr_log(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: see xs_stress.c\n");
	return 2;
}
