/*
 * Virtual network interfaces (vif) as the toolstack sees them: one vif
 * spec in xl's style ("mac=00:16:3e:5e:00:01, bridge=keelbr0,
 * ip=169.254.77.11, rate=100Mb/s"; docs/network.md, docs/config.md), the
 * MAC derived from the domain's name when none is given, and the two
 * store directories of the handshake (Xen's paths and key names):
 *
 *   /local/domain/<N>/device/vif/<n>/        perms n<N> r0
 *       backend backend-id handle mac state
 *   /local/domain/0/backend/vif/<N>/<n>/     perms n0 r<N>
 *       frontend frontend-id online state handle mac bridge [ip] [rate]
 *
 * keel-netback and the guest's netfront write the rest (feature-*,
 * tx-ring-ref, ...).  Pure parsing here.
 */
#ifndef KEEL_BUILDER_VIF_H
#define KEEL_BUILDER_VIF_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define KEEL_VIF_MAX        8        /* interfaces per guest: 0 .. 7 */
#define KEEL_VIF_IPS_MAX    8
#define KEEL_VIF_MSG_MAX    300
#define KEEL_VIF_DEFAULT_BRIDGE "keelbr0"
#define KEEL_VIF_RATE_INTERVAL_US 50000u  /* xl's default: 50 ms */

struct keel_vif {
	uint32_t devid;                /* n: the vif's index, tap vif<N>.<n> */
	int has_mac;                   /* mac= given; else derived at build  */
	uint8_t mac[6];
	char bridge[16];               /* default keelbr0 */
	char ip[KEEL_VIF_IPS_MAX * 16];/* "a.b.c.d a.b.c.d", or "" */
	uint64_t rate_bytes;           /* bytes per interval; 0: no limit */
	uint32_t rate_us;              /* the interval */
	unsigned int line;             /* config line, 0: command line */
};

/*
 * Parses one vif spec: comma-separated key=value items, blanks around
 * them ignored: mac (xx:xx:xx:xx:xx:xx, unicast), bridge (a Linux
 * interface name), ip (IPv4 addresses separated by blanks), rate
 * (RATE/s or RATE/s@INTERVAL: RATE a number with B, KB, MB, GB (bytes)
 * or b, Kb, Mb, Gb (bits), decimal multiples; INTERVAL with us, ms or s,
 * default 50 ms).  An empty spec is a vif with every default.  Returns 0
 * and fills *v (devid and line left 0), or -EINVAL with msg set to one
 * sentence naming the item.
 */
int keel_vif_parse(const char *spec, struct keel_vif *v, char *msg, size_t size);

/* A stable MAC for a domain's vif n when the spec has none: Xen's prefix
 * 00:16:3e, then three bytes of a hash of the name and n (the first
 * below 0x80). */
void keel_vif_default_mac(const char *name, uint32_t n, uint8_t mac[6]);

/* "00:16:3e:..." into buf (18 bytes at least). */
void keel_vif_mac_str(const uint8_t mac[6], char *buf, size_t size);

/* Parses "xx:xx:xx:xx:xx:xx"; 0 or -EINVAL. */
int keel_vif_mac_parse(const char *s, uint8_t mac[6]);

/*
 * Writes both directories of v for domain domid (in one store
 * transaction when the store has them, else the frontend first and the
 * backend's state last).  v must have its MAC.  0 or -errno.
 */
int keel_vif_add(struct keel_store *st, uint16_t domid, const struct keel_vif *v);

/* Removes both directories of one vif; a missing one is no error. */
int keel_vif_remove(struct keel_store *st, uint16_t domid, uint32_t devid);

/* Removes /local/domain/0/backend/vif/<domid> (on destroy). */
int keel_vif_remove_all(struct keel_store *st, uint16_t domid);

void keel_vif_frontend_path(char *buf, size_t size, uint16_t domid, uint32_t devid);
void keel_vif_backend_path(char *buf, size_t size, uint16_t domid, uint32_t devid);

#endif
