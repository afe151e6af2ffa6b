/*
 * keel-bench-dom: the dom0 side of the domain benchmarks (issue 4).
 *
 *   keel-bench-dom null [BATCHES [CALLS]]
 *       Null hypercall (KEEL_HC_version/KEEL_VERSION_ABI through
 *       /dev/keel/privcmd) beside a null system call (getppid): BATCHES
 *       (default 21) batches of CALLS (default 10000) of each, interleaved
 *       so that drift hits both alike; the median batch, in ns per call.
 *   keel-bench-dom rtt DOMID PORT [PINGS]
 *       Event-channel round trip with a guest that echoes (guests/bench):
 *       bind_interdomain to DOMID's PORT, then PINGS (default 2000) times
 *       notify, wait for the port (poll, read), unmask; median round trip.
 *   keel-bench-dom lifecycle CONFIG NAME LOGFILE [CYCLES]
 *       CYCLES (default 5) times: remove LOGFILE, run `vmctl create CONFIG`,
 *       wait for the first complete line in LOGFILE (the guest's console
 *       log), then run `vmctl destroy NAME`; medians of the time from the
 *       start of create to its exit, to the first console line, and of
 *       destroy.
 *
 * Every result is printed as "BENCH <key> <value>" (one per line) for
 * bench/domains/bench_domains.py, beside a human-readable line.  Every wait
 * is bounded.  Exit status 0, or 1 with a message on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "keelctl.h"

#define PROG "keel-bench-dom"
#define MAX_SAMPLES     100000
#define PING_TIMEOUT_MS 2000
#define WARMUP_PINGS    50
#define FIRST_LINE_TIMEOUT_NS (60ull * 1000000000ull)
#define POLL_STEP_NS    500000ull     /* 0.5 ms between looks at the log */

extern char **environ;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v and returns its median (the upper one for an even n). */
static uint64_t median(uint64_t *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static int parse_count(const char *s, long lo, long hi, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || n < lo || n > hi)
		return -EINVAL;
	*out = n;
	return 0;
}

/* ---- null hypercall beside getppid ---- */

static int bench_null(long batches, long calls)
{
	struct keel_stderr_logger log;
	struct keel_ctl *h;
	uint64_t *hc, *sc, hc_med, sc_med;
	int rc = -ENOMEM;

	keel_stderr_logger_init(&log, PROG, KEEL_LOG_WARN);
	hc = calloc((size_t)batches, sizeof(*hc));
	sc = calloc((size_t)batches, sizeof(*sc));
	if (!hc || !sc) {
		fprintf(stderr, PROG ": out of memory\n");
		goto out_free;
	}
	h = keel_ctl_open(&log.base, 0);
	if (!h) {
		rc = -errno;
		goto out_free;
	}
	for (long b = 0; b < batches; b++) {
		uint64_t t0 = now_ns();

		for (long i = 0; i < calls; i++)
			syscall(SYS_getppid);  /* not cached by glibc: a real syscall */
		sc[b] = now_ns() - t0;

		t0 = now_ns();
		for (long i = 0; i < calls; i++) {
			int64_t r = keel_ctl_abi_version(h);

			if (r != KEEL_ABI_VERSION) {
				fprintf(stderr, PROG ": null hypercall returned %lld\n",
					(long long)r);
				rc = r < 0 ? (int)r : -EINVAL;
				goto out_close;
			}
		}
		hc[b] = now_ns() - t0;
	}
	/* Sort both before printing: median() sorts in place. */
	hc_med = median(hc, (size_t)batches) / (uint64_t)calls;
	sc_med = median(sc, (size_t)batches) / (uint64_t)calls;
	printf("null hypercall from dom0 user space: %ld batches of %ld calls: median %llu ns/call (fastest %llu, slowest %llu)\n",
	       batches, calls, (unsigned long long)hc_med,
	       (unsigned long long)(hc[0] / (uint64_t)calls),
	       (unsigned long long)(hc[batches - 1] / (uint64_t)calls));
	printf("null system call (getppid), same run:  median %llu ns/call (fastest %llu, slowest %llu)\n",
	       (unsigned long long)sc_med,
	       (unsigned long long)(sc[0] / (uint64_t)calls),
	       (unsigned long long)(sc[batches - 1] / (uint64_t)calls));
	printf("BENCH dom0_null_hypercall_ns %llu\n", (unsigned long long)hc_med);
	printf("BENCH dom0_null_syscall_ns %llu\n", (unsigned long long)sc_med);
	rc = 0;
out_close:
	keel_ctl_close(h);
out_free:
	free(sc);
	free(hc);
	return rc;
}

