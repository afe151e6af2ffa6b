/*
 * Library internals shared with its unit tests: the hypercall backend is a
 * function pointer so tests can put a fake hypervisor behind a real handle.
 */
#ifndef KEELCTL_PRIVATE_H
#define KEELCTL_PRIVATE_H

#include "keelctl.h"

/* Issues one request; returns 0 or -errno (like the ioctl, negated). */
typedef int (*keel_ctl_backend_fn)(void *priv, struct keel_ioctl_hypercall *hc);

struct keel_ctl {
	struct keel_logger *log;
	int fd;                      /* -1 when a custom backend is used */
	keel_ctl_backend_fn backend;
	void *backend_priv;
};

/* Creates a handle around a custom backend (tests); NULL on ENOMEM. */
struct keel_ctl *keel_ctl_open_backend(struct keel_logger *log,
				       keel_ctl_backend_fn fn, void *priv);

/* Checks an argument list as the library would before calling; 0 or -EINVAL. */
int keel_ctl_check_args(const struct keel_hc_arg *args, unsigned int nargs);

/* Opens a keel device (O_CLOEXEC added); on failure logs why unless quiet,
 * and returns -1 with errno set. */
int keel_dev_open(struct keel_logger *log, const char *path, int oflags,
		  int quiet);

void keel_ctl_log(struct keel_ctl *h, enum keel_log_level level,
		  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
