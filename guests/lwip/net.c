/*
 * eth0: lwIP on the first netfront interface (net.h).
 */
#include "kernel.h"
#include "net.h"
#include "net_cmdline.h"
#include "netfront.h"
#include "xs.h"

#include "lwip/dhcp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define NET_WAIT_MAX_NS (500 * NS_PER_MS)

static struct netif eth0;
static struct netfront *nf;
static int netif_ready;
static int use_dhcp;
static char addr_str[16] = "0.0.0.0";
static char hostname[64];
static uint64_t idle_ns;         /* time spent blocked in net_wait */

static void on_link(void *arg, int up)
{
	(void)arg;
	if (!netif_ready)
		return;       /* net_init looks at the link after netif_add */
	printk("net: eth0 link %s\n", up ? "up" : "down");
	if (up)
		netif_set_link_up(&eth0);
	else
		netif_set_link_down(&eth0);
}

static void on_status(struct netif *n)
{
	const ip4_addr_t *a = netif_ip4_addr(n);

	if (ip4_addr_isany(a))
		return;
	ip4addr_ntoa_r(a, addr_str, sizeof(addr_str));
	printk("net: eth0 up %s\n", addr_str);
}

/* The value of the first `ip=` word of the command line: 1 and *out,
 * 0 when there is none, -KEEL_EINVAL when it is not a dotted quad. */
static int cmdline_ip(const char *cmdline, ip4_addr_t *out)
{
	char word[32];
	int rc = net_cmdline_value(cmdline, "ip=", word, sizeof(word));

	if (rc == 0)
		return 0;
	if (rc < 0)
		return -KEEL_EINVAL;
	return ip4addr_aton(word, out) ? 1 : -KEEL_EINVAL;
}

/*
 * The first address of the vif's `ip` key in its backend directory (the
 * toolstack writes the vif line's ip= there; keel-netback drops frames
 * from any other source, docs/network.md), as Mini-OS's netfront reads
 * it: 1 and *out, 0 when the vif has none (then DHCP).
 */
static int vif_ip(unsigned int handle, ip4_addr_t *out)
{
	char rel[32], path[96], be[96], val[160], word[20];
	size_t n = 0;
	int len;

	gk_snprintf(rel, sizeof(rel), "device/vif/%u", handle);
	if (xs_home_path(path, sizeof(path), rel) < 0)
		return 0;
	gk_snprintf(path + strlen(path), sizeof(path) - strlen(path), "/backend");
	if (xs_read(XS_NO_TX, path, be, sizeof(be)) <= 0)
		return 0;
	gk_snprintf(path, sizeof(path), "%s/ip", be);
	len = xs_read(XS_NO_TX, path, val, sizeof(val));
	if (len <= 0)
		return 0;
	while (n < (size_t)len && val[n] != ' ' && val[n] != '\t' && n + 1 < sizeof(word)) {
		word[n] = val[n];
		n++;
	}
	word[n] = '\0';
	return ip4addr_aton(word, out) ? 1 : 0;
}

int net_init(const char *cmdline)
{
	ip4_addr_t ip, mask, gw;
	char path[64];
	uint64_t deadline;
	int rc, have_ip;

	have_ip = cmdline_ip(cmdline, &ip);
	if (have_ip < 0) {
		printk("net: ip= is not an IPv4 address: %s\n", cmdline);
		return have_ip;
	}
	lwip_init();
	rc = netfront_open(-1, netif_netfront_input, on_link, &eth0, &nf);
	if (rc < 0) {
		printk("net: no network interface (netfront error %d)\n", rc);
		return rc;
	}
	if (!have_ip && vif_ip(netfront_handle(nf), &ip) == 1) {
		have_ip = 1;
		printk("net: eth0 address from the vif's ip=\n");
	}
	IP4_ADDR(&mask, 255, 255, 255, 0);
	ip4_addr_set_zero(&gw);
	if (!have_ip) {
		ip4_addr_set_zero(&ip);
		ip4_addr_set_zero(&mask);
	}
	if (!netif_add(&eth0, &ip, &mask, &gw, nf, netif_netfront_init, ethernet_input)) {
		printk("net: netif_add failed\n");
		return -KEEL_EIO;
	}
	if (xs_home_path(path, sizeof(path), "name") == 0 &&
	    xs_read(XS_NO_TX, path, hostname, sizeof(hostname)) > 0)
		netif_set_hostname(&eth0, hostname);
	netif_set_default(&eth0);
	netif_set_status_callback(&eth0, on_status);
	netif_ready = 1;
	if (netfront_link_up(nf))
		netif_set_link_up(&eth0);
	netif_set_up(&eth0);     /* with a static address: "up" now */
	use_dhcp = !have_ip;
	if (use_dhcp && dhcp_start(&eth0) != ERR_OK) {
		printk("net: cannot start DHCP\n");
		return -KEEL_EIO;
	}
	deadline = time_now_ns() + NET_UP_TIMEOUT_NS;
	while (!netif_is_link_up(&eth0) || ip4_addr_isany(netif_ip4_addr(&eth0)) ||
	       (use_dhcp && !dhcp_supplied_address(&eth0))) {
		if (time_now_ns() >= deadline) {
			printk("net: eth0 not up after %llu s (link %s, %s)\n",
			       NET_UP_TIMEOUT_NS / NS_PER_SEC,
			       netif_is_link_up(&eth0) ? "up" : "down",
			       use_dhcp ? "no DHCP lease" : "static");
			return -KEEL_EIO;
		}
		net_wait(deadline);
	}
	return 0;
}

void net_poll(void)
{
	/* Bounded: a flood must not starve lwIP's timers. */
	for (int i = 0; i < 8 && netfront_poll(nf) > 0; i++)
		;
	sys_check_timeouts();
}

void net_wait(uint64_t deadline_ns)
{
	uint64_t now = time_now_ns();
	uint64_t until = now + NET_WAIT_MAX_NS;
	u32_t sleep_ms = sys_timeouts_sleeptime();

	if (sleep_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
	    now + (uint64_t)sleep_ms * NS_PER_MS < until)
		until = now + (uint64_t)sleep_ms * NS_PER_MS;
	if (deadline_ns && deadline_ns < until)
		until = deadline_ns;
	if (!netfront_pending(nf) && until > now) {
		kernel_wait(until);
		idle_ns += time_now_ns() - now;
	} else {
		kernel_poll();
	}
	net_poll();
}

uint64_t net_idle_ns(void)
{
	return idle_ns;
}

struct netif *net_netif(void)
{
	return &eth0;
}

const char *net_addr_str(void)
{
	return addr_str;
}

void net_print_stats(void)
{
	const struct netfront_stats *s = netfront_stats(nf);

	printk("net: eth0 rx %lu packets %lu bytes, tx %lu packets %lu bytes, "
	       "events in %lu out %lu, reconnects %lu\n",
	       (unsigned long)s->rx_packets, (unsigned long)s->rx_bytes,
	       (unsigned long)s->tx_packets, (unsigned long)s->tx_bytes,
	       (unsigned long)s->events, (unsigned long)s->notifies,
	       (unsigned long)s->reconnects);
	for (int i = 0; i < NETFRONT_DROP_NR; i++)
		if (s->drops[i])
			printk("net: eth0 dropped %lu (%s)\n", (unsigned long)s->drops[i],
			       netfront_drop_name((enum netfront_drop)i));
}
