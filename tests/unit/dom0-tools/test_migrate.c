/* vmctl migrate / migrate-check: parsing, the progress line and the report. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "tests.h"
#include "migrate.h"
#include "mig_transport.h"

#define ARGV(...) ((char *[]){ "migrate", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "migrate", __VA_ARGS__ }) / sizeof(char *)))

static struct vmctl v;
static FILE *devnull_out;

static void setup(void)
{
	devnull_out = fopen("/dev/null", "w");
	vmctl_init(&v, devnull_out);
	/* usage errors go to stderr: keep the test log readable */
}

static void teardown(void)
{
	vmctl_fini(&v);
	fclose(devnull_out);
}

static int parse(int argc, char **argv, struct vmctl_migrate_opts *o)
{
	FILE *saved = stderr;
	int rc;

	stderr = devnull_out;
	rc = vmctl_migrate_parse(&v, argc, argv, o);
	stderr = saved;
	return rc;
}

START_TEST(parse_defaults)
{
	struct vmctl_migrate_opts o;

	ck_assert_int_eq(parse(ARGC("counter", "169.254.99.2"),
			       ARGV("counter", "169.254.99.2"), &o), 0);
	ck_assert_str_eq(o.domain, "counter");
	ck_assert_str_eq(o.host, "169.254.99.2");
	ck_assert_int_eq(o.live, 1);
	ck_assert_int_eq(o.with_storage, 0);
	ck_assert_uint_eq(o.max_downtime_ms, 100);
	ck_assert_int_eq(o.json, 0);
	ck_assert_str_eq(o.key, KMIG_KEY_FILE);
	ck_assert_uint_eq(o.port, 8002);
}
END_TEST

START_TEST(parse_every_option)
{
	struct vmctl_migrate_opts o;

	ck_assert_int_eq(parse(ARGC("--no-live", "g", "10.0.0.1", "--with-storage",
				    "--max-downtime", "250", "--json", "--key", "/k",
				    "--port", "9000"),
			       ARGV("--no-live", "g", "10.0.0.1", "--with-storage",
				    "--max-downtime", "250", "--json", "--key", "/k",
				    "--port", "9000"), &o), 0);
	ck_assert_int_eq(o.live, 0);
	ck_assert_int_eq(o.with_storage, 1);
	ck_assert_uint_eq(o.max_downtime_ms, 250);
	ck_assert_int_eq(o.json, 1);
	ck_assert_str_eq(o.key, "/k");
	ck_assert_uint_eq(o.port, 9000);
	ck_assert_int_eq(parse(ARGC("--no-live", "--live", "g", "10.0.0.1"),
			       ARGV("--no-live", "--live", "g", "10.0.0.1"), &o), 0);
	ck_assert_int_eq(o.live, 1);
}
END_TEST

START_TEST(parse_refuses_bad_input)
{
	struct vmctl_migrate_opts o;

	ck_assert_int_eq(parse(ARGC("g"), ARGV("g"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "h", "x"), ARGV("g", "h", "x"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "hostb"), ARGV("g", "hostb"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "1.2.3.4", "--max-downtime", "0"),
			       ARGV("g", "1.2.3.4", "--max-downtime", "0"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "1.2.3.4", "--max-downtime", "10x"),
			       ARGV("g", "1.2.3.4", "--max-downtime", "10x"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "1.2.3.4", "--port", "70000"),
			       ARGV("g", "1.2.3.4", "--port", "70000"), &o), -EINVAL);
	ck_assert_int_eq(parse(ARGC("g", "1.2.3.4", "--bogus"),
			       ARGV("g", "1.2.3.4", "--bogus"), &o), -EINVAL);
	ck_assert_int_eq(v.usage_error, 1);
}
END_TEST

START_TEST(check_parse)
{
	struct vmctl_migrate_opts o;
	char *ok[] = { "migrate-check", "169.254.99.1", "--key", "/tmp/k", NULL };
	char *bad[] = { "migrate-check", NULL };
	FILE *saved = stderr;

	ck_assert_int_eq(vmctl_migrate_check_parse(&v, 4, ok, &o), 0);
	ck_assert_str_eq(o.host, "169.254.99.1");
	ck_assert_str_eq(o.key, "/tmp/k");
	stderr = devnull_out;
	ck_assert_int_eq(vmctl_migrate_check_parse(&v, 1, bad, &o), -EINVAL);
	stderr = saved;
}
END_TEST

START_TEST(progress_line)
{
	struct keel_mig_progress p = { .round = 3, .pages_sent = 40000,
				       .pages_dirty = 120, .mib_per_s = 41.26,
				       .expected_downtime_ms = 11.6 };
	char buf[256];

	ck_assert_str_eq(vmctl_migrate_progress_line(buf, sizeof(buf), &p),
			 "round 3: 40000 pages sent, 120 dirty, 41.3 MiB/s, "
			 "expected downtime 12 ms");
	p.final = 1;
	p.round = 4;
	ck_assert_ptr_nonnull(strstr(vmctl_migrate_progress_line(buf, sizeof(buf), &p),
				     "round 4 (paused): "));
}
END_TEST

