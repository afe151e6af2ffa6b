/*
 * Domain commands: create, list, pause, unpause, shutdown, destroy,
 * sched-credit, mem-set.  Each parses its arguments completely first, then
 * acts through the builder (store keys) and libkeelctl.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmctl.h"
#include "builder.h"

static int cmd_create(struct vmctl *v, int argc, char **argv);
static int cmd_list(struct vmctl *v, int argc, char **argv);
static int cmd_pause(struct vmctl *v, int argc, char **argv);
static int cmd_shutdown(struct vmctl *v, int argc, char **argv);
static int cmd_destroy(struct vmctl *v, int argc, char **argv);
static int cmd_sched_credit(struct vmctl *v, int argc, char **argv);
static int cmd_mem_set(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_domain_cmds[] = {
	{ "create", "CONFIG", "build and start a guest from a configuration file",
	  "Reads CONFIG (" VMCTL_DOC_DIR "/config.md: name, memory, maxmem, kernel, cmdline,\n"
	  "weight, cap, vcpus, on_poweroff, on_reboot, on_crash), loads the kernel,\n"
	  "gives the guest its memory, console, store and disks (disk = [ ... ],\n"
	  "see 'vmctl help block-attach'), and starts it.  A wrong file -- a disk\n"
	  "image that is missing or in use by another guest too -- is reported as\n"
	  "FILE:LINE: KEY: problem, and nothing is created.\n",
	  cmd_create },
	{ "list", "[--json]", "list the domains",
	  "One line per domain, dom0 first: id, name, state (running, blocked,\n"
	  "paused, shutdown, crashed, dying), memory in MiB, vCPUs, credit weight\n"
	  "and cap, and CPU seconds used (dom0's as its own /proc/stat counts\n"
	  "them, idle left out: the hypervisor cannot see dom0 idle).\n\n"
	  "  -j, --json   a JSON array instead (memory in bytes, cpu_time_ns too)\n",
	  cmd_list },
	{ "pause", "DOMAIN", "stop a domain's vCPUs (pauses nest)",
	  "DOMAIN is a name or an id.  The domain keeps its memory and state.\n",
	  cmd_pause },
	{ "unpause", "DOMAIN", "let a paused domain run again",
	  "DOMAIN is a name or an id.\n",
	  cmd_pause },
	{ "shutdown", "DOMAIN [--reboot] [--wait SECONDS]",
	  "ask a guest to power off (or reboot) and wait for it",
	  "Writes poweroff (or reboot) to the guest's control/shutdown key and\n"
	  "waits until the domain has shut down.  What happens next follows its\n"
	  "on_poweroff / on_reboot setting (keel-domd).\n\n"
	  "  -r, --reboot        ask for a reboot instead\n"
	  "  -w, --wait SECONDS  how long to wait (default 30; 0: do not wait);\n"
	  "                      exit status 1 if the guest has not shut down by then\n",
	  cmd_shutdown },
	{ "destroy", "DOMAIN", "stop a domain at once and free its memory",
	  "Destroys the domain (its memory returns to the pool once no dom0\n"
	  "process maps it any more) and removes its store entries.\n",
	  cmd_destroy },
	{ "sched-credit", "DOMAIN [--weight W] [--cap C]",
	  "show or set a domain's scheduler weight and cap",
	  "Without options, prints the weight and cap.\n\n"
	  "  -w, --weight W  relative CPU share, 1..65535 (default 256)\n"
	  "  -c, --cap C     at most C percent of one CPU, 0..100 (0: no cap)\n",
	  cmd_sched_credit },
	{ "mem-set", "DOMAIN SIZE [--wait SECONDS]",
	  "change a guest's memory target (balloon) and wait for it",
	  "SIZE is a number with a unit K, M or G (no unit: MiB), e.g. 6M or\n"
	  "8192K, from the smallest a guest may have (4 MiB, as for create) to\n"
	  "the domain's maxmem; a size outside is refused with the range.  Writes\n"
	  "memory/target; the guest's balloon driver gives memory back or takes\n"
	  "it, and reports memory/actual.  vmctl waits until memory/actual is the\n"
	  "target and says so, or says where the guest stopped.\n\n"
	  "  -w, --wait SECONDS  how long to wait (default 10; 0: do not wait);\n"
	  "                      exit status 1 if the target is not reached by then\n",
	  cmd_mem_set },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- parsing ---- */

