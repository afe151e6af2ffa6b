/* vmctl's command table, argument parsing and commands over a fake hypervisor. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "tests.h"

#define MiB_PAGES(n) ((uint64_t)(n) * 256)

static const char test_log[] = "Keel hypervisor 0.1-dev\nmemory map ...\n";

int fake_full_hv(struct fake_hv *f, struct keel_ioctl_hypercall *hc)
{
	if (hc->op == KEEL_HC_version && hc->arg[0] == KEEL_VERSION_INFO) {
		struct keel_version_info *vi = (void *)(uintptr_t)hc->arg[1];

		memset(vi, 0, sizeof(*vi));
		vi->abi_version = KEEL_ABI_VERSION;
		vi->major = 0;
		vi->minor = 1;
		strcpy(vi->extra, "-dev");
		strcpy(vi->build_id, "0123abcd");
		strcpy(vi->compiled, "today");
		hc->result = 0;
	} else if (hc->op == KEEL_HC_sysctl && hc->arg[0] == KEEL_SYSCTL_PHYSINFO) {
		struct keel_physinfo *pi = (void *)(uintptr_t)hc->arg[1];

		memset(pi, 0, sizeof(*pi));
		pi->nr_cpus = 2;
		pi->cpu_khz = 2994123;
		pi->total_pages = MiB_PAGES(2047);
		pi->dom0_pages = MiB_PAGES(512);
		pi->hypervisor_pages = MiB_PAGES(12);
		pi->free_pages = MiB_PAGES(1500);
		hc->result = 0;
	} else if (hc->op == KEEL_HC_sysctl && hc->arg[0] == KEEL_SYSCTL_READCONSOLE) {
		struct keel_console_cursor *cur = (void *)(uintptr_t)hc->arg[3];
		size_t loglen = strlen(f->log), n;

		if (cur->pos >= loglen) {
			hc->result = 0;
			return 0;
		}
		n = loglen - cur->pos;
		if (n > hc->arg[2])
			n = hc->arg[2];
		if (f->chunk && n > f->chunk)
			n = f->chunk;
		memcpy((void *)(uintptr_t)hc->arg[1], f->log + cur->pos, n);
		cur->pos += n;
		cur->lost = f->lost_once;
		f->lost_once = 0;
		hc->result = (int64_t)n;
	} else if (hc->op == KEEL_HC_sysctl && hc->arg[0] == KEEL_SYSCTL_PERFC) {
		struct keel_perfc *pc = (void *)(uintptr_t)hc->arg[1];

		if (hc->arg[2] != sizeof(*pc)) {
			hc->result = -KEEL_EINVAL;
			return 0;
		}
		memset(pc, 0, sizeof(*pc));
		pc->dom0.exits[KEEL_PERFC_EXIT_CPUID] = 2436;
		pc->dom0.exits[KEEL_PERFC_EXIT_VMMCALL] = 7;
		pc->guests.exits[KEEL_PERFC_EXIT_HLT] = 99;
		pc->dom0.hypercalls[KEEL_HC_sysctl] = 3;
		pc->guests.hypercalls[KEEL_HC_sched_op] = 5;
		hc->result = 0;
	} else {
		hc->result = -KEEL_ENOSYS;
	}
	return 0;
}

static struct fake_hv *current_fake;
int (*test_open_store)(struct vmctl *v, struct keel_store *st);
void (*test_sleep_ms)(unsigned int ms);

static struct keel_ctl *open_fake(struct vmctl *v)
{
	if (!current_fake)
		return keel_ctl_open(&v->log.base, 0);
	return keel_ctl_open_backend(&v->log.base, fake_backend, current_fake);
}

static char *slurp(FILE *f)
{
	size_t n;
	char *s;

	fflush(f);
	n = (size_t)ftell(f);
	s = calloc(1, n + 1);
	rewind(f);
	if (fread(s, 1, n, f) != n)
		ck_abort_msg("short read");
	return s;
}

int run_vmctl(struct fake_hv *f, int argc, char **argv, char **out, char **err)
{
	FILE *o = tmpfile(), *e = tmpfile();
	int saved = dup(2), rc;
	struct vmctl v;

	ck_assert_ptr_nonnull(o);
	ck_assert_ptr_nonnull(e);
	fflush(stderr);
	dup2(fileno(e), 2);
	current_fake = f;
	vmctl_init(&v, o);
	v.open_ctl = open_fake;
	if (test_open_store)
		v.open_store = test_open_store;
	if (test_sleep_ms)
		v.sleep_ms = test_sleep_ms;
	rc = vmctl_main(&v, argc, argv);
	vmctl_fini(&v);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	*out = slurp(o);
	*err = slurp(e);
	fclose(o);
	fclose(e);
	return rc;
}

#define ARGV(...) ((char *[]){ "vmctl", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "vmctl", __VA_ARGS__ }) / sizeof(char *)))
#define RUN(f, ...) run_vmctl(f, ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &out, &err)

static struct fake_hv fake;
static char *out, *err;

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.fill = fake_full_hv;
	fake.log = test_log;
	out = err = NULL;
}

static void teardown(void)
{
	free(out);
	free(err);
}

START_TEST(find_cmd_known_and_unknown)
{
	ck_assert_ptr_nonnull(vmctl_find_cmd("info"));
	ck_assert_ptr_nonnull(vmctl_find_cmd("dmesg"));
	ck_assert_ptr_nonnull(vmctl_find_cmd("help"));
	ck_assert_ptr_nonnull(vmctl_find_cmd("version"));
	ck_assert_ptr_null(vmctl_find_cmd("inf"));
	ck_assert_ptr_null(vmctl_find_cmd(""));
}
END_TEST

START_TEST(every_cmd_documented)
{
	const struct vmctl_cmd *groups[] = { vmctl_core_cmds, vmctl_host_cmds };
	const struct vmctl_cmd *c;
	size_t g;

	for (g = 0; g < 2; g++)
		for (c = groups[g]; c->name; c++) {
			ck_assert_ptr_nonnull(c->synopsis);
			ck_assert_ptr_nonnull(c->summary);
			ck_assert_ptr_nonnull(c->help);
			ck_assert_ptr_nonnull(c->run);
		}
}
END_TEST

START_TEST(help_lists_commands)
{
	ck_assert_int_eq(RUN(&fake, "--help"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "usage: vmctl"));
	ck_assert_ptr_nonnull(strstr(out, "info"));
	ck_assert_ptr_nonnull(strstr(out, "dmesg"));
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(help_cmd_shows_options)
{
	ck_assert_int_eq(RUN(&fake, "help", "info"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "usage: vmctl info [--json]"));
	ck_assert_ptr_nonnull(strstr(out, "--json"));
}
END_TEST

START_TEST(cmd_dash_help_shows_options)
{
	ck_assert_int_eq(RUN(&fake, "dmesg", "--help"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "usage: vmctl dmesg [-c]"));
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(help_unknown_cmd_fails)
{
	ck_assert_int_eq(RUN(&fake, "help", "frobnicate"), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown command 'frobnicate'"));
}
END_TEST

START_TEST(no_command_fails)
{
	ck_assert_int_eq(run_vmctl(&fake, 1, (char *[]){ "vmctl", NULL }, &out, &err),
			 VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "no command"));
}
END_TEST

START_TEST(unknown_command_fails)
{
	ck_assert_int_eq(RUN(&fake, "frobnicate"), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown command 'frobnicate'"));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(unknown_global_option_fails)
{
	ck_assert_int_eq(RUN(&fake, "--frob", "info"), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown option '--frob'"));
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(unknown_cmd_option_fails_without_hypercall)
{
	ck_assert_int_eq(RUN(&fake, "info", "--jsn"), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unknown option '--jsn'"));
	ck_assert_ptr_nonnull(strstr(err, "usage: vmctl info"));
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(extra_argument_fails)
{
	ck_assert_int_eq(RUN(&fake, "info", "now"), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "unexpected argument 'now'"));
}
END_TEST

START_TEST(version_needs_no_hypervisor)
{
	ck_assert_int_eq(RUN(NULL, "version"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "vmctl " VMCTL_VERSION));
	ck_assert_int_eq(RUN(NULL, "--version"), VMCTL_OK);
}
END_TEST

START_TEST(version_extra_argument_fails)
{
	ck_assert_int_eq(RUN(&fake, "version", "x"), VMCTL_USAGE);
}
END_TEST

START_TEST(info_parse_options)
{
	struct vmctl_info_opts o;
	struct vmctl v;

	vmctl_init(&v, stdout);
	ck_assert_int_eq(vmctl_info_parse(&v, 1, (char *[]){ "info", NULL }, &o), 0);
	ck_assert_int_eq(o.json, 0);
	ck_assert_int_eq(vmctl_info_parse(&v, 2, (char *[]){ "info", "--json", NULL }, &o), 0);
	ck_assert_int_eq(o.json, 1);
	ck_assert_int_eq(vmctl_info_parse(&v, 2, (char *[]){ "info", "-j", NULL }, &o), 0);
	ck_assert_int_eq(o.json, 1);
	ck_assert_int_eq(vmctl_info_parse(&v, 2, (char *[]){ "info", "-x", NULL }, &o), -EINVAL);
}
END_TEST

START_TEST(dmesg_parse_options)
{
	struct vmctl_dmesg_opts o;
	struct vmctl v;

	vmctl_init(&v, stdout);
	ck_assert_int_eq(vmctl_dmesg_parse(&v, 1, (char *[]){ "dmesg", NULL }, &o), 0);
	ck_assert_int_eq(o.clear, 0);
	ck_assert_int_eq(vmctl_dmesg_parse(&v, 2, (char *[]){ "dmesg", "-c", NULL }, &o), 0);
	ck_assert_int_eq(o.clear, 1);
	ck_assert_int_eq(vmctl_dmesg_parse(&v, 2, (char *[]){ "dmesg", "--clear", NULL }, &o), 0);
	ck_assert_int_eq(vmctl_dmesg_parse(&v, 2, (char *[]){ "dmesg", "--json", NULL }, &o), -EINVAL);
}
END_TEST

START_TEST(info_text)
{
	ck_assert_int_eq(RUN(&fake, "info"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "Keel 0.1-dev"));
	ck_assert_ptr_nonnull(strstr(out, "0123abcd"));
	ck_assert_ptr_nonnull(strstr(out, "ABI version         1.1"));
	ck_assert_ptr_nonnull(strstr(out, "physical CPUs       2\n"));
	ck_assert_ptr_nonnull(strstr(out, "total memory        2047 MiB\n"));
	ck_assert_ptr_nonnull(strstr(out, "dom0 memory         512 MiB\n"));
	ck_assert_ptr_nonnull(strstr(out, "hypervisor memory   12 MiB\n"));
	ck_assert_ptr_nonnull(strstr(out, "free memory         1500 MiB\n"));
	ck_assert_ptr_nonnull(strstr(out, "2994.123 MHz"));
}
END_TEST

START_TEST(info_json_parses)
{
	yajl_val root, v;
	char errbuf[128];

	ck_assert_int_eq(RUN(&fake, "info", "--json"), VMCTL_OK);
	root = yajl_tree_parse(out, errbuf, sizeof(errbuf));
	ck_assert_msg(root != NULL, "bad JSON: %s", errbuf);
	v = yajl_tree_get(root, (const char *[]){ "dom0_memory", NULL }, yajl_t_number);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(YAJL_GET_INTEGER(v), 512ll << 20);
	v = yajl_tree_get(root, (const char *[]){ "version", NULL }, yajl_t_string);
	ck_assert_str_eq(YAJL_GET_STRING(v), "0.1-dev");
	yajl_tree_free(root);
}
END_TEST

START_TEST(info_hypervisor_error_fails)
{
	fake.fill = NULL;
	fake.result = -KEEL_EPERM;
	ck_assert_int_eq(RUN(&fake, "info"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "Operation not permitted"));
}
END_TEST

START_TEST(info_without_device_fails_with_hint)
{
	/* Added only where there is no /dev/keel/privcmd (vmctl_suite). */
	ck_assert_int_eq(RUN(NULL, "info"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "cannot open /dev/keel/privcmd"));
	ck_assert_ptr_nonnull(strstr(err, "is the keel module loaded"));
}
END_TEST