static struct vmctl_migrate_result sample(void)
{
	struct vmctl_migrate_result r = { .domain = "counter", .host = "169.254.99.2",
					  .live = 1 };

	r.rep.total_ms = 12345.6789;
	r.rep.downtime_ms = 84.5;
	r.rep.rounds = 5;
	r.rep.pages_sent = 40000;
	r.rep.bytes_sent = 163840000;
	strcpy(r.rep.how, "converged");
	return r;
}

START_TEST(report_text)
{
	struct vmctl_migrate_result r = sample();
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	vmctl_migrate_print(f, &r);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "migrate: 'counter' is running on 169.254.99.2\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  total time  12.346 s\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  downtime    84 ms (paused here until running on 169.254.99.2)\n") ||
			      strstr(buf, "  downtime    85 ms (paused here until running on 169.254.99.2)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  rounds      5\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  pages sent  40000\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  bytes sent  163840000 (156.2 MiB)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  stop rule   converged\n"));
	ck_assert_ptr_null(strstr(buf, "throttled"));
	ck_assert_ptr_null(strstr(buf, "disks"));
	free(buf);
	r.rep.final_cap = 30;
	strcpy(r.rep.how, "auto-converge");
	f = open_memstream(&buf, &n);
	vmctl_migrate_print(f, &r);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  stop rule   auto-converge (throttled to a cap of 30%)\n"));
	free(buf);
	r.disks = 1;
	r.disk_passes = 3;
	r.disk_bytes = 3 << 20;
	f = open_memstream(&buf, &n);
	vmctl_migrate_print(f, &r);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "  disks       1 image, 3 passes, 3145728 bytes (3.0 MiB)\n"));
	free(buf);
}
END_TEST

START_TEST(report_json)
{
	struct vmctl_migrate_result r = sample();
	const char *p_total[] = { "total_ms", NULL }, *p_rule[] = { "stop_rule", NULL };
	const char *p_bytes[] = { "bytes_sent", NULL }, *p_live[] = { "live", NULL };
	const char *p_down[] = { "downtime_ms", NULL }, *p_rounds[] = { "rounds", NULL };
	char *json, ebuf[128];
	yajl_val t;

	ck_assert_int_eq(vmctl_migrate_json(&r, &json), 0);
	t = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	ck_assert_msg(t != NULL, "not JSON: %s", ebuf);
	ck_assert(YAJL_IS_NUMBER(yajl_tree_get(t, p_total, yajl_t_any)));
	ck_assert(YAJL_GET_DOUBLE(yajl_tree_get(t, p_total, yajl_t_number)) > 12345.6 &&
		  YAJL_GET_DOUBLE(yajl_tree_get(t, p_total, yajl_t_number)) < 12345.7);
	ck_assert(YAJL_GET_DOUBLE(yajl_tree_get(t, p_down, yajl_t_number)) == 84.5);
	ck_assert_int_eq(YAJL_GET_INTEGER(yajl_tree_get(t, p_rounds, yajl_t_number)), 5);
	ck_assert_int_eq(YAJL_GET_INTEGER(yajl_tree_get(t, p_bytes, yajl_t_number)), 163840000);
	ck_assert_str_eq(YAJL_GET_STRING(yajl_tree_get(t, p_rule, yajl_t_string)), "converged");
	ck_assert(YAJL_IS_TRUE(yajl_tree_get(t, p_live, yajl_t_any)));
	yajl_tree_free(t);
	free(json);
}
END_TEST

/* Through vmctl_main: the refusals that need no hypervisor nor network. */
START_TEST(bad_host_refused_before_anything)
{
	struct fake_hv f = { .fill = fake_full_hv };
	char *argv[] = { "vmctl", "migrate", "g", "hostb", "--with-storage", NULL };
	char *out, *err;

	ck_assert_int_eq(run_vmctl(&f, 5, argv, &out, &err), VMCTL_USAGE);
	ck_assert_ptr_nonnull(strstr(err, "HOST 'hostb' is not an IPv4 address"));
	ck_assert_int_eq(f.calls, 0);
	free(out);
	free(err);
}
END_TEST

START_TEST(check_without_key_file)
{
	struct fake_hv f = { .fill = fake_full_hv };
	char *argv[] = { "vmctl", "migrate-check", "127.0.0.1", "--key",
			 "/nonexistent/migration.key", NULL };
	char *out, *err;

	ck_assert_int_eq(run_vmctl(&f, 5, argv, &out, &err), VMCTL_FAIL);
	ck_assert_ptr_nonnull(strstr(err, "cannot read the migration key /nonexistent/migration.key"));
	free(out);
	free(err);
}
END_TEST

Suite *migrate_suite(void)
{
	Suite *s = suite_create("migrate");
	TCase *tc = tcase_create("vmctl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, parse_defaults);
	tcase_add_test(tc, parse_every_option);
	tcase_add_test(tc, parse_refuses_bad_input);
	tcase_add_test(tc, check_parse);
	tcase_add_test(tc, progress_line);
	tcase_add_test(tc, report_text);
	tcase_add_test(tc, report_json);
	tcase_add_test(tc, bad_host_refused_before_anything);
	tcase_add_test(tc, check_without_key_file);
	suite_add_tcase(s, tc);
	return s;
}
