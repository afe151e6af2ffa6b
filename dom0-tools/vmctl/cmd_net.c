/*
 * Network interface commands: network-attach, network-detach and
 * network-list.  The vif spec and the store directories are the builder's
 * (builder/vif.h); keel-netback makes the tap vif<domid>.<n> and publishes
 * its counters in the backend directory's keel-stats (docs/network.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include <public/io/xenbus.h>

#include "vmctl.h"
#include "vif.h"

#define POLL_MS 100

static int cmd_network_attach(struct vmctl *v, int argc, char **argv);
static int cmd_network_detach(struct vmctl *v, int argc, char **argv);
static int cmd_network_list(struct vmctl *v, int argc, char **argv);

const struct vmctl_cmd vmctl_net_cmds[] = {
	{ "network-attach", "DOMAIN SPEC [--wait SECONDS]",
	  "give a running guest a network interface",
	  "SPEC is one vif spec as in a configuration's vif = [ ... ] line:\n"
	  "  \"mac=00:16:3e:5e:00:01, bridge=keelbr0, ip=169.254.77.11, rate=100Mb/s\"\n"
	  "keys (all optional; \"\" is an interface with every default): mac\n"
	  "(default: derived from the guest's name and the interface's index,\n"
	  "00:16:3e:...), bridge (default keelbr0), ip (the addresses the guest may\n"
	  "send from, separated by blanks; without it the guest asks dom0's DHCP\n"
	  "server and any source address passes), rate (RATE/s or RATE/s@INTERVAL,\n"
	  "RATE with B, KB, MB, GB or b, Kb, Mb, Gb; the guest's sending rate).\n"
	  "The interface gets the lowest free index; keel-netback makes its tap\n"
	  "vif<domid>.<index> in the bridge.  Waits until the guest is connected.\n\n"
	  "  -w, --wait SECONDS  how long to wait for Connected (default 10; 0: do\n"
	  "                      not wait); exit status 1 if it is not connected\n",
	  cmd_network_attach },
	{ "network-detach", "DOMAIN MAC|INDEX [--force] [--wait SECONDS]",
	  "take a network interface away from a guest",
	  "Asks keel-netback and the guest to close the interface (by its MAC or\n"
	  "its index, as network-list shows them), waits for the guest's frontend\n"
	  "to reach Closed, then removes the interface's store entries; the tap\n"
	  "goes with it.\n\n"
	  "  -f, --force         remove the entries at once, without asking\n"
	  "  -w, --wait SECONDS  how long to wait for the guest (default 10, 1..3600)\n",
	  cmd_network_detach },
	{ "network-list", "DOMAIN [--json]", "list a guest's network interfaces",
	  "One line per interface: index, MAC, addresses (ip=, or 'dhcp'), the\n"
	  "tap in dom0, the backend's and the frontend's state, packets and bytes\n"
	  "the guest sent (tx) and received (rx) through keel-netback, and the\n"
	  "frames dropped, with the reasons that have counts (mac-spoof,\n"
	  "ip-spoof, arp-spoof, ethertype, bad-request, too-many-slots,\n"
	  "grant-copy, tap-write, rx-no-buffer, rx-too-big, rx-grant-copy;\n"
	  "/usr/share/doc/keel/network.md).  Counters are updated once a second.\n\n"
	  "  -j, --json   a JSON array instead (every counter and reason)\n",
	  cmd_network_list },
	{ NULL, NULL, NULL, NULL, NULL },
};

/* ---- parsing ---- */

