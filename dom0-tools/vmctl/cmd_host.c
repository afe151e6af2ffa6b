/*
 * Commands about the machine and the hypervisor itself: info, dmesg,
 * exit-stats.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vmctl.h"

static int cmd_info(struct vmctl *v, int argc, char **argv);
static int cmd_dmesg(struct vmctl *v, int argc, char **argv);
static int cmd_exit_stats(struct vmctl *v, int argc, char **argv);
static int cmd_hv_stats(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_host_cmds[] = {
	{ "info", "[--json]", "show the hypervisor's version and the machine's CPUs and memory",
	  "Asks the hypervisor (KEEL_HC_version, KEEL_SYSCTL_PHYSINFO) for its\n"
	  "version, build id and ABI, the physical CPUs, and how the machine's\n"
	  "memory is divided between dom0, the hypervisor and the guest pool.\n\n"
	  "  -j, --json   print a JSON object instead; memory figures in bytes\n",
	  cmd_info },
	{ "dmesg", "[-c]", "print the hypervisor's log",
	  "Prints the hypervisor's log ring from its oldest byte, and says so when\n"
	  "older bytes were overwritten before they could be read.\n\n"
	  "  -c, --clear  print only what was logged since the last 'dmesg -c'\n"
	  "               (the ring itself is kept; the position is remembered\n"
	  "               in " VMCTL_STATE_DIR "/dmesg-cursor)\n",
	  cmd_dmesg },
	{ "exit-stats", "", "count VM exits and hypercalls since boot",
	  "Prints the hypervisor's counters (KEEL_SYSCTL_PERFC): VM exits by\n"
	  "reason and hypercalls by number, for dom0 and for all other domains\n"
	  "together.  Run it before and after a piece of work in dom0 to see\n"
	  "what that work costs in the hypervisor.\n",
	  cmd_exit_stats },
	{ "hv-stats", "[--json] [--reset]",
	  "show how long hypercalls held a physical CPU",
	  "Asks the hypervisor (KEEL_SYSCTL_HOLD_STATS) for the calls, the longest\n"
	  "single call and the total time of each hypercall and sub-op since boot\n"
	  "or the last reset, longest first, and ends with the longest hold of all.\n"
	  "A destroy step is one domctl destroy call.  While a hypercall runs, its\n"
	  "physical CPU does nothing else (dom0's CPU included).\n\n"
	  "  -j, --json   print a JSON object instead (times in ns)\n"
	  "  -r, --reset  clear the figures once they are read\n",
	  cmd_hv_stats },
	{ NULL, NULL, NULL, NULL, NULL },
};

/*
 * getopt_long over a command's arguments with our own messages: its global
 * state is reset first, so tests may parse many times in one process.
 */
static int parse_opts(struct vmctl *v, const char *cmd, int argc, char **argv,
		      const char *shortopts, const struct option *longopts,
		      int (*set)(int opt, void *o), void *o)
{
	int opt;

	optind = 0;      /* glibc: 0 also re-reads GETOPT_ env and resets */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?' || set(opt, o)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: unknown option '%s'", cmd,
					  argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		vmctl_usage_error(v, vmctl_find_cmd(cmd),
				  "%s: unexpected argument '%s'", cmd, argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static int info_set(int opt, void *p)
{
	struct vmctl_info_opts *o = p;

	if (opt != 'j')
		return -EINVAL;
	o->json = 1;
	return 0;
}

int vmctl_info_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_info_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};

	memset(o, 0, sizeof(*o));
	return parse_opts(v, "info", argc, argv, "+j", longopts, info_set, o);
}

static int dmesg_set(int opt, void *p)
{
	struct vmctl_dmesg_opts *o = p;

	if (opt != 'c')
		return -EINVAL;
	o->clear = 1;
	return 0;
}

