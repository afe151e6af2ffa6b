/* keel_store over libkxs: one connection to xenstored's Unix socket. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kxs.h"
#include "store.h"

static int k_read(void *ctx, const char *path, char **val)
{
	size_t len;

	return kxs_read(ctx, 0, path, val, &len);
}

static int k_write(void *ctx, const char *path, const char *val)
{
	return kxs_write(ctx, 0, path, val, strlen(val));
}

static int k_mkdir(void *ctx, const char *path)
{
	return kxs_mkdir(ctx, 0, path);
}

static int k_rm(void *ctx, const char *path)
{
	return kxs_rm(ctx, 0, path);
}

static int k_set_perms(void *ctx, const char *path, const char *const *perms,
		       unsigned int n)
{
	return kxs_set_perms(ctx, 0, path, perms, n);
}

static int k_directory(void *ctx, const char *path, char **names, size_t *len)
{
	return kxs_directory(ctx, 0, path, names, len);
}

static int k_introduce(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port)
{
	return kxs_introduce(ctx, domid, gfn, port);
}

static int k_release(void *ctx, uint32_t domid)
{
	return kxs_release(ctx, domid);
}

static void k_close(void *ctx)
{
	kxs_close(ctx);
}

static const struct keel_store_ops kxs_ops = {
	.read = k_read, .write = k_write, .mkdir = k_mkdir, .rm = k_rm,
	.set_perms = k_set_perms, .directory = k_directory,
	.introduce = k_introduce, .release = k_release, .close = k_close,
};

int keel_store_open(struct keel_store *st)
{
	struct kxs *h;
	int rc;

	st->ops = NULL;
	st->ctx = NULL;
	rc = kxs_open(NULL, NULL, &h);
	if (rc)
		return rc;
	st->ops = &kxs_ops;
	st->ctx = h;
	return 0;
}

void keel_store_close(struct keel_store *st)
{
	if (st->ops && st->ops->close)
		st->ops->close(st->ctx);
	st->ops = NULL;
	st->ctx = NULL;
}