START_TEST(dmesg_prints_log_in_chunks)
{
	fake.chunk = 5;
	ck_assert_int_eq(RUN(&fake, "dmesg"), VMCTL_OK);
	ck_assert_str_eq(out, test_log);
	ck_assert_str_eq(err, "");
	/* ceil(len / 5) reads plus the one that returns 0. */
	ck_assert_int_eq(fake.calls, (int)((sizeof(test_log) - 1 + 4) / 5 + 1));
}
END_TEST

START_TEST(dmesg_reports_lost_bytes)
{
	fake.lost_once = 4096;
	ck_assert_int_eq(RUN(&fake, "dmesg"), VMCTL_OK);
	ck_assert_str_eq(out, test_log);
	ck_assert_ptr_nonnull(strstr(err, "4096 bytes of the hypervisor log were overwritten"));
}
END_TEST

START_TEST(exit_stats_table)
{
	ck_assert_int_eq(RUN(&fake, "exit-stats"), VMCTL_OK);
	ck_assert_ptr_nonnull(strstr(out, "exit cpuid                         2436              0\n"));
	ck_assert_ptr_nonnull(strstr(out, "exit hlt                              0             99\n"));
	ck_assert_ptr_nonnull(strstr(out, "exit total                         2443             99\n"));
	ck_assert_ptr_nonnull(strstr(out, "hypercall sysctl                      3              0\n"));
	ck_assert_ptr_nonnull(strstr(out, "hypercall sched_op                    0              5\n"));
	ck_assert_int_eq(RUN(&fake, "exit-stats", "--bogus"), VMCTL_USAGE);
}
END_TEST