int vmctl_getopt(struct vmctl *v, const char *cmd, int argc, char **argv,
		 const char *shortopts, const struct option *longopts,
		 int (*set)(struct vmctl *v, const char *cmd, int opt,
			    const char *arg, void *o),
		 void *o, int npos, int *first)
{
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		if (opt == '?') {
			vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: unknown option '%s'",
					  cmd, argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == ':') {
			vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: option '%s' needs a value",
					  cmd, argv[optind - 1]);
			return -EINVAL;
		}
		if (set(v, cmd, opt, optarg, o))
			return -EINVAL;
	}
	if (argc - optind < npos) {
		vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: missing argument", cmd);
		return -EINVAL;
	}
	if (argc - optind > npos) {
		vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: unexpected argument '%s'",
				  cmd, argv[optind + npos]);
		return -EINVAL;
	}
	*first = optind;
	return 0;
}

int vmctl_parse_uint(const char *s, unsigned long lo, unsigned long hi,
		     uint32_t *out)
{
	unsigned long n;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return -EINVAL;
	*out = (uint32_t)n;
	return 0;
}

int vmctl_flag_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		   void *p)
{
	(void)v; (void)cmd; (void)opt; (void)arg;
	*(int *)p = 1;
	return 0;
}

int vmctl_list_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_list_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int first;

	memset(o, 0, sizeof(*o));
	return vmctl_getopt(v, "list", argc, argv, "+:j", longopts, vmctl_flag_set,
			    &o->json, 0, &first);
}

