/*
 * The domain keys in the store, over any keel_store (store.h).  Paths and
 * permissions follow docs/config.md; the guest side is docs/guests.md.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "vbd.h"
#include "vif.h"

static int st_write(struct keel_store *st, const char *path, const char *val)
{
	return st->ops->write(st->ctx, path, val);
}

/* Writes PREFIX/KEY = value (printf-formatted). */
static int st_writef(struct keel_store *st, const char *prefix, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int st_writef(struct keel_store *st, const char *prefix, const char *key,
		     const char *fmt, ...)
{
	char path[256], val[1100];
	va_list ap;

	snprintf(path, sizeof(path), "%s/%s", prefix, key);
	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return st_write(st, path, val);
}

int keel_dom_store_write(struct keel_store *st, const struct keel_dom_store_info *in)
{
	char home[64], vm[64], owner[16];
	const char *const dom0_only[] = { "n0" };
	const char *home_perms[1] = { owner };
	int rc;

	snprintf(home, sizeof(home), "/local/domain/%u", in->domid);
	snprintf(vm, sizeof(vm), "/vm/%u", in->domid);
	snprintf(owner, sizeof(owner), "n%u", in->domid);

	/* /vm/<id>: for dom0's tools only. */
	rc = st->ops->mkdir(st->ctx, vm);
	if (!rc)
		rc = st->ops->set_perms(st->ctx, vm, dom0_only, 1);
	if (!rc) rc = st_writef(st, vm, "name", "%s", in->name);
	if (!rc) rc = st_writef(st, vm, "on_poweroff", "%s", in->on_poweroff);
	if (!rc) rc = st_writef(st, vm, "on_reboot", "%s", in->on_reboot);
	if (!rc) rc = st_writef(st, vm, "on_crash", "%s", in->on_crash);
	if (!rc) rc = st_writef(st, vm, "config-path", "%s", in->config_path);
	if (rc)
		return rc;

	/* The home directory is the domain's; nodes created below it copy
	 * that permission, so the guest may read and write its own keys. */
	rc = st->ops->mkdir(st->ctx, home);
	if (!rc)
		rc = st->ops->set_perms(st->ctx, home, home_perms, 1);
	if (!rc) rc = st_writef(st, home, "name", "%s", in->name);
	if (!rc) rc = st_writef(st, home, "domid", "%u", in->domid);
	if (!rc) rc = st_writef(st, home, "vm", "%s", vm);
	if (!rc) rc = st_writef(st, home, "memory/target", "%u", in->memory_kib);
	if (!rc) rc = st_writef(st, home, "memory/static-max", "%u", in->maxmem_kib);
	if (!rc) rc = st_writef(st, home, "console/ring-ref", "%" PRIu64, in->console_gfn);
	if (!rc) rc = st_writef(st, home, "console/port", "%u", in->console_port);
	if (!rc) rc = st_writef(st, home, "store/ring-ref", "%" PRIu64, in->store_gfn);
	if (!rc) rc = st_writef(st, home, "store/port", "%u", in->store_port);
	if (!rc) rc = st_writef(st, home, "control/shutdown", "%s", "");
	if (!rc) {
		char data[80];

		snprintf(data, sizeof(data), "%s/data", home);
		rc = st->ops->mkdir(st->ctx, data);
	}
	return rc;
}

int keel_dom_store_remove(struct keel_store *st, uint16_t domid)
{
	char path[64];
	int rc, first = 0;

	snprintf(path, sizeof(path), "/local/domain/%u", domid);
	rc = st->ops->rm(st->ctx, path);
	if (rc && rc != -ENOENT)
		first = rc;
	snprintf(path, sizeof(path), "/vm/%u", domid);
	rc = st->ops->rm(st->ctx, path);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	rc = keel_vbd_remove_all(st, domid);
	if (rc && !first)
		first = rc;
	rc = keel_vif_remove_all(st, domid);
	if (rc && !first)
		first = rc;
	rc = st->ops->release(st->ctx, domid);
	if (rc && rc != -ENOENT && !first)
		first = rc;
	return first;
}

int keel_store_read_str(struct keel_store *st, const char *path, char *buf,
			size_t size)
{
	char *val;
	int rc;

	rc = st->ops->read(st->ctx, path, &val);
	if (rc)
		return rc;
	snprintf(buf, size, "%s", val);
	free(val);
	return 0;
}

int keel_dom_store_name(struct keel_store *st, uint16_t domid, char *buf,
			size_t size)
{
	char path[64];

	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	return keel_store_read_str(st, path, buf, size);
}

int keel_dom_store_vm_read(struct keel_store *st, uint16_t domid, const char *key,
			   char *buf, size_t size)
{
	char path[96];

	snprintf(path, sizeof(path), "/vm/%u/%s", domid, key);
	return keel_store_read_str(st, path, buf, size);
}

int keel_dom_store_find(struct keel_store *st, const char *name, uint16_t *domid)
{
	char *names, *p, val[64];
	size_t len;
	int rc;

	rc = st->ops->directory(st->ctx, "/local/domain", &names, &len);
	if (rc)
		return rc;
	rc = -ENOENT;
	for (p = names; p < names + len; p += strlen(p) + 1) {
		char *end;
		unsigned long id = strtoul(p, &end, 10);

		if (!*p || *end || id > 0x7fef)
			continue;
		if (keel_dom_store_name(st, (uint16_t)id, val, sizeof(val)))
			continue;
		if (!strcmp(val, name)) {
			*domid = (uint16_t)id;
			rc = 0;
			break;
		}
	}
	free(names);
	return rc;
}