START_TEST(exit_stats_error_fails)
{
	fake.fill = NULL;
	fake.result = -KEEL_EPERM;
	ck_assert_int_eq(RUN(&fake, "exit-stats"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "cannot read the hypervisor's counters"));
}
END_TEST

START_TEST(dmesg_error_fails)
{
	fake.fill = NULL;
	fake.result = -KEEL_EPERM;
	ck_assert_int_eq(RUN(&fake, "dmesg"), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "cannot read the hypervisor log"));
}
END_TEST

START_TEST(dmesg_clear_prints_only_new)
{
	char dir[] = "/tmp/vmctl-test-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	setenv("VMCTL_STATE_DIR", dir, 1);
	ck_assert_int_eq(RUN(&fake, "dmesg", "-c"), VMCTL_OK);
	ck_assert_str_eq(out, test_log);
	free(out);
	free(err);
	ck_assert_int_eq(RUN(&fake, "dmesg", "-c"), VMCTL_OK);
	ck_assert_str_eq(out, "");
	free(out);
	free(err);
	/* Without -c the whole ring is printed again. */
	ck_assert_int_eq(RUN(&fake, "dmesg"), VMCTL_OK);
	ck_assert_str_eq(out, test_log);
}
END_TEST

Suite *vmctl_suite(void)
{
	Suite *s = suite_create("vmctl");
	TCase *tc = tcase_create("commands");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, find_cmd_known_and_unknown);
	tcase_add_test(tc, every_cmd_documented);
	tcase_add_test(tc, help_lists_commands);
	tcase_add_test(tc, help_cmd_shows_options);
	tcase_add_test(tc, cmd_dash_help_shows_options);
	tcase_add_test(tc, help_unknown_cmd_fails);
	tcase_add_test(tc, no_command_fails);
	tcase_add_test(tc, unknown_command_fails);
	tcase_add_test(tc, unknown_global_option_fails);
	tcase_add_test(tc, unknown_cmd_option_fails_without_hypercall);
	tcase_add_test(tc, extra_argument_fails);
	tcase_add_test(tc, version_needs_no_hypervisor);
	tcase_add_test(tc, version_extra_argument_fails);
	tcase_add_test(tc, info_parse_options);
	tcase_add_test(tc, dmesg_parse_options);
	tcase_add_test(tc, info_text);
	tcase_add_test(tc, info_json_parses);
	tcase_add_test(tc, info_hypervisor_error_fails);
	tcase_add_test_no_device(tc, info_without_device_fails_with_hint,
				 KEEL_PRIVCMD_PATH);
	tcase_add_test(tc, dmesg_prints_log_in_chunks);
	tcase_add_test(tc, dmesg_reports_lost_bytes);
	tcase_add_test(tc, dmesg_error_fails);
	tcase_add_test(tc, exit_stats_table);
	tcase_add_test(tc, exit_stats_error_fails);
	tcase_add_test(tc, dmesg_clear_prints_only_new);
	suite_add_tcase(s, tc);
	return s;
}