static int shutdown_set(struct vmctl *v, const char *cmd, int opt,
			const char *arg, void *p)
{
	struct vmctl_shutdown_opts *o = p;

	switch (opt) {
	case 'r':
		o->reboot = 1;
		return 0;
	case 'w':
		if (vmctl_parse_uint(arg, 0, 3600, &o->wait_s)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: --wait: expected seconds 0..3600, got '%s'",
					  cmd, arg);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

int vmctl_shutdown_parse(struct vmctl *v, int argc, char **argv,
			 struct vmctl_shutdown_opts *o)
{
	static const struct option longopts[] = {
		{ "reboot", no_argument, NULL, 'r' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->wait_s = VMCTL_SHUTDOWN_WAIT_DEFAULT;
	rc = vmctl_getopt(v, "shutdown", argc, argv, ":rw:", longopts, shutdown_set, o,
		   1, &first);
	if (!rc)
		o->domain = argv[first];
	return rc;
}

static int sched_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		     void *p)
{
	struct vmctl_sched_opts *o = p;

	switch (opt) {
	case 'w':
		if (vmctl_parse_uint(arg, KEEL_SCHED_WEIGHT_MIN, KEEL_SCHED_WEIGHT_MAX,
			       &o->weight)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: --weight: expected 1..65535, got '%s'", cmd, arg);
			return -EINVAL;
		}
		o->set_weight = 1;
		return 0;
	case 'c':
		if (vmctl_parse_uint(arg, 0, KEEL_SCHED_CAP_MAX, &o->cap)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: --cap: expected 0..100, got '%s'", cmd, arg);
			return -EINVAL;
		}
		o->set_cap = 1;
		return 0;
	}
	return -EINVAL;
}

int vmctl_sched_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_sched_opts *o)
{
	static const struct option longopts[] = {
		{ "weight", required_argument, NULL, 'w' },
		{ "cap", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	rc = vmctl_getopt(v, "sched-credit", argc, argv, ":w:c:", longopts, sched_set, o,
		   1, &first);
	if (!rc)
		o->domain = argv[first];
	return rc;
}

int vmctl_no_opts(struct vmctl *v, const char *cmd, int opt, const char *arg,
		  void *p)
{
	(void)v; (void)cmd; (void)opt; (void)arg; (void)p;
	return -EINVAL;
}

static int memset_set(struct vmctl *v, const char *cmd, int opt,
		      const char *arg, void *p)
{
	struct vmctl_memset_opts *o = p;

	if (opt != 'w')
		return -EINVAL;
	if (vmctl_parse_uint(arg, 0, 3600, &o->wait_s)) {
		vmctl_usage_error(v, vmctl_find_cmd(cmd),
				  "%s: --wait: expected seconds 0..3600, got '%s'", cmd, arg);
		return -EINVAL;
	}
	return 0;
}

int vmctl_memset_parse(struct vmctl *v, int argc, char **argv,
		       struct vmctl_memset_opts *o)
{
	static const struct option longopts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->wait_s = VMCTL_MEMSET_WAIT_DEFAULT;
	rc = vmctl_getopt(v, "mem-set", argc, argv, ":w:", longopts, memset_set, o, 2, &first);
	if (rc)
		return rc;
	o->domain = argv[first];
	/* 0 is a size too: it is refused later, with the guest's range. */
	if (vmctl_parse_size_kib(argv[first + 1], &o->kib) &&
	    strspn(argv[first + 1], "0") != strlen(argv[first + 1])) {
		vmctl_usage_error(v, vmctl_find_cmd("mem-set"),
				  "mem-set: '%s' is not a size (e.g. 6M, 8192K, 1G)",
				  argv[first + 1]);
		return -EINVAL;
	}
	return 0;
}

/* One positional DOMAIN and nothing else. */
static int parse_domain_only(struct vmctl *v, int argc, char **argv,
			     const char **domain)
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	int first, rc;

	rc = vmctl_getopt(v, argv[0], argc, argv, "+:", longopts, vmctl_no_opts, NULL, 1, &first);
	if (!rc)
		*domain = argv[first];
	return rc;
}

/* ---- helpers ---- */

int vmctl_resolve(struct vmctl *v, const char *arg, uint16_t *domid,
		  char *name, size_t size)
{
	struct keel_dominfo info;
	struct keel_store *st;
	struct keel_ctl *h;
	uint32_t id;
	int rc;

	name[0] = '\0';
	h = vmctl_ctl(v);
	if (!h)
		return -ENODEV;
	if (!vmctl_parse_uint(arg, 0, KEEL_DOMID_MAX, &id)) {
		rc = keel_domain_getinfo(h, (uint16_t)id, &info);
		if (rc == -ESRCH) {
			vmctl_err(v, "no domain with id %u", id);
			return -ENOENT;
		}
		if (rc) {
			vmctl_err(v, "cannot get domain %u's information: %s", id,
				  strerror(-rc));
			return rc;
		}
		*domid = (uint16_t)id;
		st = id ? vmctl_store(v) : NULL;
		if (!id)
			snprintf(name, size, "Domain-0");
		else if (st)
			keel_dom_store_name(st, *domid, name, size);
		return 0;
	}
	if (!strcmp(arg, "Domain-0")) {
		*domid = 0;
		snprintf(name, size, "Domain-0");
		return 0;
	}
	st = vmctl_store(v);
	if (!st)
		return -ENOTCONN;
	rc = keel_dom_store_find(st, arg, domid);
	if (rc == -ENOENT) {
		vmctl_err(v, "no domain called '%s'", arg);
		return rc;
	}
	if (rc) {
		vmctl_err(v, "cannot look '%s' up in the store: %s", arg, strerror(-rc));
		return rc;
	}
	snprintf(name, size, "%s", arg);
	return 0;
}

int vmctl_not_dom0(struct vmctl *v, const char *cmd, uint16_t domid)
{
	if (domid == 0) {
		vmctl_err(v, "%s: domain 0 is dom0, the control domain; refused", cmd);
		return -EPERM;
	}
	return 0;
}

int vmctl_put_json(struct vmctl *v, int rc, char *json)
{
	if (rc) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	fprintf(v->out, "%s", json);
	free(json);
	return VMCTL_OK;
}

/* ---- commands ---- */

static int cmd_create(struct vmctl *v, int argc, char **argv)
{
	static const struct option longopts[] = { { NULL, 0, NULL, 0 } };
	struct keel_cfg_diag *diag;
	struct keel_domcfg *cfg;
	struct keel_build b;
	char *abs = NULL;
	unsigned int i;
	int first, brc, rc = VMCTL_FAIL;

	if (vmctl_getopt(v, "create", argc, argv, "+:", longopts, vmctl_no_opts, NULL, 1, &first))
		return VMCTL_FAIL;
	cfg = malloc(sizeof(*cfg));
	diag = malloc(sizeof(*diag));
	if (!cfg || !diag) {
		vmctl_err(v, "out of memory");
		goto out_free;
	}
	if (keel_cfg_load(argv[first], cfg, diag)) {
		vmctl_err(v, "%s", diag->error);
		goto out_free;
	}
	for (i = 0; i < diag->nr_warnings; i++)
		vmctl_err(v, "warning: %s", diag->warnings[i]);

	memset(&b, 0, sizeof(b));
	b.h = vmctl_ctl(v);
	if (!b.h)
		goto out_free;
	b.st = vmctl_store(v);
	if (!b.st)
		goto out_free;
	abs = realpath(argv[first], NULL);
	b.cfg = cfg;
	b.config_path = abs ? abs : argv[first];
	b.config_name = argv[first];
	brc = keel_build_domain(&b);
	if (brc) {
		if (b.config_error)
			vmctl_err(v, "%s", b.error);
		else
			vmctl_err(v, "cannot create '%s': %s", cfg->name, b.error);
		/* a guest that shut down is listed until keel-domd acts */
		if (brc == -EEXIST)
			vmctl_daemon_down(v, "keel-domd");
		goto out_free;
	}
	fprintf(v->out, "Started domain %s (id %u)\n", cfg->name, b.domid);
	rc = VMCTL_OK;
out_free:
	free(abs);
	free(diag);
	free(cfg);
	return rc;
}

#define LIST_MAX 4096

/* dom0's CPU time as dom0 counts it (vmctl_dom0_cpu_ns); left as the
 * hypervisor gave it when /proc/stat cannot be read. */
static void dom0_cpu_time(struct keel_dominfo *info)
{
	const char *path = getenv("VMCTL_PROC_STAT");
	char buf[256];
	uint64_t ns;
	FILE *f;

	f = fopen(path && *path ? path : VMCTL_PROC_STAT, "r");
	if (!f)
		return;
	if (fgets(buf, sizeof(buf), f) &&
	    !vmctl_dom0_cpu_ns(buf, sysconf(_SC_CLK_TCK), &ns))
		info->cpu_time_ns = ns;
	fclose(f);
}

static int cmd_list(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_list_opts o;
	struct vmctl_dom_row *rows;
	struct keel_store *st;
	struct keel_ctl *h;
	size_t n = 0;
	uint32_t next = 0;
	char *json;
	int rc, ret = VMCTL_FAIL;

	if (vmctl_list_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	h = vmctl_ctl(v);
	if (!h)
		return VMCTL_FAIL;
	rows = calloc(LIST_MAX, sizeof(*rows));
	if (!rows) {
		vmctl_err(v, "out of memory");
		return VMCTL_FAIL;
	}
	while (n < LIST_MAX && next <= KEEL_DOMID_MAX) {
		rc = keel_domain_getinfo_next(h, (uint16_t)next, &rows[n].info);
		if (rc == -ESRCH)
			break;
		if (rc) {
			vmctl_err(v, "cannot list the domains: %s", strerror(-rc));
			goto out_free;
		}
		if (rows[n].info.domid < next) {    /* a broken answer: stop */
			vmctl_err(v, "the hypervisor listed domain %u after %u",
				  rows[n].info.domid, next);
			goto out_free;
		}
		next = rows[n].info.domid + 1u;
		n++;
	}
	if (n && rows[0].info.domid == 0)
		dom0_cpu_time(&rows[0].info);
	st = n > 1 ? vmctl_store(v) : NULL;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].info.domid == 0)
			snprintf(rows[i].name, sizeof(rows[i].name), "Domain-0");
		else if (!st || keel_dom_store_name(st, rows[i].info.domid, rows[i].name,
						    sizeof(rows[i].name)))
			rows[i].name[0] = '\0';
	}
	if (!o.json) {
		vmctl_list_print(v->out, rows, n);
		ret = VMCTL_OK;
	} else {
		rc = vmctl_list_json(rows, n, &json);
		ret = vmctl_put_json(v, rc, json);
	}
out_free:
	free(rows);
	return ret;
}

/* pause and unpause. */
static int cmd_pause(struct vmctl *v, int argc, char **argv)
{
	int unpause = !strcmp(argv[0], "unpause");
	const char *dom;
	char name[64];
	uint16_t id;
	int rc;

	if (parse_domain_only(v, argc, argv, &dom))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, dom, &id, name, sizeof(name)) || vmctl_not_dom0(v, argv[0], id))
		return VMCTL_FAIL;
	rc = unpause ? keel_domain_unpause(vmctl_ctl(v), id)
		     : keel_domain_pause(vmctl_ctl(v), id);
	if (rc == -EINVAL && unpause) {
		vmctl_err(v, "'%s' (id %u) is not paused", dom, id);
		return VMCTL_FAIL;
	}
	if (rc) {
		vmctl_err(v, "cannot %s '%s' (id %u): %s", argv[0], dom, id, strerror(-rc));
		return VMCTL_FAIL;
	}
	return VMCTL_OK;
}

