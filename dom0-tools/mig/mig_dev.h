/*
 * A guest's devices in the migration stream (MIG_REC_DEVICE, stream
 * version 2, docs/migration.md): each vbd and vif as its configuration
 * (what `vmctl create` / block-attach / network-attach were given), read
 * from its backend directory on save, and on restore given again to the
 * new domain through the builder (keel_vbd_check, keel_vbd_add,
 * keel_vif_add), so the target's backends and the guest's frontend meet
 * through the store as for a new device.
 */
#ifndef KEEL_MIG_DEV_H
#define KEEL_MIG_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "vbd.h"
#include "vif.h"

#define MIG_DEV_VBD 1u
#define MIG_DEV_VIF 2u

/* Wire layouts (after the record's u32 kind, u32 0); strings
 * NUL-terminated and zero-padded. */
struct mig_dev_vbd {
	uint32_t devid;             /* 202<<8 | disk<<4 */
	uint32_t flags;             /* MIG_VBD_* */
	char vdev[8];               /* "xvda" */
	char target[1024];
	char base[1024];            /* cow only */
};
_Static_assert(sizeof(struct mig_dev_vbd) == 2064, "stream layout");
#define MIG_VBD_RO  (1u << 0)
#define MIG_VBD_COW (1u << 1)

struct mig_dev_vif {
	uint32_t devid;
	uint32_t flags;             /* 0 */
	uint8_t mac[6];
	uint8_t pad[2];             /* 0 */
	char bridge[16];
	char ip[128];
	uint64_t rate_bytes;        /* 0: no limit */
	uint32_t rate_us;
	uint32_t pad2;              /* 0 */
};
_Static_assert(sizeof(struct mig_dev_vif) == 176, "stream layout");

struct mig_devs {
	struct keel_vbd vbd[KEEL_VBD_MAX];
	unsigned int nvbd;
	struct keel_vif vif[KEEL_VIF_MAX];
	unsigned int nvif;
};

/* Reads domid's devices from its backend directories.  0 or -errno
 * (-EBADMSG with a sentence in err when a directory makes no sense). */
int mig_dev_collect(struct keel_store *st, uint16_t domid, struct mig_devs *d,
		    char *err, size_t errlen);

/* Record bodies: vbd i or vif i into buf (at least MIG_DEV_BODY_MAX);
 * returns the length. */
#define MIG_DEV_BODY_MAX (8 + sizeof(struct mig_dev_vbd))
uint32_t mig_dev_encode_vbd(const struct keel_vbd *v, uint8_t *buf);
uint32_t mig_dev_encode_vif(const struct keel_vif *v, uint8_t *buf);

/* Parses one record body into d: 0, or -EBADMSG (malformed, unknown kind,
 * a device twice, too many). */
int mig_dev_decode(const void *body, uint32_t len, struct mig_devs *d);

/* Gives d's devices to the restored domain domid (its store keys are
 * back, it has not run yet): the disks pass keel_vbd_check (their images
 * are here, none in use read-write elsewhere), then both directories of
 * every device are written.  0 or -errno with a sentence in err. */
int mig_dev_restore(struct keel_store *st, uint16_t domid,
		    const struct mig_devs *d, char *err, size_t errlen);

#endif
