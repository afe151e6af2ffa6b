/*
 * Virtual network interfaces: the vif spec and the store directories
 * (vif.h).
 */
#include "vif.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/xenbus.h>

#define TX_TRIES 8

static void set_msg(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
}

int keel_vif_mac_parse(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	const char *h, *l;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (i < 5 && s[i * 3 + 2] != ':')
			return -EINVAL;
		h = s[i * 3] ? strchr(hex, s[i * 3] | 0x20) : NULL;
		l = s[i * 3 + 1] ? strchr(hex, s[i * 3 + 1] | 0x20) : NULL;
		if (!h || !l)
			return -EINVAL;
		mac[i] = (uint8_t)((h - hex) << 4 | (l - hex));
	}
	return 0;
}

void keel_vif_mac_str(const uint8_t m[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2],
		 m[3], m[4], m[5]);
}

void keel_vif_default_mac(const char *name, uint32_t n, uint8_t mac[6])
{
	uint32_t h = 2166136261u;          /* FNV-1a */

	for (const char *p = name; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	for (int i = 0; i < 4; i++)
		h = (h ^ (uint8_t)(n >> (8 * i))) * 16777619u;
	mac[0] = 0x00;
	mac[1] = 0x16;
	mac[2] = 0x3e;
	mac[3] = (uint8_t)((h >> 16) & 0x7f);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

static int parse_ips(const char *val, char *out, size_t size, char *msg,
		     size_t msize)
{
	char one[32];
	const char *p = val, *e;
	struct in_addr a;
	unsigned int n = 0;
	size_t len = 0, l;

	out[0] = '\0';
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		for (e = p; *e && *e != ' ' && *e != '\t'; e++)
			;
		l = (size_t)(e - p);
		if (l >= sizeof(one) || (memcpy(one, p, l), one[l] = '\0',
					 inet_pton(AF_INET, one, &a) != 1)) {
			set_msg(msg, msize, "ip: '%.*s' is not an IPv4 address",
				(int)(l > 40 ? 40 : l), p);
			return -EINVAL;
		}
		{
			uint32_t h = ntohl(a.s_addr);

			if (h == 0 || h == 0xffffffffu || (h >> 28) == 0xe) {
				set_msg(msg, msize, "ip: %s is not a unicast address",
					one);
				return -EINVAL;
			}
		}
		if (++n > KEEL_VIF_IPS_MAX) {
			set_msg(msg, msize, "ip: more than %d addresses",
				KEEL_VIF_IPS_MAX);
			return -EINVAL;
		}
		len += (size_t)snprintf(out + len, size - len, "%s%s",
					len ? " " : "", one);
		p = e;
	}
	if (!n) {
		set_msg(msg, msize, "ip: no address");
		return -EINVAL;
	}
	return 0;
}

/* A decimal number at *s (advanced); -1 if none or too large. */
static long long number(const char **s)
{
	long long v = 0;

	if (**s < '0' || **s > '9')
		return -1;
	for (; **s >= '0' && **s <= '9'; (*s)++) {
		if (v > 1000000000000LL)
			return -1;
		v = v * 10 + (**s - '0');
	}
	return v;
}

/* RATE/s[@INTERVAL] (xl's syntax) into bytes per interval. */
static int parse_rate(const char *val, struct keel_vif *v, char *msg,
		      size_t msize)
{
	const char *p = val;
	long long n, iv = KEEL_VIF_RATE_INTERVAL_US;
	unsigned long long mult = 1, bytes_s;
	int bits;

	n = number(&p);
	if (n <= 0)
		goto bad;
	if (*p == 'G')
		mult = 1000000000ULL, p++;
	else if (*p == 'M')
		mult = 1000000ULL, p++;
	else if (*p == 'K' || *p == 'k')
		mult = 1000ULL, p++;
	if (*p == 'B')
		bits = 0;
	else if (*p == 'b')
		bits = 1;
	else
		goto bad;
	p++;
	if (strncmp(p, "/s", 2) != 0)
		goto bad;
	p += 2;
	if (*p == '@') {
		p++;
		iv = number(&p);
		if (iv <= 0)
			goto bad;
		if (!strcmp(p, "us"))
			;
		else if (!strcmp(p, "ms"))
			iv *= 1000;
		else if (!strcmp(p, "s"))
			iv *= 1000000;
		else
			goto bad;
		p += strlen(p);
		if (iv > 10000000) {
			set_msg(msg, msize, "rate: interval longer than 10 s");
			return -EINVAL;
		}
	}
	if (*p)
		goto bad;
	bytes_s = (unsigned long long)n * mult;
	if (bits)
		bytes_s /= 8;
	v->rate_bytes = bytes_s * (unsigned long long)iv / 1000000ULL;
	v->rate_us = (uint32_t)iv;
	if (v->rate_bytes == 0) {
		set_msg(msg, msize, "rate: %s is less than a byte per interval", val);
		return -EINVAL;
	}
	return 0;
bad:
	set_msg(msg, msize, "rate: expected RATE/s or RATE/s@INTERVAL "
		"(e.g. 100Mb/s, 10MB/s@20ms), got '%.40s'", val);
	return -EINVAL;
}

static int bridge_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '.' ||
		      *s == '-'))
			return 0;
	return 1;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

