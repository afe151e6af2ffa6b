/*
 * An in-memory store behind keel_store_ops for the unit tests: a flat
 * table of paths, each with its value and the permissions last set on it
 * (a node made below a directory copies the directory's, as xenstored's
 * do).  Transactions are offered when fs_tx is set: they only count.
 */
#ifndef DOM0_TOOLS_FAKE_STORE_H
#define DOM0_TOOLS_FAKE_STORE_H

#include "store.h"
#include "vmctl.h"

#define FS_MAX 256

struct fs_node {
	char *path, *val;
	char perms[64];               /* "n3 r0": space-separated; "" unset */
};

extern struct fs_node fs[FS_MAX];
extern int fs_n, fs_released[8], fs_nrel;
extern int fs_fail_write;         /* every write fails with -EACCES */
extern int fs_tx;                 /* offer tx_start / tx_end */
extern int fs_tx_started, fs_tx_committed, fs_tx_open;
extern const struct keel_store_ops fake_store_ops;

/* An open_store for struct vmctl; a keel_store for builder tests. */
int open_fake_store(struct vmctl *v, struct keel_store *st);
void fake_store(struct keel_store *st);

int fs_find(const char *path);
void fs_put(const char *path, const char *val);
const char *fs_get(const char *path);     /* NULL if absent */
const char *fs_perms(const char *path);   /* NULL if absent */
void fs_reset(void);

#endif
