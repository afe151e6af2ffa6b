/*
 * vmctl: the command-line front end of libkeelctl.  Commands live in tables,
 * one file per command group (cmd_host.c: info, dmesg; later domains,
 * consoles, ...); main.c parses global options and dispatches.
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#include "keelctl.h"
#include "store.h"
#include "vbd.h"
#include "vif.h"

#ifndef VMCTL_VERSION
#define VMCTL_VERSION "0.1.0"
#endif

/* Where dom0 has the repository's docs (each .md file) and README.md (help texts
 * cite these, never the repository's docs/ that dom0 does not have). */
#define VMCTL_DOC_DIR "/usr/share/doc/keel"

/*
 * Exit statuses, as kxs and xenstored have them (docs/dom0.md, "Exit
 * status"): 0 success, 1 failure, 2 a usage error (unknown command or
 * option, a missing or malformed argument).  Commands return VMCTL_FAIL
 * after a usage error too: vmctl_main() turns it into VMCTL_USAGE when
 * vmctl_usage_error() was called.
 */
#define VMCTL_OK    0
#define VMCTL_FAIL  1
#define VMCTL_USAGE 2

struct vmctl {
	const char *prog;                /* "vmctl", for messages */
	struct keel_stderr_logger log;
	struct keel_ctl *ctl;            /* opened by vmctl_ctl() on first use */
	FILE *out;
	/* Opens the hypercall handle; replaced by tests. NULL on failure. */
	struct keel_ctl *(*open_ctl)(struct vmctl *v);
	struct keel_store store;         /* opened by vmctl_store() on first use */
	/* Connects the store; replaced by tests.  0 or -errno. */
	int (*open_store)(struct vmctl *v, struct keel_store *st);
	/* Sleeps between polls (shutdown --wait); replaced by tests. */
	void (*sleep_ms)(unsigned int ms);
	int usage_error;                 /* vmctl_usage_error() was called */
};

struct vmctl_cmd {
	const char *name;
	const char *synopsis;            /* arguments, after the name */
	const char *summary;             /* one line for --help */
	const char *help;                /* the rest of `vmctl help CMD` */
	/* argv[0] is the command name; returns VMCTL_OK or VMCTL_FAIL. */
	int (*run)(struct vmctl *v, int argc, char **argv);
};

/* Command groups, each terminated by an entry with name == NULL. */
extern const struct vmctl_cmd vmctl_core_cmds[];
extern const struct vmctl_cmd vmctl_host_cmds[];
extern const struct vmctl_cmd vmctl_domain_cmds[];
extern const struct vmctl_cmd vmctl_console_cmds[];
extern const struct vmctl_cmd vmctl_block_cmds[];
extern const struct vmctl_cmd vmctl_net_cmds[];
extern const struct vmctl_cmd vmctl_migrate_cmds[];   /* cmd_migrate.c */
extern const struct vmctl_cmd vmctl_save_cmds[];     /* cmd_save.c */

/* Returns the command called name, or NULL. */
const struct vmctl_cmd *vmctl_find_cmd(const char *name);

/* The whole program minus process setup: returns the exit status. */
int vmctl_main(struct vmctl *v, int argc, char **argv);

/* Initialises v for a real run writing to out. */
void vmctl_init(struct vmctl *v, FILE *out);
void vmctl_fini(struct vmctl *v);

/* The hypercall handle, opened on first use; NULL after printing why. */
struct keel_ctl *vmctl_ctl(struct vmctl *v);

/* The store connection, opened on first use; NULL after printing why. */
struct keel_store *vmctl_store(struct vmctl *v);

/* daemons.c: true, after printing which daemon is down and how to start
 * it, if dom0 daemon name (xenstored, keel-consoled, keel-domd,
 * keel-blkback) is not running; false if it runs or we cannot tell. */
bool vmctl_daemon_down(struct vmctl *v, const char *name);

