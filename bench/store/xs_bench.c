/*
 * Store benchmark client.
 *
 *   xs-bench SOCKET pair|tx10 NCLIENTS MILLISECONDS
 *
 * NCLIENTS processes run the workload on distinct keys until the time is
 * up; prints the total operations per second:
 *   pair: one WRITE then one READ of the same key = 1 operation
 *   tx10: one transaction of 10 WRITEs, committed = 1 operation
 *         (a commit that loses a race is retried and not counted)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kxs.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int one_pair(struct kxs *h, int client, long i)
{
	char path[64], val[32], *got;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "/bench/c%d/k%ld", client, i % 1000);
	snprintf(val, sizeof(val), "%ld", i);
	rc = kxs_write(h, 0, path, val, strlen(val));
	if (rc == 0)
		rc = kxs_read(h, 0, path, &got, &len);
	if (rc == 0)
		free(got);
	return rc;
}

static int one_tx10(struct kxs *h, int client, long i)
{
	char path[64], val[32];
	uint32_t tx;
	int k, rc;

	do {
		rc = kxs_tx_start(h, &tx);
		for (k = 0; k < 10 && rc == 0; k++) {
			snprintf(path, sizeof(path), "/bench/c%d/t%d", client, k);
			snprintf(val, sizeof(val), "%ld", i);
			rc = kxs_write(h, tx, path, val, strlen(val));
		}
		if (rc) {
			kxs_tx_end(h, tx, false);
			return rc;
		}
		rc = kxs_tx_end(h, tx, true);
	} while (rc == -EAGAIN);
	return rc;
}

static int client(const char *sock, const char *mode, int id, double end,
		  int fd)
{
	int (*fn)(struct kxs *, int, long) =
		strcmp(mode, "tx10") == 0 ? one_tx10 : one_pair;
	struct kxs *h;
	long ops = 0;

	if (kxs_open(sock, NULL, &h))
		return 1;
	while (now() < end) {
		if (fn(h, id, ops))
			return 1;
		ops++;
	}
	kxs_close(h);
	return write(fd, &ops, sizeof(ops)) == sizeof(ops) ? 0 : 1;
}

int main(int argc, char **argv)
{
	int n, i, p[2], status, bad = 0;
	double start, end, ms;
	long total = 0, ops;

	if (argc != 5) {
		fprintf(stderr, "usage: xs-bench SOCKET pair|tx10 N MS\n");
		return 2;
	}
	n = atoi(argv[3]);
	ms = atof(argv[4]);
	if (pipe(p))
		return 1;
	start = now();
	end = start + ms / 1000.0;
	for (i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(client(argv[1], argv[2], i, end, p[1]));
		if (pid < 0)
			return 1;
	}
	close(p[1]);
	for (i = 0; i < n; i++) {
		wait(&status);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	while (read(p[0], &ops, sizeof(ops)) == sizeof(ops))
		total += ops;
	printf("%.0f\n", (double)total / (now() - start));
	return bad ? 1 : 0;
}