/* ---- event-channel round trip ---- */

/* One ping: notify, wait (bounded) for `port`, unmask.  0 or -errno. */
static int ping(struct keel_evtchn *e, uint32_t port)
{
	struct pollfd pfd = { .fd = keel_evtchn_fd(e), .events = POLLIN };
	long got;
	int rc;

	rc = keel_evtchn_notify(e, port);
	if (rc)
		return rc;
	for (;;) {
		rc = poll(&pfd, 1, PING_TIMEOUT_MS);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc < 0)
			return -errno;
		if (rc == 0)
			return -ETIMEDOUT;
		got = keel_evtchn_pending(e);
		if (got == -EAGAIN)
			continue;
		if (got < 0)
			return (int)got;
		rc = keel_evtchn_unmask(e, (uint32_t)got);
		if (rc)
			return rc;
		if ((uint32_t)got == port)
			return 0;
	}
}

static int bench_rtt(uint16_t domid, uint32_t remote_port, long pings)
{
	struct keel_stderr_logger log;
	struct keel_evtchn *e;
	uint64_t *t;
	long port;
	int rc = -ENOMEM;

	keel_stderr_logger_init(&log, PROG, KEEL_LOG_WARN);
	t = calloc((size_t)pings, sizeof(*t));
	if (!t) {
		fprintf(stderr, PROG ": out of memory\n");
		return rc;
	}
	e = keel_evtchn_open(&log.base, KEEL_EVTCHN_NONBLOCK);
	if (!e) {
		rc = -errno;
		goto out_free;
	}
	port = keel_evtchn_bind_interdomain(e, domid, remote_port);
	if (port < 0) {
		rc = (int)port;
		fprintf(stderr, PROG ": cannot bind domain %u's port %u: %s\n",
			domid, remote_port, strerror(-rc));
		goto out_close;
	}
	for (long i = 0; i < WARMUP_PINGS + pings; i++) {
		uint64_t t0 = now_ns();

		rc = ping(e, (uint32_t)port);
		if (rc) {
			fprintf(stderr, PROG ": ping %ld on port %ld: %s\n", i, port,
				strerror(-rc));
			goto out_close;
		}
		if (i >= WARMUP_PINGS)
			t[i - WARMUP_PINGS] = now_ns() - t0;
	}
	median(t, (size_t)pings);
	printf("event-channel round trip dom0 -> domain %u -> dom0: %ld pings: median %llu ns (fastest %llu, 90th percentile %llu, slowest %llu)\n",
	       domid, pings, (unsigned long long)t[pings / 2],
	       (unsigned long long)t[0], (unsigned long long)t[pings * 9 / 10],
	       (unsigned long long)t[pings - 1]);
	printf("BENCH evtchn_rtt_ns %llu\n", (unsigned long long)t[pings / 2]);
	rc = 0;
out_close:
	keel_evtchn_close(e);   /* closes the port too */
out_free:
	free(t);
	return rc;
}

/* ---- create / first console line / destroy ---- */

/* Runs argv[0] (PATH search) to completion; its exit status, or -errno. */
static int run(char *const argv[])
{
	pid_t pid;
	int st, rc;

	rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc)
		return -rc;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Does `path` hold a complete line yet?  1 yes, 0 not yet. */