/* Prints "vmctl: message" on stderr. */
void vmctl_err(struct vmctl *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints a usage error for cmd, marks v (exit status 2) and returns
 * VMCTL_FAIL. */
int vmctl_usage_error(struct vmctl *v, const struct vmctl_cmd *cmd,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- format.c: pure formatting, unit-tested ---- */

/* What `vmctl info` shows, gathered from two hypercalls. */
struct vmctl_info {
	struct keel_version_info version;
	struct keel_physinfo phys;
};

/*
 * Writes bytes as MiB into buf: "512 MiB" when whole, else one decimal
 * ("2047.6 MiB", rounded to the nearest tenth).  Returns buf.
 */
char *vmctl_format_mib(char *buf, size_t size, uint64_t bytes);

/* Writes "MAJOR.MINOR" of a KEEL_ABI_VERSION value into buf; returns buf. */
char *vmctl_format_abi(char *buf, size_t size, uint32_t abi);

/* Prints the human-readable `vmctl info` report. */
void vmctl_info_print(FILE *out, const struct vmctl_info *in);

/*
 * Builds the `vmctl info --json` document (memory in bytes).  Returns 0 and
 * a malloc'd NUL-terminated string in *json, or -ENOMEM.
 */
int vmctl_info_json(const struct vmctl_info *in, char **json);

/* `vmctl hv-stats`: sort the hold statistics longest first, print them
 * as a table ending with "longest hold: ..." or as JSON (0 or -ENOMEM,
 * a malloc'd string in *json). */
void vmctl_hold_sort(struct keel_hold_stat *st, size_t n);
void vmctl_hold_print(FILE *out, const struct keel_hold_stat *st, size_t n);
int vmctl_hold_json(const struct keel_hold_stat *st, size_t n, char **json);

/* ---- cmd_host.c: option parsing, exposed for unit tests ---- */

struct vmctl_info_opts {
	int json;
};

struct vmctl_hv_stats_opts {
	int json;
	int reset;           /* --reset: clear the figures once read */
};

struct vmctl_dmesg_opts {
	int clear;           /* -c: print only what is new since the last -c */
};

/* Parse a command's arguments (argv[0] = command); 0 or -EINVAL (printed). */
int vmctl_info_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_info_opts *o);
int vmctl_dmesg_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_dmesg_opts *o);
int vmctl_hv_stats_parse(struct vmctl *v, int argc, char **argv,
			 struct vmctl_hv_stats_opts *o);

/* Where `dmesg -c` keeps its cursor; $VMCTL_STATE_DIR overrides /run/vmctl. */
#define VMCTL_STATE_DIR "/run/vmctl"

/* ---- dom_format.c: domain lists and sizes, pure, unit-tested ---- */

/* One line of `vmctl list`. */
struct vmctl_dom_row {
	char name[64];
	struct keel_dominfo info;
};

/*
 * The state word for a domain: dying, crashed, shutdown, paused, running
 * or blocked (in that order of precedence; a runnable vCPU waiting for a
 * pCPU counts as running).
 */
const char *vmctl_dom_state(const struct keel_dominfo *info);

/* Prints the `vmctl list` table. */
void vmctl_list_print(FILE *out, const struct vmctl_dom_row *rows, size_t n);

/*
 * yajl helpers: a map key, then "key": "string" and "key": integer; and an
 * indented array of n objects, row() writing each (0 or -ENOMEM), as a
 * malloc'd string in *json (0 or -ENOMEM).
 */
struct yajl_gen_t;
int vmctl_json_array(const void *rows, size_t n, size_t size,
		     int (*row)(struct yajl_gen_t *g, const void *row), char **json);
int vmctl_json_key(struct yajl_gen_t *g, const char *k);
int vmctl_json_str(struct yajl_gen_t *g, const char *k, const char *v);
int vmctl_json_int(struct yajl_gen_t *g, const char *k, uint64_t v);

/* The `vmctl list --json` array; 0 and a malloc'd string, or -ENOMEM. */
int vmctl_list_json(const struct vmctl_dom_row *rows, size_t n, char **json);

/*
 * dom0's CPU time from its own /proc/stat text: the first "cpu" line's
 * user, nice, system, irq, softirq and steal ticks (idle and iowait left
 * out) at hz ticks per second, in ns.  The hypervisor cannot tell: dom0
 * owns CPU0 and idles in it with HLT, which is not intercepted.  0 or
 * -EINVAL.
 */
