/*
 * Shutdown requests: dom0 writes <home>/control/shutdown ("poweroff",
 * "halt", "reboot", "crash"); the guest clears the key, then shuts down
 * with that reason.  The callback only records the request; it is acted
 * on in shutdown_poll(), from kernel_poll().
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
	rc = xs_read(XS_NO_TX, path, buf, sizeof(buf));
	if (rc <= 0)
		return;                 /* absent or cleared */
	if (!strcmp(buf, "poweroff") || !strcmp(buf, "halt"))
		requested = KEEL_SHUTDOWN_poweroff;
	else if (!strcmp(buf, "reboot"))
		requested = KEEL_SHUTDOWN_reboot;
	else if (!strcmp(buf, "crash"))
		requested = KEEL_SHUTDOWN_crash;
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
	hc_shutdown((unsigned int)requested);
}
