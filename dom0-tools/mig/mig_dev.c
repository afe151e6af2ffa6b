/*
 * Devices across save/restore/migrate (mig_dev.h, docs/migration.md):
 * the configuration of each vbd and vif, from the backend directories
 * the builder wrote, into DEVICE records and back through the builder.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <public/io/blkif.h>

#include "mig_dev.h"

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* A key of a backend directory; "" and 0 when it is missing and optional. */
static int be_read(struct keel_store *st, const char *dir, const char *key,
		   char *buf, size_t size, int optional)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	rc = keel_store_read_str(st, path, buf, size);
	if (rc == -ENOENT && optional) {
		buf[0] = '\0';
		return 0;
	}
	return rc;
}

static int parse_devid(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xffffffffu)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int collect_vbd(struct keel_store *st, const char *dir, uint32_t devid,
		       struct mig_devs *d, char *err, size_t errlen)
{
	struct keel_vbd *v;
	char mode[8], type[8];
	int rc;

	if (d->nvbd >= KEEL_VBD_MAX)
		return fail(err, errlen, -EBADMSG, "more than %u disks", KEEL_VBD_MAX);
	v = &d->vbd[d->nvbd];
	memset(v, 0, sizeof(*v));
	v->devid = devid;
	rc = be_read(st, dir, "dev", v->vdev, sizeof(v->vdev), 0);
	if (!rc) rc = be_read(st, dir, "params", v->target, sizeof(v->target), 0);
	if (!rc) rc = be_read(st, dir, "mode", mode, sizeof(mode), 0);
	if (!rc) rc = be_read(st, dir, "type", type, sizeof(type), 1);
	if (!rc) rc = be_read(st, dir, "base", v->base, sizeof(v->base), 1);
	if (rc)
		return fail(err, errlen, rc, "cannot read its disk %s: %s", dir,
			    strerror(-rc));
	if (!keel_vbd_vdev_parse(v->vdev, &v->disk) || !v->target[0] ||
	    devid != KEEL_XVD_DEVID(v->disk) ||
	    (strcmp(mode, "r") && strcmp(mode, "w")) ||
	    (type[0] && strcmp(type, "raw") && strcmp(type, "cow")))
		return fail(err, errlen, -EBADMSG, "its disk %s makes no sense", dir);
	v->readonly = !strcmp(mode, "r");
	v->format = !strcmp(type, "cow") ? KEEL_VBD_COW : KEEL_VBD_RAW;
	d->nvbd++;
	return 0;
}

static int collect_vif(struct keel_store *st, const char *dir, uint32_t devid,
		       struct mig_devs *d, char *err, size_t errlen)
{
	struct keel_vif *v;
	char mac[24], rate[48];
	int rc;

	if (d->nvif >= KEEL_VIF_MAX)
		return fail(err, errlen, -EBADMSG, "more than %u vifs", KEEL_VIF_MAX);
	v = &d->vif[d->nvif];
	memset(v, 0, sizeof(*v));
	v->devid = devid;
	rc = be_read(st, dir, "mac", mac, sizeof(mac), 0);
	if (!rc) rc = be_read(st, dir, "bridge", v->bridge, sizeof(v->bridge), 0);
	if (!rc) rc = be_read(st, dir, "ip", v->ip, sizeof(v->ip), 1);
	if (!rc) rc = be_read(st, dir, "rate", rate, sizeof(rate), 1);
	if (rc)
		return fail(err, errlen, rc, "cannot read its vif %s: %s", dir,
			    strerror(-rc));
	if (keel_vif_mac_parse(mac, v->mac) || !v->bridge[0] || devid >= KEEL_VIF_MAX)
		return fail(err, errlen, -EBADMSG, "its vif %s makes no sense", dir);
	v->has_mac = 1;
	if (rate[0]) {
		unsigned long long b;
		unsigned int us;
		char extra;

		if (sscanf(rate, "%llu,%u%c", &b, &us, &extra) != 2 || !b || !us)
			return fail(err, errlen, -EBADMSG, "its vif %s has a bad rate", dir);
		v->rate_bytes = b;
		v->rate_us = us;
	}
	d->nvif++;
	return 0;
}

