/*
 * Console frontend (io/console.h): guest output into out[], keyboard input
 * from in[], on the page at start_info.console_gfn with the builder's port
 * start_info.console_evtchn.  The backend in dom0 drains out[] and
 * notifies when it has; a full ring makes a writer in main context wait
 * (at most CONS_WAIT_MAX_NS, once: after a timeout output is dropped
 * until the backend makes room again), while one in an upcall or
 * exception handler drops the rest.
 */
#include "hypercall.h"
#include "kernel.h"
#include "ring.h"

#define CONS_WAIT_MAX_NS (2 * NS_PER_SEC)   /* then drop: backend gone */

static struct keel_console_ring *ring;
static keel_evtchn_port_t port;
static volatile uint64_t events;
static int broken;
static int stalled;     /* a wait timed out: drop, do not wait, until it drains */

static void cons_handler(keel_evtchn_port_t p, void *arg)
{
	(void)p;
	(void)arg;
	events++;
}

int cons_init(void)
{
	int rc;

	if (!start_info->console_gfn || !start_info->console_evtchn)
		return -KEEL_ENOENT;
	ring = (struct keel_console_ring *)(uintptr_t)(start_info->console_gfn << KEEL_PAGE_SHIFT);
	port = start_info->console_evtchn;
	rc = evtchn_bind(port, cons_handler, NULL);
	if (rc < 0) {
		ring = NULL;
		return rc;
	}
	return 0;
}

int cons_connected(void)
{
	return ring != NULL && !broken;
}

void cons_write(const char *s, size_t len, int may_wait)
{
	uint64_t give_up = 0;

	if (!cons_connected())
		return;
	while (len) {
		long n = cons_ring_put(ring, s, len);

		if (n < 0) {
			broken = 1;     /* indices corrupted: stop using it */
			return;
		}
		if (n > 0) {
			stalled = 0;
			evtchn_send(port);
			s += n;
			len -= (size_t)n;
			continue;
		}
		if (!may_wait || stalled)
			return;
		if (!give_up) {
			give_up = time_now_ns() + CONS_WAIT_MAX_NS;
		} else if (time_now_ns() >= give_up) {
			stalled = 1;
			return;
		}
		kernel_block(time_now_ns() + 10 * NS_PER_MS);
	}
}

size_t cons_read(char *buf, size_t len)
{
	long n;

	if (!cons_connected())
		return 0;
	n = cons_ring_get(ring, buf, len);
	if (n < 0) {
		broken = 1;
		return 0;
	}
	if (n > 0)
		evtchn_send(port);
	return (size_t)n;
}
