/* The domain configuration parser: good files, and a table of bad ones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests.h"
#include "config.h"

static struct keel_domcfg cfg;
static struct keel_cfg_diag diag;

static int parse(const char *text)
{
	return keel_cfg_parse("guests/t.cfg", "/root/guests", text, strlen(text),
			      &cfg, &diag);
}

#define MIN "name = \"t\"\nmemory = 4\nkernel = \"t.elf\"\n"

START_TEST(minimal_file_gets_defaults)
{
	ck_assert_int_eq(parse(MIN), 0);
	ck_assert_str_eq(cfg.name, "t");
	ck_assert_uint_eq(cfg.memory_mib, 4);
	ck_assert_uint_eq(cfg.maxmem_mib, 4);
	ck_assert_str_eq(cfg.kernel, "/root/guests/t.elf");
	ck_assert_str_eq(cfg.cmdline, "");
	ck_assert_uint_eq(cfg.weight, 256);
	ck_assert_uint_eq(cfg.cap, 0);
	ck_assert_uint_eq(cfg.vcpus, 1);
	ck_assert_int_eq(cfg.on_poweroff, KEEL_CFG_DESTROY);
	ck_assert_int_eq(cfg.on_reboot, KEEL_CFG_RESTART);
	ck_assert_int_eq(cfg.on_crash, KEEL_CFG_DESTROY);
	ck_assert_uint_eq(diag.nr_warnings, 0);
}
END_TEST

START_TEST(full_file_with_comments)
{
	const char *t =
		"# a guest\n"
		"name = \"hello-1.x_y\"   # its name\n"
		"\n"
		"  memory=4\n"
		"maxmem = 8\t# MiB\n"
		"kernel = \"/usr/lib/keel/guests/hello.elf\"\n"
		"cmdline = \"quiet x=\\\"1\\\" # not a comment\"\n"
		"weight = 512\n"
		"cap = 25\n"
		"vcpus = 1\n"
		"on_poweroff = \"preserve\"\n"
		"on_reboot = \"destroy\"\n"
		"on_crash = \"restart\"\r\n";

	ck_assert_int_eq(parse(t), 0);
	ck_assert_str_eq(cfg.name, "hello-1.x_y");
	ck_assert_uint_eq(cfg.maxmem_mib, 8);
	ck_assert_str_eq(cfg.kernel, "/usr/lib/keel/guests/hello.elf");
	ck_assert_str_eq(cfg.cmdline, "quiet x=\"1\" # not a comment");
	ck_assert_uint_eq(cfg.weight, 512);
	ck_assert_uint_eq(cfg.cap, 25);
	ck_assert_int_eq(cfg.on_poweroff, KEEL_CFG_PRESERVE);
	ck_assert_int_eq(cfg.on_reboot, KEEL_CFG_DESTROY);
	ck_assert_int_eq(cfg.on_crash, KEEL_CFG_RESTART);
}
END_TEST

START_TEST(disks_and_empty_vif_list)
{
	ck_assert_int_eq(parse(MIN "disk = [ \"target=/x, vdev=xvda, access=rw, format=raw\",\n"
			       "   \" vdev = xvdc,target=y.img,access=ro \", # second\n"
			       "   \"format=cow, target=/d/g.cow, base=/d/base.img, vdev=xvdp\" ]\n"
			       "vif = [ ]\nweight = 9\n"), 0);
	ck_assert_uint_eq(diag.nr_warnings, 0);
	ck_assert_uint_eq(cfg.nr_vifs, 0);
	ck_assert_uint_eq(cfg.weight, 9);   /* line counting went on */
	ck_assert_uint_eq(cfg.nr_disks, 3);
	ck_assert_str_eq(cfg.disks[0].target, "/x");
	ck_assert_str_eq(cfg.disks[0].vdev, "xvda");
	ck_assert_uint_eq(cfg.disks[0].devid, 51712);
	ck_assert_int_eq(cfg.disks[0].readonly, 0);
	ck_assert_int_eq(cfg.disks[0].format, KEEL_VBD_RAW);
	ck_assert_uint_eq(cfg.disks[0].line, 4);
	ck_assert_str_eq(cfg.disks[1].target, "/root/guests/y.img");   /* relative */
	ck_assert_uint_eq(cfg.disks[1].devid, 51744);
	ck_assert_int_eq(cfg.disks[1].readonly, 1);
	ck_assert_uint_eq(cfg.disks[1].line, 5);
	ck_assert_int_eq(cfg.disks[2].format, KEEL_VBD_COW);
	ck_assert_str_eq(cfg.disks[2].base, "/d/base.img");
	ck_assert_uint_eq(cfg.disks[2].devid, (202 << 8) | (15 << 4));
	ck_assert_uint_eq(cfg.disks[2].line, 6);
}
END_TEST

