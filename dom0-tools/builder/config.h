/*
 * Domain configuration files (docs/config.md): `key = value` lines, `#`
 * comments; values are integers, "strings" or [ "lists", ... ].  The
 * parser is pure (no I/O but keel_cfg_load()'s read of the file) so that
 * the unit tests can feed it a table of good and bad files.
 */
#ifndef KEEL_BUILDER_CONFIG_H
#define KEEL_BUILDER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vbd.h"
#include "vif.h"

#define KEEL_CFG_NAME_MAX     32     /* [A-Za-z0-9_.-]{1,32} */
#define KEEL_CFG_PATH_MAX     1024
#define KEEL_CFG_CMDLINE_MAX  1023   /* start_info.cmdline less its NUL */
#define KEEL_CFG_MSG_MAX      512
#define KEEL_CFG_WARN_MAX     4
#define KEEL_CFG_MEMORY_MIN   4      /* MiB */
#define KEEL_CFG_MEMORY_MAX   (1u << 20)  /* MiB: 1 TiB of guest RAM */

enum keel_cfg_action {
	KEEL_CFG_DESTROY = 0,
	KEEL_CFG_RESTART,
	KEEL_CFG_PRESERVE,
};

struct keel_domcfg {
	char name[KEEL_CFG_NAME_MAX + 1];
	uint32_t memory_mib;
	uint32_t maxmem_mib;
	char kernel[KEEL_CFG_PATH_MAX];     /* absolute, or as given if dir was "" */
	char cmdline[KEEL_CFG_CMDLINE_MAX + 1];
	uint32_t weight;                    /* 1 .. 65535 */
	uint32_t cap;                       /* 0 .. 100 */
	uint32_t vcpus;                     /* 1 */
	enum keel_cfg_action on_poweroff, on_reboot, on_crash;
	unsigned int nr_disks;              /* disk = [ ... ], in order */
	struct keel_vbd disks[KEEL_VBD_MAX];
	unsigned int nr_vifs;               /* vif = [ ... ]: vif 0, 1, ... */
	struct keel_vif vifs[KEEL_VIF_MAX];
};

/* What a parse says besides the result: one error, a few warnings. */
struct keel_cfg_diag {
	char error[KEEL_CFG_MSG_MAX];        /* "FILE:LINE: KEY: what" */
	unsigned int nr_warnings;
	char warnings[KEEL_CFG_WARN_MAX][KEEL_CFG_MSG_MAX];
};

/*
 * Parses len bytes of text (no NUL needed) as the file called fname (used
 * only in messages); a relative kernel path is joined to dir ("" leaves it
 * as is).  Returns 0 and fills *cfg, or -EINVAL with diag->error set to
 * "fname:LINE: KEY: message" (or "fname: KEY: message" for a missing key).
 * Warnings go to diag.  Vif lines are checked in full (vif.h; a vif
 * without mac= gets the name's derived MAC once the name is known).  Disk lines
 * are checked here as far as text allows (keys, values, a vdev or image
 * twice); keel_vbd_check() does the rest when the domain is built.
 */
int keel_cfg_parse(const char *fname, const char *dir, const char *text,
		   size_t len, struct keel_domcfg *cfg, struct keel_cfg_diag *diag);

/*
 * Reads the file at path and parses it, resolving the kernel against the
 * file's directory.  Returns 0, -EINVAL (diag->error says why), or -errno
 * of open/read (diag->error says so too).  Files over 64 KiB are refused.
 */
int keel_cfg_load(const char *path, struct keel_domcfg *cfg,
		  struct keel_cfg_diag *diag);

/* "destroy", "restart", "preserve". */
const char *keel_cfg_action_name(enum keel_cfg_action a);

/* Parses one of those names; 0 or -EINVAL. */
int keel_cfg_action_parse(const char *s, enum keel_cfg_action *a);

/* 1 if s is a valid domain name ([A-Za-z0-9_.-]{1,32}), else 0. */
int keel_cfg_name_valid(const char *s);

#endif
