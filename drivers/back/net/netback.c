/*
 * keel-netback: dom0's network backend, a libkeelback device class.
 *
 *   keel-netback [--debug]
 *
 * Serves every /local/domain/0/backend/vif/<domid>/<n> the toolstack
 * writes (docs/network.md): a tap vif<domid>.<n> in the vif's bridge, and
 * Xen's netif protocol (io/netif.h) on the frontend's tx and rx rings, one
 * event channel.  Copy-mode rx only (request-rx-copy=1), scatter-gather
 * when the frontend has feature-sg=1.  Frames move with grant copies, one
 * ioctl per ring pass; the guest's frames pass the anti-spoof filter and
 * the rate limiter; drops are counted by reason and published once a
 * second in keel-stats.  Messages go to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nb_tap.h"
#include "nb_vif.h"

#define DEFAULT_BRIDGE "keelbr0"

/* Reads an optional backend key into buf ("" when missing). */
static void read_opt(struct kb_device *dev, const char *key, char *buf,
		     size_t size)
{
	char *val = NULL;

	buf[0] = '\0';
	if (kb_dev_read(dev, key, &val) == 0 && val)
		snprintf(buf, size, "%s", val);
	free(val);
}

static int read_fe_flag(struct kb_device *dev, const char *key)
{
	char *val = NULL;
	int v = 0;

	if (kb_dev_read_fe(dev, key, &val) == 0 && val)
		v = strcmp(val, "1") == 0 ? 1 : strcmp(val, "0") == 0 ? 0 : -1;
	free(val);
	return v;
}

static int net_connect(struct kb_device *dev)
{
	char mac[32], ip[256], rate[64], name[32];
	struct nb_vif *v;
	char err[160];
	int rc;

	v = calloc(1, sizeof(*v));
	if (!v) {
		kb_dev_fail(dev, "out of memory");
		return -ENOMEM;
	}
	v->dev = dev;
	v->tap = -1;
	read_opt(dev, "mac", mac, sizeof(mac));
	if (nb_parse_mac(mac, v->filter.mac) < 0) {
		kb_dev_fail(dev, "bad or missing mac '%s'", mac);
		rc = -EINVAL;
		goto err_free;
	}
	read_opt(dev, "ip", ip, sizeof(ip));
	if (nb_filter_set_ips(&v->filter, ip) < 0) {
		kb_dev_fail(dev, "bad ip '%s'", ip);
		rc = -EINVAL;
		goto err_free;
	}
	read_opt(dev, "rate", rate, sizeof(rate));
	if (rate[0] && nb_rate_parse(rate, &v->rate_bytes, &v->rate_us) < 0) {
		kb_dev_fail(dev, "bad rate '%s' (BYTES,MICROSECONDS)", rate);
		rc = -EINVAL;
		goto err_free;
	}
	read_opt(dev, "bridge", v->bridge, sizeof(v->bridge));
	if (!v->bridge[0])
		snprintf(v->bridge, sizeof(v->bridge), "%s", DEFAULT_BRIDGE);
	snprintf(name, sizeof(name), "vif%u.%u", kb_dev_domid(dev),
		 kb_dev_devid(dev));
	if (strlen(name) >= IFNAMSIZ) {
		kb_dev_fail(dev, "device number %u too large for a tap name",
			    kb_dev_devid(dev));
		rc = -EINVAL;
		goto err_free;
	}
	snprintf(v->tap_name, sizeof(v->tap_name), "%s", name);
	v->tap = nb_tap_open(v->tap_name, v->bridge, err, sizeof(err));
	if (v->tap < 0) {
		kb_dev_fail(dev, "%s", err);
		rc = v->tap;
		goto err_free;
	}
	kb_dev_printf(dev, "vifname", "%s", v->tap_name);
	kb_dev_printf(dev, "handle", "%u", kb_dev_devid(dev));
	kb_dev_printf(dev, "feature-rx-copy", "1");
	kb_dev_printf(dev, "feature-rx-flip", "0");
	kb_dev_printf(dev, "feature-sg", "1");
	kb_dev_printf(dev, "feature-gso-tcpv4", "0");
	kb_dev_printf(dev, "feature-rx-notify", "1");
	kb_dev_set(dev, v);
	kb_dev_log(dev, KEEL_LOG_INFO, "tap %s in %s, mac %s%s%s%s%s",
		   v->tap_name, v->bridge, mac, ip[0] ? ", ip " : "", ip,
		   rate[0] ? ", rate " : "", rate);
	return 0;

err_free:
	free(v);
	return rc;
}

