/*
 * vmctl: the command-line front end of libkeelctl.  Commands live in tables,
 * one file per command group (cmd_host.c: info, dmesg; later domains,
 * consoles, ...); main.c parses global options and dispatches.
 */
#ifndef VMCTL_H
#define VMCTL_H

#include <stdio.h>
#include <stdint.h>

#include "keelctl.h"
#include "store.h"

#ifndef VMCTL_VERSION
#define VMCTL_VERSION "0.1.0"
#endif

/* Exit statuses: 0 success, 1 any failure (bad usage included). */
#define VMCTL_OK    0
#define VMCTL_FAIL  1

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

/* Prints "vmctl: message" on stderr. */
void vmctl_err(struct vmctl *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Prints a usage error for cmd and returns VMCTL_FAIL. */
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

/* ---- cmd_host.c: option parsing, exposed for unit tests ---- */

struct vmctl_info_opts {
	int json;
};

struct vmctl_dmesg_opts {
	int clear;           /* -c: print only what is new since the last -c */
};

/* Parse a command's arguments (argv[0] = command); 0 or -EINVAL (printed). */
int vmctl_info_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_info_opts *o);
int vmctl_dmesg_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_dmesg_opts *o);

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

/* The `vmctl list --json` array; 0 and a malloc'd string, or -ENOMEM. */
int vmctl_list_json(const struct vmctl_dom_row *rows, size_t n, char **json);

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
	uint64_t kib;
};

#define VMCTL_SHUTDOWN_WAIT_DEFAULT 30

int vmctl_list_parse(struct vmctl *v, int argc, char **argv,
		     struct vmctl_list_opts *o);
int vmctl_shutdown_parse(struct vmctl *v, int argc, char **argv,
			 struct vmctl_shutdown_opts *o);
int vmctl_sched_parse(struct vmctl *v, int argc, char **argv,
		      struct vmctl_sched_opts *o);
int vmctl_memset_parse(struct vmctl *v, int argc, char **argv,
		       struct vmctl_memset_opts *o);

/*
 * Finds a domain by name or id: a decimal number is an id (which must
 * exist), anything else a name in the store.  Fills *domid and name (its
 * name, or "Domain-0"/"" when the store has none).  Returns 0, or -ENOENT /
 * -errno after printing why.
 */
int vmctl_resolve(struct vmctl *v, const char *arg, uint16_t *domid,
		  char *name, size_t size);

#endif
