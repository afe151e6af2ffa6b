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
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[1], "incr") == 0)
		return cmd_incr(argv[2], argv[3], atol(argv[4]), atol(argv[5]));
	if (argc == 5 && strcmp(argv[1], "incr-log") == 0)
		return cmd_incr_log(argv[2], argv[3], atol(argv[4]));
	if (argc == 5 && strcmp(argv[1], "hold") == 0)
		return cmd_hold(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: see xs_stress.c\n");
	return 2;
}
