/*
 * The in-dom0 store benchmark on Debian's libxenstore (the stock Xen
 * client library, as Xen's own figure was measured):
 *
 *   keel-xs-pairs [SECONDS] [KEYS]
 *
 * One process doing xs_write + xs_read of the same key (KEYS distinct
 * keys under /bench-pairs, default 100) for SECONDS (default 5); prints
 * "pairs N seconds S pairs/s R".  The store is found as by every stock
 * client ($XENSTORED_PATH, else /var/run/xenstored/socket).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libxenstore's API (xenstore.h in libxen-dev), declared here so that only
 * the runtime library is needed. */
struct xs_handle;
typedef uint32_t xs_transaction_t;
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh);
bool xs_write(struct xs_handle *h, xs_transaction_t t, const char *path,
	      const void *data, unsigned int len);
void *xs_read(struct xs_handle *h, xs_transaction_t t, const char *path,
	      unsigned int *len);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5.0, t0, t;
	long keys = argc > 2 ? atol(argv[2]) : 100, n = 0;
	struct xs_handle *h = xs_open(0);
	char path[64], val[32];
	unsigned int len;
	void *got;

	if (!h || secs <= 0 || keys <= 0) {
		fprintf(stderr, "keel-xs-pairs: %s\n",
			h ? "usage: keel-xs-pairs [SECONDS] [KEYS]" :
			"cannot reach the store");
		return 1;
	}
	t0 = now();
	do {
		snprintf(path, sizeof(path), "/bench-pairs/k%ld", n % keys);
		snprintf(val, sizeof(val), "%ld", n);
		if (!xs_write(h, 0, path, val, (unsigned)strlen(val))) {
			perror("xs_write");
			return 1;
		}
		got = xs_read(h, 0, path, &len);
		if (!got || len != strlen(val) || memcmp(got, val, len)) {
			fprintf(stderr, "xs_read %s: wrong value\n", path);
			return 1;
		}
		free(got);
		n++;
		t = now() - t0;
	} while (t < secs);
	printf("pairs %ld seconds %.2f pairs/s %.0f\n", n, t, n / t);
	xs_close(h);
	return 0;
}
