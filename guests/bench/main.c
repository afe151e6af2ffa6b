/*
 * bench: the guest side of the domain benchmarks (bench/domains, issue 4).
 *
 * 1. Null hypercall: BATCHES batches of BATCH_CALLS KEEL_HC_version
 *    (KEEL_VERSION_ABI) calls, each batch timed with the kernel's system
 *    time (rdtsc scaled by the pvclock record); prints the median, the
 *    fastest and the slowest batch as ns per call, and one machine-readable
 *    line "BENCH guest_null_hypercall_ns <median>".
 * 2. Event-channel echo: allocates an unbound port that dom0 may bind,
 *    publishes it as <home>/data/bench-port, and sends every event it
 *    receives on that port straight back (from the upcall: a send never
 *    waits).  dom0 (keel-bench-dom rtt) measures the round trip.  It stops
 *    when dom0 writes <home>/data/bench-stop, prints "BENCH guest_echoes N",
 *    closes the port and powers off.
 */
#include "hypercall.h"
#include "kernel.h"
#include "xs.h"

#define BATCHES      21
#define BATCH_CALLS  10000

static keel_evtchn_port_t echo_port;
static volatile uint64_t echoes;
static volatile uint64_t echo_errors;
static volatile int stop_requested;

static void sort_u64(uint64_t *v, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t x = v[i];
		unsigned int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Returns 0, or the first hypercall error. */
static long bench_null_hypercall(void)
{
	uint64_t ns[BATCHES];

	for (unsigned int b = 0; b < BATCHES; b++) {
		uint64_t t0 = time_now_ns();

		for (unsigned int i = 0; i < BATCH_CALLS; i++) {
			long rc = hypercall3(KEEL_HC_version, KEEL_VERSION_ABI, 0, 0);

			if (rc != KEEL_ABI_VERSION)
				return rc < 0 ? rc : -KEEL_EINVAL;
		}
		ns[b] = time_now_ns() - t0;
		/* Let deferred work (store watches, console) run between batches. */
		if (kernel_work_pending())
			kernel_poll();
	}
	sort_u64(ns, BATCHES);
	printk("bench: null hypercall: %u batches of %u calls: median %lu ns/call (fastest %lu, slowest %lu)\n",
	       BATCHES, BATCH_CALLS, (unsigned long)(ns[BATCHES / 2] / BATCH_CALLS),
	       (unsigned long)(ns[0] / BATCH_CALLS),
	       (unsigned long)(ns[BATCHES - 1] / BATCH_CALLS));
	printk("BENCH guest_null_hypercall_ns %lu\n",
	       (unsigned long)(ns[BATCHES / 2] / BATCH_CALLS));
	return 0;
}

/* Upcall context: answer at once; sending is one hypercall, never waits. */
static void echo_handler(keel_evtchn_port_t port, void *arg)
{
	(void)arg;
	if (evtchn_send(port) < 0)
		echo_errors++;
	else
		echoes++;
}

static void stop_changed(const char *path, const char *token, void *arg)
{
	char buf[16];

	(void)token;
	(void)arg;
	/* The store fires every watch once on registration: only a value
	 * that exists means stop. */
	if (xs_read(XS_NO_TX, path, buf, sizeof(buf)) > 0)
		stop_requested = 1;
}

static int echo_setup(void)
{
	char path[96], val[16];
	long port;
	int rc;

	port = evtchn_alloc_unbound(0);
	if (port < 0) {
		printk("bench: cannot allocate a port for dom0: error %ld\n", port);
		return (int)port;
	}
	echo_port = (keel_evtchn_port_t)port;
	rc = evtchn_bind(echo_port, echo_handler, NULL);
	if (rc < 0) {
		printk("bench: cannot bind port %u: error %d\n", echo_port, rc);
		goto err_close;
	}
	rc = xs_home_path(path, sizeof(path), "data/bench-stop");
	if (rc == 0)
		rc = xs_watch(path, "bench-stop", stop_changed, NULL);
	if (rc < 0) {
		printk("bench: cannot watch data/bench-stop: error %d\n", rc);
		goto err_close;
	}
	gk_snprintf(val, sizeof(val), "%u", echo_port);
	rc = xs_home_path(path, sizeof(path), "data/bench-port");
	if (rc == 0)
		rc = xs_write(XS_NO_TX, path, val);
	if (rc < 0) {
		printk("bench: cannot write data/bench-port: error %d\n", rc);
		goto err_close;
	}
	printk("bench: echoing on port %u (data/bench-port)\n", echo_port);
	return 0;

err_close:
	evtchn_close(echo_port);
	return rc;
}

int guest_main(const char *cmdline)
{
	long rc;

	(void)cmdline;
	printk("bench: domain %u\n", kernel_domid);
	rc = bench_null_hypercall();
	if (rc < 0) {
		printk("bench: null hypercall failed: error %ld\n", rc);
		return (int)rc;
	}
	rc = echo_setup();
	if (rc < 0)
		return (int)rc;
	while (!stop_requested)
		kernel_wait(time_now_ns() + NS_PER_SEC);
	evtchn_close(echo_port);
	printk("BENCH guest_echoes %lu\n", (unsigned long)echoes);
	if (echo_errors)
		printk("bench: %lu sends failed\n", (unsigned long)echo_errors);
	return 0;
}