static int net_wait_set(struct vmctl *v, const char *cmd, int opt,
			const char *arg, void *p)
{
	struct vmctl_net_opts *o = p;
	unsigned long lo = strcmp(cmd, "network-attach") ? 1 : 0;

	switch (opt) {
	case 'f':
		o->force = 1;
		return 0;
	case 'j':
		o->json = 1;
		return 0;
	case 'w':
		if (vmctl_parse_uint(arg, lo, 3600, &o->wait_s)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: --wait: expected seconds %lu..3600, got '%s'",
					  cmd, lo, arg);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

int vmctl_net_parse(struct vmctl *v, const char *cmd, int argc, char **argv,
		    struct vmctl_net_opts *o)
{
	static const struct option longopts[] = {
		{ "wait", required_argument, NULL, 'w' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *shortopts = !strcmp(cmd, "network-attach") ? ":w:" :
				!strcmp(cmd, "network-detach") ? ":fw:" : ":j";
	int nargs = !strcmp(cmd, "network-list") ? 1 : 2;
	char msg[KEEL_VIF_MSG_MAX];
	int first, rc;

	memset(o, 0, sizeof(*o));
	o->wait_s = VMCTL_BLOCK_WAIT_DEFAULT;
	rc = vmctl_getopt(v, cmd, argc, argv, shortopts, longopts, net_wait_set,
			  o, nargs, &first);
	if (rc)
		return rc;
	o->domain = argv[first];
	if (!strcmp(cmd, "network-attach")) {
		if (keel_vif_parse(argv[first + 1], &o->vif, msg, sizeof(msg))) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd), "%s: \"%s\": %s",
					  cmd, argv[first + 1], msg);
			return -EINVAL;
		}
	} else if (!strcmp(cmd, "network-detach")) {
		o->which = argv[first + 1];
		if (keel_vif_mac_parse(o->which, o->vif.mac) == 0) {
			o->by_mac = 1;
		} else if (vmctl_parse_uint(o->which, 0, KEEL_VIF_MAX - 1,
					    &o->index)) {
			vmctl_usage_error(v, vmctl_find_cmd(cmd),
					  "%s: '%s' is neither a MAC (xx:xx:xx:xx:xx:xx) "
					  "nor an index 0..%d", cmd, o->which,
					  KEEL_VIF_MAX - 1);
			return -EINVAL;
		}
	}
	return 0;
}

/* ---- the store ---- */

static void read_str(struct keel_store *st, const char *dir, const char *key,
		     char *buf, size_t size)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (keel_store_read_str(st, path, buf, size))
		buf[0] = '\0';
}

static int read_state(struct keel_store *st, const char *dir)
{
	char buf[16], *end;
	long n;

	read_str(st, dir, "state", buf, sizeof(buf));
	if (!buf[0])
		return -1;
	n = strtol(buf, &end, 10);
	return *end || n < 0 || n > 255 ? -1 : (int)n;
}

static int exists(struct keel_store *st, const char *path)
{
	char *val;

	if (st->ops->read(st->ctx, path, &val))
		return 0;
	free(val);
	return 1;
}

int vmctl_net_stats_parse(const char *s, struct vmctl_vif_row *r)
{
	char name[40];
	unsigned long long val;
	int used, n = 0;

	r->has_stats = 0;
	while (*s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		if (sscanf(s, "%39[a-z0-9-]=%llu%n", name, &val, &used) != 2)
			return -EINVAL;
		s += used;
		if (*s && *s != ' ')
			return -EINVAL;
		if (!strcmp(name, "tx-packets"))
			r->tx_packets = val;
		else if (!strcmp(name, "tx-bytes"))
			r->tx_bytes = val;
		else if (!strcmp(name, "rx-packets"))
			r->rx_packets = val;
		else if (!strcmp(name, "rx-bytes"))
			r->rx_bytes = val;
		else if (!strncmp(name, "drop-", 5) && r->nr_drops < VMCTL_VIF_DROPS_MAX) {
			snprintf(r->drops[r->nr_drops].reason,
				 sizeof(r->drops[0].reason), "%.31s", name + 5);
			r->drops[r->nr_drops++].count = val;
		}
		n++;
	}
	r->has_stats = n > 0;
	return 0;
}

void vmctl_vif_row_read(struct keel_store *st, uint16_t domid, uint32_t devid,
			struct vmctl_vif_row *r)
{
	char be[96], fe[96], stats[600];

	memset(r, 0, sizeof(*r));
	r->index = devid;
	keel_vif_backend_path(be, sizeof(be), domid, devid);
	keel_vif_frontend_path(fe, sizeof(fe), domid, devid);
	r->be_state = read_state(st, be);
	r->fe_state = read_state(st, fe);
	read_str(st, be, "mac", r->mac, sizeof(r->mac));
	read_str(st, be, "ip", r->ip, sizeof(r->ip));
	read_str(st, be, "bridge", r->bridge, sizeof(r->bridge));
	read_str(st, be, "rate", r->rate, sizeof(r->rate));
	read_str(st, be, "vifname", r->tap, sizeof(r->tap));
	if (!r->tap[0])
		snprintf(r->tap, sizeof(r->tap), "vif%u.%u", domid, devid);
	read_str(st, be, "hotplug-error", r->error, sizeof(r->error));
	read_str(st, be, "keel-stats", stats, sizeof(stats));
	if (vmctl_net_stats_parse(stats, r))
		r->has_stats = 0;
}

