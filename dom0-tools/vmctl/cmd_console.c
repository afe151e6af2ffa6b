/*
 * vmctl console NAME|ID: attach to a guest's console through keel-consoled
 * (drivers/back/console).  Ctrl-] detaches.
 *
 * The client lives with the backend (console_client.c); it is compiled
 * into this file so that vmctl's build and its unit tests, which take
 * every .c file of vmctl/, need no new library.  Linking
 * $(BUILD)/drivers/back/console/libkeelconsole.a instead is the tidier
 * replacement once vmctl's Makefile does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmctl.h"
#include "console_client.h"

/* cons_proto.h's CONS_SOCK_PATH, which $KEEL_CONSOLE_SOCK overrides */
#define CONS_SOCK_HINT "/run/keel/console.sock"

static int cmd_console(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_console_cmds[] = {
	{ "console", "NAME|ID", "attach to a guest's console (Ctrl-] detaches)",
	  "Shows the last 16 KiB the guest printed, then its live output, and\n"
	  "sends what you type to it.  Ctrl-] detaches; the guest keeps running.\n"
	  "Every guest's console is also logged in /var/log/keel/console/NAME.log\n"
	  "by keel-consoled.\n",
	  cmd_console },
	{ NULL, NULL, NULL, NULL, NULL },
};

struct attach_banner {
	const char *name;
	uint16_t id;
	int shown;
};

/* Called by the client once keel-consoled has accepted the attach. */
static void attached(void *arg)
{
	struct attach_banner *b = arg;

	if (isatty(STDIN_FILENO)) {
		fprintf(stderr, "[attached to %s (domain %u); Ctrl-] detaches]\r\n",
			b->name, b->id);
		b->shown = 1;
	}
}

static int cmd_console(struct vmctl *v, int argc, char **argv)
{
	struct attach_banner banner;
	char name[64];
	uint16_t id;
	int rc;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fprintf(v->out, "usage: %s console NAME|ID\n", v->prog);
		return VMCTL_OK;
	}
	if (argc != 2)
		return vmctl_usage_error(v, &vmctl_console_cmds[0],
					 "expected one domain");
	if (vmctl_resolve(v, argv[1], &id, name, sizeof(name)))
		return VMCTL_FAIL;
	if (id == 0) {
		vmctl_err(v, "dom0 has no guest console; it is on the serial line");
		return VMCTL_FAIL;
	}
	if (vmctl_daemon_down(v, "keel-consoled"))
		return VMCTL_FAIL;
	banner.name = name[0] ? name : argv[1];
	banner.id = id;
	banner.shown = 0;
	fflush(v->out);
	rc = keel_console_attach_cb(id, STDIN_FILENO, STDOUT_FILENO, attached, &banner);
	if (banner.shown && rc == 0)
		fprintf(stderr, "\r\n[detached]\n");
	if (rc == -EPIPE && banner.shown)
		fprintf(stderr, "\r\n");
	if (rc == -EPIPE)
		vmctl_err(v, "the console of '%s' (domain %u) closed: the guest went away, "
			  "or keel-consoled stopped (/var/log/keel-consoled.log)",
			  argv[1], id);
	else if (rc < 0)
		/* One message for every way attaching fails, with the hint. */
		vmctl_err(v, "cannot attach to the console of '%s' (domain %u): %s; "
			  "is keel-consoled running? (/var/log/keel-consoled.log)",
			  argv[1], id, rc == -ENXIO ? "keel-consoled has no console for it"
				: rc == -ENOENT || rc == -ECONNREFUSED
				? "nobody listens on " CONS_SOCK_HINT : strerror(-rc));
	return rc == 0 ? VMCTL_OK : VMCTL_FAIL;
}
