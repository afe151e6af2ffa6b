/*
 * vmctl migrate and migrate-check (cmd_migrate.c): option parsing and the
 * pure report formatting, exposed for the unit tests.
 */
#ifndef VMCTL_MIGRATE_H
#define VMCTL_MIGRATE_H

#include <stdio.h>
#include <stdint.h>

#include "keelmig.h"

struct vmctl;

#define VMCTL_MIGRATE_DOWNTIME_DEFAULT 100     /* ms, --max-downtime */
/* How long the sender waits for the target's result after the stream. */
#define VMCTL_MIGRATE_RESULT_S 120

struct vmctl_migrate_opts {
	const char *domain;         /* migrate only */
	const char *host;           /* an IPv4 address on the migration link */
	int live;                   /* default 1; --no-live: 0 */
	int with_storage;
	uint32_t max_downtime_ms;
	int json;
	const char *key;            /* --key FILE, default KMIG_KEY_FILE */
	uint32_t port;              /* --port N, default KMIG_PORT */
};

/* argv[0] is the command; 0 or -EINVAL (a usage error was printed). */
int vmctl_migrate_parse(struct vmctl *v, int argc, char **argv,
			struct vmctl_migrate_opts *o);
int vmctl_migrate_check_parse(struct vmctl *v, int argc, char **argv,
			      struct vmctl_migrate_opts *o);

/* What a finished migration reports: the engine's report with total time
 * and downtime extended to the target's answer. */
struct vmctl_migrate_result {
	const char *domain, *host;
	int live;
	struct keel_mig_report rep;
	/* --with-storage: disk images copied, passes over them, bytes sent */
	unsigned int disks, disk_passes;
	uint64_t disk_bytes;
};

/* One progress line, without a line end, into buf; returns buf. */
char *vmctl_migrate_progress_line(char *buf, size_t size,
				  const struct keel_mig_progress *p);

/* The closing report, several lines. */
void vmctl_migrate_print(FILE *out, const struct vmctl_migrate_result *r);

/* The same as JSON; 0 and a malloc'd string, or -ENOMEM. */
int vmctl_migrate_json(const struct vmctl_migrate_result *r, char **json);

#endif
