/*
 * keel-helloback: the smallest complete backend on libkeelback, the SDK's
 * worked example (docs/backends.md, "A new device class in one file").
 *
 * Device class "hello" (io/hello.h): each request carries a number and
 * the answer is that number plus the device's `increment` key, which the
 * toolstack wrote in the backend directory.  Everything a real backend
 * needs besides its own logic -- finding devices in the store, the state
 * handshake, mapping the ring, the event channel, restarts, Closing and
 * dead guests -- is the library's.
 *
 *   keel-helloback [--debug]
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <keelback.h>
#include <public/io/hello.h>

struct hello_dev {
	uint32_t increment;
	unsigned long served, shown;
};

/* A device appeared: read our parameter, publish a feature key. */
static int hello_connect(struct kb_device *dev)
{
	struct hello_dev *h = calloc(1, sizeof(*h));
	char *val = NULL;

	if (!h)
		return -ENOMEM;
	h->increment = 1;
	if (kb_dev_read(dev, "increment", &val) == 0)
		h->increment = (uint32_t)strtoul(val, NULL, 10);
	free(val);
	kb_dev_printf(dev, "feature-add", "1");
	kb_dev_set(dev, h);
	return 0;
}

/* n requests, already copied out of the ring: answer every one. */
static void hello_serve(struct kb_device *dev, const void *reqs, void *rsps,
			unsigned int n)
{
	const struct keel_hello_request *req = reqs;
	struct keel_hello_response *rsp = rsps;
	struct hello_dev *h = kb_dev_get(dev);

	for (unsigned int i = 0; i < n; i++) {
		rsp[i].id = req[i].id;
		if (req[i].op == KEEL_HELLO_OP_ADD) {
			rsp[i].value = req[i].value + h->increment;
			rsp[i].status = 0;
		} else {
			rsp[i].status = -1;   /* the guest's mistake: an answer */
		}
	}
	h->served += n;
}

/* Once a second: show how many requests were served (when it changed). */
static void hello_poll(struct kb_device *dev)
{
	struct hello_dev *h = kb_dev_get(dev);

	if (h->served != h->shown)
		kb_dev_printf(dev, "served", "%lu", h->served);
	h->shown = h->served;
}

static void hello_disconnect(struct kb_device *dev)
{
	free(kb_dev_get(dev));
	kb_dev_set(dev, NULL);
}

static const struct kb_ops hello_ops = {
	.device_class = "hello",
	.slot_size = sizeof(struct keel_hello_request),
	.req_size = sizeof(struct keel_hello_request),
	.rsp_size = sizeof(struct keel_hello_response),
	.max_ring_order = 0,
	.connect = hello_connect,
	.serve = hello_serve,
	.disconnect = hello_disconnect,
	.poll = hello_poll,
};

int main(int argc, char **argv)
{
	struct keel_stderr_logger log;
	struct kb_config cfg = { .ops = &hello_ops };
	struct kb_backend *b;
	int rc;

	keel_stderr_logger_init(&log, "keel-helloback",
				argc > 1 && strcmp(argv[1], "--debug") == 0 ?
				KEEL_LOG_DEBUG : KEEL_LOG_INFO);
	cfg.log = &log.base;
	if (kb_open(&cfg, &b) < 0)
		return 1;
	rc = kb_run(b);
	kb_close(b);
	return rc < 0 ? 1 : 0;
}