int keel_vif_parse(const char *spec, struct keel_vif *v, char *msg, size_t size)
{
	char item[256], *eq, *key, *val;
	const char *p = spec, *e;
	int seen_mac = 0, seen_bridge = 0, seen_ip = 0, seen_rate = 0;

	memset(v, 0, sizeof(*v));
	snprintf(v->bridge, sizeof(v->bridge), "%s", KEEL_VIF_DEFAULT_BRIDGE);
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return 0;                  /* "": every default */
	for (;;) {
		for (e = p; *e && *e != ','; e++)
			;
		if ((size_t)(e - p) >= sizeof(item)) {
			set_msg(msg, size, "item too long: '%.40s...'", p);
			return -EINVAL;
		}
		memcpy(item, p, (size_t)(e - p));
		item[e - p] = '\0';
		trim(item);
		if (!item[0]) {
			set_msg(msg, size, "empty item (two commas, or one at an end)");
			return -EINVAL;
		}
		eq = strchr(item, '=');
		if (!eq) {
			set_msg(msg, size, "'%.60s' is not key=value", item);
			return -EINVAL;
		}
		*eq = '\0';
		key = item;
		val = eq + 1;
		trim(key);
		trim(val);
		if (!strcmp(key, "mac")) {
			if (seen_mac++) {
				set_msg(msg, size, "mac given twice");
				return -EINVAL;
			}
			if (keel_vif_mac_parse(val, v->mac)) {
				set_msg(msg, size, "mac: '%.40s' is not xx:xx:xx:xx:xx:xx",
					val);
				return -EINVAL;
			}
			if (v->mac[0] & 1) {
				set_msg(msg, size, "mac: %s is a multicast address "
					"(the first byte must be even)", val);
				return -EINVAL;
			}
			v->has_mac = 1;
		} else if (!strcmp(key, "bridge")) {
			if (seen_bridge++) {
				set_msg(msg, size, "bridge given twice");
				return -EINVAL;
			}
			if (!bridge_name_ok(val)) {
				set_msg(msg, size, "bridge: '%.40s' is not an interface name "
					"(1 to 15 of A-Z a-z 0-9 _ . -)", val);
				return -EINVAL;
			}
			snprintf(v->bridge, sizeof(v->bridge), "%s", val);
		} else if (!strcmp(key, "ip")) {
			if (seen_ip++) {
				set_msg(msg, size, "ip given twice");
				return -EINVAL;
			}
			if (parse_ips(val, v->ip, sizeof(v->ip), msg, size))
				return -EINVAL;
		} else if (!strcmp(key, "rate")) {
			if (seen_rate++) {
				set_msg(msg, size, "rate given twice");
				return -EINVAL;
			}
			if (parse_rate(val, v, msg, size))
				return -EINVAL;
		} else {
			set_msg(msg, size, "unknown key '%.40s' (mac, bridge, ip, rate)",
				key);
			return -EINVAL;
		}
		if (!*e)
			return 0;
		p = e + 1;
	}
}

void keel_vif_frontend_path(char *buf, size_t size, uint16_t domid, uint32_t devid)
{
	snprintf(buf, size, "/local/domain/%u/device/vif/%u", domid, devid);
}