int vmctl_dom0_cpu_ns(const char *stat, long hz, uint64_t *ns);

/* Where `list` reads dom0's CPU time; $VMCTL_PROC_STAT overrides it. */
#define VMCTL_PROC_STAT "/proc/stat"

/*
 * Parses a memory size: a number with an optional unit K, M or G (KiB,
 * MiB, GiB; no unit: MiB), e.g. "6M", "8192K", "1G".  Returns 0 and the
 * size in KiB, or -EINVAL (not a size, zero, or over 1 TiB).
 */
int vmctl_parse_size_kib(const char *s, uint64_t *kib);

/* ---- cmd_domain.c: option parsing, exposed for unit tests ---- */

struct vmctl_list_opts {
	int json;
};

struct vmctl_shutdown_opts {
	const char *domain;
	int reboot;
	unsigned int wait_s;       /* 0: do not wait */
};

struct vmctl_sched_opts {
	const char *domain;
	int set_weight, set_cap;
	uint32_t weight, cap;
};

struct vmctl_memset_opts {
	const char *domain;
	uint64_t kib;                    /* 0 allowed here; cmd_mem_set refuses it */
	uint32_t wait_s;                 /* for memory/actual; 0: do not wait */
};

#define VMCTL_MEMSET_WAIT_DEFAULT 10

#define VMCTL_SHUTDOWN_WAIT_DEFAULT 30

int vmctl_list_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_list_opts *o);
int vmctl_shutdown_parse(struct vmctl *v, int argc, char **argv,
			 struct vmctl_shutdown_opts *o);
int vmctl_sched_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_sched_opts *o);
int vmctl_memset_parse(struct vmctl *v, int argc, char **argv,
		       struct vmctl_memset_opts *o);

/* ---- cmd_domain.c: helpers shared by the command files ---- */

struct option;

/*
 * getopt_long over argv with our messages; the positional arguments (npos
 * of them, exactly) are left in argv[*first .. argc).  set() handles one
 * option and returns 0 or -EINVAL after printing why.  Returns 0 or -EINVAL
 * (printed).
 */
int vmctl_getopt(struct vmctl *v, const char *cmd, int argc, char **argv,
		 const char *shortopts, const struct option *longopts,
		 int (*set)(struct vmctl *v, const char *cmd, int opt,
			    const char *arg, void *o),
		 void *o, int npos, int *first);

/* A set() for commands without options: refuses every one. */
int vmctl_no_opts(struct vmctl *v, const char *cmd, int opt, const char *arg,
		  void *p);

/* Prints json and frees it (rc 0), or says out of memory; VMCTL_OK / _FAIL. */
int vmctl_put_json(struct vmctl *v, int rc, char *json);

/* A set() for commands with one flag (--json): p is the int it sets to 1. */
int vmctl_flag_set(struct vmctl *v, const char *cmd, int opt, const char *arg,
		   void *p);

/* A decimal number in [lo, hi] into *out; 0 or -EINVAL. */
int vmctl_parse_uint(const char *s, unsigned long lo, unsigned long hi,
		     uint32_t *out);

/* Refuses (printing why, -EPERM) commands that make no sense for dom0. */
int vmctl_not_dom0(struct vmctl *v, const char *cmd, uint16_t domid);

/*
 * Finds a domain by name or id: a decimal number is an id (which must
 * exist), anything else a name in the store.  Fills *domid and name (its
 * name, or "Domain-0"/"" when the store has none).  Returns 0, or -ENOENT /
 * -errno after printing why.
 */
int vmctl_resolve(struct vmctl *v, const char *arg, uint16_t *domid,
		  char *name, size_t size);

/* ---- cmd_block.c: block devices; parsing and output for unit tests ---- */

#define VMCTL_BLOCK_WAIT_DEFAULT 10     /* seconds */

struct vmctl_block_attach_opts {
	const char *domain;
	struct keel_vbd disk;           /* SPEC, paths made absolute */
	unsigned int wait_s;            /* 0: do not wait */
};

