/*
 * keel-bench-net: dom0's side of the network benchmark (bench_net.py,
 * docs/benchmarks.md).  The same client commands measure a guest
 * (guests/netecho) and the baseline, a plain veth peer in a network
 * namespace running `keel-bench-net serve`, which offers the services
 * netecho does on the same ports.
 *
 *   keel-bench-net tcp-get IP BYTES    read BYTES from IP's tcp 19 (source)
 *   keel-bench-net tcp-put IP BYTES    write BYTES to IP's tcp 9 (sink),
 *                                      then wait for the peer to close
 *   keel-bench-net udp-rate IP SECONDS 64-byte datagrams to IP's udp 7
 *                                      (echo), at most 32 unanswered (20 ms
 *                                      without an echo: the rest are lost)
 *   keel-bench-net serve               udp echo 7, tcp sink 9, tcp
 *                                      source 19 (the baseline peer)
 *
 * Results: "BENCH <name> <value>" lines (tcp_get_MBps, tcp_put_MBps,
 * udp_pps).  tcp-get also checks the stream against the pattern (byte i
 * = i % 251, guests/lwip/net_pattern.h) and fails on a difference.  Exit
 * status 0, or 1 with a message on stderr.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORT_ECHO   7
#define PORT_SINK   9
#define PORT_SOURCE 19
#define PERIOD      251u
#define BUF         65536
#define UDP_SIZE    64
#define UDP_WINDOW  32
#define MAX_CONNS   16

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* dom0's CPU ticks from /proc/stat's "cpu" line: busy and total. */
static void cpu_ticks(unsigned long long *busy, unsigned long long *total)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "r");

	*busy = *total = 0;
	if (!f)
		return;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
		   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
		for (int i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];      /* less idle and iowait */
	}
	fclose(f);
}

/* "BENCH dom0_busy_pct X": how much of dom0's CPU the run took. */
static void report_busy(unsigned long long b0, unsigned long long t0)
{
	unsigned long long b1, t1;

	cpu_ticks(&b1, &t1);
	if (t1 > t0)
		printf("BENCH dom0_busy_pct %.0f\n", 100.0 * (double)(b1 - b0) / (double)(t1 - t0));
}

static void fill(uint8_t *b, uint64_t off, size_t n)
{
	uint32_t v = (uint32_t)(off % PERIOD);

	for (size_t i = 0; i < n; i++) {
		b[i] = (uint8_t)v;
		if (++v == PERIOD)
			v = 0;
	}
}

static int fail(const char *what)
{
	fprintf(stderr, "keel-bench-net: %s: %s\n", what, strerror(errno));
	return 1;
}

static int parse_addr(const char *ip, int port, struct sockaddr_in *a)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, ip, &a->sin_addr) != 1) {
		fprintf(stderr, "keel-bench-net: %s is not an IPv4 address\n", ip);
		return -1;
	}
	return 0;
}

static int connect_to(const char *ip, int port)
{
	struct sockaddr_in a;
	int fd;

	if (parse_addr(ip, port, &a) < 0)
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	if (errno || *end || end == s || *v == 0) {
		fprintf(stderr, "keel-bench-net: '%s' is not a positive number\n", s);
		return -1;
	}
	return 0;
}

static int tcp_get(const char *ip, const char *count)
{
	static uint8_t buf[BUF], want[BUF];
	unsigned long long b0, k0;
	uint64_t total, got = 0;
	double t0;
	int fd;

	if (parse_u64(count, &total) < 0)
		return 1;
	fd = connect_to(ip, PORT_SOURCE);
	if (fd < 0)
		return fail("connect to tcp 19");
	cpu_ticks(&b0, &k0);
	t0 = now_s();
	while (got < total) {
		size_t want_n = total - got < BUF ? (size_t)(total - got) : BUF;
		ssize_t n = read(fd, buf, want_n);

		if (n <= 0) {
			fprintf(stderr, "keel-bench-net: stream ended after %llu of %llu bytes\n",
				(unsigned long long)got, (unsigned long long)total);
			close(fd);
			return 1;
		}
		fill(want, got, (size_t)n);
		if (memcmp(buf, want, (size_t)n) != 0) {
			fprintf(stderr, "keel-bench-net: stream differs from the pattern near byte %llu\n",
				(unsigned long long)got);
			close(fd);
			return 1;
		}
		got += (uint64_t)n;
	}
	printf("BENCH tcp_get_MBps %.2f\n", (double)total / (now_s() - t0) / 1e6);
	report_busy(b0, k0);
	close(fd);
	return 0;
}