void keel_vif_backend_path(char *buf, size_t size, uint16_t domid, uint32_t devid)
{
	snprintf(buf, size, "/local/domain/0/backend/vif/%u/%u", domid, devid);
}

static int write_key(struct keel_store *st, const char *dir, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int write_key(struct keel_store *st, const char *dir, const char *key,
		     const char *fmt, ...)
{
	char path[160], val[256];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return st->ops->write(st->ctx, path, val);
}

static int make_dir(struct keel_store *st, const char *dir, unsigned int owner,
		    unsigned int reader)
{
	char o[16], r[16];
	const char *perms[2] = { o, r };
	int rc;

	snprintf(o, sizeof(o), "n%u", owner);
	snprintf(r, sizeof(r), "r%u", reader);
	rc = st->ops->mkdir(st->ctx, dir);
	if (!rc)
		rc = st->ops->set_perms(st->ctx, dir, perms, 2);
	return rc;
}

static int write_dirs(struct keel_store *st, uint16_t domid, const struct keel_vif *v)
{
	char fe[96], be[96], mac[24];
	int rc;

	keel_vif_frontend_path(fe, sizeof(fe), domid, v->devid);
	keel_vif_backend_path(be, sizeof(be), domid, v->devid);
	keel_vif_mac_str(v->mac, mac, sizeof(mac));

	rc = make_dir(st, fe, domid, 0);
	if (!rc) rc = write_key(st, fe, "backend", "%s", be);
	if (!rc) rc = write_key(st, fe, "backend-id", "0");
	if (!rc) rc = write_key(st, fe, "handle", "%u", v->devid);
	if (!rc) rc = write_key(st, fe, "mac", "%s", mac);
	if (!rc) rc = write_key(st, fe, "state", "%d", KEEL_XBS_INITIALISING);

	if (!rc) rc = make_dir(st, be, 0, domid);
	if (!rc) rc = write_key(st, be, "frontend", "%s", fe);
	if (!rc) rc = write_key(st, be, "frontend-id", "%u", domid);
	if (!rc) rc = write_key(st, be, "online", "1");
	if (!rc) rc = write_key(st, be, "handle", "%u", v->devid);
	if (!rc) rc = write_key(st, be, "mac", "%s", mac);
	if (!rc) rc = write_key(st, be, "bridge", "%s", v->bridge);
	if (!rc && v->ip[0])
		rc = write_key(st, be, "ip", "%s", v->ip);
	if (!rc && v->rate_bytes)
		rc = write_key(st, be, "rate", "%llu,%u",
			       (unsigned long long)v->rate_bytes, v->rate_us);
	if (!rc) rc = write_key(st, be, "state", "%d", KEEL_XBS_INITIALISING);
	return rc;
}

static int rm_quiet(struct keel_store *st, const char *path)
{
	int rc = st->ops->rm(st->ctx, path);

	return rc == -ENOENT ? 0 : rc;
}

int keel_vif_remove(struct keel_store *st, uint16_t domid, uint32_t devid)
{
	char path[96];
	int rc, rc2;

	keel_vif_backend_path(path, sizeof(path), domid, devid);
	rc = rm_quiet(st, path);
	keel_vif_frontend_path(path, sizeof(path), domid, devid);
	rc2 = rm_quiet(st, path);
	return rc ? rc : rc2;
}

int keel_vif_remove_all(struct keel_store *st, uint16_t domid)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/0/backend/vif/%u", domid);
	return rm_quiet(st, path);
}

int keel_vif_add(struct keel_store *st, uint16_t domid, const struct keel_vif *v)
{
	int rc, i;

	if (!st->ops->tx_start || !st->ops->tx_end) {
		rc = write_dirs(st, domid, v);
		if (rc)
			keel_vif_remove(st, domid, v->devid);
		return rc;
	}
	for (i = 0; i < TX_TRIES; i++) {
		rc = st->ops->tx_start(st->ctx);
		if (rc)
			return rc;
		rc = write_dirs(st, domid, v);
		if (rc) {
			st->ops->tx_end(st->ctx, 0);
			return rc;
		}
		rc = st->ops->tx_end(st->ctx, 1);
		if (rc != -EAGAIN)
			return rc;
	}
	return -EAGAIN;
}
