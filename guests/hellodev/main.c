/*
 * hellodev: the frontend of the SDK's example device (io/hello.h), written
 * plainly: wait for the toolstack's device directory, the handshake with
 * keel-helloback, then requests and a verdict per check:
 * "PASS: name" / "FAIL: name ...", then "hellodev: N passed, N failed".
 * Afterwards it closes the device and idles.
 */
#include "kernel.h"
#include "mm.h"
#include "xs.h"

#include <public/io/hello.h>
#include <public/io/xenbus.h>

#define BOUND_NS (30 * NS_PER_SEC)
#define SLOTS    keel_ring_slots(KEEL_PAGE_SIZE, sizeof(struct keel_hello_request))
#define NREQ     100u

static char fe[64], be[96];
static unsigned int passed, failed;
static volatile unsigned int events;

static void result(const char *name, int ok, const char *why)
{
	if (ok)
		passed++;
	else
		failed++;
	printk(ok ? "PASS: %s\n" : "FAIL: %s: %s\n", name, why);
}

static void on_event(keel_evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	events++;
}

static int wait_backend(long want)
{
	return xs_wait_num(be, "state", want, BOUND_NS);
}

int guest_main(const char *cmdline)
{
	struct keel_sring_header *sr;
	struct keel_hello_request *req;
	struct keel_hello_response *rsp;
	uint64_t deadline = time_now_ns() + BOUND_NS;
	long gfn, ref, port, inc;
	unsigned int i, ok;
	char path[96];

	(void)cmdline;
	xs_home_path(fe, sizeof(fe), "device/hello/0");
	gk_snprintf(path, sizeof(path), "%s/backend", fe);
	while (xs_read(XS_NO_TX, path, be, sizeof(be)) < 0) {
		if (time_now_ns() > deadline) {
			result("device_directory", 0, "no device/hello/0/backend");
			goto out;
		}
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	}
	result("backend_offers", wait_backend(KEEL_XBS_INITWAIT), "no InitWait");
	inc = xs_read_num(be, "increment");
	gfn = mm_alloc_page();
	sr = (struct keel_sring_header *)(uintptr_t)((uint64_t)gfn << KEEL_PAGE_SHIFT);
	memset(sr, 0, KEEL_PAGE_SIZE);
	sr->req_event = sr->rsp_event = 1;
	req = (struct keel_hello_request *)((uint8_t *)sr + KEEL_RING_HEADER_SIZE);
	rsp = (struct keel_hello_response *)req;
	ref = gnttab_grant_access(0, (uint64_t)gfn, 0);
	port = evtchn_alloc_unbound(0);
	evtchn_bind((keel_evtchn_port_t)port, on_event, NULL);
	xs_write_num(fe, "ring-ref", ref);
	xs_write_num(fe, "event-channel", port);
	xs_write_num(fe, "state", KEEL_XBS_INITIALISED);
	result("backend_connects", wait_backend(KEEL_XBS_CONNECTED), "no Connected");
	xs_write_num(fe, "state", KEEL_XBS_CONNECTED);

	/* NREQ requests, at most a ring's worth at a time. */
	for (i = 0; i < NREQ; i++) {
		struct keel_hello_request *r = &req[sr->req_prod % SLOTS];

		r->id = i;
		r->op = i == NREQ - 1 ? 99 : KEEL_HELLO_OP_ADD;  /* last: bad op */
		r->value = 1000 + i;
		__atomic_store_n(&sr->req_prod, sr->req_prod + 1, __ATOMIC_RELEASE);
		if ((i + 1) % 16 && i + 1 < NREQ)
			continue;
		evtchn_send((keel_evtchn_port_t)port);
		deadline = time_now_ns() + BOUND_NS;
		while (__atomic_load_n(&sr->rsp_prod, __ATOMIC_ACQUIRE) != sr->req_prod &&
		       time_now_ns() < deadline)
			kernel_block(time_now_ns() + 10 * NS_PER_MS);
	}
	result("all_answered", sr->rsp_prod == NREQ, "responses missing");
	ok = sr->rsp_prod == NREQ && inc >= 0;
	for (i = 0; i + 1 < NREQ && i < sr->rsp_prod; i++) {
		const struct keel_hello_response *p = &rsp[i % SLOTS];

		/* slots were reused: only the last ring's worth is still there */
		if (i + SLOTS < NREQ)
			continue;
		ok &= p->id == i && p->status == 0 &&
		      p->value == 1000 + i + (uint32_t)inc;
	}
	result("answers_add_the_increment", ok,
	       "no increment key, or a wrong value, id or status");
	result("bad_op_gets_an_error", sr->rsp_prod == NREQ &&
	       rsp[(NREQ - 1) % SLOTS].status == -1,
	       "status not -1");
	result("backend_notified", events > 0, "no event from the backend");
	xs_write_num(fe, "state", KEEL_XBS_CLOSING);
	result("backend_closes", wait_backend(KEEL_XBS_CLOSED), "no Closed");
	xs_write_num(fe, "state", KEEL_XBS_CLOSED);
out:
	printk("hellodev: %u passed, %u failed\n", passed, failed);
	for (;;)
		kernel_wait(0);
}