static int collect_kind(struct keel_store *st, uint16_t domid, const char *kind,
			struct mig_devs *d, char *err, size_t errlen)
{
	char dir[96], *names = NULL;
	size_t len = 0;
	int rc;

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/%s/%u", kind, domid);
	rc = st->ops->directory(st->ctx, dir, &names, &len);
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return fail(err, errlen, rc, "cannot read %s: %s", dir, strerror(-rc));
	for (char *p = names; p < names + len && !rc; p += strlen(p) + 1) {
		char sub[160];
		uint32_t devid;

		if (!*p)
			continue;
		if (parse_devid(p, &devid)) {
			rc = fail(err, errlen, -EBADMSG, "%s/%s is not a device", dir, p);
			break;
		}
		snprintf(sub, sizeof(sub), "%s/%s", dir, p);
		rc = !strcmp(kind, "vbd") ? collect_vbd(st, sub, devid, d, err, errlen) :
		     collect_vif(st, sub, devid, d, err, errlen);
	}
	free(names);
	return rc;
}

int mig_dev_collect(struct keel_store *st, uint16_t domid, struct mig_devs *d,
		    char *err, size_t errlen)
{
	int rc;

	memset(d, 0, sizeof(*d));
	rc = collect_kind(st, domid, "vbd", d, err, errlen);
	if (!rc)
		rc = collect_kind(st, domid, "vif", d, err, errlen);
	return rc;
}

static void put_kind(uint8_t *buf, uint32_t kind)
{
	uint32_t zero = 0;

	memcpy(buf, &kind, 4);
	memcpy(buf + 4, &zero, 4);
}

uint32_t mig_dev_encode_vbd(const struct keel_vbd *v, uint8_t *buf)
{
	struct mig_dev_vbd w;

	memset(&w, 0, sizeof(w));
	w.devid = v->devid;
	w.flags = (v->readonly ? MIG_VBD_RO : 0) |
		  (v->format == KEEL_VBD_COW ? MIG_VBD_COW : 0);
	snprintf(w.vdev, sizeof(w.vdev), "%s", v->vdev);
	snprintf(w.target, sizeof(w.target), "%s", v->target);
	snprintf(w.base, sizeof(w.base), "%s", v->base);
	put_kind(buf, MIG_DEV_VBD);
	memcpy(buf + 8, &w, sizeof(w));
	return 8 + sizeof(w);
}

uint32_t mig_dev_encode_vif(const struct keel_vif *v, uint8_t *buf)
{
	struct mig_dev_vif w;

	memset(&w, 0, sizeof(w));
	w.devid = v->devid;
	memcpy(w.mac, v->mac, 6);
	snprintf(w.bridge, sizeof(w.bridge), "%s", v->bridge);
	snprintf(w.ip, sizeof(w.ip), "%s", v->ip);
	w.rate_bytes = v->rate_bytes;
	w.rate_us = v->rate_us;
	put_kind(buf, MIG_DEV_VIF);
	memcpy(buf + 8, &w, sizeof(w));
	return 8 + sizeof(w);
}

/* A NUL within the field, and nothing but zeros after it. */
static int field_ok(const char *f, size_t size)
{
	const char *nul = memchr(f, '\0', size);

	if (!nul)
		return 0;
	for (const char *p = nul; p < f + size; p++)
		if (*p)
			return 0;
	return 1;
}

