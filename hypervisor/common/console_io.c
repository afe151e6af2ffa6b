/*
 * KEEL_HC_console_io (public/console.h): guest debug output into the
 * hypervisor log, one "(dN) " tag per line, rate-limited per domain so a
 * chatty guest cannot flush everyone else's messages out of the ring.
 */
#include <keel/domain.h>
#include <keel/console.h>
#include <keel/errno.h>
#include <keel/hypercall.h>
#include <keel/time.h>
#include <public/console.h>

#define BURST_BYTES   8192               /* per domain per second */
#define WINDOW_NS     1000000000ull

struct rate {
	uint64_t window_start;
	uint64_t bytes;
	uint64_t dropped;
};

static struct rate rates[MAX_DOMAINS];

static bool allowed(struct domain *d, uint64_t len)
{
	struct rate *r = &rates[d->id];
	uint64_t now = now_ns();

	if (now - r->window_start > WINDOW_NS) {
		if (r->dropped)
			pr_warn("(d%u) %lu bytes of console output dropped\n",
				d->id, r->dropped);
		r->window_start = now;
		r->bytes = 0;
		r->dropped = 0;
	}
	if (r->bytes + len > BURST_BYTES) {
		r->dropped += len;
		return false;
	}
	r->bytes += len;
	return true;
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
	if (!allowed(v->domain, len))
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
			pr_info("(d%u) %s\n", v->domain->id, buf + start);
		start = i + 1;
	}
	return (long)len;
}
