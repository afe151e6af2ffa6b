/*
 * Virtual block devices: the disk spec, its checks, and the store
 * directories of the frontend/backend handshake (vbd.h; docs/config.md,
 * "Disks"; the keys are Xen's).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <public/io/blkif.h>
#include <public/io/xenbus.h>

#include "vbd.h"

#define TX_TRIES 8      /* transaction conflicts before giving up */

static void set_msg(char *msg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
}

int keel_vbd_vdev_parse(const char *s, unsigned int *disk)
{
	if (strncmp(s, "xvd", 3) || s[3] < 'a' || s[3] > 'p' || s[4])
		return 0;
	*disk = (unsigned int)(s[3] - 'a');
	return 1;
}

int keel_vbd_devid_name(uint32_t devid, char *buf, size_t size)
{
	if ((devid >> 8) != KEEL_XVD_MAJOR || (devid & 0xf))
		return -EINVAL;
	snprintf(buf, size, "xvd%c", 'a' + (int)((devid >> 4) & 0xf));
	return 0;
}

static const char *const state_names[KEEL_XBS_MAX + 1] = {
	[KEEL_XBS_UNKNOWN] = "Unknown",
	[KEEL_XBS_INITIALISING] = "Initialising",
	[KEEL_XBS_INITWAIT] = "InitWait",
	[KEEL_XBS_INITIALISED] = "Initialised",
	[KEEL_XBS_CONNECTED] = "Connected",
	[KEEL_XBS_CLOSING] = "Closing",
	[KEEL_XBS_CLOSED] = "Closed",
	[KEEL_XBS_RECONFIGURING] = "Reconfiguring",
	[KEEL_XBS_RECONFIGURED] = "Reconfigured",
};

const char *keel_vbd_state_name(int state)
{
	if (state < 0 || state > KEEL_XBS_MAX)
		return "?";
	return state_names[state];
}

void keel_vbd_frontend_path(char *buf, size_t size, uint16_t domid, uint32_t devid)
{
	snprintf(buf, size, "/local/domain/%u/device/vbd/%u", domid, devid);
}

void keel_vbd_backend_path(char *buf, size_t size, uint16_t domid, uint32_t devid)
{
	snprintf(buf, size, "/local/domain/0/backend/vbd/%u/%u", domid, devid);
}

/* ---- the spec ---- */

enum vbd_key { VK_TARGET, VK_VDEV, VK_ACCESS, VK_FORMAT, VK_BASE, VK_COUNT };

static const char *const vbd_keys[VK_COUNT] = {
	"target", "vdev", "access", "format", "base",
};