static int cmd_shutdown(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_shutdown_opts o;
	struct keel_dominfo info;
	struct keel_store *st;
	char name[64], path[64];
	unsigned int waited_ms = 0;
	uint16_t id;
	int rc;

	if (vmctl_shutdown_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)) ||
	    vmctl_not_dom0(v, "shutdown", id))
		return VMCTL_FAIL;
	st = vmctl_store(v);
	if (!st)
		return VMCTL_FAIL;
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", id);
	rc = st->ops->write(st->ctx, path, o.reboot ? "reboot" : "poweroff");
	if (rc) {
		vmctl_err(v, "cannot ask '%s' (id %u) to shut down: %s", o.domain, id,
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	for (;;) {
		rc = keel_domain_getinfo(vmctl_ctl(v), id, &info);
		if (rc == -ESRCH || (!rc && (info.flags & (KEEL_DOMINF_shutdown |
							   KEEL_DOMINF_dying))))
			break;
		if (rc) {
			vmctl_err(v, "cannot get '%s' (id %u)'s state: %s", o.domain, id,
				  strerror(-rc));
			return VMCTL_FAIL;
		}
		if (info.flags & KEEL_DOMINF_paused) {
			/* Its vCPUs do not run: waiting cannot help. */
			vmctl_err(v, "'%s' (id %u) is paused: it sees the request once "
				  "'vmctl unpause %s'; 'vmctl destroy %s' stops it now",
				  o.domain, id, o.domain, o.domain);
			return o.wait_s ? VMCTL_FAIL : VMCTL_OK;
		}
		if (waited_ms >= o.wait_s * 1000u) {
			if (!o.wait_s)
				return VMCTL_OK;
			vmctl_err(v, "'%s' (id %u) did not shut down within %u s",
				  o.domain, id, o.wait_s);
			return VMCTL_FAIL;
		}
		v->sleep_ms(100);
		waited_ms += 100;
	}
	fprintf(v->out, "%s (id %u) has shut down\n", name[0] ? name : o.domain, id);
	return VMCTL_OK;
}

static int cmd_destroy(struct vmctl *v, int argc, char **argv)
{
	const char *dom;
	char name[64];
	uint16_t id;
	int rc;

	if (parse_domain_only(v, argc, argv, &dom))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, dom, &id, name, sizeof(name)) || vmctl_not_dom0(v, "destroy", id))
		return VMCTL_FAIL;
	rc = keel_domain_teardown(vmctl_ctl(v), vmctl_store(v), id);
	if (rc) {
		vmctl_err(v, "cannot destroy '%s' (id %u): %s", dom, id, strerror(-rc));
		return VMCTL_FAIL;
	}
	return VMCTL_OK;
}

