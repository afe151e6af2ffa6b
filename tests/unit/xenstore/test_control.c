/* CONTROL (xenstore-control): check, log, logfile, memreport, quota,
 * quota-soft, help; unknown commands and unprivileged callers refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Sends CONTROL with space-separated @args; the reply text into @out. */
static int ctl(struct tconn *t, const char *args, char *out)
{
	char buf[1024];
	struct trep r;
	size_t n = strlen(args) + 1, i;
	int rc;

	memcpy(buf, args, n);
	for (i = 0; i < n; i++)
		if (buf[i] == ' ')
			buf[i] = '\0';
	rc = tc_req(t, KEEL_XS_CONTROL, 0, buf, n, &r);
	if (rc == 0 && out)
		memcpy(out, r.data, r.len + 1);
	return rc;
}

START_TEST(help_lists_commands)
{
	struct tconn *t = tc_new(0, true);
	static char out[KEEL_XS_PAYLOAD_MAX + 1];
	static const char *const names[] = { "check", "log", "logfile",
		"memreport", "quota", "quota-soft", "help" };
	unsigned i;

	ck_assert_int_eq(ctl(t, "help", out), 0);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_ptr_nonnull(strstr(out, names[i]));
}
END_TEST

START_TEST(check_ok)
{
	struct tconn *t = tc_new(0, true);
	char out[256];

	ck_assert_int_eq(tc_write(t, 0, "/a/b/c", "1"), 0);
	ck_assert_int_eq(ctl(t, "check", out), 0);
	ck_assert_str_eq(out, "OK");
}
END_TEST

START_TEST(quota_show_set_and_usage)
{
	struct tconn *t = tc_new(0, true), *g = tc_new(7, false);
	static char out[KEEL_XS_PAYLOAD_MAX + 1];

	ck_assert_int_eq(ctl(t, "quota", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "nodes: 1000\n"));
	ck_assert_int_eq(ctl(t, "quota set nodes 3", out), 0);
	ck_assert_int_eq(ctl(t, "quota", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "nodes: 3\n"));
	ck_assert_int_eq(ctl(t, "quota set bogus 3", NULL), -EINVAL);
	ck_assert_int_eq(ctl(t, "quota set nodes x", NULL), -EINVAL);
	/* the new hard quota applies */
	ck_assert_int_eq(tc_simple(t, KEEL_XS_INTRODUCE, "7 1 1"), 0);
	ck_assert_int_eq(tc_mkdir(t, 0, "/local/domain/7"), 0);
	ck_assert_int_eq(tc_setperms(t, 0, "/local/domain/7", "n7"), 0);
	ck_assert_int_eq(tc_write(g, 0, "a", "1"), 0);
	ck_assert_int_eq(tc_write(g, 0, "b", "1"), 0);
	ck_assert_int_eq(tc_write(g, 0, "c", "1"), -ENOSPC);
	ck_assert_int_eq(ctl(t, "quota 7", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "nodes: 3\n"));
	ck_assert_int_eq(ctl(t, "quota 99", NULL), -ENOENT);
	ck_assert_int_eq(ctl(t, "quota-soft", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "nodes: 0\n"));
	ck_assert_int_eq(ctl(t, "quota-soft set nodes 2", out), 0);
	ck_assert_int_eq(ctl(t, "quota-soft", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "nodes: 2\n"));
}
END_TEST

START_TEST(log_and_logfile)
{
	struct tconn *t = tc_new(0, true);
	char out[256], path[] = "/tmp/xs-unit-trace.XXXXXX", line[512];
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(ctl(t, "log", out), 0);
	ck_assert_str_eq(out, "off");
	snprintf(line, sizeof(line), "logfile %s", path);
	ck_assert_int_eq(ctl(t, line, NULL), 0);
	ck_assert_int_eq(ctl(t, "log on", NULL), 0);
	ck_assert_int_eq(tc_write(t, 0, "/traced", "1"), 0);
	ck_assert_int_eq(ctl(t, "log off", NULL), 0);
	ck_assert_int_eq(tc_write(t, 0, "/untraced", "1"), 0);
	ck_assert_int_eq(ctl(t, "log maybe", NULL), -EINVAL);
	ck_assert_int_eq(ctl(t, "logfile relative", NULL), -EINVAL);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_ptr_nonnull(strstr(line, "WRITE"));
	ck_assert_ptr_nonnull(strstr(line, "/traced"));
	while (fgets(line, sizeof(line), f))
		ck_assert_ptr_null(strstr(line, "/untraced"));
	fclose(f);
	unlink(path);
}
END_TEST

START_TEST(memreport_counts)
{
	struct tconn *t = tc_new(0, true);
	static char out[KEEL_XS_PAYLOAD_MAX + 1];

	ck_assert_int_eq(tc_watch(t, "/w", "x"), 0);
	ck_assert_int_eq(ctl(t, "memreport", out), 0);
	ck_assert_ptr_nonnull(strstr(out, "watches: 1\n"));
	ck_assert_ptr_nonnull(strstr(out, "nodes: "));
}
END_TEST

START_TEST(unknown_and_unprivileged)
{
	struct tconn *t = tc_new(0, true), *g = tc_new(7, false);

	ck_assert_int_eq(ctl(t, "frobnicate", NULL), -EINVAL);
	ck_assert_int_eq(ctl(t, "live-update -s", NULL), -ENOSYS);
	ck_assert_int_eq(tc_req(t, KEEL_XS_CONTROL, 0, "", 0, NULL), -EINVAL);
	ck_assert_int_eq(ctl(g, "help", NULL), -EACCES);
}
END_TEST

START_TEST(files_refused_when_configured)
{
	struct xsd_config cfg;
	struct tconn *t;

	xs_teardown();
	xsd_config_default(&cfg);
	cfg.control_no_files = true;
	xs_open_with(&cfg);
	t = tc_new(0, true);
	ck_assert_int_eq(ctl(t, "logfile /tmp/xs-unit-never", NULL), -EACCES);
	ck_assert_int_eq(ctl(t, "memreport /tmp/xs-unit-never", NULL), -EACCES);
	ck_assert_int_eq(access("/tmp/xs-unit-never", F_OK), -1);
	ck_assert_int_eq(ctl(t, "memreport", NULL), 0);
}
END_TEST

Suite *suite_control(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("control");

	tcase_add_checked_fixture(tc, xs_setup, xs_teardown);
	tcase_add_test(tc, help_lists_commands);
	tcase_add_test(tc, check_ok);
	tcase_add_test(tc, quota_show_set_and_usage);
	tcase_add_test(tc, log_and_logfile);
	tcase_add_test(tc, memreport_counts);
	tcase_add_test(tc, unknown_and_unprivileged);
	tcase_add_test(tc, files_refused_when_configured);
	suite_add_tcase(s, tc);
	return s;
}
