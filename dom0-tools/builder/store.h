/*
 * The store as the domain tools use it: a small ops table, so that vmctl,
 * keel-domd and the builder run over libkxs in dom0 and over an in-memory
 * fake in the unit tests.  Every call returns 0 or -errno (ENOENT ...).
 *
 * The domain keys (docs/config.md, "Store keys"):
 *   /local/domain/<id>/{name,domid,vm,memory/target,memory/static-max,
 *       console/ring-ref,console/port,control/shutdown,data/}   owner <id>
 *   /vm/<id>/{name,on_poweroff,on_reboot,on_crash,config-path}  dom0 only
 */
#ifndef KEEL_BUILDER_STORE_H
#define KEEL_BUILDER_STORE_H

#include <stddef.h>
#include <stdint.h>

struct keel_store_ops {
	/* *val: malloc'd, NUL-terminated. */
	int (*read)(void *ctx, const char *path, char **val);
	int (*write)(void *ctx, const char *path, const char *val);
	int (*mkdir)(void *ctx, const char *path);
	int (*rm)(void *ctx, const char *path);
	int (*set_perms)(void *ctx, const char *path, const char *const *perms,
			 unsigned int n);
	/* *names: malloc'd, NUL-separated, *len bytes. */
	int (*directory)(void *ctx, const char *path, char **names, size_t *len);
	int (*introduce)(void *ctx, uint32_t domid, uint64_t gfn, uint32_t port);
	int (*release)(void *ctx, uint32_t domid);
	void (*close)(void *ctx);
	/*
	 * Optional (NULL: the store has no transactions).  Between tx_start
	 * and tx_end the calls above belong to one transaction; tx_end
	 * commits when commit is nonzero, and returns -EAGAIN when another
	 * writer got in first (do it all again).
	 */
	int (*tx_start)(void *ctx);
	int (*tx_end)(void *ctx, int commit);
};

struct keel_store {
	const struct keel_store_ops *ops;
	void *ctx;
};

/*
 * Connects to xenstored (libkxs: $XENSTORED_PATH or the default socket).
 * Returns 0, or -errno (ECONNREFUSED, ENOENT: no daemon).
 */
int keel_store_open(struct keel_store *st);
void keel_store_close(struct keel_store *st);
/* A keel_store over the caller's open libkxs connection, which
 * keel_store_close leaves open.  0 or -ENOMEM. */
struct kxs;
int keel_store_borrow(struct keel_store *st, struct kxs *h);

/* The value at path into buf (cut to size); 0, -ENOENT or -errno. */
int keel_store_read_str(struct keel_store *st, const char *path, char *buf,
			size_t size);

/* What the builder writes about a domain. */
struct keel_dom_store_info {
	uint16_t domid;
	const char *name;
	uint32_t memory_kib, maxmem_kib;
	uint64_t console_gfn, store_gfn;
	uint32_t console_port, store_port;
	const char *on_poweroff, *on_reboot, *on_crash;
	const char *config_path;           /* absolute, or "" */
};

/* Writes every key of a new domain (above); 0 or -errno (keys partly written). */
int keel_dom_store_write(struct keel_store *st, const struct keel_dom_store_info *in);

/*
 * Removes /local/domain/<id>, /vm/<id> and its vbd and vif backends
 * (/local/domain/0/backend/{vbd,vif}/<id>) and RELEASEs the domain; a part
 * that is not there is not an error.  Returns 0 or the first other -errno.
 */
int keel_dom_store_remove(struct keel_store *st, uint16_t domid);

/* The domain's name from the store into buf; 0, -ENOENT or -errno. */
int keel_dom_store_name(struct keel_store *st, uint16_t domid, char *buf,
			size_t size);

/*
 * Finds the domain called name among /local/domain/ * /name.  Returns 0
 * and *domid, -ENOENT when none is called so, or -errno.
 */
int keel_dom_store_find(struct keel_store *st, const char *name, uint16_t *domid);

/* /vm/<id>/KEY into buf (e.g. "on_crash"); 0, -ENOENT or -errno. */
int keel_dom_store_vm_read(struct keel_store *st, uint16_t domid, const char *key,
			   char *buf, size_t size);

#endif