static int net_start(struct kb_device *dev)
{
	struct nb_vif *v = kb_dev_get(dev);
	int copy = read_fe_flag(dev, "request-rx-copy");
	int sg = read_fe_flag(dev, "feature-sg");

	if (copy != 1) {
		kb_dev_fail(dev, "frontend without request-rx-copy=1 "
			    "(copy mode is the only rx mode)");
		return -EPROTO;
	}
	if (sg < 0) {
		kb_dev_fail(dev, "frontend feature-sg is not 0 or 1");
		return -EPROTO;
	}
	v->sg = sg == 1;
	if (kb_ring_init(&v->tx, kb_dev_ring(dev, 0), KEEL_PAGE_SIZE,
			 sizeof(union keel_netif_tx_slot),
			 sizeof(struct keel_netif_tx_request),
			 sizeof(struct keel_netif_tx_response)) < 0 ||
	    kb_ring_init(&v->rx, kb_dev_ring(dev, 1), KEEL_PAGE_SIZE,
			 sizeof(union keel_netif_rx_slot),
			 sizeof(struct keel_netif_rx_request),
			 sizeof(struct keel_netif_rx_response)) < 0) {
		kb_dev_fail(dev, "cannot set up the rings");
		return -EINVAL;
	}
	v->ntxp = v->nrxreq = 0;
	if (v->rate_bytes)
		nb_rate_init(&v->rate, v->rate_bytes, v->rate_us, nb_now_us());
	v->running = true;
	kb_dev_watch_fd(dev, v->tap);
	kb_dev_log(dev, KEEL_LOG_INFO, "frontend: rx copy, sg %s", v->sg ? "on" : "off");
	kb_dev_kick(dev);
	return 0;
}

static void net_stop(struct kb_device *dev)
{
	struct nb_vif *v = kb_dev_get(dev);

	if (!v)
		return;
	v->running = false;
	v->ntxp = v->nrxreq = 0;
	nb_rxq_flush(v);
}

static bool net_service(struct kb_device *dev)
{
	struct nb_scratch *s = kb_priv(kb_dev_backend(dev));
	struct nb_vif *v = kb_dev_get(dev);
	bool more;

	if (!v || !v->running)
		return false;
	more = nb_rx_pass(v, s);
	if (!v->running)
		return false;
	more |= nb_tx_pass(v, s);
	return v->running && more;
}

static void net_fd_ready(struct kb_device *dev)
{
	struct nb_vif *v = kb_dev_get(dev);

	if (!v || !v->running)
		return;
	nb_tap_read(v, kb_priv(kb_dev_backend(dev)));
	if (v->rxq_len)
		kb_dev_kick(dev);
}

/* keel-stats: "tx-packets=N tx-bytes=N rx-packets=N rx-bytes=N
 * drop-<reason>=N ..." (every reason), written when it changed. */
static void net_poll(struct kb_device *dev)
{
	struct nb_vif *v = kb_dev_get(dev);
	char buf[sizeof(v->shown)];
	size_t len;

	if (!v)
		return;
	len = (size_t)snprintf(buf, sizeof(buf),
			       "tx-packets=%llu tx-bytes=%llu rx-packets=%llu rx-bytes=%llu",
			       (unsigned long long)v->st.tx_packets,
			       (unsigned long long)v->st.tx_bytes,
			       (unsigned long long)v->st.rx_packets,
			       (unsigned long long)v->st.rx_bytes);
	for (unsigned int i = 0; i < NB_DROP_COUNT && len < sizeof(buf); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
					" drop-%s=%llu", nb_drop_name(i),
					(unsigned long long)v->st.drops[i]);
	if (strcmp(buf, v->shown) == 0)
		return;
	if (kb_dev_printf(dev, "keel-stats", "%s", buf) == 0)
		snprintf(v->shown, sizeof(v->shown), "%s", buf);
}

static void net_disconnect(struct kb_device *dev)
{
	struct nb_vif *v = kb_dev_get(dev);

	if (!v)
		return;
	net_poll(dev);         /* the last figures */
	nb_rxq_flush(v);
	nb_tap_close(v->tap, v->tap_name, v->bridge);
	free(v);
	kb_dev_set(dev, NULL);
}

static const char *const net_rings[] = { "tx-ring-ref", "rx-ring-ref", NULL };

static const struct kb_ops net_ops = {
	.device_class = "vif",
	.ring_keys = net_rings,
	.fe_connected_ok = true,
	.connect = net_connect,
	.start = net_start,
	.stop = net_stop,
	.service = net_service,
	.fd_ready = net_fd_ready,
	.poll = net_poll,
	.disconnect = net_disconnect,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: keel-netback [--debug]\n"
		   "Serves the vif devices of every guest; see\n"
		   "/usr/share/doc/keel/network.md.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum keel_log_level level = KEEL_LOG_INFO;
	struct keel_stderr_logger log;
	struct kb_config cfg = { .ops = &net_ops };
	struct nb_scratch *scratch;
	struct kb_backend *b;
	int c, rc;

	while ((c = getopt_long(argc, argv, "dh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			level = KEEL_LOG_DEBUG;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	keel_stderr_logger_init(&log, "keel-netback", level);
	cfg.log = &log.base;
	scratch = malloc(sizeof(*scratch));
	if (!scratch || nb_scratch_init(scratch) < 0) {
		fprintf(stderr, "keel-netback: out of memory\n");
		return 1;
	}
	cfg.priv = scratch;
	if (kb_open(&cfg, &b) < 0)
		return 1;
	rc = kb_run(b);
	kb_close(b);
	free(scratch->txbuf);
	free(scratch->frame);
	free(scratch->segs);
	free(scratch);
	return rc < 0 ? 1 : 0;
}
