/*
 * KEEL_HC_console_io (public/console.h): guest debug output into the
 * hypervisor log, one "(dN) " tag per line, rate-limited per domain so a
 * chatty guest cannot flush everyone else's messages out of the ring.  The
 * limit counts what reaches the log (tags and line ends included), and its
 * window lives in struct domain under its own lock.  The lines go to the
 * ring (vmctl dmesg), not to the debug port, whose cost per byte made one
 * call hold its pCPU up to 80 ms under TCG (test_fuzz.py, hv-stats).
 */
#include <keel/domain.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/time.h>
#include <public/console.h>

#define BURST_BYTES   8192               /* of log, per domain per second */
#define WINDOW_NS     1000000000ull
#define TAG_BYTES     9                  /* "(d65535) ", the longest tag */

/* What writing buf[0, len) puts into the log: each line (each '\n', and a
 * last unterminated piece) costs its bytes plus a tag and a line end, so a
 * guest sending newlines is charged for the lines it makes. */
static uint64_t log_cost(const char *buf, size_t len)
{
	uint64_t cost = 0;
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		cost += TAG_BYTES + (i - start) + 1;
		start = i + 1;
	}
	if (start < len)
		cost += TAG_BYTES + (len - start) + 1;
	return cost;
}

/* Charge `cost` bytes of log to d's window; false if it does not fit (the
 * len guest bytes are then dropped and counted).  Takes d->console_io.lock;
 * the report of what the last window dropped is printed after it. */
static bool allowed(struct domain *d, uint64_t cost, uint64_t len)
{
	struct console_io_rate *r = &d->console_io;
	uint64_t now = now_ns();
	uint64_t was_dropped = 0;
	bool ok;

	spin_lock(&r->lock);
	if (now - r->window_start > WINDOW_NS) {
		was_dropped = r->dropped;
		r->window_start = now;
		r->bytes = 0;
		r->dropped = 0;
	}
	ok = r->bytes + cost <= BURST_BYTES;
	if (ok)
		r->bytes += cost;
	else
		r->dropped += len;
	spin_unlock(&r->lock);
	if (was_dropped)
		pr_warn("(d%u) %lu bytes of console output dropped\n", d->id,
			was_dropped);
	return ok;
}

long do_console_io(struct vcpu *v, const uint64_t args[HYPERCALL_NARGS])
{
	char buf[KEEL_CONSOLEIO_MAX + 1];
	uint64_t len = args[2];
	size_t start = 0;
	long rc;

	if (args[0] != KEEL_CONSOLEIO_write)
		return -ENOSYS;
	if (len == 0 || len > KEEL_CONSOLEIO_MAX)
		return -EINVAL;
	rc = copy_from_guest(v->domain, buf, args[1], len);
	if (rc)
		return rc;
	if (!allowed(v->domain, log_cost(buf, len), len))
		return (long)len;
	buf[len] = '\0';
	/* One log line per guest line; control characters become '?'. */
	for (size_t i = 0; i <= len; i++) {
		char ch = buf[i];

		if (i < len && ch != '\n') {
			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				buf[i] = '?';
			continue;
		}
		buf[i] = '\0';
		if (i > start || i < len)
			printk_ring(LOG_INFO, "(d%u) %s\n", v->domain->id,
				    buf + start);
		start = i + 1;
	}
	return (long)len;
}
