/*
 * vmctl save / restore (docs/migration.md): a guest's whole state to a
 * file and back, through the migration engine (dom0-tools/mig).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builder.h"
#include "keelmig.h"
#include "mig_save.h"
#include "vmctl.h"

static int cmd_save(struct vmctl *v, int argc, char **argv);
static int cmd_restore(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_save_cmds[] = {
	{ "save", "NAME FILE [--live] [--max-downtime MS]",
	  "write a guest's whole state to a file and stop it",
	  "Asks the guest to suspend (control/shutdown = suspend), writes its\n"
	  "memory, vCPUs, event channels, grant table and store keys to FILE\n"
	  "(the migration stream, " VMCTL_DOC_DIR "/migration.md), then\n"
	  "destroys it.  On any error, or Ctrl-C, the guest goes on running\n"
	  "and FILE is removed.\n\n"
	  "  -l, --live             copy memory while it runs first (pre-copy\n"
	  "                         rounds under log-dirty mode), one line per round\n"
	  "  -d, --max-downtime MS  with --live: stop the rounds once the rest\n"
	  "                         would take less than MS ms (default 100)\n",
	  cmd_save },
	{ "restore", "FILE", "start a guest again from a file vmctl save wrote",
	  "Re-creates the guest under its old name: its memory, vCPUs, event\n"
	  "channels, grant table, store keys and console; it goes on where it\n"
	  "stopped.  Refused, with nothing created, for a file that is not a\n"
	  "save of this version, is corrupt or truncated, names a guest that\n"
	  "runs already, or needs more memory than is free.\n",
	  cmd_restore },
	{ NULL, NULL, NULL, NULL, NULL },
};

struct save_opts {
	int live;
	uint32_t max_downtime_ms;
};

static int save_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		    void *p)
{
	struct save_opts *o = p;

	switch (opt) {
	case 'l':
		o->live = 1;
		return 0;
	case 'd':
		if (vmctl_parse_uint(arg, 1, 600000, &o->max_downtime_ms)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: --max-downtime: expected 1..600000 ms, got '%s'",
					  cmd, arg);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

static volatile int save_cancel;

static void on_interrupt(int sig)
{
	(void)sig;
	save_cancel = 1;
}

static void print_round(const struct keel_mig_progress *p, void *arg)
{
	FILE *out = arg;

	fprintf(out, "round %u%s: %llu pages sent, %llu dirty, %.1f MiB/s, expected downtime %.0f ms\n",
		p->round, p->final ? " (final, paused)" : "",
		(unsigned long long)p->pages_sent, (unsigned long long)p->pages_dirty,
		p->mib_per_s, p->expected_downtime_ms);
	fflush(out);
}

static int cmd_save(struct vmctl *v, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "live", no_argument, NULL, 'l' },
		{ "max-downtime", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	struct save_opts so = { .live = 0, .max_downtime_ms = 100 };
	struct keel_mig_report rep;
	struct keel_mig_opts o;
	struct keel_store *st;
	struct keel_ctl *h;
	const char *name, *file;
	char err[512];
	uint16_t domid;
	int first, fd, rc;

	if (vmctl_getopt(v, "save", argc, argv, ":ld:", longopts, save_set, &so, 2, &first))
		return VMCTL_FAIL;
	name = argv[first];
	file = argv[first + 1];
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	st = vmctl_store(v);
	if (!st)
		return VMCTL_FAIL;
	if (keel_dom_store_find(st, name, &domid)) {
		vmctl_err(v, "save: no domain is called '%s'", name);
		return VMCTL_FAIL;
	}
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		vmctl_err(v, "save: cannot create %s: %s", file, strerror(errno));
		return VMCTL_FAIL;
	}
	memset(&o, 0, sizeof(o));
	o.live = so.live;
	o.max_downtime_ms = so.max_downtime_ms;
	o.progress = so.live ? print_round : NULL;
	o.progress_arg = v->out;
	/* Ctrl-C cancels: the guest goes on running, the file is removed. */
	{
		struct sigaction sa, old_int, old_term;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_interrupt;
		sigemptyset(&sa.sa_mask);
		save_cancel = 0;
		o.cancel = &save_cancel;
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
		rc = mig_save(h, st, name, fd, &o, &rep, err, sizeof(err));
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	if (!rc && fsync(fd) && errno != EINVAL)
		rc = -errno, snprintf(err, sizeof(err), "cannot write %s: %s", file,
				      strerror(errno));
	if (close(fd) && !rc)
		rc = -errno, snprintf(err, sizeof(err), "cannot write %s: %s", file,
				      strerror(errno));
	if (rc) {
		unlink(file);
		vmctl_err(v, "save: %s", err);
		return VMCTL_FAIL;
	}
	rc = keel_domain_teardown(h, st, domid);
	if (rc)
		vmctl_err(v, "save: saved, but cannot destroy domain %u: %s", domid,
			  strerror(-rc));
	fprintf(v->out, "Saved domain %s to %s: %llu pages, %.1f MiB in %.0f ms "
		"(%u round%s, %s; paused %.0f ms)\n", name, file,
		(unsigned long long)rep.pages_sent, rep.bytes_sent / 1048576.0,
		rep.total_ms, rep.rounds, rep.rounds == 1 ? "" : "s", rep.how,
		rep.downtime_ms);
	return rc ? VMCTL_FAIL : VMCTL_OK;
}

static int cmd_restore(struct vmctl *v, int argc, char **argv)
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	struct keel_store *st;
	struct keel_ctl *h;
	char err[512], name[80];
	uint16_t domid;
	int first, fd, rc;

	if (vmctl_getopt(v, "restore", argc, argv, ":", longopts, vmctl_no_opts, NULL, 1, &first))
		return VMCTL_FAIL;
	fd = open(argv[first], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vmctl_err(v, "restore: cannot open %s: %s", argv[first], strerror(errno));
		return VMCTL_FAIL;
	}
	h = vmctl_ctl(v);
	st = h ? vmctl_store(v) : NULL;
	if (!st) {
		close(fd);
		return VMCTL_FAIL;
	}
	rc = mig_restore(h, st, fd, &domid, err, sizeof(err));
	close(fd);
	if (rc) {
		vmctl_err(v, "restore: %s: %s", argv[first], err);
		if (rc == -EEXIST)
			vmctl_daemon_down(v, "keel-domd");
		return VMCTL_FAIL;
	}
	if (keel_dom_store_name(st, domid, name, sizeof(name)))
		snprintf(name, sizeof(name), "domain %u", domid);
	fprintf(v->out, "Restored domain %s (id %u)\n", name, domid);
	return VMCTL_OK;
}