/* A path value, joined to dir when relative. */
static int set_path(const char *key, const char *val, const char *dir,
		    char *out, char *msg, size_t size)
{
	int n;

	if (!val[0]) {
		set_msg(msg, size, "%s: empty path", key);
		return -EINVAL;
	}
	if (val[0] == '/' || !dir[0])
		n = snprintf(out, KEEL_VBD_PATH_MAX, "%s", val);
	else
		n = snprintf(out, KEEL_VBD_PATH_MAX, "%s/%s", dir, val);
	if (n < 0 || n >= KEEL_VBD_PATH_MAX) {
		set_msg(msg, size, "%s: path longer than %d bytes", key,
			KEEL_VBD_PATH_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

static int set_item(struct keel_vbd *d, enum vbd_key k, const char *val,
		    const char *dir, char *msg, size_t size)
{
	switch (k) {
	case VK_TARGET:
		return set_path("target", val, dir, d->target, msg, size);
	case VK_BASE:
		return set_path("base", val, dir, d->base, msg, size);
	case VK_VDEV:
		if (!keel_vbd_vdev_parse(val, &d->disk)) {
			set_msg(msg, size, "vdev: expected xvda .. xvdp, got '%.40s'", val);
			return -EINVAL;
		}
		snprintf(d->vdev, sizeof(d->vdev), "%s", val);
		d->devid = KEEL_XVD_DEVID(d->disk);
		return 0;
	case VK_ACCESS:
		if (strcmp(val, "rw") && strcmp(val, "ro")) {
			set_msg(msg, size, "access: expected rw or ro, got '%.40s'", val);
			return -EINVAL;
		}
		d->readonly = !strcmp(val, "ro");
		return 0;
	case VK_FORMAT:
		if (strcmp(val, "raw") && strcmp(val, "cow")) {
			set_msg(msg, size, "format: expected raw or cow, got '%.40s'", val);
			return -EINVAL;
		}
		d->format = strcmp(val, "raw") ? KEEL_VBD_COW : KEEL_VBD_RAW;
		return 0;
	case VK_COUNT:
		break;
	}
	return -EINVAL;
}

/* Trims blanks at both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

/* One key=value item in [s, e), trimmed; seen tracks the keys given. */
static int parse_item(const char *s, const char *e, const char *dir,
		      struct keel_vbd *d, unsigned int *seen, char *val,
		      char *msg, size_t size)
{
	const char *eq, *ke;
	int k;

	if (s == e) {
		set_msg(msg, size, "an empty item (expected key=value)");
		return -EINVAL;
	}
	eq = memchr(s, '=', (size_t)(e - s));
	if (!eq) {
		set_msg(msg, size, "'%.*s' is not key=value",
			(int)(e - s > 40 ? 40 : e - s), s);
		return -EINVAL;
	}
	ke = eq;
	trim(&s, &ke);
	for (k = 0; k < VK_COUNT; k++)
		if (strlen(vbd_keys[k]) == (size_t)(ke - s) &&
		    !strncmp(s, vbd_keys[k], (size_t)(ke - s)))
			break;
	if (k == VK_COUNT) {
		set_msg(msg, size, "unknown key '%.*s' (target, vdev, access, format, base)",
			(int)(ke - s > 40 ? 40 : ke - s), s);
		return -EINVAL;
	}
	if (*seen & (1u << k)) {
		set_msg(msg, size, "%s given twice", vbd_keys[k]);
		return -EINVAL;
	}
	*seen |= 1u << k;
	eq++;
	trim(&eq, &e);
	if (e - eq >= KEEL_VBD_PATH_MAX) {
		set_msg(msg, size, "%s: value longer than %d bytes", vbd_keys[k],
			KEEL_VBD_PATH_MAX - 1);
		return -EINVAL;
	}
	memcpy(val, eq, (size_t)(e - eq));
	val[e - eq] = '\0';
	return set_item(d, (enum vbd_key)k, val, dir, msg, size);
}

int keel_vbd_parse(const char *spec, const char *dir, struct keel_vbd *d,
		   char *msg, size_t size)
{
	unsigned int seen = 0;
	const char *p, *end, *s;
	char *val;
	int rc;

	memset(d, 0, sizeof(*d));
	msg[0] = '\0';
	dir = dir ? dir : "";
	s = spec;
	end = spec + strlen(spec);
	trim(&s, &end);
	if (s == end) {
		set_msg(msg, size, "an empty disk spec (expected target=..., vdev=...)");
		return -EINVAL;
	}
	val = malloc(KEEL_VBD_PATH_MAX);
	if (!val) {
		set_msg(msg, size, "out of memory");
		return -ENOMEM;
	}
	for (p = spec;; p = end + 1) {
		const char *e;

		end = p + strcspn(p, ",");
		s = p;
		e = end;
		trim(&s, &e);
		rc = parse_item(s, e, dir, d, &seen, val, msg, size);
		if (rc || !*end)
			break;
	}
	free(val);
	if (rc)
		return rc;
	if (!(seen & (1u << VK_TARGET)))
		set_msg(msg, size, "no target= (the image file)");
	else if (!(seen & (1u << VK_VDEV)))
		set_msg(msg, size, "no vdev= (xvda .. xvdp)");
	else if (d->format == KEEL_VBD_COW && !(seen & (1u << VK_BASE)))
		set_msg(msg, size, "format=cow needs base= (the image it is an overlay of)");
	else if (d->format == KEEL_VBD_RAW && (seen & (1u << VK_BASE)))
		set_msg(msg, size, "base= is for format=cow only");
	else if (d->format == KEEL_VBD_COW && !strcmp(d->target, d->base))
		set_msg(msg, size, "the cow overlay (target) is its own base");
	else
		return 0;
	return -EINVAL;
}

/* ---- checks ---- */

/* A file a disk uses: the image, or the overlay's base. */
struct use {
	const char *path;
	int exists;
	dev_t dev;
	ino_t ino;
	int rw;
};

static void use_init(struct use *u, const char *path, int rw)
{
	struct stat sb;

	u->path = path;
	u->rw = rw;
	u->exists = !stat(path, &sb);
	u->dev = u->exists ? sb.st_dev : 0;
	u->ino = u->exists ? sb.st_ino : 0;
}

static int same_file(const struct use *a, const struct use *b)
{
	if (a->exists && b->exists)
		return a->dev == b->dev && a->ino == b->ino;
	return !strcmp(a->path, b->path);
}

/* The uses of one disk: target (rw unless ro), and a cow base (read). */
static unsigned int disk_uses(const struct keel_vbd *d, struct use u[2])
{
	use_init(&u[0], d->target, !d->readonly);
	if (d->format != KEEL_VBD_COW)
		return 1;
	use_init(&u[1], d->base, 0);
	return 2;
}

static int check_files(const struct keel_vbd *d, char *msg, size_t size)
{
	const char *what = d->format == KEEL_VBD_COW ? "base" : "target";
	const char *path = d->format == KEEL_VBD_COW ? d->base : d->target;
	struct stat sb;

	if (stat(path, &sb)) {
		int e = errno;

		set_msg(msg, size, "%s=%s: %s", what, path, strerror(e));
		return -e;
	}
	if (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
		set_msg(msg, size, "%s=%s: not a regular file or a block device", what, path);
		return -EINVAL;
	}
	if (d->format == KEEL_VBD_COW) {
		char dir[KEEL_VBD_PATH_MAX];
		char *slash;

		snprintf(dir, sizeof(dir), "%s", d->target);
		slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			strcpy(dir, ".");
		if (stat(dir, &sb) || !S_ISDIR(sb.st_mode)) {
			set_msg(msg, size, "target=%s: its directory %s does not exist",
				d->target, dir);
			return -ENOENT;
		}
		if (!stat(d->target, &sb) && !S_ISREG(sb.st_mode)) {
			set_msg(msg, size, "target=%s: not a regular file", d->target);
			return -EINVAL;
		}
	}
	return 0;
}

static int read_key(struct keel_store *st, const char *dir, const char *key,
		    char *buf, size_t size)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return keel_store_read_str(st, path, buf, size);
}

/* Does any use of d conflict with one of backend directory bdir? */
static int conflicts(struct keel_store *st, const char *bdir, const struct use *u,
		     unsigned int nu, const struct use **hit, int *other_rw)
{
	char params[KEEL_VBD_PATH_MAX], base[KEEL_VBD_PATH_MAX], mode[8], type[8];
	struct use theirs[2];
	unsigned int nt = 0, i, j;

	if (read_key(st, bdir, "params", params, sizeof(params)))
		return 0;
	if (read_key(st, bdir, "mode", mode, sizeof(mode)))
		strcpy(mode, "w");
	use_init(&theirs[nt++], params, strcmp(mode, "r") != 0);
	if (!read_key(st, bdir, "type", type, sizeof(type)) && !strcmp(type, "cow") &&
	    !read_key(st, bdir, "base", base, sizeof(base)))
		use_init(&theirs[nt++], base, 0);
	for (i = 0; i < nu; i++)
		for (j = 0; j < nt; j++)
			if ((u[i].rw || theirs[j].rw) && same_file(&u[i], &theirs[j])) {
				*hit = &u[i];
				*other_rw = theirs[j].rw;
				return 1;
			}
	return 0;
}

/* Checks d's uses against every device of every other live domain. */
static int check_in_use(struct keel_store *st, uint16_t domid,
			const struct keel_vbd *d, char *msg, size_t size)
{
	char *doms, *devs, *p, *q, path[128], name[64];
	size_t dlen, vlen;
	struct use u[2];
	unsigned int nu = disk_uses(d, u);
	int rc;

	rc = st->ops->directory(st->ctx, "/local/domain/0/backend/vbd", &doms, &dlen);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		set_msg(msg, size, "cannot read the store's vbd backends: %s", strerror(-rc));
		return rc;
	}
	rc = 0;
	for (p = doms; !rc && p < doms + dlen; p += strlen(p) + 1) {
		unsigned long other = strtoul(p, NULL, 10);

		if (!*p || (domid && other == domid))
			continue;
		/* Only live domains count: a dead one has no name any more. */
		snprintf(path, sizeof(path), "/local/domain/%lu", other);
		if (read_key(st, path, "name", name, sizeof(name)))
			continue;
		snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%lu", other);
		if (st->ops->directory(st->ctx, path, &devs, &vlen))
			continue;
		for (q = devs; q < devs + vlen; q += strlen(q) + 1) {
			const struct use *hit;
			char bdir[160];
			int other_rw;

			snprintf(bdir, sizeof(bdir), "%s/%s", path, q);
			if (!conflicts(st, bdir, u, nu, &hit, &other_rw))
				continue;
			set_msg(msg, size, "%s is attached %s to domain %lu '%s'",
				hit->path, other_rw ? "read-write" : "read-only",
				other, name);
			rc = -EBUSY;
			break;
		}
		free(devs);
	}
	free(doms);
	return rc;
}

int keel_vbd_check(struct keel_store *st, uint16_t domid,
		   const struct keel_vbd *disks, unsigned int n,
		   unsigned int *bad, char *msg, size_t size)
{
	unsigned int i, j, a, b;
	int rc;

	for (i = 0; i < n; i++) {
		struct use ui[2];
		unsigned int ni;

		*bad = i;
		rc = check_files(&disks[i], msg, size);
		if (rc)
			return rc;
		ni = disk_uses(&disks[i], ui);
		for (j = 0; j < i; j++) {
			struct use uj[2];
			unsigned int nj = disk_uses(&disks[j], uj);

			for (a = 0; a < ni; a++)
				for (b = 0; b < nj; b++)
					if ((ui[a].rw || uj[b].rw) && same_file(&ui[a], &uj[b])) {
						set_msg(msg, size, "%s is used by %s already",
							ui[a].path, disks[j].vdev);
						return -EINVAL;
					}
		}
		if (st) {
			rc = check_in_use(st, domid, &disks[i], msg, size);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* ---- store directories ---- */

static int write_key(struct keel_store *st, const char *dir, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int write_key(struct keel_store *st, const char *dir, const char *key,
		     const char *fmt, ...)
{
	char path[160], val[KEEL_VBD_PATH_MAX + 64];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return st->ops->write(st->ctx, path, val);
}

/* A directory with its permissions; keys written later inherit them. */
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

/* Every key of both directories; the backend's state is the last write. */
static int write_dirs(struct keel_store *st, uint16_t domid, const struct keel_vbd *d)
{
	char fe[96], be[96];
	int rc;

	keel_vbd_frontend_path(fe, sizeof(fe), domid, d->devid);
	keel_vbd_backend_path(be, sizeof(be), domid, d->devid);

	rc = make_dir(st, fe, domid, 0);
	if (!rc) rc = write_key(st, fe, "backend", "%s", be);
	if (!rc) rc = write_key(st, fe, "backend-id", "0");
	if (!rc) rc = write_key(st, fe, "virtual-device", "%u", d->devid);
	if (!rc) rc = write_key(st, fe, "device-type", "disk");
	if (!rc) rc = write_key(st, fe, "state", "%d", KEEL_XBS_INITIALISING);

	if (!rc) rc = make_dir(st, be, 0, domid);
	if (!rc) rc = write_key(st, be, "frontend", "%s", fe);
	if (!rc) rc = write_key(st, be, "frontend-id", "%u", domid);
	if (!rc) rc = write_key(st, be, "online", "1");
	if (!rc) rc = write_key(st, be, "dev", "%s", d->vdev);
	if (!rc) rc = write_key(st, be, "type", "%s",
				d->format == KEEL_VBD_COW ? "cow" : "raw");
	if (!rc) rc = write_key(st, be, "params", "%s", d->target);
	if (!rc) rc = write_key(st, be, "mode", "%s", d->readonly ? "r" : "w");
	if (!rc && d->format == KEEL_VBD_COW)
		rc = write_key(st, be, "base", "%s", d->base);
	if (!rc) rc = write_key(st, be, "state", "%d", KEEL_XBS_INITIALISING);
	return rc;
}

int keel_vbd_add(struct keel_store *st, uint16_t domid, const struct keel_vbd *d)
{
	int rc, i;

	if (!st->ops->tx_start || !st->ops->tx_end) {
		rc = write_dirs(st, domid, d);
		if (rc)
			keel_vbd_remove(st, domid, d->devid);
		return rc;
	}
	for (i = 0; i < TX_TRIES; i++) {
		rc = st->ops->tx_start(st->ctx);
		if (rc)
			return rc;
		rc = write_dirs(st, domid, d);
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

static int rm_quiet(struct keel_store *st, const char *path)
{
	int rc = st->ops->rm(st->ctx, path);

	return rc == -ENOENT ? 0 : rc;
}

int keel_vbd_remove(struct keel_store *st, uint16_t domid, uint32_t devid)
{
	char path[96];
	int rc, rc2;

	keel_vbd_backend_path(path, sizeof(path), domid, devid);
	rc = rm_quiet(st, path);
	keel_vbd_frontend_path(path, sizeof(path), domid, devid);
	rc2 = rm_quiet(st, path);
	return rc ? rc : rc2;
}

int keel_vbd_remove_all(struct keel_store *st, uint16_t domid)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/0/backend/vbd/%u", domid);
	return rm_quiet(st, path);
}
