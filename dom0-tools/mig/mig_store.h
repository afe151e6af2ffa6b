/*
 * A guest's store subtree in the migration stream (MIG_REC_STORE,
 * docs/migration.md): every node under /local/domain/<id> ("L/<rel>")
 * and /vm/<id> ("V/<rel>") with its value, and back.
 */
#ifndef KEEL_MIG_STORE_H
#define KEEL_MIG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

struct mig_kv {
	char *key;              /* "L/console/port", "V/on_crash", ... */
	char *val;
};

struct mig_kvs {
	struct mig_kv *v;
	size_t n, cap;
};

void mig_kvs_free(struct mig_kvs *k);
int mig_kvs_add(struct mig_kvs *k, const char *key, const char *val);
/* The value of key, or NULL. */
const char *mig_kvs_get(const struct mig_kvs *k, const char *key);

/* Collects domid's two subtrees.  0 or -errno. */
int mig_store_collect(struct keel_store *st, uint16_t domid, struct mig_kvs *out);
/* The record body for k: malloc'd into *body, *len.  0 or -ENOMEM. */
int mig_store_encode(const struct mig_kvs *k, void **body, uint32_t *len);
/* Parses a record body.  0, -EBADMSG (malformed), -ENOMEM. */
int mig_store_decode(const void *body, uint32_t len, struct mig_kvs *out);

/*
 * Writes the saved keys for the restored domain domid: the domain's own
 * keys through keel_dom_store_write (paths, permissions; console and
 * store pages and ports as saved: the guest keeps its gfns and ports),
 * then every other saved node but control/shutdown (cleared) and the
 * device directories (the devices reconnect through their own
 * handshake).  Introduces the domain to the store first.  0 or -errno
 * with a sentence in err.
 */
int mig_store_restore(struct keel_store *st, uint16_t domid,
		      const struct mig_kvs *k, char *err, size_t errlen);

#endif