static int has_line(const char *path, char *line, size_t size)
{
	char buf[512];
	ssize_t n;
	char *nl;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (!nl)
		return 0;
	*nl = '\0';
	snprintf(line, size, "%s", buf);
	return 1;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000ull),
			       .tv_nsec = (long)(ns % 1000000000ull) };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int bench_lifecycle(char *cfg, char *name, const char *logpath,
			   long cycles)
{
	uint64_t create[64], first[64], destroy[64];
	char *create_argv[] = { "vmctl", "create", cfg, NULL };
	char *destroy_argv[] = { "vmctl", "destroy", name, NULL };
	char line[512] = "";

	for (long c = 0; c < cycles; c++) {
		uint64_t t0, t1, t2;
		int st;

		if (unlink(logpath) < 0 && errno != ENOENT) {
			fprintf(stderr, PROG ": cannot remove %s: %s\n", logpath,
				strerror(errno));
			return -errno;
		}
		t0 = now_ns();
		st = run(create_argv);
		t1 = now_ns();
		if (st != 0) {
			fprintf(stderr, PROG ": vmctl create %s: exit status %d\n", cfg, st);
			return -EIO;
		}
		while (!has_line(logpath, line, sizeof(line))) {
			if (now_ns() - t0 > FIRST_LINE_TIMEOUT_NS) {
				fprintf(stderr, PROG ": no console line in %s after 60 s\n",
					logpath);
				run(destroy_argv);
				return -ETIMEDOUT;
			}
			sleep_ns(POLL_STEP_NS);
		}
		t2 = now_ns();
		create[c] = t1 - t0;
		first[c] = t2 - t0;
		t0 = now_ns();
		st = run(destroy_argv);
		destroy[c] = now_ns() - t0;
		if (st != 0) {
			fprintf(stderr, PROG ": vmctl destroy %s: exit status %d\n", name, st);
			return -EIO;
		}
		printf("cycle %ld: vmctl create %.1f ms, first console line %.1f ms, vmctl destroy %.1f ms\n",
		       c + 1, create[c] / 1e6, first[c] / 1e6, destroy[c] / 1e6);
	}
	printf("first console line: \"%s\"\n", line);
	printf("BENCH create_cmd_ms %.1f\n", median(create, (size_t)cycles) / 1e6);
	printf("BENCH create_to_first_line_ms %.1f\n", median(first, (size_t)cycles) / 1e6);
	printf("BENCH destroy_ms %.1f\n", median(destroy, (size_t)cycles) / 1e6);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: " PROG " null [BATCHES [CALLS]]\n"
		"       " PROG " rtt DOMID PORT [PINGS]\n"
		"       " PROG " lifecycle CONFIG NAME LOGFILE [CYCLES]\n");
	return 1;
}

int main(int argc, char **argv)
{
	long a = 0, b = 0, n = 0;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "null") && argc <= 4) {
		a = 21;
		b = 10000;
		if ((argc > 2 && parse_count(argv[2], 1, 1001, &a)) ||
		    (argc > 3 && parse_count(argv[3], 1, MAX_SAMPLES, &b)))
			return usage();
		rc = bench_null(a, b);
	} else if (argc >= 4 && !strcmp(argv[1], "rtt") && argc <= 5) {
		n = 2000;
		if (parse_count(argv[2], 1, KEEL_DOMID_MAX, &a) ||
		    parse_count(argv[3], 1, KEEL_NR_EVENT_CHANNELS - 1, &b) ||
		    (argc > 4 && parse_count(argv[4], 1, MAX_SAMPLES, &n)))
			return usage();
		rc = bench_rtt((uint16_t)a, (uint32_t)b, n);
	} else if (argc >= 5 && !strcmp(argv[1], "lifecycle") && argc <= 6) {
		n = 5;
		if (argc > 5 && parse_count(argv[5], 1, 64, &n))
			return usage();
		rc = bench_lifecycle(argv[2], argv[3], argv[4], n);
	} else {
		return usage();
	}
	return rc ? 1 : 0;
}