static int cmd_sched_credit(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_sched_opts o;
	uint32_t weight, cap;
	char name[64];
	uint16_t id;
	int rc;

	if (vmctl_sched_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	/* dom0 runs on CPU0 alone, outside the credit scheduler. */
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)) ||
	    vmctl_not_dom0(v, "sched-credit", id))
		return VMCTL_FAIL;
	rc = keel_sched_credit_get(vmctl_ctl(v), id, &weight, &cap);
	if (rc) {
		vmctl_err(v, "cannot get '%s' (id %u)'s scheduler parameters: %s",
			  o.domain, id, strerror(-rc));
		return VMCTL_FAIL;
	}
	if (!o.set_weight && !o.set_cap) {
		fprintf(v->out, "%s (id %u): weight %u, cap %u\n",
			name[0] ? name : o.domain, id, weight, cap);
		return VMCTL_OK;
	}
	if (o.set_weight)
		weight = o.weight;
	if (o.set_cap)
		cap = o.cap;
	rc = keel_sched_credit_set(vmctl_ctl(v), id, weight, cap);
	if (rc) {
		vmctl_err(v, "cannot set '%s' (id %u)'s scheduler parameters: %s",
			  o.domain, id, strerror(-rc));
		return VMCTL_FAIL;
	}
	return VMCTL_OK;
}

