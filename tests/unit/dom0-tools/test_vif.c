/*
 * Network interfaces in the toolstack: the vif spec parser (good specs and
 * a table of bad ones), the MAC derived from the name, vif lines in a
 * config file (FILE:LINE: vif: messages), every key and permission
 * keel_vif_add() writes, removal on destroy, and network-list's parsing
 * of keel-netback's counters.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests.h"
#include "config.h"
#include "fake_store.h"
#include "vif.h"
#include "vmctl.h"

static char msg[KEEL_VIF_MSG_MAX];

START_TEST(full_spec)
{
	struct keel_vif v;

	ck_assert_int_eq(keel_vif_parse("mac=00:16:3e:5e:00:01, bridge=keelbr0, "
					"ip=169.254.77.11, rate=100Mb/s", &v, msg,
					sizeof(msg)), 0);
	ck_assert_int_eq(v.has_mac, 1);
	ck_assert_uint_eq(v.mac[3], 0x5e);
	ck_assert_uint_eq(v.mac[5], 0x01);
	ck_assert_str_eq(v.bridge, "keelbr0");
	ck_assert_str_eq(v.ip, "169.254.77.11");
	/* 100 Mb/s = 12.5 MB/s: 625000 bytes per 50 ms */
	ck_assert_uint_eq(v.rate_bytes, 625000);
	ck_assert_uint_eq(v.rate_us, 50000);
}
END_TEST

