/* The unit tests' in-memory store (fake_store.h). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake_store.h"

struct fs_node fs[FS_MAX];
int fs_n, fs_released[8], fs_nrel, fs_fail_write;
int fs_tx, fs_tx_started, fs_tx_committed, fs_tx_open;

int fs_find(const char *path)
{
	for (int i = 0; i < fs_n; i++)
		if (!strcmp(fs[i].path, path))
			return i;
	return -1;
}

/* The permissions a new node gets: its nearest existing parent's. */
static void inherit_perms(struct fs_node *n)
{
	char parent[512];
	char *slash;
	int i;

	snprintf(parent, sizeof(parent), "%s", n->path);
	while ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';
		i = fs_find(parent);
		if (i >= 0) {
			snprintf(n->perms, sizeof(n->perms), "%s", fs[i].perms);
			return;
		}
	}
	n->perms[0] = '\0';
}

void fs_put(const char *path, const char *val)
{
	int i = fs_find(path);

	if (i < 0) {
		ck_assert_int_lt(fs_n, FS_MAX);
		i = fs_n++;
		fs[i].path = strdup(path);
		inherit_perms(&fs[i]);
	} else {
		free(fs[i].val);
	}
	fs[i].val = strdup(val);
}

const char *fs_get(const char *path)
{
	int i = fs_find(path);

	return i < 0 ? NULL : fs[i].val;
}

const char *fs_perms(const char *path)
{
	int i = fs_find(path);

	return i < 0 ? NULL : fs[i].perms;
}

void fs_reset(void)
{
	while (fs_n) {
		fs_n--;
		free(fs[fs_n].path);
		free(fs[fs_n].val);
	}
	fs_nrel = 0;
	fs_fail_write = 0;
	fs_tx = 0;
	fs_tx_started = fs_tx_committed = fs_tx_open = 0;
}

static int f_read(void *ctx, const char *path, char **val)
{
	int i = fs_find(path);

	(void)ctx;
	if (i < 0)
		return -ENOENT;
	*val = strdup(fs[i].val);
	return 0;
}

static int f_write(void *ctx, const char *path, const char *val)
{
	(void)ctx;
	if (fs_fail_write)
		return -EACCES;
	fs_put(path, val);
	return 0;
}

static int f_mkdir(void *ctx, const char *path)
{
	return fs_find(path) >= 0 ? 0 : f_write(ctx, path, "");
}

static int f_rm(void *ctx, const char *path)
{
	size_t n = strlen(path);
	int found = 0;

	(void)ctx;
	for (int i = 0; i < fs_n; i++)
		if (!strncmp(fs[i].path, path, n) &&
		    (fs[i].path[n] == '\0' || fs[i].path[n] == '/')) {
			free(fs[i].path);
			free(fs[i].val);
			fs[i--] = fs[--fs_n];
			found = 1;
		}
	return found ? 0 : -ENOENT;
}

static int f_set_perms(void *ctx, const char *path, const char *const *p, unsigned n)
{
	int i = fs_find(path);
	size_t off = 0;

	(void)ctx;
	if (i < 0)
		return -ENOENT;
	fs[i].perms[0] = '\0';
	for (unsigned int k = 0; k < n; k++)
		off += (size_t)snprintf(fs[i].perms + off, sizeof(fs[i].perms) - off,
					"%s%s", k ? " " : "", p[k]);
	return 0;
}

/* Children of path: the next component of every key below it. */
static int f_directory(void *ctx, const char *path, char **names, size_t *len)
{
	size_t n = strlen(path), out = 0;
	char *buf = calloc(1, 8192);
	int any = fs_find(path) >= 0;

	(void)ctx;
	for (int i = 0; i < fs_n; i++) {
		const char *c = fs[i].path + n;
		size_t cl;
		int dup = 0;

		if (strncmp(fs[i].path, path, n) || *c != '/')
			continue;
		any = 1;
		c++;
		cl = strcspn(c, "/");
		for (size_t p = 0; p < out; p += strlen(buf + p) + 1)
			if (strlen(buf + p) == cl && !strncmp(buf + p, c, cl))
				dup = 1;
		if (dup)
			continue;
		memcpy(buf + out, c, cl);
		out += cl + 1;
	}
	if (!any) {
		free(buf);
		return -ENOENT;
	}
	*names = buf;
	*len = out;
	return 0;
}

static int f_introduce(void *ctx, uint32_t d, uint64_t g, uint32_t p)
{
	(void)ctx; (void)d; (void)g; (void)p;
	return 0;
}

static int f_release(void *ctx, uint32_t domid)
{
	(void)ctx;
	fs_released[fs_nrel++ & 7] = (int)domid;
	return 0;
}

static int f_tx_start(void *ctx)
{
	(void)ctx;
	ck_assert_int_eq(fs_tx_open, 0);
	fs_tx_open = 1;
	fs_tx_started++;
	return 0;
}

static int f_tx_end(void *ctx, int commit)
{
	(void)ctx;
	ck_assert_int_eq(fs_tx_open, 1);
	fs_tx_open = 0;
	fs_tx_committed += commit != 0;
	return 0;
}

static const struct keel_store_ops fake_ops_tx = {
	.read = f_read, .write = f_write, .mkdir = f_mkdir, .rm = f_rm,
	.set_perms = f_set_perms, .directory = f_directory,
	.introduce = f_introduce, .release = f_release, .close = NULL,
	.tx_start = f_tx_start, .tx_end = f_tx_end,
};

const struct keel_store_ops fake_store_ops = {
	.read = f_read, .write = f_write, .mkdir = f_mkdir, .rm = f_rm,
	.set_perms = f_set_perms, .directory = f_directory,
	.introduce = f_introduce, .release = f_release, .close = NULL,
};

void fake_store(struct keel_store *st)
{
	st->ops = fs_tx ? &fake_ops_tx : &fake_store_ops;
	st->ctx = NULL;
}

int open_fake_store(struct vmctl *v, struct keel_store *st)
{
	(void)v;
	fake_store(st);
	return 0;
}