/* The vif indexes of domid (a backend or a frontend directory), sorted. */
static size_t vif_ids(struct keel_store *st, uint16_t domid, uint32_t *ids)
{
	char path[96];
	size_t n = 0;

	for (uint32_t i = 0; i < KEEL_VIF_MAX; i++) {
		keel_vif_backend_path(path, sizeof(path), domid, i);
		if (exists(st, path)) {
			ids[n++] = i;
			continue;
		}
		keel_vif_frontend_path(path, sizeof(path), domid, i);
		if (exists(st, path))
			ids[n++] = i;
	}
	return n;
}

/* ---- network-list output ---- */

static const char *state_word(int state)
{
	return state < 0 ? "-" : keel_vbd_state_name(state);
}

static unsigned long long drops_total(const struct vmctl_vif_row *r)
{
	unsigned long long t = 0;

	for (unsigned int i = 0; i < r->nr_drops; i++)
		t += r->drops[i].count;
	return t;
}

void vmctl_network_list_print(FILE *out, const struct vmctl_vif_row *rows, size_t n)
{
	fprintf(out, "%-3s %-17s %-15s %-10s %-12s %-12s %9s %11s %9s %11s %7s\n",
		"idx", "mac", "ip", "tap", "backend", "frontend", "tx-pkts",
		"tx-bytes", "rx-pkts", "rx-bytes", "drops");
	for (size_t i = 0; i < n; i++) {
		const struct vmctl_vif_row *r = &rows[i];

		fprintf(out, "%-3u %-17s %-15s %-10s %-12s %-12s", r->index,
			r->mac[0] ? r->mac : "-", r->ip[0] ? r->ip : "dhcp", r->tap,
			state_word(r->be_state), state_word(r->fe_state));
		if (r->has_stats)
			fprintf(out, " %9llu %11llu %9llu %11llu %7llu", r->tx_packets,
				r->tx_bytes, r->rx_packets, r->rx_bytes, drops_total(r));
		else
			fprintf(out, " %9s %11s %9s %11s %7s", "-", "-", "-", "-", "-");
		if (drops_total(r)) {
			fprintf(out, "  [drops:");
			for (unsigned int k = 0; k < r->nr_drops; k++)
				if (r->drops[k].count)
					fprintf(out, " %s=%llu", r->drops[k].reason,
						r->drops[k].count);
			fprintf(out, "]");
		}
		if (r->error[0])
			fprintf(out, "  [error: %s]", r->error);
		fputc('\n', out);
	}
}

