/*
 * keel-migrated, the migration receiver (docs/migration.md, "Transport").
 * keel-migrated.c owns the listening socket and a child process per
 * connection; serve.c is what a child does with its connection, over the
 * hooks below so the unit tests can drive it with fakes.
 */
#ifndef KEEL_MIGRATED_H
#define KEEL_MIGRATED_H

#include <stdint.h>
#include <stddef.h>

#include "mig_transport.h"

/* How long the stream may stay silent before the receiver gives up. */
#define MIGRATED_STREAM_IDLE_S 60
#define MIGRATED_IMAGES_ROOT "/var/lib/keel/"
/* After a failed restore: how long to wait for the sender to hang up. */
#define MIGRATED_DRAIN_S 30

struct migrated {
	const char *key_path;            /* read for each connection */
	/* --with-storage: images are made only under this directory
	 * (MIGRATED_IMAGES_ROOT when NULL). */
	const char *images_root;
	/* One log line (no newline); the daemon adds a time stamp. */
	void (*log)(struct migrated *m, const char *fmt, ...)
		__attribute__((format(printf, 2, 3)));
	/* 1 if a domain called name runs here, 0 if not, or -errno. */
	int (*name_running)(struct migrated *m, const char *name);
	/* Whether mem_bytes of guest RAM fit the free pool: 0, or -ENOMEM
	 * with both figures in err, or another -errno. */
	int (*mem_fits)(struct migrated *m, uint64_t mem_bytes, char *err,
			size_t errlen);
	/* keel_mig_restore() on fd: 0 and *domid, or -errno and err. */
	int (*restore)(struct migrated *m, int fd, uint16_t *domid, char *err,
		       size_t errlen);
	void *ctx;                       /* for the hooks */
};

/*
 * Serves one connection (fd, from peer "ADDR:PORT") to the end: auth,
 * then a check (BYE) or an offer, the stream and the result.  Returns 0
 * when a check passed or a domain now runs here, else -errno (each refusal
 * is logged with the peer and the reason).  Does not close fd.
 */
int migrated_serve(struct migrated *m, int fd, const char *peer);

#endif
