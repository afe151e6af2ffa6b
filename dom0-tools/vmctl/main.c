/*
 * vmctl: global options, the command tables, and the commands that need no
 * hypervisor (help, version).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmctl.h"


static int cmd_help(struct vmctl *v, int argc, char **argv);
static int cmd_version(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_core_cmds[] = {
	{ "help", "[COMMAND]", "show the commands, or one command's help",
	  "Without COMMAND, lists every command; with it, shows its usage.\n",
	  cmd_help },
	{ "version", "", "show vmctl's version and the ABI it speaks",
	  "Needs no hypervisor: prints the tools' version and ABI; `vmctl info`\n"
	  "shows the hypervisor's.\n",
	  cmd_version },
	{ NULL, NULL, NULL, NULL, NULL },
};

static const struct vmctl_cmd *const cmd_groups[] = {
	vmctl_core_cmds,
	vmctl_host_cmds,
	vmctl_domain_cmds,
	vmctl_console_cmds,   /* cmd_console.c */
	vmctl_block_cmds,     /* cmd_block.c */
	vmctl_net_cmds,       /* cmd_net.c */
	vmctl_migrate_cmds,   /* cmd_migrate.c */
	vmctl_save_cmds,      /* cmd_save.c */
};

#define NR_GROUPS (sizeof(cmd_groups) / sizeof(cmd_groups[0]))

const struct vmctl_cmd *vmctl_find_cmd(const char *name)
{
	const struct vmctl_cmd *c;
	size_t g;

	for (g = 0; g < NR_GROUPS; g++)
		for (c = cmd_groups[g]; c->name; c++)
			if (!strcmp(c->name, name))
				return c;
	return NULL;
}

void vmctl_err(struct vmctl *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", v->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int vmctl_usage_error(struct vmctl *v, const struct vmctl_cmd *cmd,
		      const char *fmt, ...)
{
	va_list ap;

	v->usage_error = 1;
	fprintf(stderr, "%s: ", v->prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "usage: %s %s %s\n(see '%s help %s')\n",
			v->prog, cmd->name, cmd->synopsis, v->prog, cmd->name);
	else
		fprintf(stderr, "(see '%s --help')\n", v->prog);
	return VMCTL_FAIL;
}

static struct keel_ctl *default_open_ctl(struct vmctl *v)
{
	return keel_ctl_open(&v->log.base, 0);
}

struct keel_ctl *vmctl_ctl(struct vmctl *v)
{
	if (!v->ctl)
		v->ctl = v->open_ctl(v);
	return v->ctl;
}

static int default_open_store(struct vmctl *v, struct keel_store *st)
{
	(void)v;
	return keel_store_open(st);
}

static void default_sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

struct keel_store *vmctl_store(struct vmctl *v)
{
	int rc;

	if (v->store.ops)
		return &v->store;
	rc = v->open_store(v, &v->store);
	if (rc) {
		vmctl_err(v, "cannot connect to the store (xenstored): %s", strerror(-rc));
		vmctl_daemon_down(v, "xenstored");
		return NULL;
	}
	return &v->store;
}

void vmctl_init(struct vmctl *v, FILE *out)
{
	memset(v, 0, sizeof(*v));
	v->prog = "vmctl";
	v->out = out;
	v->open_ctl = default_open_ctl;
	v->open_store = default_open_store;
	v->sleep_ms = default_sleep_ms;
	keel_stderr_logger_init(&v->log, v->prog, KEEL_LOG_WARN);
}

void vmctl_fini(struct vmctl *v)
{
	keel_ctl_close(v->ctl);
	v->ctl = NULL;
	keel_store_close(&v->store);
}

static void print_usage(struct vmctl *v)
{
	const struct vmctl_cmd *c;
	size_t g;

	fprintf(v->out,
		"usage: %s [--help] [--version] COMMAND [ARGS]\n"
		"Control the Keel hypervisor from dom0.\n\ncommands:\n", v->prog);
	for (g = 0; g < NR_GROUPS; g++)
		for (c = cmd_groups[g]; c->name; c++)
			fprintf(v->out, "  %-13s %s\n", c->name, c->summary);
	fprintf(v->out, "\nRun '%s help COMMAND' for a command's options.  The manual:\n"
		"" VMCTL_DOC_DIR "/dom0.md (vmctl), config.md (guest configs) and the\n"
		"rest of the repository's docs/ and README.md there.\n", v->prog);
}

static void print_cmd_help(struct vmctl *v, const struct vmctl_cmd *c)
{
	fprintf(v->out, "usage: %s %s %s\n%s\n\n%s", v->prog, c->name,
		c->synopsis, c->summary, c->help);
}

static int cmd_help(struct vmctl *v, int argc, char **argv)
{
	const struct vmctl_cmd *c;

	if (argc > 2)
		return vmctl_usage_error(v, vmctl_find_cmd("help"),
					 "help takes at most one command");
	if (argc == 1) {
		print_usage(v);
		return VMCTL_OK;
	}
	c = vmctl_find_cmd(argv[1]);
	if (!c)
		return vmctl_usage_error(v, NULL, "unknown command '%s'", argv[1]);
	print_cmd_help(v, c);
	return VMCTL_OK;
}

static int cmd_version(struct vmctl *v, int argc, char **argv)
{
	(void)argv;
	if (argc > 1)
		return vmctl_usage_error(v, vmctl_find_cmd("version"),
					 "version takes no arguments");
	fprintf(v->out, "vmctl %s (Keel ABI %u.%u)\n", VMCTL_VERSION,
		KEEL_ABI_MAJOR, KEEL_ABI_MINOR);
	return VMCTL_OK;
}

/*
 * Global options come before the command; everything from the command on
 * is the command's.  A command's own "--help" is handled here too, so every
 * command gets it without repeating the code.
 */
static int vmctl_dispatch(struct vmctl *v, int argc, char **argv);

int vmctl_main(struct vmctl *v, int argc, char **argv)
{
	int rc = vmctl_dispatch(v, argc, argv);

	return rc != VMCTL_OK && v->usage_error ? VMCTL_USAGE : rc;
}

static int vmctl_dispatch(struct vmctl *v, int argc, char **argv)
{
	const struct vmctl_cmd *c;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_usage(v);
			return VMCTL_OK;
		}
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V"))
			return cmd_version(v, 1, argv);
		return vmctl_usage_error(v, NULL, "unknown option '%s'", argv[i]);
	}
	if (i == argc) {
		vmctl_usage_error(v, NULL, "no command given");
		return VMCTL_FAIL;
	}
	c = vmctl_find_cmd(argv[i]);
	if (!c)
		return vmctl_usage_error(v, NULL, "unknown command '%s'", argv[i]);
	if (argc - i == 2 && (!strcmp(argv[i + 1], "--help") ||
			      !strcmp(argv[i + 1], "-h"))) {
		print_cmd_help(v, c);
		return VMCTL_OK;
	}
	return c->run(v, argc - i, argv + i);
}
