/* Frontends' store helpers (xenbus.h). */
#include "kernel.h"
#include "xenbus.h"

#include <public/io/xenbus.h>

int xb_path(char *buf, const char *dir, const char *key)
{
	int n = gk_snprintf(buf, XB_KEY_MAX, "%s/%s", dir, key);

	return n < 0 || n >= XB_KEY_MAX ? -KEEL_ERANGE : 0;
}

int xb_read(uint32_t tx, const char *dir, const char *key, char *val, size_t len)
{
	char path[XB_KEY_MAX];
	int rc = xb_path(path, dir, key);

	return rc < 0 ? rc : xs_read(tx, path, val, len);
}

int xb_write(uint32_t tx, const char *dir, const char *key, const char *val)
{
	char path[XB_KEY_MAX];
	int rc = xb_path(path, dir, key);

	return rc < 0 ? rc : xs_write(tx, path, val);
}

int xb_write_u64(uint32_t tx, const char *dir, const char *key, uint64_t v)
{
	char val[24];

	gk_snprintf(val, sizeof(val), "%lu", (unsigned long)v);
	return xb_write(tx, dir, key, val);
}

int xb_read_u64(const char *dir, const char *key, uint64_t *out)
{
	char val[32];
	int rc = xb_read(XS_NO_TX, dir, key, val, sizeof(val));

	if (rc < 0)
		return rc;
	return gk_parse_u64(val, (size_t)rc, out);
}

void xb_rm(const char *dir, const char *key)
{
	char path[XB_KEY_MAX];

	if (xb_path(path, dir, key) == 0)
		(void)xs_rm(XS_NO_TX, path);
}

int xb_read_state(const char *dir)
{
	uint64_t v;
	int rc = xb_read_u64(dir, "state", &v);

	if (rc == -KEEL_ENOENT)
		return KEEL_XBS_CLOSED;
	if (rc < 0 || v > KEEL_XBS_MAX)
		return KEEL_XBS_UNKNOWN;
	return (int)v;
}

int xb_write_state(const char *dir, int state)
{
	char val[8];
	int rc = xb_read(XS_NO_TX, dir, "state", val, sizeof(val));

	if (rc == -KEEL_ENOENT)
		return rc;
	return xb_write_u64(XS_NO_TX, dir, "state", (uint64_t)state);
}

long xb_lowest_id(const char *rel)
{
	char dir[96], list[512];
	const char *p = list;
	long best = -KEEL_ENODEV;
	int n;

	if (xs_home_path(dir, sizeof(dir), rel) < 0)
		return -KEEL_ENODEV;
	n = xs_directory(XS_NO_TX, dir, list, sizeof(list));
	for (int i = 0; i < n; i++, p += strlen(p) + 1) {
		uint64_t v;

		if (gk_parse_u64(p, strlen(p), &v) == 0 && v <= 0xffff &&
		    (best < 0 || (long)v < best))
			best = (long)v;
	}
	return best;
}

int xb_watch_states(struct xb_watch *w, const char *prefix, unsigned int id,
		    const char *be_dir, const char *fe_dir, xs_watch_fn fn, void *arg)
{
	char path[XB_KEY_MAX];
	int rc;

	w->active = 0;
	gk_snprintf(w->be_token, sizeof(w->be_token), "%s-be-%u", prefix, id);
	gk_snprintf(w->fe_token, sizeof(w->fe_token), "%s-fe-%u", prefix, id);
	rc = xb_path(path, be_dir, "state");
	if (rc == 0)
		rc = xs_watch(path, w->be_token, fn, arg);
	if (rc < 0)
		return rc;
	rc = xb_path(path, fe_dir, "state");
	if (rc == 0)
		rc = xs_watch(path, w->fe_token, fn, arg);
	if (rc < 0) {
		if (xb_path(path, be_dir, "state") == 0)
			(void)xs_unwatch(path, w->be_token);
		return rc;
	}
	w->active = 1;
	return 0;
}

void xb_unwatch_states(struct xb_watch *w, const char *be_dir, const char *fe_dir)
{
	char path[XB_KEY_MAX];

	if (!w->active)
		return;
	if (xb_path(path, be_dir, "state") == 0)
		(void)xs_unwatch(path, w->be_token);
	if (xb_path(path, fe_dir, "state") == 0)
		(void)xs_unwatch(path, w->fe_token);
	w->active = 0;
}
