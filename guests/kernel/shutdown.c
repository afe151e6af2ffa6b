/*
 * Shutdown requests: dom0 writes <home>/control/shutdown ("poweroff",
 * "halt", "reboot", "crash", "suspend"); the guest clears the key, then
 * shuts down with that reason.  The callback only records the request; it
 * is acted on in shutdown_poll(), from kernel_poll().
 *
 * "suspend" is Xen's save/migrate handshake (docs/migration.md): between
 * two kernel_poll() calls no store request is in flight, so the rings are
 * quiet; sched_op(shutdown, suspend) returns when the domain runs again:
 * 1 if the save was cancelled (the same domain goes on), 0 in a restored
 * domain, where the store daemon is a new one that knows none of our
 * watches: they are registered again (xs_resume).  Event-channel ports,
 * the console and store pages, the grant table and the timer are as they
 * were; system time has gone on (it never goes back).
 */
#include "hypercall.h"
#include "kernel.h"
#include "xs.h"

static char path[64];
static int requested = -1;      /* KEEL_SHUTDOWN_*, or -1 */

static void control_changed(const char *p, const char *token, void *arg)
{
	char buf[32];
	int rc;

	(void)p;
	(void)token;
	(void)arg;
	/* the home may have moved (a restored domain has a new id) */
	xs_home_path(path, sizeof(path), "control/shutdown");
	rc = xs_read(XS_NO_TX, path, buf, sizeof(buf));
	if (rc <= 0)
		return;                 /* absent or cleared */
	if (!strcmp(buf, "poweroff") || !strcmp(buf, "halt"))
		requested = KEEL_SHUTDOWN_poweroff;
	else if (!strcmp(buf, "reboot"))
		requested = KEEL_SHUTDOWN_reboot;
	else if (!strcmp(buf, "crash"))
		requested = KEEL_SHUTDOWN_crash;
	else if (!strcmp(buf, "suspend"))
		requested = KEEL_SHUTDOWN_suspend;
	else {
		printk("shutdown: ignoring request \"%s\"\n", buf);
		return;
	}
	/* Clear first, so that a restarted domain does not see it again. */
	xs_write(XS_NO_TX, path, "");
	kernel_kick();
}

int shutdown_init(void)
{
	if (xs_home_path(path, sizeof(path), "control/shutdown") < 0)
		return -KEEL_ERANGE;
	return xs_watch(path, "shutdown", control_changed, NULL);
}

void shutdown_poll(void)
{
	static const char *const names[] = { "poweroff", "reboot", "suspend", "crash" };

	if (requested < 0)
		return;
	printk("shutdown: %s\n", names[requested]);
	if (requested == KEEL_SHUTDOWN_suspend) {
		uint64_t before = time_now_ns(), after;
		long rc;

		requested = -1;
		rc = hc_sched_op(KEEL_SCHEDOP_shutdown, KEEL_SHUTDOWN_suspend);
		after = time_now_ns();
		if (rc == 0)
			rc = xs_resume();
		printk("resume: %s (error %ld), %lu ms suspended%s\n",
		       rc == 1 ? "cancelled, same domain" : "restored",
		       rc < 0 ? rc : 0, (unsigned long)((after - before) / 1000000),
		       after < before ? ", TIME WENT BACKWARDS" : "");
		return;
	}
	hc_shutdown((unsigned int)requested);
}
