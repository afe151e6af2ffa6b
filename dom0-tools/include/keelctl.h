/*
 * libkeelctl: dom0 user space's interface to the Keel hypervisor.
 *
 * A handle wraps one open /dev/keel/privcmd and the logger its owner
 * injected; the library keeps no other state and never exits or prints on
 * its own.  Every function returns 0 (or a documented non-negative value)
 * on success and a negative errno value on failure: either the device's
 * (ioctl) error or the hypervisor's KEEL_E* result, whose values are the
 * Linux errno values.  Shared by vmctl and every dom0 daemon.
 */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <public/keel.h>
#include <public/errno.h>
#include <public/version.h>
#include <public/sysctl.h>
#include <public/dom0/privcmd.h>

enum keel_log_level {
	KEEL_LOG_ERROR,
	KEEL_LOG_WARN,
	KEEL_LOG_INFO,
	KEEL_LOG_DEBUG,
};

/*
 * The caller's logger.  The library calls log() with a complete message
 * (no trailing newline); the caller decides where it goes.  Embed the
 * struct in a larger one to give the callback its context.
 */
struct keel_logger {
	void (*log)(struct keel_logger *self, enum keel_log_level level,
		    const char *fmt, va_list ap);
};

/* A logger that writes "PREFIX: message\n" to stderr for levels up to max. */
struct keel_stderr_logger {
	struct keel_logger base;
	const char *prefix;
	enum keel_log_level max;
};
void keel_stderr_logger_init(struct keel_stderr_logger *l, const char *prefix,
			     enum keel_log_level max);

struct keel_ctl;

/* Flags for keel_ctl_open(). */
#define KEEL_CTL_OPEN_QUIET  (1u << 0)  /* do not log a failure to open */

/*
 * Opens the hypercall device.  log may be NULL (no messages).  Returns the
 * handle, or NULL with errno set (ENOENT: module not loaded, EACCES: not
 * root, ENOMEM); unless KEEL_CTL_OPEN_QUIET, the reason is also logged.
 */
struct keel_ctl *keel_ctl_open(struct keel_logger *log, unsigned int flags);

/* Closes the device and frees the handle; NULL is allowed. */
void keel_ctl_close(struct keel_ctl *h);

/* One hypercall argument: a scalar (len == 0) or a buffer of len bytes. */
struct keel_hc_arg {
	uint64_t val;   /* the scalar, or (uintptr_t) of the buffer */
	uint32_t len;   /* 0 for a scalar, else 1 .. KEEL_PRIVCMD_BUF_MAX */
};

#define KEEL_HC_SCALAR(v)    ((struct keel_hc_arg){ .val = (uint64_t)(v), .len = 0 })
#define KEEL_HC_BUF(p, n)    ((struct keel_hc_arg){ .val = (uint64_t)(uintptr_t)(p), .len = (n) })

/*
 * Makes hypercall op with nargs (<= KEEL_PRIVCMD_NARGS) arguments; missing
 * ones are 0.  Returns the hypercall's result (>= 0) or a negative errno:
 * -EINVAL without a call when nargs, a length or a buffer is malformed,
 * the ioctl's errno when the device refused, else the hypervisor's error.
 */
int64_t keel_ctl_hypercall(struct keel_ctl *h, uint64_t op,
			   const struct keel_hc_arg *args, unsigned int nargs);

/* Returns the running hypervisor's KEEL_ABI_VERSION (>= 0) or -errno. */
int64_t keel_ctl_abi_version(struct keel_ctl *h);

/* Fills *info; returns 0 or -errno.  Strings are NUL-terminated on return. */
int keel_ctl_version_info(struct keel_ctl *h, struct keel_version_info *info);

/* Fills *info (KEEL_SYSCTL_PHYSINFO); returns 0 or -errno. */
int keel_ctl_physinfo(struct keel_ctl *h, struct keel_physinfo *info);

/*
 * Reads up to len (1 .. KEEL_CONSOLE_READ_MAX) bytes of the hypervisor log
 * from cursor->pos into buf, advancing the cursor; cursor->lost tells how
 * many bytes the ring had already overwritten.  Returns the number of bytes
 * read (0: nothing new) or -errno.
 */
int keel_ctl_read_console(struct keel_ctl *h, struct keel_console_cursor *cursor,
			  char *buf, size_t len);

#endif