START_TEST(disk_single_string_and_empty_list)
{
	ck_assert_int_eq(parse(MIN "disk = \"target=/x,vdev=xvdb\"\n"), 0);
	ck_assert_uint_eq(cfg.nr_disks, 1);
	ck_assert_str_eq(cfg.disks[0].vdev, "xvdb");
	ck_assert_int_eq(parse(MIN "disk = [ ]\n"), 0);
	ck_assert_uint_eq(cfg.nr_disks, 0);
}
END_TEST

START_TEST(relative_kernel_without_dir)
{
	ck_assert_int_eq(keel_cfg_parse("x.cfg", "", MIN, strlen(MIN), &cfg, &diag), 0);
	ck_assert_str_eq(cfg.kernel, "t.elf");
}
END_TEST

START_TEST(names)
{
	ck_assert(keel_cfg_name_valid("a"));
	ck_assert(keel_cfg_name_valid("A.b-c_9"));
	ck_assert(keel_cfg_name_valid("12345678901234567890123456789012"));
	ck_assert(!keel_cfg_name_valid("123456789012345678901234567890123"));
	ck_assert(!keel_cfg_name_valid(""));
	ck_assert(!keel_cfg_name_valid("a b"));
	ck_assert(!keel_cfg_name_valid("a/b"));
}
END_TEST

START_TEST(actions)
{
	enum keel_cfg_action a;

	ck_assert_int_eq(keel_cfg_action_parse("restart", &a), 0);
	ck_assert_int_eq(a, KEEL_CFG_RESTART);
	ck_assert_int_eq(keel_cfg_action_parse("Restart", &a), -EINVAL);
	ck_assert_str_eq(keel_cfg_action_name(KEEL_CFG_PRESERVE), "preserve");
}
END_TEST

