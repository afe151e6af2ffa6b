/*
 * Which of dom0's daemons is down: the one helper the commands that need a
 * daemon call, so that they all say it the same way (docs/dom0.md, "When a
 * daemon dies").  keel-supervise keeps each daemon's pid in /run/NAME.pid
 * while it runs, and its own state in /run/keel/supervise/.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vmctl.h"

#define SUPERVISE_DIR "/run/keel/supervise"

static const struct vmctl_daemon {
	const char *name;
	const char *script;      /* its start script in /etc/keel/init.d */
	const char *does;        /* what stops working without it */
} vmctl_daemons[] = {
	{ "xenstored", "S10xenstored", "the store: every command that names a guest" },
	{ "keel-consoled", "S15keel-consoled", "guest consoles and their logs" },
	{ "keel-domd", "S20keel-domd",
	  "on_poweroff/on_reboot/on_crash: a guest that shut down stays listed" },
	{ "keel-blkback", "S30keel-blkback", "guest disks" },
	{ "keel-netback", "S31keel-netback", "guest network interfaces" },
};

/* 1 if /run/NAME.pid names a live process, 0 if not. */
static int daemon_alive(const char *name)
{
	char path[96];
	long pid = 0;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/run/%s.pid", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%ld", &pid);
	fclose(f);
	if (n != 1 || pid <= 0)
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

bool vmctl_daemon_down(struct vmctl *v, const char *name)
{
	const struct vmctl_daemon *d = NULL;
	struct stat sb;
	size_t i;

	for (i = 0; i < sizeof(vmctl_daemons) / sizeof(vmctl_daemons[0]); i++)
		if (!strcmp(vmctl_daemons[i].name, name))
			d = &vmctl_daemons[i];
	/* Not dom0's supervisor (a build machine, the unit tests): cannot tell. */
	if (!d || stat(SUPERVISE_DIR, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return false;
	if (daemon_alive(name))
		return false;
	vmctl_err(v, "%s is not running (%s); its supervisor restarts it "
		  "after a crash, or start it with '/etc/keel/init.d/%s start' "
		  "(log: /var/log/%s.log)", name, d->does, d->script, name);
	return true;
}
