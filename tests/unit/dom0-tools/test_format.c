/* vmctl's pure formatting: sizes, ABI versions, the info report as JSON. */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "tests.h"

static const char *mib(uint64_t bytes)
{
	static char buf[32];

	return vmctl_format_mib(buf, sizeof(buf), bytes);
}

START_TEST(mib_whole)
{
	ck_assert_str_eq(mib(0), "0 MiB");
	ck_assert_str_eq(mib(512ull << 20), "512 MiB");
	ck_assert_str_eq(mib(2048ull << 20), "2048 MiB");
}
END_TEST

START_TEST(mib_fraction_one_decimal)
{
	ck_assert_str_eq(mib((2047ull << 20) + (614ull << 10)), "2047.6 MiB");
	ck_assert_str_eq(mib(4096), "0.0 MiB");
	ck_assert_str_eq(mib(1ull << 19), "0.5 MiB");
}
END_TEST

START_TEST(mib_rounds_to_nearest_tenth)
{
	/* 0.05 MiB lies between 52428 and 52429 bytes. */
	ck_assert_str_eq(mib(52429), "0.1 MiB");
	ck_assert_str_eq(mib(52428), "0.0 MiB");
	/* 0.96 MiB rounds to 1.0, not "0.10". */
	ck_assert_str_eq(mib((1ull << 20) - 40000), "1.0 MiB");
}
END_TEST

START_TEST(mib_huge_exact)
{
	ck_assert_str_eq(mib(1ull << 50), "1073741824 MiB");
	ck_assert_str_eq(mib(UINT64_MAX), "17592186044416.0 MiB");
}
END_TEST

START_TEST(mib_truncates_to_buffer)
{
	char buf[4];

	vmctl_format_mib(buf, sizeof(buf), 512ull << 20);
	ck_assert_str_eq(buf, "512");
}
END_TEST

START_TEST(abi_major_minor)
{
	char buf[16];

	ck_assert_str_eq(vmctl_format_abi(buf, sizeof(buf), KEEL_ABI_VERSION), "1.1");
	ck_assert_str_eq(vmctl_format_abi(buf, sizeof(buf), (3u << 16) | 17), "3.17");
}
END_TEST

static struct vmctl_info sample(void)
{
	struct vmctl_info in;

	memset(&in, 0, sizeof(in));
	in.version.abi_version = KEEL_ABI_VERSION;
	in.version.major = 2;
	in.version.minor = 5;
	strcpy(in.version.extra, "-rc1");
	strcpy(in.version.build_id, "deadbeef");
	strcpy(in.version.compiled, "Jan  1 2030 \"quoted\"");
	in.phys.nr_cpus = 4;
	in.phys.cpu_khz = 1000000;
	in.phys.total_pages = 1ull << 20;         /* 4 GiB */
	in.phys.dom0_pages = 3ull << 17;          /* 1.5 GiB */
	in.phys.hypervisor_pages = 1000;
	in.phys.free_pages = 400000;
	return in;
}

static long long json_int(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_number);

	ck_assert_msg(v && YAJL_IS_INTEGER(v), "no integer %s", key);
	return YAJL_GET_INTEGER(v);
}

static const char *json_str(yajl_val root, const char *key)
{
	const char *path[] = { key, NULL };
	yajl_val v = yajl_tree_get(root, path, yajl_t_string);

	ck_assert_msg(v != NULL, "no string %s", key);
	return YAJL_GET_STRING(v);
}

START_TEST(json_has_every_key_in_bytes)
{
	struct vmctl_info in = sample();
	char *json, errbuf[128];
	yajl_val root;

	ck_assert_int_eq(vmctl_info_json(&in, &json), 0);
	root = yajl_tree_parse(json, errbuf, sizeof(errbuf));
	ck_assert_msg(root != NULL, "bad JSON %s: %s", json, errbuf);
	ck_assert_str_eq(json_str(root, "version"), "2.5-rc1");
	ck_assert_str_eq(json_str(root, "build_id"), "deadbeef");
	ck_assert_str_eq(json_str(root, "compiled"), "Jan  1 2030 \"quoted\"");
	ck_assert_str_eq(json_str(root, "abi_version"), "1.1");
	ck_assert_int_eq(json_int(root, "nr_cpus"), 4);
	ck_assert_int_eq(json_int(root, "cpu_khz"), 1000000);
	ck_assert_int_eq(json_int(root, "total_memory"), 4ll << 30);
	ck_assert_int_eq(json_int(root, "dom0_memory"), 3ll << 29);
	ck_assert_int_eq(json_int(root, "hypervisor_memory"), 1000ll * 4096);
	ck_assert_int_eq(json_int(root, "free_memory"), 400000ll * 4096);
	yajl_tree_free(root);
	free(json);
}
END_TEST

