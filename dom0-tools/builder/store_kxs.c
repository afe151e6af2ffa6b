/*
 * keel_store over libkxs: one connection to xenstored's Unix socket, and
 * the transaction the calls are in (0: none).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kxs.h"
#include "store.h"

struct kxs_store {
	struct kxs *h;
	uint32_t tx;
	bool borrowed;          /* the caller's connection: not closed here */
};

static int k_read(void *ctx, const char *path, char **val)
{
	struct kxs_store *s = ctx;
	size_t len;

	return kxs_read(s->h, s->tx, path, val, &len);
}

static int k_write(void *ctx, const char *path, const char *val)
{
	struct kxs_store *s = ctx;

	return kxs_write(s->h, s->tx, path, val, strlen(val));
}

static int k_mkdir(void *ctx, const char *path)
{
	struct kxs_store *s = ctx;

	return kxs_mkdir(s->h, s->tx, path);
}

static int k_rm(void *ctx, const char *path)
{
	struct kxs_store *s = ctx;

	return kxs_rm(s->h, s->tx, path);
}

static int k_set_perms(void *ctx, const char *path, const char *const *perms,
		       unsigned int n)
{
	struct kxs_store *s = ctx;

	return kxs_set_perms(s->h, s->tx, path, perms, n);
}

static int k_directory(void *ctx, const char *path, char **names, size_t *len)
{
	struct kxs_store *s = ctx;

	return kxs_directory(s->h, s->tx, path, names, len);
}

static int k_introduce(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port)
{
	struct kxs_store *s = ctx;

	return kxs_introduce(s->h, domid, gfn, port);
}

static int k_release(void *ctx, uint32_t domid)
{
	struct kxs_store *s = ctx;

	return kxs_release(s->h, domid);
}

static void k_close(void *ctx)
{
	struct kxs_store *s = ctx;

	if (!s->borrowed)
		kxs_close(s->h);
	free(s);
}

static int k_tx_start(void *ctx)
{
	struct kxs_store *s = ctx;

	if (s->tx)
		return -EBUSY;
	return kxs_tx_start(s->h, &s->tx);
}

static int k_tx_end(void *ctx, int commit)
{
	struct kxs_store *s = ctx;
	uint32_t tx = s->tx;

	if (!tx)
		return -EINVAL;
	s->tx = 0;
	return kxs_tx_end(s->h, tx, commit != 0);
}

static const struct keel_store_ops kxs_ops = {
	.read = k_read, .write = k_write, .mkdir = k_mkdir, .rm = k_rm,
	.set_perms = k_set_perms, .directory = k_directory,
	.introduce = k_introduce, .release = k_release, .close = k_close,
	.tx_start = k_tx_start, .tx_end = k_tx_end,
};

int keel_store_open(struct keel_store *st)
{
	struct kxs_store *s;
	int rc;

	st->ops = NULL;
	st->ctx = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	rc = kxs_open(NULL, NULL, &s->h);
	if (rc) {
		free(s);
		return rc;
	}
	st->ops = &kxs_ops;
	st->ctx = s;
	return 0;
}

int keel_store_borrow(struct keel_store *st, struct kxs *h)
{
	struct kxs_store *s = calloc(1, sizeof(*s));

	st->ops = NULL;
	st->ctx = NULL;
	if (!s)
		return -ENOMEM;
	s->h = h;
	s->borrowed = true;
	st->ops = &kxs_ops;
	st->ctx = s;
	return 0;
}

void keel_store_close(struct keel_store *st)
{
	if (st->ops && st->ops->close)
		st->ops->close(st->ctx);
	st->ops = NULL;
	st->ctx = NULL;
}