static int decode_vbd(const struct mig_dev_vbd *w, struct mig_devs *d)
{
	struct keel_vbd *v;
	unsigned int disk;

	if (d->nvbd >= KEEL_VBD_MAX || (w->flags & ~(MIG_VBD_RO | MIG_VBD_COW)) ||
	    !field_ok(w->vdev, sizeof(w->vdev)) ||
	    !field_ok(w->target, sizeof(w->target)) ||
	    !field_ok(w->base, sizeof(w->base)) ||
	    !keel_vbd_vdev_parse(w->vdev, &disk) || !w->target[0] ||
	    w->devid != KEEL_XVD_DEVID(disk) ||
	    !!(w->flags & MIG_VBD_COW) != !!w->base[0])
		return -EBADMSG;
	for (unsigned int i = 0; i < d->nvbd; i++)
		if (d->vbd[i].devid == w->devid || d->vbd[i].disk == disk)
			return -EBADMSG;
	v = &d->vbd[d->nvbd];
	memset(v, 0, sizeof(*v));
	v->disk = disk;
	v->devid = w->devid;
	memcpy(v->vdev, w->vdev, sizeof(v->vdev));
	v->readonly = !!(w->flags & MIG_VBD_RO);
	v->format = (w->flags & MIG_VBD_COW) ? KEEL_VBD_COW : KEEL_VBD_RAW;
	memcpy(v->target, w->target, sizeof(v->target));
	memcpy(v->base, w->base, sizeof(v->base));
	d->nvbd++;
	return 0;
}

static int decode_vif(const struct mig_dev_vif *w, struct mig_devs *d)
{
	struct keel_vif *v;

	if (d->nvif >= KEEL_VIF_MAX || w->flags || w->pad[0] || w->pad[1] ||
	    w->pad2 || w->devid >= KEEL_VIF_MAX ||
	    !field_ok(w->bridge, sizeof(w->bridge)) || !w->bridge[0] ||
	    !field_ok(w->ip, sizeof(w->ip)) || (w->mac[0] & 1) ||
	    (w->rate_bytes && !w->rate_us))
		return -EBADMSG;
	for (unsigned int i = 0; i < d->nvif; i++)
		if (d->vif[i].devid == w->devid)
			return -EBADMSG;
	v = &d->vif[d->nvif];
	memset(v, 0, sizeof(*v));
	v->devid = w->devid;
	v->has_mac = 1;
	memcpy(v->mac, w->mac, 6);
	memcpy(v->bridge, w->bridge, sizeof(v->bridge));
	memcpy(v->ip, w->ip, sizeof(v->ip));
	v->rate_bytes = w->rate_bytes;
	v->rate_us = w->rate_us;
	d->nvif++;
	return 0;
}

int mig_dev_decode(const void *body, uint32_t len, struct mig_devs *d)
{
	const uint8_t *b = body;
	uint32_t kind, pad;

	if (len < 8)
		return -EBADMSG;
	memcpy(&kind, b, 4);
	memcpy(&pad, b + 4, 4);
	if (pad)
		return -EBADMSG;
	if (kind == MIG_DEV_VBD && len == 8 + sizeof(struct mig_dev_vbd)) {
		struct mig_dev_vbd w;

		memcpy(&w, b + 8, sizeof(w));
		return decode_vbd(&w, d);
	}
	if (kind == MIG_DEV_VIF && len == 8 + sizeof(struct mig_dev_vif)) {
		struct mig_dev_vif w;

		memcpy(&w, b + 8, sizeof(w));
		return decode_vif(&w, d);
	}
	return -EBADMSG;
}

int mig_dev_restore(struct keel_store *st, uint16_t domid,
		    const struct mig_devs *d, char *err, size_t errlen)
{
	char msg[KEEL_VBD_MSG_MAX];
	unsigned int bad = 0;
	int rc;

	if (d->nvbd) {
		rc = keel_vbd_check(st, domid, d->vbd, d->nvbd, &bad, msg, sizeof(msg));
		if (rc)
			return fail(err, errlen, rc, "its disk %s cannot be given to it here: %s",
				    d->vbd[bad].vdev, msg);
	}
	for (unsigned int i = 0; i < d->nvbd; i++) {
		rc = keel_vbd_add(st, domid, &d->vbd[i]);
		if (rc)
			return fail(err, errlen, rc, "cannot write the store entries of disk %s: %s",
				    d->vbd[i].vdev, strerror(-rc));
	}
	for (unsigned int i = 0; i < d->nvif; i++) {
		rc = keel_vif_add(st, domid, &d->vif[i]);
		if (rc)
			return fail(err, errlen, rc, "cannot write the store entries of vif %u: %s",
				    d->vif[i].devid, strerror(-rc));
	}
	return 0;
}