/*
 * Polls memory/actual until it is the target or wait_s seconds pass.
 * Returns 0 when reached, 1 when not (*actual: the last figure, 0 if the
 * key never appeared), or -errno from the store.
 */
static int memset_wait(struct vmctl *v, struct keel_store *st, uint16_t id,
		       uint64_t kib, unsigned int wait_s, uint64_t *actual)
{
	char path[80], *val = NULL;
	unsigned int waited_ms = 0;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/memory/actual", id);
	*actual = 0;
	for (;;) {
		rc = st->ops->read(st->ctx, path, &val);
		if (rc && rc != -ENOENT)
			return rc;
		if (!rc) {
			*actual = strtoull(val, NULL, 10);
			free(val);
			val = NULL;
			if (*actual == kib)
				return 0;
		}
		if (waited_ms >= wait_s * 1000u)
			return 1;
		v->sleep_ms(100);
		waited_ms += 100;
	}
}

static int cmd_mem_set(struct vmctl *v, int argc, char **argv)
{
	const uint64_t min_kib = (uint64_t)KEEL_CFG_MEMORY_MIN * 1024;
	struct vmctl_memset_opts o;
	struct keel_dominfo info;
	struct keel_store *st;
	char name[64], path[80], val[32];
	uint64_t max_kib, actual;
	uint16_t id;
	int rc;

	if (vmctl_memset_parse(v, argc, argv, &o))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)) ||
	    vmctl_not_dom0(v, "mem-set", id))
		return VMCTL_FAIL;
	rc = keel_domain_getinfo(vmctl_ctl(v), id, &info);
	if (rc) {
		vmctl_err(v, "cannot get '%s' (id %u)'s information: %s", o.domain, id,
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	max_kib = info.max_pages * 4;
	if (o.kib < min_kib || o.kib > max_kib) {
		vmctl_err(v, "mem-set: %" PRIu64 " KiB is outside what '%s' may have: "
			  "%" PRIu64 "..%" PRIu64 " KiB (%" PRIu64 "M..maxmem %" PRIu64 "M)",
			  o.kib, o.domain, min_kib, max_kib, min_kib / 1024, max_kib / 1024);
		return VMCTL_FAIL;
	}
	st = vmctl_store(v);
	if (!st)
		return VMCTL_FAIL;
	snprintf(path, sizeof(path), "/local/domain/%u/memory/target", id);
	snprintf(val, sizeof(val), "%" PRIu64, o.kib);
	rc = st->ops->write(st->ctx, path, val);
	if (rc) {
		vmctl_err(v, "cannot write %s: %s", path, strerror(-rc));
		return VMCTL_FAIL;
	}
	if (!o.wait_s)
		return VMCTL_OK;
	rc = memset_wait(v, st, id, o.kib, o.wait_s, &actual);
	if (rc < 0) {
		vmctl_err(v, "cannot read '%s' (id %u)'s memory/actual: %s", o.domain, id,
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	if (rc == 0) {
		fprintf(v->out, "%s (id %u): memory %" PRIu64 " KiB\n",
			name[0] ? name : o.domain, id, o.kib);
		return VMCTL_OK;
	}
	if (!actual)
		vmctl_err(v, "'%s' (id %u) has not reported memory/actual within %u s: "
			  "does it run a balloon driver?", o.domain, id, o.wait_s);
	else
		vmctl_err(v, "'%s' (id %u) is at %" PRIu64 " KiB after %u s, not the "
			  "%" PRIu64 " KiB target (memory/actual; the guest's console log "
			  "says why)", o.domain, id, actual, o.wait_s, o.kib);
	return VMCTL_FAIL;
}