/* The table of bad files: each gives exactly this message. */
static const struct {
	const char *text;
	const char *error;
} bad[] = {
	{ "name = \"t\"\nkernel = \"k\"\nmemory = \"lots\"\n",
	  "guests/t.cfg:3: memory: expected a number of MiB, got \"lots\"" },
	{ "name = \"t\"\nkernel = \"k\"\nmemory = lots\n",
	  "guests/t.cfg:3: memory: expected a number of MiB, got lots" },
	{ "name = \"t\"\nkernel = \"k\"\nmemory = 2\n",
	  "guests/t.cfg:3: memory: 2 MiB is too small (at least 4)" },
	{ "name = \"t\"\nkernel = \"k\"\nmemory = -4\n",
	  "guests/t.cfg:3: memory: expected a number of MiB, got -4" },
	{ "name = \"t\"\nkernel = \"k\"\nmemory = 99999999999999999999999\n",
	  "guests/t.cfg:3: memory: expected a number of MiB, got 99999999999999999999999" },
	{ "name = \"t\"\nkernel = \"k\"\nmemory = 4M\n",
	  "guests/t.cfg:3: memory: expected a number of MiB, got 4M" },
	{ MIN "maxmem = 3\n",
	  "guests/t.cfg:4: maxmem: 3 MiB is less than memory (4 MiB)" },
	{ "maxmem = 3\n" MIN,
	  "guests/t.cfg:1: maxmem: 3 MiB is less than memory (4 MiB)" },
	{ "memory = 4\nkernel = \"k\"\n",
	  "guests/t.cfg: name: required key missing" },
	{ "name = \"t\"\nkernel = \"k\"\n",
	  "guests/t.cfg: memory: required key missing" },
	{ "name = \"t\"\nmemory = 4\n",
	  "guests/t.cfg: kernel: required key missing" },
	{ "name = \"a b\"\n",
	  "guests/t.cfg:1: name: \"a b\" is not a valid name (1 to 32 characters of A-Z a-z 0-9 _ . -)" },
	{ "name = \"\"\n",
	  "guests/t.cfg:1: name: \"\" is not a valid name (1 to 32 characters of A-Z a-z 0-9 _ . -)" },
	{ "name = hello\n",
	  "guests/t.cfg:1: name: expected a \"string\" in double quotes, got hello" },
	{ "name = 5\n",
	  "guests/t.cfg:1: name: expected a \"string\" in double quotes, got 5" },
	{ "name = \"t\nmemory = 4\n",
	  "guests/t.cfg:1: name: unterminated string (no closing '\"')" },
	{ "name = \"t\\q\"\n",
	  "guests/t.cfg:1: name: unknown escape '\\q' in a string" },
	{ MIN "name = \"u\"\n",
	  "guests/t.cfg:4: name: given twice (first on line 1)" },
	{ MIN "colour = \"blue\"\n",
	  "guests/t.cfg:4: colour: unknown key" },
	{ MIN "weight 5\n",
	  "guests/t.cfg:4: weight: expected '=' after the key" },
	{ MIN "weight =\n",
	  "guests/t.cfg:4: weight: expected a value after '='" },
	{ MIN "weight = # none\n",
	  "guests/t.cfg:4: weight: expected a value after '='" },
	{ MIN "weight = 5 6\n",
	  "guests/t.cfg:4: weight: unexpected text after the value" },
	{ MIN "= 5\n",
	  "guests/t.cfg:4: expected 'key = value', got '='" },
	{ MIN "weight = 0\n",
	  "guests/t.cfg:4: weight: expected a weight 1..65535, got 0" },
	{ MIN "weight = 65536\n",
	  "guests/t.cfg:4: weight: expected a weight 1..65535, got 65536" },
	{ MIN "cap = 101\n",
	  "guests/t.cfg:4: cap: expected a cap 0..100 (percent of one CPU, 0: none), got 101" },
	{ MIN "cap = [ 1 ]\n",
	  "guests/t.cfg:4: cap: expected a cap 0..100 (percent of one CPU, 0: none), got a list" },
	{ MIN "vcpus = 2\n",
	  "guests/t.cfg:4: vcpus: only 1 vCPU is supported for now, got 2" },
	{ MIN "vcpus = 0\n",
	  "guests/t.cfg:4: vcpus: expected 1, got 0" },
	{ MIN "on_crash = \"reboot\"\n",
	  "guests/t.cfg:4: on_crash: expected \"destroy\", \"restart\" or \"preserve\", got \"reboot\"" },
	{ MIN "on_poweroff = destroy\n",
	  "guests/t.cfg:4: on_poweroff: expected \"destroy\", \"restart\" or \"preserve\", got destroy" },
	{ "name = \"t\"\nmemory = 4\nkernel = \"\"\n",
	  "guests/t.cfg:3: kernel: empty path" },
	{ MIN "disk = [ \"a\",\n \"b\"\n",
	  "guests/t.cfg:4: disk: list not closed with ']'" },
	{ MIN "disk = [ \"a\" \"b\" ]\n",
	  "guests/t.cfg:4: disk: expected ',' or ']' in a list" },
	{ MIN "disk = [ [ \"a\" ] ]\n",
	  "guests/t.cfg:4: disk: a list inside a list" },
	{ MIN "disk = 5\n",
	  "guests/t.cfg:4: disk: expected a [ \"list\", ... ], got 5" },
	{ MIN "cmdline = 5\n",
	  "guests/t.cfg:4: cmdline: expected a \"string\" in double quotes, got 5" },
	/* disk lines (vbd.c); the checks that need files: test_vbd.c */
	{ MIN "disk = [ \"target=/x, vdev=xvda, size=1G\" ]\n",
	  "guests/t.cfg:4: disk: unknown key 'size' (target, vdev, access, format, base)" },
	{ MIN "disk = [ \"vdev=xvda\" ]\n",
	  "guests/t.cfg:4: disk: no target= (the image file)" },
	{ MIN "disk = [ \"target=/x\" ]\n",
	  "guests/t.cfg:4: disk: no vdev= (xvda .. xvdp)" },
	{ MIN "disk = [ \"target=/x, vdev=xvda\",\n \"target=/y, vdev=xvda\" ]\n",
	  "guests/t.cfg:5: disk: vdev xvda given twice (first on line 4)" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, vdev=xvdb\" ]\n",
	  "guests/t.cfg:4: disk: vdev given twice" },
	{ MIN "disk = [ \"target=/x, vdev=xvda\", \"target=/x, vdev=xvdb\" ]\n",
	  "guests/t.cfg:4: disk: xvda and xvdb use the same image /x" },
	{ MIN "disk = [ \"target=/x, vdev=xvda\", \"format=cow, target=/c, base=/x, vdev=xvdb\" ]\n",
	  "guests/t.cfg:4: disk: xvda and xvdb use the same image /x" },
	{ MIN "disk = [ \"target=/x, vdev=xvdq\" ]\n",
	  "guests/t.cfg:4: disk: vdev: expected xvda .. xvdp, got 'xvdq'" },
	{ MIN "disk = [ \"target=/x, vdev=hda\" ]\n",
	  "guests/t.cfg:4: disk: vdev: expected xvda .. xvdp, got 'hda'" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, access=w\" ]\n",
	  "guests/t.cfg:4: disk: access: expected rw or ro, got 'w'" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, format=qcow2\" ]\n",
	  "guests/t.cfg:4: disk: format: expected raw or cow, got 'qcow2'" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, format=cow\" ]\n",
	  "guests/t.cfg:4: disk: format=cow needs base= (the image it is an overlay of)" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, base=/b\" ]\n",
	  "guests/t.cfg:4: disk: base= is for format=cow only" },
	{ MIN "disk = [ \"target=/x, vdev=xvda, format=cow, base=/x\" ]\n",
	  "guests/t.cfg:4: disk: the cow overlay (target) is its own base" },
	{ MIN "disk = [ \"target=, vdev=xvda\" ]\n",
	  "guests/t.cfg:4: disk: target: empty path" },
	{ MIN "disk = [ \"target=/x,, vdev=xvda\" ]\n",
	  "guests/t.cfg:4: disk: an empty item (expected key=value)" },
	{ MIN "disk = [ \"target=/x, vdev=xvda,\" ]\n",
	  "guests/t.cfg:4: disk: an empty item (expected key=value)" },
	{ MIN "disk = [ \"/x,xvda,w\" ]\n",
	  "guests/t.cfg:4: disk: '/x' is not key=value" },
	{ MIN "disk = [ \"  \" ]\n",
	  "guests/t.cfg:4: disk: an empty disk spec (expected target=..., vdev=...)" },
	{ MIN "disk = [\n \"target=/x, vdev=xvda\",\n xvdb ]\n",
	  "guests/t.cfg:6: disk: expected a \"string\" in double quotes, got xvdb" },
};

