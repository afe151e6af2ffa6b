/*
 * keel-bench-tcp: a plain TCP transfer between two dom0s, the baseline
 * of the live migration benchmark (bench_livemig.py): the link's bandwidth for
 * a sender that writes large buffers, as the migration stream does.
 *
 *   keel-bench-tcp recv PORT            take one connection, read to its end
 *   keel-bench-tcp send HOST PORT MIB   send MIB MiB, wait until the receiver
 *                                       has read it all and closed; prints
 *                                       "bytes=N seconds=S mib_per_s=R"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUF (1 << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int recv_mode(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	static char buf[BUF];
	long long total = 0;
	int l, c, one = 1;
	ssize_t r;

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) || listen(l, 1)) {
		perror("keel-bench-tcp: listen");
		return 1;
	}
	c = accept(l, NULL, NULL);
	if (c < 0) {
		perror("keel-bench-tcp: accept");
		return 1;
	}
	while ((r = read(c, buf, sizeof(buf))) > 0)
		total += r;
	close(c);
	printf("received=%lld\n", total);
	return r < 0;
}

static int send_mode(const char *host, int port, long mib)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	static char buf[BUF];
	long long total = 0, want = (long long)mib << 20;
	double t0, t;
	int fd;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "keel-bench-tcp: %s: not an IPv4 address\n", host);
		return 2;
	}
	memset(buf, 0x5a, sizeof(buf));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("keel-bench-tcp: connect");
		return 1;
	}
	t0 = now();
	while (total < want) {
		size_t n = want - total < BUF ? (size_t)(want - total) : BUF;
		ssize_t w = write(fd, buf, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			perror("keel-bench-tcp: write");
			return 1;
		}
		total += w;
	}
	/* Delivered, not just queued: the receiver closes after reading all. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	t = now() - t0;
	close(fd);
	printf("bytes=%lld seconds=%.3f mib_per_s=%.2f\n", total, t, total / 1048576.0 / t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return recv_mode(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_mode(argv[2], atoi(argv[3]), atol(argv[4]));
	fprintf(stderr, "usage: keel-bench-tcp recv PORT | send HOST PORT MIB\n");
	return 2;
}
