/*
 * The guests' network: lwIP (NO_SYS, raw API) on the first netfront
 * interface, as "eth0" (docs/network.md, "Guest side").  A program calls
 * net_init() once, then runs its loop on net_wait(), which sleeps until
 * a frame, a store event or lwIP's next timer, and then lets netfront
 * and lwIP's timers run.  lwIP's raw API is used from main context only:
 * callbacks (tcp_recv, udp_recv, ...) run inside net_wait().
 *
 * Address: `ip=A.B.C.D` on the command line (/24, no gateway) whatever
 * the vif says; otherwise the first address of the vif line's ip= (its
 * backend directory's `ip` key: keel-netback lets only those through);
 * otherwise DHCP (dom0's udhcpd on keelbr0).  When the
 * address is set, the console gets "net: eth0 up A.B.C.D" (again after
 * every new lease); "net: eth0 link down" / "net: eth0 link up" when
 * the backend goes away and comes back.
 */
#ifndef GUEST_NET_H
#define GUEST_NET_H

#include <stdint.h>

#include "lwip/netif.h"

#define NET_UP_TIMEOUT_NS (60 * 1000000000ull)

/* Bring eth0 up: 0 once it has an address, -KEEL_ENODEV (no vif),
 * -KEEL_EINVAL (a malformed ip=), -KEEL_EIO (no link or no lease within
 * NET_UP_TIMEOUT_NS), or netfront_open's error. */
int net_init(const char *cmdline);
/* Sleep until something happens or deadline_ns (0: no deadline of our
 * own), then run netfront and lwIP's timers. */
void net_wait(uint64_t deadline_ns);
/* Run netfront and lwIP's timers without sleeping. */
void net_poll(void);
struct netif *net_netif(void);
/* Time spent asleep in net_wait since boot (idle: nothing to do). */
uint64_t net_idle_ns(void);
/* The address as text ("169.254.77.11"; "0.0.0.0" before one is set). */
const char *net_addr_str(void);
/* Print netfront's counters ("net: eth0 rx P packets B bytes, ..."). */
void net_print_stats(void);

/* netif_netfront.c: lwIP's netif init function for a netfront handle
 * (netif->state is the struct netfront; it must be open). */
err_t netif_netfront_init(struct netif *netif);
/* netfront's rx callback: hand one frame to lwIP (arg: the netif). */
void netif_netfront_input(void *arg, const void *frame, size_t len);

#endif