struct vmctl_block_detach_opts {
	const char *domain;
	const char *vdev;
	unsigned int disk;              /* 0 for xvda */
	int force;
	unsigned int wait_s;            /* 1 .. 3600 */
};

struct vmctl_block_list_opts {
	const char *domain;
	int json;
};

struct vmctl_disk_create_opts {
	const char *path;
	uint64_t bytes;
};

int vmctl_block_attach_parse(struct vmctl *v, int argc, char **argv,
			     struct vmctl_block_attach_opts *o);
int vmctl_block_detach_parse(struct vmctl *v, int argc, char **argv,
			     struct vmctl_block_detach_opts *o);
int vmctl_block_list_parse(struct vmctl *v, int argc, char **argv,
			   struct vmctl_block_list_opts *o);
int vmctl_disk_create_parse(struct vmctl *v, int argc, char **argv,
			    struct vmctl_disk_create_opts *o);

/* One line of `vmctl block-list`; -1 in a number: not in the store. */
struct vmctl_vbd_row {
	char vdev[12];
	uint32_t devid;
	int be_state, fe_state;
	char image[KEEL_VBD_PATH_MAX];
	char base[KEEL_VBD_PATH_MAX];
	char type[8];                   /* "raw", "cow" */
	char mode[4];                   /* "w", "r" */
	char error[256];                /* the backend's hotplug-error */
	long long sectors, requests, errors;
};

/* The vbd devids of domid (backend or frontend directory), sorted; how
 * many, at most max. */
size_t vmctl_vbd_ids(struct keel_store *st, uint16_t domid, uint32_t *ids, size_t max);

/* Reads one device's keys from both of its store directories. */
void vmctl_vbd_row_read(struct keel_store *st, uint16_t domid, uint32_t devid,
			struct vmctl_vbd_row *r);

/* Prints the `vmctl block-list` table. */
void vmctl_block_list_print(FILE *out, const struct vmctl_vbd_row *rows, size_t n);

/* The `vmctl block-list --json` array; 0 and a malloc'd string, or -ENOMEM. */
int vmctl_block_list_json(const struct vmctl_vbd_row *rows, size_t n, char **json);

/* ---- cmd_net.c: network interfaces; parsing and output for unit tests ---- */

struct vmctl_net_opts {
	const char *domain;
	struct keel_vif vif;            /* network-attach: SPEC; detach: by MAC */
	const char *which;              /* network-detach: MAC|INDEX as given */
	int by_mac;
	unsigned int index;
	int force, json;
	unsigned int wait_s;
};

/* Parses network-attach, network-detach or network-list (cmd). */
int vmctl_net_parse(struct vmctl *v, const char *cmd, int argc, char **argv,
		    struct vmctl_net_opts *o);

#define VMCTL_VIF_DROPS_MAX 16

/* One line of `vmctl network-list`. */
struct vmctl_vif_row {
	unsigned int index;
	char mac[24], ip[KEEL_VIF_IPS_MAX * 16], bridge[20], rate[32], tap[20];
	int be_state, fe_state;         /* -1: not in the store */
	char error[256];
	int has_stats;                  /* keel-stats was there and parsed */
	unsigned long long tx_packets, tx_bytes, rx_packets, rx_bytes;
	unsigned int nr_drops;
	struct { char reason[32]; unsigned long long count; } drops[VMCTL_VIF_DROPS_MAX];
};

/* Parses keel-netback's keel-stats ("tx-packets=N ... drop-R=N ...")
 * into r; 0 or -EINVAL. */
int vmctl_net_stats_parse(const char *s, struct vmctl_vif_row *r);
/* Reads one vif's keys from both of its store directories (a missing key
 * leaves its field empty or -1). */
void vmctl_vif_row_read(struct keel_store *st, uint16_t domid, uint32_t devid,
			struct vmctl_vif_row *r);
/* Prints the `vmctl network-list` table. */
void vmctl_network_list_print(FILE *out, const struct vmctl_vif_row *rows, size_t n);
/* The `vmctl network-list --json` array; 0 and a malloc'd string, or -ENOMEM. */
int vmctl_network_list_json(const struct vmctl_vif_row *rows, size_t n, char **json);

#endif