int vmctl_dmesg_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_dmesg_opts *o)
{
	static const struct option longopts[] = {
		{ "clear", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};

	memset(o, 0, sizeof(*o));
	return parse_opts(v, "dmesg", argc, argv, "+c", longopts, dmesg_set, o);
}

static int hv_stats_set(int opt, void *p)
{
	struct vmctl_hv_stats_opts *o = p;

	if (opt == 'j')
		o->json = 1;
	else if (opt == 'r')
		o->reset = 1;
	else
		return -EINVAL;
	return 0;
}

int vmctl_hv_stats_parse(struct vmctl *v, int argc, char **argv,
			 struct vmctl_hv_stats_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "reset", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};

	memset(o, 0, sizeof(*o));
	return parse_opts(v, "hv-stats", argc, argv, "+jr", longopts,
			  hv_stats_set, o);
}

static int cmd_hv_stats(struct vmctl *v, int argc, char **argv)
{
	struct keel_hold_stat st[KEEL_HOLD_MAX_ENTRIES];
	struct vmctl_hv_stats_opts o;
	struct keel_ctl *h;
	char *json;
	int n;

	if (vmctl_hv_stats_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	n = keel_ctl_hold_stats(h, st, KEEL_HOLD_MAX_ENTRIES, o.reset);
	if (n < 0) {
		vmctl_err(v, "cannot get the hypervisor's hold statistics: %s",
			  strerror(-n));
		return VMCTL_FAIL;
	}
	vmctl_hold_sort(st, (size_t)n);
	if (!o.json) {
		vmctl_hold_print(v->out, st, (size_t)n);
		return VMCTL_OK;
	}
	if (vmctl_hold_json(st, (size_t)n, &json)) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	fprintf(v->out, "%s", json);
	free(json);
	return VMCTL_OK;
}

static int cmd_info(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_info_opts o;
	struct vmctl_info in;
	struct keel_ctl *h;
	char *json;
	int rc;

	if (vmctl_info_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	rc = keel_ctl_version_info(h, &in.version);
	if (rc) {
		vmctl_err(v, "cannot get the hypervisor's version: %s", strerror(-rc));
		return VMCTL_FAIL;
	}
	rc = keel_ctl_physinfo(h, &in.phys);
	if (rc) {
		vmctl_err(v, "cannot get the machine's physical information: %s",
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	if (!o.json) {
		vmctl_info_print(v->out, &in);
		return VMCTL_OK;
	}
	if (vmctl_info_json(&in, &json)) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	fprintf(v->out, "%s", json);
	free(json);
	return VMCTL_OK;
}

static const char *state_path(char *buf, size_t size)
{
	const char *dir = getenv("VMCTL_STATE_DIR");

	if (!dir || !*dir)
		dir = VMCTL_STATE_DIR;
	mkdir(dir, 0700);    /* EEXIST is fine; other errors show on open */
	snprintf(buf, size, "%s/dmesg-cursor", dir);
	return buf;
}

static uint64_t load_cursor(const char *path)
{
	unsigned long long pos = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu", &pos) != 1)
		pos = 0;
	fclose(f);
	return pos;
}

static int save_cursor(struct vmctl *v, const char *path, uint64_t pos)
{
	FILE *f = fopen(path, "w");

	if (!f || fprintf(f, "%" PRIu64 "\n", pos) < 0 || fclose(f) != 0) {
		vmctl_err(v, "cannot save the log position in %s: %s", path,
			  strerror(errno));
		return -EIO;
	}
	return 0;
}

/* Bounds the loop should the hypervisor log faster than we read. */
#define DMESG_MAX_BYTES (64ull << 20)
#define DMESG_CHUNK     (16u * 1024u)

static int cmd_dmesg(struct vmctl *v, int argc, char **argv)
{
	struct keel_console_cursor cur = { 0, 0 };
	struct vmctl_dmesg_opts o;
	uint64_t lost = 0, total = 0;
	char path[256];
	struct keel_ctl *h;
	char *buf;
	int n, rc = VMCTL_OK;

	if (vmctl_dmesg_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	buf = malloc(DMESG_CHUNK);
	if (!buf) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	if (o.clear)
		cur.pos = load_cursor(state_path(path, sizeof(path)));

	while (total < DMESG_MAX_BYTES) {
		cur.lost = 0;
		n = keel_ctl_read_console(h, &cur, buf, DMESG_CHUNK);
		if (n < 0) {
			vmctl_err(v, "cannot read the hypervisor log: %s",
				  strerror(-n));
			rc = VMCTL_FAIL;
			goto out_free_buf;
		}
		if (n == 0)
			break;
		lost += cur.lost;
		total += (uint64_t)n;
		fwrite(buf, 1, (size_t)n, v->out);
	}
	fflush(v->out);
	if (lost)
		vmctl_err(v, "%" PRIu64 " bytes of the hypervisor log were overwritten before they could be read",
			  lost);
	if (o.clear && save_cursor(v, path, cur.pos))
		rc = VMCTL_FAIL;

out_free_buf:
	free(buf);
	return rc;
}

static int cmd_exit_stats(struct vmctl *v, int argc, char **argv)
{
	static const char *const exits[KEEL_PERFC_EXITS] = {
		[KEEL_PERFC_EXIT_CPUID] = "cpuid",
		[KEEL_PERFC_EXIT_MSR_READ] = "msr-read",
		[KEEL_PERFC_EXIT_MSR_WRITE] = "msr-write",
		[KEEL_PERFC_EXIT_VMMCALL] = "vmmcall",
		[KEEL_PERFC_EXIT_NPF] = "npf",
		[KEEL_PERFC_EXIT_NMI] = "nmi",
		[KEEL_PERFC_EXIT_EXCP] = "exception",
		[KEEL_PERFC_EXIT_HLT] = "hlt",
		[KEEL_PERFC_EXIT_INTR] = "intr",
		[KEEL_PERFC_EXIT_SVM_INSN] = "svm-insn",
		[KEEL_PERFC_EXIT_OTHER] = "other",
	};
	static const char *const hcs[KEEL_PERFC_HYPERCALLS] = {
		"version", "sysctl", "domctl", "memory_op", "mmu_update",
		"event_channel", "grant_table", "sched_op", "set_timer",
		"console_io",
	};
	static const struct option none[] = { { NULL, 0, NULL, 0 } };
	struct keel_perfc pc;
	struct keel_ctl *h;
	uint64_t t0 = 0, tg = 0;
	unsigned i;
	int rc;

	if (parse_opts(v, "exit-stats", argc, argv, "+", none, NULL, NULL))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	rc = keel_ctl_perfc(h, &pc);
	if (rc) {
		vmctl_err(v, "cannot read the hypervisor's counters: %s",
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	fprintf(v->out, "%-24s %14s %14s\n", "COUNTER", "DOM0", "GUESTS");
	for (i = 0; i < KEEL_PERFC_EXITS; i++) {
		if (!exits[i])
			continue;
		fprintf(v->out, "exit %-19s %14" PRIu64 " %14" PRIu64 "\n",
			exits[i], pc.dom0.exits[i], pc.guests.exits[i]);
		t0 += pc.dom0.exits[i];
		tg += pc.guests.exits[i];
	}
	fprintf(v->out, "%-24s %14" PRIu64 " %14" PRIu64 "\n", "exit total", t0, tg);
	for (i = 0; i < KEEL_PERFC_HYPERCALLS; i++) {
		if (!hcs[i] && !pc.dom0.hypercalls[i] && !pc.guests.hypercalls[i])
			continue;
		fprintf(v->out, "hypercall %-14s %14" PRIu64 " %14" PRIu64 "\n",
			hcs[i] ? hcs[i] : "?", pc.dom0.hypercalls[i],
			pc.guests.hypercalls[i]);
	}
	return VMCTL_OK;
}
