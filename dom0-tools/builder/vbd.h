/*
 * Virtual block devices (vbd) as the toolstack sees them: one disk spec
 * ("target=PATH, vdev=xvda, access=rw, format=raw"; docs/config.md), the
 * checks before a disk is given to a guest, and the frontend and backend
 * store directories of the handshake (docs/backends.md; Xen's paths and key
 * names):
 *
 *   /local/domain/<N>/device/vbd/<devid>/        perms n<N> r0
 *       backend backend-id state virtual-device device-type
 *   /local/domain/0/backend/vbd/<N>/<devid>/     perms n0 r<N>
 *       frontend frontend-id online state dev type params mode [base]
 *
 * keel-blkback and the guest's blkfront write the rest (sectors, ring-ref,
 * ...).  Pure parsing here; the checks stat files and read the store.
 */
#ifndef KEEL_BUILDER_VBD_H
#define KEEL_BUILDER_VBD_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define KEEL_VBD_PATH_MAX  1024
#define KEEL_VBD_MAX       16       /* xvda .. xvdp */
#define KEEL_VBD_MSG_MAX   400

enum keel_vbd_format {
	KEEL_VBD_RAW = 0,
	KEEL_VBD_COW,                  /* an overlay (target) over base */
};

struct keel_vbd {
	unsigned int disk;             /* 0 for xvda .. 15 for xvdp */
	char vdev[8];                  /* "xvda" */
	uint32_t devid;                /* KEEL_XVD_DEVID(disk): 51712 for xvda */
	int readonly;                  /* access=ro */
	enum keel_vbd_format format;
	char target[KEEL_VBD_PATH_MAX];    /* absolute unless dir was "" */
	char base[KEEL_VBD_PATH_MAX];      /* cow only; else "" */
	unsigned int line;             /* config line, 0: command line */
};

/*
 * Parses one disk spec: comma-separated key=value items (target, vdev,
 * access rw|ro, format raw|cow, base); blanks around items are ignored.
 * A relative target or base is joined to dir ("" leaves it as is).
 * Returns 0 and fills *d (line left 0), or -EINVAL with msg set to one
 * sentence naming the item ("unknown key 'size'", "vdev given twice").
 */
int keel_vbd_parse(const char *spec, const char *dir, struct keel_vbd *d,
		   char *msg, size_t size);

/* 1 and *disk (0..15) if s is xvda .. xvdp, else 0. */
int keel_vbd_vdev_parse(const char *s, unsigned int *disk);

/*
 * The checks that need the file system and the store, for disks about to
 * be given to domain domid (or to a new domain: domid 0): a raw target or
 * a cow base exists and is a regular file or a block device, a cow
 * overlay's directory exists, no file is used twice among the n disks, and
 * no disk conflicts with one attached to another live domain (a disk in
 * use read-write elsewhere may not be attached at all; one attached
 * elsewhere may not be attached read-write).  Returns 0, or -EINVAL / -EBUSY
 * / -errno with msg set and *bad the index of the disk it is about.
 */
int keel_vbd_check(struct keel_store *st, uint16_t domid,
		   const struct keel_vbd *disks, unsigned int n,
		   unsigned int *bad, char *msg, size_t size);

/*
 * Writes the frontend and backend directories of d for domain domid, with
 * their permissions, in one store transaction when the store has them (else
 * the frontend first and the backend's state last, so that keel-blkback
 * never sees half a backend directory).  Returns 0 or -errno (nothing left
 * behind when it can be removed).
 */
int keel_vbd_add(struct keel_store *st, uint16_t domid, const struct keel_vbd *d);

/* Removes both directories of one device; a missing one is no error. */
int keel_vbd_remove(struct keel_store *st, uint16_t domid, uint32_t devid);

/* Removes /local/domain/0/backend/vbd/<domid> (on destroy); same return. */
int keel_vbd_remove_all(struct keel_store *st, uint16_t domid);

/* The store directories of a device, into buf. */
void keel_vbd_frontend_path(char *buf, size_t size, uint16_t domid, uint32_t devid);
void keel_vbd_backend_path(char *buf, size_t size, uint16_t domid, uint32_t devid);

/* "Initialising", "InitWait", ... for a XenbusState number; "?" if unknown. */
const char *keel_vbd_state_name(int state);

/* "xvda" for a devid of 202<<8 | n<<4 (n < 16) into buf; -EINVAL otherwise. */
int keel_vbd_devid_name(uint32_t devid, char *buf, size_t size);

#endif