START_TEST(text_report_lines)
{
	struct vmctl_info in = sample();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	vmctl_info_print(f, &in);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "hypervisor          Keel 2.5-rc1\n"));
	ck_assert_ptr_nonnull(strstr(text, "build id            deadbeef\n"));
	ck_assert_ptr_nonnull(strstr(text, "physical CPUs       4\n"));
	ck_assert_ptr_nonnull(strstr(text, "CPU frequency       1000.000 MHz\n"));
	ck_assert_ptr_nonnull(strstr(text, "total memory        4096 MiB\n"));
	ck_assert_ptr_nonnull(strstr(text, "dom0 memory         1536 MiB\n"));
	ck_assert_ptr_nonnull(strstr(text, "hypervisor memory   3.9 MiB\n"));
	ck_assert_ptr_nonnull(strstr(text, "free memory         1562.5 MiB\n"));
	free(text);
}
END_TEST

START_TEST(text_report_without_build_id)
{
	struct vmctl_info in = sample();
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	in.version.build_id[0] = '\0';
	vmctl_info_print(f, &in);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "build id            (none)\n"));
	free(text);
}
END_TEST

static struct keel_hold_stat hold(uint16_t nr, uint16_t sub, uint64_t count,
				  uint64_t max_ns, uint64_t total_ns, uint16_t dom)
{
	struct keel_hold_stat h = { nr, sub, dom, 0, count, max_ns, total_ns,
				    max_ns > 1000000, max_ns > 10000000 };

	return h;
}

/* hv-stats: longest first, named, and the last line names the longest. */
START_TEST(hold_text_sorted_longest_first)
{
	struct keel_hold_stat st[3] = {
		hold(KEEL_HC_sched_op, 1, 10, 2000, 5000, 3),
		hold(KEEL_HC_memory_op, 1, 4, 812300, 2000000, 0),
		hold(KEEL_HC_domctl, 2, 7, 45000, 90000, 0),
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	char *a, *b, *c;

	vmctl_hold_sort(st, 3);
	ck_assert_uint_eq(st[0].hypercall, KEEL_HC_memory_op);
	ck_assert_uint_eq(st[2].hypercall, KEEL_HC_sched_op);
	vmctl_hold_print(f, st, 3);
	fclose(f);
	a = strstr(text, "memory_op      populate_physmap");
	b = strstr(text, "domctl         destroy");
	c = strstr(text, "sched_op       block");
	ck_assert(a && b && c && a < b && b < c);
	ck_assert_ptr_nonnull(strstr(a, "         4      812.3        2.0       0       0 dom0\n"));
	ck_assert_ptr_nonnull(strstr(text,
		"longest hold: 812.3 us (memory_op populate_physmap, dom0)\n"));
	free(text);
}
END_TEST

START_TEST(hold_text_empty_and_unknown_subop)
{
	struct keel_hold_stat st[1] = {
		hold(KEEL_HC_event_channel, KEEL_HOLD_SUBOP_OTHER, 1, 5, 5, 2),
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	vmctl_hold_print(f, st, 0);
	vmctl_hold_print(f, st, 1);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "longest hold: none recorded\n"));
	ck_assert_ptr_nonnull(strstr(text, "event_channel  op>=31"));
	ck_assert_ptr_nonnull(strstr(text, "(event_channel op>=31, dom2)\n"));
	free(text);
}
END_TEST

START_TEST(hold_json_fields)
{
	struct keel_hold_stat st[2] = {
		hold(KEEL_HC_memory_op, 1, 4, 812300, 2000000, 5),
		hold(KEEL_HC_mmu_update, 0, 2, 100, 150, 0),
	};
	char *json = NULL;

	ck_assert_int_eq(vmctl_hold_json(st, 2, &json), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"longest_hold_ns\": 812300"));
	ck_assert_ptr_nonnull(strstr(json, "\"hypercall\": \"memory_op\""));
	ck_assert_ptr_nonnull(strstr(json, "\"subop\": \"populate_physmap\""));
	ck_assert_ptr_nonnull(strstr(json, "\"max_domid\": 5"));
	ck_assert_ptr_nonnull(strstr(json, "\"subop\": \"-\""));
	ck_assert_ptr_nonnull(strstr(json, "\"calls\": 2"));
	ck_assert_ptr_nonnull(strstr(json, "\"over_1ms\": 0"));
	ck_assert_ptr_nonnull(strstr(json, "\"over_10ms\": 0"));
	free(json);
	ck_assert_int_eq(vmctl_hold_json(st, 0, &json), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"longest_hold_ns\": 0"));
	ck_assert_ptr_nonnull(strstr(json, "\"holds\": ["));
	ck_assert_ptr_null(strstr(json, "\"calls\""));
	free(json);
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("vmctl-format");
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, mib_whole);
	tcase_add_test(tc, mib_fraction_one_decimal);
	tcase_add_test(tc, mib_rounds_to_nearest_tenth);
	tcase_add_test(tc, mib_huge_exact);
	tcase_add_test(tc, mib_truncates_to_buffer);
	tcase_add_test(tc, abi_major_minor);
	tcase_add_test(tc, json_has_every_key_in_bytes);
	tcase_add_test(tc, text_report_lines);
	tcase_add_test(tc, text_report_without_build_id);
	tcase_add_test(tc, hold_text_sorted_longest_first);
	tcase_add_test(tc, hold_text_empty_and_unknown_subop);
	tcase_add_test(tc, hold_json_fields);
	suite_add_tcase(s, tc);
	return s;
}
