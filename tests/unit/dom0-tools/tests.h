/* Shared pieces of the dom0-tools unit tests. */
#ifndef DOM0_TOOLS_TESTS_H
#define DOM0_TOOLS_TESTS_H

#include <check.h>
#include <stdio.h>

#include "keelctl_private.h"
#include "vmctl.h"

Suite *lib_suite(void);
Suite *vmctl_suite(void);
Suite *format_suite(void);
Suite *module_suite(void);
Suite *config_suite(void);
Suite *elf_suite(void);
Suite *domain_suite(void);
Suite *libdom_suite(void);
Suite *vbd_suite(void);
Suite *vif_suite(void);
Suite *migrate_suite(void);
Suite *mig_suite(void);

/*
 * Add test tf to tc unless `device` exists on this machine (a booted Keel
 * dom0, where the test's "no device" premise is false): then print
 * "SKIP: suite: test (why)" instead, which the runner counts as skipped,
 * neither passed nor failed.
 */
void add_test_needing_no_device(TCase *tc, const TTest *tf, const char *device);
#define tcase_add_test_no_device(tc, tf, device) \
	add_test_needing_no_device(tc, tf, device)

/* When set, run_vmctl() gives vmctl this store and this sleep (domain tests). */
extern int (*test_open_store)(struct vmctl *v, struct keel_store *st);
extern void (*test_sleep_ms)(unsigned int ms);

/*
 * A fake hypervisor behind libkeelctl's backend hook: records each request
 * and answers with dev_err (the ioctl's -errno) or result, after letting
 * fill() write the buffers as the hypervisor would.
 */
struct fake_hv {
	int calls;
	struct keel_ioctl_hypercall last;
	int dev_err;
	int64_t result;
	int (*fill)(struct fake_hv *f, struct keel_ioctl_hypercall *hc);
	/* For READCONSOLE: a log to serve, and bytes reported lost once. */
	const char *log;
	uint64_t lost_once;
	uint32_t chunk;       /* most bytes per call; 0 = as asked */
};

int fake_backend(void *priv, struct keel_ioctl_hypercall *hc);

/* A hypervisor with version, physinfo and a console log, for vmctl tests. */
int fake_full_hv(struct fake_hv *f, struct keel_ioctl_hypercall *hc);

/* Runs fn with stdout/stderr captured into the given buffers (malloc'd). */
int run_vmctl(struct fake_hv *f, int argc, char **argv, char **out, char **err);

#endif