static int tcp_put(const char *ip, const char *count)
{
	static uint8_t buf[BUF];
	unsigned long long b0, k0;
	uint64_t total, sent = 0;
	double t0;
	char c;
	int fd;

	if (parse_u64(count, &total) < 0)
		return 1;
	fd = connect_to(ip, PORT_SINK);
	if (fd < 0)
		return fail("connect to tcp 9");
	cpu_ticks(&b0, &k0);
	t0 = now_s();
	while (sent < total) {
		size_t n = total - sent < BUF ? (size_t)(total - sent) : BUF;
		ssize_t w;

		fill(buf, sent, n);
		w = write(fd, buf, n);
		if (w <= 0) {
			close(fd);
			return fail("write");
		}
		sent += (uint64_t)w;
	}
	/* The sink closes once it has read everything: time to its close. */
	shutdown(fd, SHUT_WR);
	while (read(fd, &c, 1) > 0)
		;
	printf("BENCH tcp_put_MBps %.2f\n", (double)total / (now_s() - t0) / 1e6);
	report_busy(b0, k0);
	close(fd);
	return 0;
}

static int udp_rate(const char *ip, const char *secs)
{
	uint8_t buf[UDP_SIZE] = { 0 };
	struct sockaddr_in a;
	uint64_t seconds, sent = 0, echoed = 0;
	double t0, end, last_rx;
	int fd, inflight = 0;

	if (parse_u64(secs, &seconds) < 0 || parse_addr(ip, PORT_ECHO, &a) < 0)
		return 1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return fail("udp socket");
	t0 = now_s();
	end = t0 + (double)seconds;
	last_rx = t0;
	while (now_s() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		while (inflight < UDP_WINDOW) {
			memcpy(buf, &sent, sizeof(sent));
			if (send(fd, buf, sizeof(buf), 0) != (ssize_t)sizeof(buf))
				break;
			sent++;
			inflight++;
		}
		if (poll(&p, 1, 10) > 0) {
			while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == (ssize_t)sizeof(buf)) {
				echoed++;
				if (inflight > 0)
					inflight--;
				last_rx = now_s();
			}
		} else if (now_s() - last_rx > 0.02) {
			/* 20 ms (10+ round trips) without an echo: what is
			 * out is lost; open the window again. */
			inflight = 0;
			last_rx = now_s();
		}
	}
	printf("BENCH udp_pps %.0f\n", (double)echoed / (now_s() - t0));
	printf("BENCH udp_sent %llu\n", (unsigned long long)sent);
	printf("BENCH udp_lost %llu\n", (unsigned long long)(sent - echoed));
	close(fd);
	return echoed ? 0 : 1;
}

/* ---- serve: the baseline peer -------------------------------------------- */

struct conn {
	int fd;
	int source;
	uint64_t off;
};

static int listen_on(int type, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int one = 1, fd = socket(AF_INET, type, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, 8) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int serve(void)
{
	static uint8_t buf[BUF];
	struct conn c[MAX_CONNS];
	int u = listen_on(SOCK_DGRAM, PORT_ECHO);
	int sink = listen_on(SOCK_STREAM, PORT_SINK);
	int src = listen_on(SOCK_STREAM, PORT_SOURCE);

	if (u < 0 || sink < 0 || src < 0)
		return fail("bind");
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAX_CONNS; i++)
		c[i].fd = -1;
	for (;;) {
		struct pollfd p[3 + MAX_CONNS];
		int n = 3;

		p[0] = (struct pollfd){ .fd = u, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = sink, .events = POLLIN };
		p[2] = (struct pollfd){ .fd = src, .events = POLLIN };
		for (int i = 0; i < MAX_CONNS; i++)
			p[n++] = (struct pollfd){ .fd = c[i].fd,
				.events = c[i].source ? POLLOUT : POLLIN };
		if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
			return fail("poll");
		if (p[0].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r;

			while ((r = recvfrom(u, buf, sizeof(buf), MSG_DONTWAIT,
					     (struct sockaddr *)&from, &fl)) > 0) {
				sendto(u, buf, (size_t)r, 0, (struct sockaddr *)&from, fl);
				fl = sizeof(from);
			}
		}
		for (int l = 1; l <= 2; l++) {
			int fd;

			if (!(p[l].revents & POLLIN))
				continue;
			fd = accept(p[l].fd, NULL, NULL);
			for (int i = 0; fd >= 0 && i < MAX_CONNS; i++) {
				if (c[i].fd < 0) {
					c[i] = (struct conn){ .fd = fd, .source = l == 2 };
					fd = -1;
				}
			}
			if (fd >= 0)
				close(fd);
		}
		for (int i = 0; i < MAX_CONNS; i++) {
			struct pollfd *q = &p[3 + i];
			ssize_t r;

			if (c[i].fd < 0 || q->fd != c[i].fd || !q->revents)
				continue;
			if (c[i].source) {
				fill(buf, c[i].off, BUF);
				r = write(c[i].fd, buf, BUF);
				if (r > 0)
					c[i].off += (uint64_t)r;
			} else {
				r = read(c[i].fd, buf, BUF);
			}
			if (r <= 0) {
				close(c[i].fd);
				c[i].fd = -1;
			}
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "tcp-get"))
		return tcp_get(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "tcp-put"))
		return tcp_put(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "udp-rate"))
		return udp_rate(argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "serve"))
		return serve();
	fprintf(stderr, "usage: keel-bench-net tcp-get IP BYTES | tcp-put IP BYTES |\n"
			"       udp-rate IP SECONDS | serve\n");
	return 1;
}
