/*
 * Finding guests through the store.  keel-consoled watches /local/domain
 * (every domain's keys), @introduceDomain and @releaseDomain; on any event
 * it rescans: a domain with console/ring-ref and console/port that is
 * alive gets connected, one whose directory went away or whose domain is
 * gone or dying gets disconnected (its pages must be unmapped before the
 * hypervisor can free them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consoled.h"

#define WATCH_TOKEN "keel-consoled"

int store_watch(struct consoled *d)
{
	static const char *const paths[] = {
		"/local/domain", "@introduceDomain", "@releaseDomain",
	};
	unsigned i;
	int rc;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		rc = kxs_watch(d->xs, paths[i], WATCH_TOKEN);
		if (rc)
			return rc;
	}
	return 0;
}

bool store_events(struct consoled *d)
{
	char *path, *token;
	bool any = false;

	while (kxs_read_watch(d->xs, 0, &path, &token) == 0) {
		any = true;
		free(path);
		free(token);
	}
	return any;
}

/* Reads a decimal value under /local/domain/<id>/; 0 or -errno. */
static int read_num(struct consoled *d, uint16_t domid, const char *key,
		    uint64_t *out)
{
	char path[96], *val, *end;
	size_t len;
	int rc;

	snprintf(path, sizeof(path), "/local/domain/%u/%s", domid, key);
	rc = kxs_read(d->xs, 0, path, &val, &len);
	if (rc)
		return rc;
	errno = 0;
	*out = strtoull(val, &end, 10);
	rc = (val[0] < '0' || val[0] > '9' || *end || errno) ? -EINVAL : 0;
	free(val);
	return rc;
}

static void read_name(struct consoled *d, uint16_t domid, char *out,
		      size_t size)
{
	char path[96], *val;
	size_t len;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/local/domain/%u/name", domid);
	if (kxs_read(d->xs, 0, path, &val, &len) == 0) {
		snprintf(out, size, "%s", val);
		free(val);
	}
}

/* 1: the domain runs (or is shut down but not destroyed); 0: gone or
 * dying; <0: cannot tell (then we keep what we have). */
static int domain_alive(struct consoled *d, uint16_t domid)
{
	struct keel_dominfo info;
	int rc = keel_domain_getinfo(d->ctl, domid, &info);

	if (rc == -ESRCH)
		return 0;
	if (rc < 0)
		return rc;
	return (info.flags & KEEL_DOMINF_dying) ? 0 : 1;
}

/* A domain listed in the store: connect it if it has a console. */
static void scan_one(struct consoled *d, uint16_t domid)
{
	struct cons_guest *g = guest_find(d, domid);
	char name[CONS_NAME_MAX + 2];
	uint64_t ref, port;

	if (g) {
		g->seen = true;
		return;
	}
	if (read_num(d, domid, "console/ring-ref", &ref) ||
	    read_num(d, domid, "console/port", &port) || port == 0 ||
	    port > UINT32_MAX)
		return;
	if (domain_alive(d, domid) == 0)
		return;
	read_name(d, domid, name, sizeof(name));
	guest_connect(d, domid, ref, (uint32_t)port, name);
}

void store_scan(struct consoled *d)
{
	struct cons_guest *g, *next;
	char *names = NULL, *p;
	size_t len = 0;
	unsigned long id;
	char *end;
	int rc;

	for (g = d->guests; g; g = g->next)
		g->seen = false;
	rc = kxs_directory(d->xs, 0, "/local/domain", &names, &len);
	if (rc && rc != -ENOENT) {
		cd_log(d, KEEL_LOG_WARN, "listing /local/domain: %s",
		       strerror(-rc));
		return;   /* keep everything as it is */
	}
	for (p = names; rc == 0 && p < names + len; p += strlen(p) + 1) {
		id = strtoul(p, &end, 10);
		if (*p < '1' || *p > '9' || *end || id > CONS_DOMID_MAX)
			continue;   /* dom0, or not a domain id */
		scan_one(d, (uint16_t)id);
	}
	free(names);
	for (g = d->guests; g; g = next) {
		next = g->next;
		if (!g->seen)
			guest_disconnect(d, g);
	}
	guests_check_alive(d);
}

void guests_check_alive(struct consoled *d)
{
	struct cons_guest *g, *next;

	for (g = d->guests; g; g = next) {
		next = g->next;
		if (domain_alive(d, g->domid) == 0) {
			cd_log(d, KEEL_LOG_INFO, "dom%u: domain gone",
			       g->domid);
			guest_disconnect(d, g);
		}
	}
}