START_TEST(bad_file_table)
{
	size_t i = (size_t)_i;

	ck_assert_msg(parse(bad[i].text) == -EINVAL, "bad[%zu] parsed", i);
	ck_assert_msg(!strcmp(diag.error, bad[i].error),
		      "bad[%zu]: got '%s', expected '%s'", i, diag.error, bad[i].error);
	/* Nothing half-filled comes back. */
	ck_assert_str_eq(cfg.name, "");
}
END_TEST

START_TEST(long_cmdline_refused)
{
	char *t = malloc(2200);

	strcpy(t, MIN "cmdline = \"");
	memset(t + strlen(t), 'x', 1024);
	strcpy(t + strlen(MIN "cmdline = \"") + 1024, "\"\n");
	ck_assert_int_eq(parse(t), -EINVAL);
	ck_assert_str_eq(diag.error, "guests/t.cfg:4: cmdline: longer than 1023 bytes");
	free(t);
}
END_TEST

START_TEST(load_missing_file)
{
	ck_assert_int_eq(keel_cfg_load("/nonexistent/x.cfg", &cfg, &diag), -ENOENT);
	ck_assert_str_eq(diag.error, "/nonexistent/x.cfg: cannot open: No such file or directory");
}
END_TEST

START_TEST(load_resolves_kernel_against_file_dir)
{
	char dir[] = "/tmp/cfgtestXXXXXX", path[64];
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/g.cfg", dir);
	f = fopen(path, "w");
	fputs(MIN, f);
	fclose(f);
	ck_assert_int_eq(keel_cfg_load(path, &cfg, &diag), 0);
	ck_assert_int_eq(strncmp(cfg.kernel, dir, strlen(dir)), 0);
	ck_assert_str_eq(cfg.kernel + strlen(dir), "/t.elf");
	unlink(path);
	rmdir(dir);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, minimal_file_gets_defaults);
	tcase_add_test(tc, full_file_with_comments);
	tcase_add_test(tc, disks_and_empty_vif_list);
	tcase_add_test(tc, disk_single_string_and_empty_list);
	tcase_add_test(tc, relative_kernel_without_dir);
	tcase_add_test(tc, names);
	tcase_add_test(tc, actions);
	tcase_add_loop_test(tc, bad_file_table, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, long_cmdline_refused);
	tcase_add_test(tc, load_missing_file);
	tcase_add_test(tc, load_resolves_kernel_against_file_dir);
	suite_add_tcase(s, tc);
	return s;
}