static int json_state(yajl_gen g, const char *k, const char *kname, int state)
{
	if (vmctl_json_key(g, k) ||
	    (state < 0 ? yajl_gen_null(g) : yajl_gen_integer(g, state)) !=
	    yajl_gen_status_ok)
		return -ENOMEM;
	if (vmctl_json_key(g, kname) ||
	    (state < 0 ? yajl_gen_null(g) :
	     yajl_gen_string(g, (const unsigned char *)keel_vbd_state_name(state),
			     strlen(keel_vbd_state_name(state)))) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

static int json_row(yajl_gen g, const void *p)
{
	const struct vmctl_vif_row *r = p;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    vmctl_json_int(g, "index", r->index) ||
	    vmctl_json_str(g, "mac", r->mac) ||
	    vmctl_json_str(g, "ip", r->ip) ||
	    vmctl_json_str(g, "tap", r->tap) ||
	    vmctl_json_str(g, "bridge", r->bridge) ||
	    vmctl_json_str(g, "rate", r->rate) ||
	    json_state(g, "backend_state", "backend_state_name", r->be_state) ||
	    json_state(g, "frontend_state", "frontend_state_name", r->fe_state) ||
	    vmctl_json_int(g, "tx_packets", r->tx_packets) ||
	    vmctl_json_int(g, "tx_bytes", r->tx_bytes) ||
	    vmctl_json_int(g, "rx_packets", r->rx_packets) ||
	    vmctl_json_int(g, "rx_bytes", r->rx_bytes) ||
	    vmctl_json_key(g, "drops") ||
	    yajl_gen_map_open(g) != yajl_gen_status_ok)
		return -ENOMEM;
	for (unsigned int i = 0; i < r->nr_drops; i++)
		if (vmctl_json_int(g, r->drops[i].reason, r->drops[i].count))
			return -ENOMEM;
	if (yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    (r->error[0] && vmctl_json_str(g, "hotplug_error", r->error)) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

int vmctl_network_list_json(const struct vmctl_vif_row *rows, size_t n, char **json)
{
	return vmctl_json_array(rows, n, sizeof(*rows), json_row, json);
}

/* ---- commands ---- */

static struct keel_store *guest_store(struct vmctl *v, const char *cmd,
				      const char *dom, uint16_t *id, char *name,
				      size_t size)
{
	if (vmctl_resolve(v, dom, id, name, size) || vmctl_not_dom0(v, cmd, *id))
		return NULL;
	if (!name[0])
		snprintf(name, size, "%s", dom);
	return vmctl_store(v);
}

static int cmd_network_attach(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_net_opts o;
	struct vmctl_vif_row r;
	struct keel_store *st;
	uint32_t ids[KEEL_VIF_MAX];
	char name[64], mac[24];
	unsigned int waited_ms;
	size_t n, i;
	uint32_t idx;
	uint16_t id;
	int rc;

	if (vmctl_net_parse(v, "network-attach", argc, argv, &o) ||
	    vmctl_daemon_down(v, "keel-netback"))
		return VMCTL_FAIL;
	st = guest_store(v, "network-attach", o.domain, &id, name, sizeof(name));
	if (!st)
		return VMCTL_FAIL;
	n = vif_ids(st, id, ids);
	for (idx = 0; idx < KEEL_VIF_MAX; idx++) {
		for (i = 0; i < n && ids[i] != idx; i++)
			;
		if (i == n)
			break;
	}
	if (idx == KEEL_VIF_MAX) {
		vmctl_err(v, "network-attach: '%s' (id %u) has %d interfaces already",
			  name, id, KEEL_VIF_MAX);
		return VMCTL_FAIL;
	}
	o.vif.devid = idx;
	if (!o.vif.has_mac)
		keel_vif_default_mac(name, idx, o.vif.mac);
	keel_vif_mac_str(o.vif.mac, mac, sizeof(mac));
	for (i = 0; i < n; i++) {
		vmctl_vif_row_read(st, id, ids[i], &r);
		if (!strcmp(r.mac, mac)) {
			vmctl_err(v, "network-attach: '%s' (id %u) has %s already (interface %u)",
				  name, id, mac, ids[i]);
			return VMCTL_FAIL;
		}
	}
	rc = keel_vif_add(st, id, &o.vif);
	if (rc) {
		vmctl_err(v, "network-attach: cannot write the store entries: %s",
			  strerror(-rc));
		return VMCTL_FAIL;
	}
	for (waited_ms = 0;; waited_ms += POLL_MS) {
		vmctl_vif_row_read(st, id, idx, &r);
		if (r.be_state == KEEL_XBS_CONNECTED) {
			fprintf(v->out, "interface %u (%s) attached to %s (id %u): "
				"Connected, tap %s\n", idx, mac, name, id, r.tap);
			return VMCTL_OK;
		}
		if (r.error[0]) {
			vmctl_err(v, "network-attach: keel-netback: %s", r.error);
			break;
		}
		if (waited_ms >= o.wait_s * 1000u) {
			if (!o.wait_s) {
				fprintf(v->out, "interface %u (%s) attached to %s (id %u); "
					"not waiting for it to connect\n", idx, mac, name, id);
				return VMCTL_OK;
			}
			vmctl_err(v, "network-attach: interface %u of '%s' (id %u) is not "
				  "connected after %u s: backend %s (%d), frontend %s (%d)%s",
				  idx, name, id, o.wait_s, state_word(r.be_state), r.be_state,
				  state_word(r.fe_state), r.fe_state,
				  r.be_state == KEEL_XBS_INITIALISING ?
				  "; is keel-netback running?" :
				  r.be_state == KEEL_XBS_INITWAIT ?
				  "; has the guest a network driver?" : "");
			break;
		}
		v->sleep_ms(POLL_MS);
	}
	vmctl_err(v, "network-attach: its entries stay; 'vmctl network-detach %s %u --force' removes them",
		  name, idx);
	return VMCTL_FAIL;
}

static int frontend_done(int state)
{
	return state < 0 || state == KEEL_XBS_UNKNOWN ||
	       state == KEEL_XBS_INITIALISING || state == KEEL_XBS_CLOSED;
}

static int cmd_network_detach(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_net_opts o;
	struct vmctl_vif_row r;
	struct keel_store *st;
	uint32_t ids[KEEL_VIF_MAX];
	char name[64], mac[24], be[96], path[128];
	unsigned int waited_ms;
	size_t n, i;
	uint32_t idx = KEEL_VIF_MAX;
	uint16_t id;
	int rc;

	if (vmctl_net_parse(v, "network-detach", argc, argv, &o))
		return VMCTL_FAIL;
	st = guest_store(v, "network-detach", o.domain, &id, name, sizeof(name));
	if (!st)
		return VMCTL_FAIL;
	n = vif_ids(st, id, ids);
	keel_vif_mac_str(o.vif.mac, mac, sizeof(mac));
	for (i = 0; i < n; i++) {
		if (o.by_mac) {
			vmctl_vif_row_read(st, id, ids[i], &r);
			if (!strcasecmp(r.mac, mac))
				idx = ids[i];
		} else if (ids[i] == o.index) {
			idx = ids[i];
		}
	}
	if (idx == KEEL_VIF_MAX) {
		vmctl_err(v, "network-detach: '%s' (id %u) has no interface %s "
			  "('vmctl network-list %s' shows them)", name, id, o.which, name);
		return VMCTL_FAIL;
	}
	keel_vif_backend_path(be, sizeof(be), id, idx);
	if (!o.force && exists(st, be)) {
		snprintf(path, sizeof(path), "%s/online", be);
		rc = st->ops->write(st->ctx, path, "0");
		if (!rc) {
			snprintf(path, sizeof(path), "%s/state", be);
			rc = st->ops->write(st->ctx, path, "5");
		}
		if (rc) {
			vmctl_err(v, "network-detach: cannot ask interface %u's backend "
				  "to close: %s", idx, strerror(-rc));
			return VMCTL_FAIL;
		}
	}
	for (waited_ms = 0; !o.force; waited_ms += POLL_MS) {
		vmctl_vif_row_read(st, id, idx, &r);
		if (frontend_done(r.fe_state))
			break;
		if (waited_ms >= o.wait_s * 1000u) {
			vmctl_err(v, "network-detach: the frontend of interface %u in '%s' "
				  "(id %u) is still %s (%d) after %u s; 'vmctl network-detach "
				  "%s %u --force' removes it anyway", idx, name, id,
				  state_word(r.fe_state), r.fe_state, o.wait_s, name, idx);
			return VMCTL_FAIL;
		}
		v->sleep_ms(POLL_MS);
	}
	rc = keel_vif_remove(st, id, idx);
	if (rc) {
		vmctl_err(v, "network-detach: cannot remove interface %u's store "
			  "entries: %s", idx, strerror(-rc));
		return VMCTL_FAIL;
	}
	fprintf(v->out, "interface %u detached from %s (id %u)%s\n", idx, name, id,
		o.force ? " (forced)" : "");
	return VMCTL_OK;
}

static int cmd_network_list(struct vmctl *v, int argc, char **argv)
{
	struct vmctl_net_opts o;
	struct vmctl_vif_row rows[KEEL_VIF_MAX];
	struct keel_store *st;
	uint32_t ids[KEEL_VIF_MAX];
	char name[64], *json = NULL;
	size_t n;
	uint16_t id;
	int rc;

	if (vmctl_net_parse(v, "network-list", argc, argv, &o))
		return VMCTL_FAIL;
	if (vmctl_resolve(v, o.domain, &id, name, sizeof(name)))
		return VMCTL_FAIL;
	st = vmctl_store(v);
	if (!st)
		return VMCTL_FAIL;
	n = vif_ids(st, id, ids);
	for (size_t i = 0; i < n; i++)
		vmctl_vif_row_read(st, id, ids[i], &rows[i]);
	if (!o.json) {
		vmctl_network_list_print(v->out, rows, n);
		return VMCTL_OK;
	}
	rc = vmctl_network_list_json(rows, n, &json);
	return vmctl_put_json(v, rc, json);
}
