/*
 * keel-netback: tap devices and the bridge (nb_tap.h), with the kernel's
 * ioctls: TUNSETIFF on /dev/net/tun, SIOCSIFHWADDR, SIOCSIFFLAGS and
 * SIOCBRADDIF / SIOCBRDELIF on a socket.
 */
#include "nb_tap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef SIOCBRADDIF
#define SIOCBRADDIF 0x89a2
#define SIOCBRDELIF 0x89a3
#endif

static int ifreq_ioctl(unsigned long req, struct ifreq *ifr)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc = 0;

	if (s < 0)
		return -errno;
	if (ioctl(s, req, ifr) < 0)
		rc = -errno;
	close(s);
	return rc;
}

static int bridge_port(const char *bridge, const char *name, unsigned long req)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(name);
	if (!ifr.ifr_ifindex)
		return -ENODEV;
	return ifreq_ioctl(req, &ifr);
}

int nb_tap_open(const char *name, const char *bridge, char *err, size_t size)
{
	struct ifreq ifr;
	int fd, rc;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, size, "cannot open /dev/net/tun: %s (tun module?)",
			 strerror(-rc));
		return rc;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		snprintf(err, size, "cannot create tap %s: %s", name, strerror(-rc));
		goto err_close;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memset(ifr.ifr_hwaddr.sa_data, 0xff, 6);
	ifr.ifr_hwaddr.sa_data[0] = (char)0xfe;
	ifreq_ioctl(SIOCSIFHWADDR, &ifr);   /* cosmetic: ignore a failure */
	if (bridge && bridge[0]) {
		rc = bridge_port(bridge, name, SIOCBRADDIF);
		if (rc < 0) {
			snprintf(err, size, "cannot add %s to bridge %s: %s", name,
				 bridge, rc == -ENODEV || rc == -EINVAL ?
				 "no such bridge" : strerror(-rc));
			goto err_close;
		}
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if ((rc = ifreq_ioctl(SIOCGIFFLAGS, &ifr)) == 0) {
		ifr.ifr_flags |= IFF_UP;
		rc = ifreq_ioctl(SIOCSIFFLAGS, &ifr);
	}
	if (rc < 0) {
		snprintf(err, size, "cannot bring %s up: %s", name, strerror(-rc));
		goto err_close;
	}
	return fd;

err_close:
	close(fd);
	return rc;
}

void nb_tap_close(int fd, const char *name, const char *bridge)
{
	if (fd < 0)
		return;
	if (bridge && bridge[0])
		bridge_port(bridge, name, SIOCBRDELIF);
	close(fd);
}