START_TEST(defaults_and_variants)
{
	struct keel_vif v;

	ck_assert_int_eq(keel_vif_parse("", &v, msg, sizeof(msg)), 0);
	ck_assert_int_eq(v.has_mac, 0);
	ck_assert_str_eq(v.bridge, "keelbr0");
	ck_assert_str_eq(v.ip, "");
	ck_assert_uint_eq(v.rate_bytes, 0);
	ck_assert_int_eq(keel_vif_parse("  ip = 169.254.77.11   169.254.77.12 ,"
					"bridge=br-x.1", &v, msg, sizeof(msg)), 0);
	ck_assert_str_eq(v.ip, "169.254.77.11 169.254.77.12");
	ck_assert_str_eq(v.bridge, "br-x.1");
	ck_assert_int_eq(keel_vif_parse("rate=10MB/s@20ms", &v, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(v.rate_bytes, 200000);
	ck_assert_uint_eq(v.rate_us, 20000);
	ck_assert_int_eq(keel_vif_parse("rate=8Kb/s@1s", &v, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(v.rate_bytes, 1000);
	ck_assert_int_eq(keel_vif_parse("rate=1GB/s@100us", &v, msg, sizeof(msg)), 0);
	ck_assert_uint_eq(v.rate_bytes, 100000);
	ck_assert_uint_eq(v.rate_us, 100);
}
END_TEST

START_TEST(bad_specs)
{
	static const struct {
		const char *spec, *want;
	} t[] = {
		{ "mac=zz:16:3e:00:00:01", "mac: 'zz:16:3e:00:00:01' is not xx:xx:xx:xx:xx:xx" },
		{ "mac=00:16:3e:00:00", "mac: '00:16:3e:00:00' is not xx:xx:xx:xx:xx:xx" },
		{ "mac=01:16:3e:00:00:01", "mac: 01:16:3e:00:00:01 is a multicast address (the first byte must be even)" },
		{ "mac=00:16:3e:00:00:01,mac=00:16:3e:00:00:02", "mac given twice" },
		{ "colour=blue", "unknown key 'colour' (mac, bridge, ip, rate)" },
		{ "ip", "'ip' is not key=value" },
		{ "ip=", "ip: no address" },
		{ "ip=169.254.300.1", "ip: '169.254.300.1' is not an IPv4 address" },
		{ "ip=0.0.0.0", "ip: 0.0.0.0 is not a unicast address" },
		{ "ip=224.0.0.1", "ip: 224.0.0.1 is not a unicast address" },
		{ "ip=1.1.1.1 1.1.1.2 1.1.1.3 1.1.1.4 1.1.1.5 1.1.1.6 1.1.1.7 1.1.1.8 1.1.1.9",
		  "ip: more than 8 addresses" },
		{ "ip=1.2.3.4,ip=1.2.3.5", "ip given twice" },
		{ "rate=fast", "rate: expected RATE/s or RATE/s@INTERVAL (e.g. 100Mb/s, 10MB/s@20ms), got 'fast'" },
		{ "rate=100Mb", "rate: expected RATE/s or RATE/s@INTERVAL (e.g. 100Mb/s, 10MB/s@20ms), got '100Mb'" },
		{ "rate=100Xb/s", "rate: expected RATE/s or RATE/s@INTERVAL (e.g. 100Mb/s, 10MB/s@20ms), got '100Xb/s'" },
		{ "rate=0Mb/s", "rate: expected RATE/s or RATE/s@INTERVAL (e.g. 100Mb/s, 10MB/s@20ms), got '0Mb/s'" },
		{ "rate=1Mb/s@5h", "rate: expected RATE/s or RATE/s@INTERVAL (e.g. 100Mb/s, 10MB/s@20ms), got '1Mb/s@5h'" },
		{ "rate=1Mb/s@11s", "rate: interval longer than 10 s" },
		{ "rate=1b/s@1ms", "rate: 1b/s@1ms is less than a byte per interval" },
		{ "rate=1Mb/s, rate=2Mb/s", "rate given twice" },
		{ "bridge=", "bridge: '' is not an interface name (1 to 15 of A-Z a-z 0-9 _ . -)" },
		{ "bridge=a-bridge-name-too-long", "bridge: 'a-bridge-name-too-long' is not an interface name (1 to 15 of A-Z a-z 0-9 _ . -)" },
		{ "bridge=br0;rm", "bridge: 'br0;rm' is not an interface name (1 to 15 of A-Z a-z 0-9 _ . -)" },
		{ "bridge=a,bridge=b", "bridge given twice" },
		{ "ip=1.2.3.4,,rate=1Mb/s", "empty item (two commas, or one at an end)" },
		{ "ip=1.2.3.4,", "empty item (two commas, or one at an end)" },
		{ ",ip=1.2.3.4", "empty item (two commas, or one at an end)" },
	};
	struct keel_vif v;

	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		msg[0] = '\0';
		ck_assert_msg(keel_vif_parse(t[i].spec, &v, msg, sizeof(msg)) == -EINVAL,
			      "%s accepted", t[i].spec);
		ck_assert_msg(!strcmp(msg, t[i].want), "%s: '%s'", t[i].spec, msg);
	}
}
END_TEST

START_TEST(derived_mac_is_stable_and_local)
{
	uint8_t a[6], b[6], c[6], d[6];

	keel_vif_default_mac("web1", 0, a);
	keel_vif_default_mac("web1", 0, b);
	keel_vif_default_mac("web1", 1, c);
	keel_vif_default_mac("web2", 0, d);
	ck_assert_mem_eq(a, b, 6);
	ck_assert(memcmp(a, c, 6) != 0);
	ck_assert(memcmp(a, d, 6) != 0);
	ck_assert_uint_eq(a[0], 0x00);
	ck_assert_uint_eq(a[1], 0x16);
	ck_assert_uint_eq(a[2], 0x3e);
	ck_assert_uint_lt(a[3], 0x80);
}
END_TEST

static struct keel_domcfg cfg;
static struct keel_cfg_diag diag;

static int parse(const char *text)
{
	memset(&diag, 0, sizeof(diag));
	return keel_cfg_parse("guests/n.cfg", "/root/guests", text, strlen(text),
			      &cfg, &diag);
}

#define MIN "name = \"n1\"\nmemory = 4\nkernel = \"t.elf\"\n"

START_TEST(config_vif_lines)
{
	uint8_t m[6];

	ck_assert_int_eq(parse(MIN "vif = [ \"mac=00:16:3e:5e:00:01, ip=169.254.77.11\",\n"
			       "        \"bridge=keelbr0\" ]\n"), 0);
	ck_assert_uint_eq(diag.nr_warnings, 0);
	ck_assert_uint_eq(cfg.nr_vifs, 2);
	ck_assert_uint_eq(cfg.vifs[0].devid, 0);
	ck_assert_uint_eq(cfg.vifs[0].line, 4);
	ck_assert_uint_eq(cfg.vifs[1].devid, 1);
	ck_assert_uint_eq(cfg.vifs[1].line, 5);
	keel_vif_default_mac("n1", 1, m);
	ck_assert_mem_eq(cfg.vifs[1].mac, m, 6);   /* derived once named */
	ck_assert_int_eq(parse(MIN "vif = \"\"\n"), 0);
	ck_assert_uint_eq(cfg.nr_vifs, 1);
}
END_TEST

START_TEST(config_bad_vif_lines)
{
	ck_assert_int_eq(parse(MIN "vif = [ \"ip=1.2.3.4\",\n \"mac=zz\" ]\n"), -EINVAL);
	ck_assert_str_eq(diag.error, "guests/n.cfg:5: vif: mac: 'zz' is not xx:xx:xx:xx:xx:xx");
	ck_assert_int_eq(parse(MIN "vif = 5\n"), -EINVAL);
	ck_assert_str_eq(diag.error, "guests/n.cfg:4: vif: expected a [ \"list\", ... ], got 5");
	ck_assert_int_eq(parse(MIN "vif = [ \"mac=00:16:3e:00:00:01\", \"mac=00:16:3e:00:00:01\" ]\n"),
			 -EINVAL);
	ck_assert_str_eq(diag.error, "guests/n.cfg:4: vif: mac given twice (first on line 4)");
	ck_assert_int_eq(parse(MIN "vif = [ \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\", \"\" ]\n"),
			 -EINVAL);
	ck_assert_str_eq(diag.error, "guests/n.cfg:4: vif: more than 8 interfaces");
	ck_assert_int_eq(parse(MIN "vif = [ 7 ]\n"), -EINVAL);
}
END_TEST

#define FE "/local/domain/3/device/vif/1"
#define BE "/local/domain/0/backend/vif/3/1"

START_TEST(store_keys_and_removal)
{
	struct keel_store st;
	struct keel_vif v;

	fs_reset();
	fake_store(&st);
	ck_assert_int_eq(keel_vif_parse("mac=00:16:3e:5e:00:01, ip=169.254.77.11, "
					"rate=100Mb/s", &v, msg, sizeof(msg)), 0);
	v.devid = 1;
	ck_assert_int_eq(keel_vif_add(&st, 3, &v), 0);
	ck_assert_str_eq(fs_get(FE "/backend"), BE);
	ck_assert_str_eq(fs_get(FE "/backend-id"), "0");
	ck_assert_str_eq(fs_get(FE "/handle"), "1");
	ck_assert_str_eq(fs_get(FE "/mac"), "00:16:3e:5e:00:01");
	ck_assert_str_eq(fs_get(FE "/state"), "1");
	ck_assert_str_eq(fs_perms(FE), "n3 r0");
	ck_assert_str_eq(fs_get(BE "/frontend"), FE);
	ck_assert_str_eq(fs_get(BE "/frontend-id"), "3");
	ck_assert_str_eq(fs_get(BE "/online"), "1");
	ck_assert_str_eq(fs_get(BE "/mac"), "00:16:3e:5e:00:01");
	ck_assert_str_eq(fs_get(BE "/bridge"), "keelbr0");
	ck_assert_str_eq(fs_get(BE "/ip"), "169.254.77.11");
	ck_assert_str_eq(fs_get(BE "/rate"), "625000,50000");
	ck_assert_str_eq(fs_get(BE "/state"), "1");
	ck_assert_str_eq(fs_perms(BE), "n0 r3");
	/* no ip, no rate: no keys */
	ck_assert_int_eq(keel_vif_parse("mac=00:16:3e:5e:00:02", &v, msg, sizeof(msg)), 0);
	v.devid = 0;
	ck_assert_int_eq(keel_vif_add(&st, 3, &v), 0);
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vif/3/0/ip"));
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vif/3/0/rate"));
	ck_assert_int_eq(keel_vif_remove(&st, 3, 1), 0);
	ck_assert_ptr_null(fs_get(BE "/mac"));
	ck_assert_ptr_null(fs_get(FE "/mac"));
	ck_assert_int_eq(keel_vif_remove(&st, 3, 1), 0);     /* gone: no error */
	ck_assert_int_eq(keel_dom_store_remove(&st, 3), 0);
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vif/3/0/mac"));
}
END_TEST

START_TEST(store_write_failure_leaves_nothing)
{
	struct keel_store st;
	struct keel_vif v;

	fs_reset();
	fake_store(&st);
	ck_assert_int_eq(keel_vif_parse("", &v, msg, sizeof(msg)), 0);
	fs_fail_write = 1;
	ck_assert_int_lt(keel_vif_add(&st, 3, &v), 0);
	fs_fail_write = 0;
	ck_assert_ptr_null(fs_get("/local/domain/0/backend/vif/3/0/state"));
}
END_TEST

START_TEST(stats_parser)
{
	struct vmctl_vif_row r;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(vmctl_net_stats_parse("tx-packets=5 tx-bytes=300 rx-packets=2 "
					       "rx-bytes=120 drop-mac-spoof=3 "
					       "drop-rx-no-buffer=0", &r), 0);
	ck_assert_int_eq(r.has_stats, 1);
	ck_assert_uint_eq(r.tx_packets, 5);
	ck_assert_uint_eq(r.tx_bytes, 300);
	ck_assert_uint_eq(r.rx_packets, 2);
	ck_assert_uint_eq(r.rx_bytes, 120);
	ck_assert_uint_eq(r.nr_drops, 2);
	ck_assert_str_eq(r.drops[0].reason, "mac-spoof");
	ck_assert_uint_eq(r.drops[0].count, 3);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(vmctl_net_stats_parse("tx-packets=x", &r), -EINVAL);
	ck_assert_int_eq(vmctl_net_stats_parse("tx-packets=5junk", &r), -EINVAL);
	ck_assert_int_eq(vmctl_net_stats_parse("", &r), 0);
	ck_assert_int_eq(r.has_stats, 0);
}
END_TEST

START_TEST(list_output)
{
	struct vmctl_vif_row r;
	char *buf = NULL, *json = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	memset(&r, 0, sizeof(r));
	r.index = 0;
	strcpy(r.mac, "00:16:3e:5e:00:01");
	strcpy(r.tap, "vif3.0");
	r.be_state = 4;
	r.fe_state = 4;
	ck_assert_int_eq(vmctl_net_stats_parse("tx-packets=5 tx-bytes=300 rx-packets=2 "
					       "rx-bytes=120 drop-mac-spoof=3", &r), 0);
	vmctl_network_list_print(f, &r, 1);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "00:16:3e:5e:00:01 dhcp"));
	ck_assert_ptr_nonnull(strstr(buf, "vif3.0"));
	ck_assert_ptr_nonnull(strstr(buf, "Connected"));
	ck_assert_ptr_nonnull(strstr(buf, "[drops: mac-spoof=3]"));
	ck_assert_int_eq(vmctl_network_list_json(&r, 1, &json), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"mac-spoof\": 3"));
	ck_assert_ptr_nonnull(strstr(json, "\"backend_state_name\": \"Connected\""));
	ck_assert_ptr_nonnull(strstr(json, "\"tx_packets\": 5"));
	free(buf);
	free(json);
}
END_TEST

Suite *vif_suite(void)
{
	Suite *s = suite_create("vif");
	TCase *tc = tcase_create("vif");

	tcase_add_test(tc, full_spec);
	tcase_add_test(tc, defaults_and_variants);
	tcase_add_test(tc, bad_specs);
	tcase_add_test(tc, derived_mac_is_stable_and_local);
	tcase_add_test(tc, config_vif_lines);
	tcase_add_test(tc, config_bad_vif_lines);
	tcase_add_test(tc, store_keys_and_removal);
	tcase_add_test(tc, store_write_failure_leaves_nothing);
	tcase_add_test(tc, stats_parser);
	tcase_add_test(tc, list_output);
	suite_add_tcase(s, tc);
	return s;
}
