/*
 * lwIP options for Keel's guests (lwip/opt.h has every option and its
 * default).  NO_SYS: one thread, the raw (callback) API only, driven by
 * the program's loop (net.h: net_poll) -- as Mini-OS's lwip-net.c and
 * most unikernels run it.  IPv4 with ARP, ICMP echo, UDP, TCP and the
 * DHCP client; no IPv6, no sockets, no netconn.
 *
 * Memory is lwIP's own static heap and pools (in .bss): about 1 MiB.
 * Checksums are computed and checked in software: keel-netback offers no
 * offload (feature-no-csum-offload is what the frontend writes).
 */
#ifndef GUEST_LWIPOPTS_H
#define GUEST_LWIPOPTS_H

#define NO_SYS                     1
#define SYS_LIGHTWEIGHT_PROT       0   /* lwIP runs in main context only */
#define LWIP_SOCKET                0
#define LWIP_NETCONN               0
#define LWIP_IPV4                  1
#define LWIP_IPV6                  0
#define LWIP_ARP                   1
#define LWIP_ETHERNET              1
#define LWIP_ICMP                  1
#define LWIP_RAW                   0
#define LWIP_UDP                   1
#define LWIP_TCP                   1
#define LWIP_DHCP                  1
#define DHCP_DOES_ARP_CHECK        0   /* no 2 s ARP probe after an offer */
#define LWIP_AUTOIP                0
#define LWIP_IGMP                  0
#define LWIP_DNS                   0
#define IP_REASSEMBLY              1
#define IP_FRAG                    1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1
#define LWIP_NETIF_HOSTNAME        1
#define LWIP_STATS                 0
#define LWIP_TIMERS                1

#define MEM_ALIGNMENT              8
#define MEM_SIZE                   (512 * 1024)  /* tcp_write copies here */
#define MEMP_NUM_PBUF              64
#define MEMP_NUM_UDP_PCB           8
#define MEMP_NUM_TCP_PCB           32
#define MEMP_NUM_TCP_PCB_LISTEN    8
#define MEMP_NUM_TCP_SEG           256
#define MEMP_NUM_REASSDATA         8
#define MEMP_NUM_ARP_QUEUE         32
#define PBUF_POOL_SIZE             256           /* received frames */
#define PBUF_POOL_BUFSIZE          1536

#define TCP_MSS                    1460
#define TCP_WND                    (40 * TCP_MSS)   /* < 64 KiB: no scaling */
#define TCP_SND_BUF                (40 * TCP_MSS)
#define TCP_SND_QUEUELEN           (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ            1
#define LWIP_TCP_KEEPALIVE         0
#define TCP_LISTEN_BACKLOG         1

#define ETH_PAD_SIZE               0
#define LWIP_CHECKSUM_CTRL_PER_NETIF 0

#endif
