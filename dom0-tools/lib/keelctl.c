/*
 * libkeelctl: handle, logger and the hypercall path.  See keelctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "keelctl_private.h"

static const char *const level_names[] = {
	[KEEL_LOG_ERROR] = "error",
	[KEEL_LOG_WARN]  = "warning",
	[KEEL_LOG_INFO]  = "info",
	[KEEL_LOG_DEBUG] = "debug",
};

static void stderr_log(struct keel_logger *self, enum keel_log_level level,
		       const char *fmt, va_list ap)
{
	struct keel_stderr_logger *l = (struct keel_stderr_logger *)self;

	if (level > l->max)
		return;
	if (level == KEEL_LOG_ERROR)
		fprintf(stderr, "%s: ", l->prefix);
	else
		fprintf(stderr, "%s: %s: ", l->prefix, level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void keel_stderr_logger_init(struct keel_stderr_logger *l, const char *prefix,
			     enum keel_log_level max)
{
	l->base.log = stderr_log;
	l->prefix = prefix;
	l->max = max;
}

void keel_ctl_log(struct keel_ctl *h, enum keel_log_level level,
		  const char *fmt, ...)
{
	va_list ap;

	if (!h->log || !h->log->log)
		return;
	va_start(ap, fmt);
	h->log->log(h->log, level, fmt, ap);
	va_end(ap);
}

static int ioctl_backend(void *priv, struct keel_ioctl_hypercall *hc)
{
	struct keel_ctl *h = priv;

	if (ioctl(h->fd, KEEL_IOCTL_HYPERCALL, hc) < 0)
		return -errno;
	return 0;
}

struct keel_ctl *keel_ctl_open_backend(struct keel_logger *log,
				       keel_ctl_backend_fn fn, void *priv)
{
	struct keel_ctl *h = calloc(1, sizeof(*h));

	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->log = log;
	h->fd = -1;
	h->backend = fn;
	h->backend_priv = priv;
	return h;
}

struct keel_ctl *keel_ctl_open(struct keel_logger *log, unsigned int flags)
{
	struct keel_ctl *h;
	int fd, err;

	fd = open(KEEL_PRIVCMD_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (log && log->log && !(flags & KEEL_CTL_OPEN_QUIET)) {
			struct keel_ctl tmp = { .log = log };

			keel_ctl_log(&tmp, KEEL_LOG_ERROR,
				     "cannot open %s: %s%s", KEEL_PRIVCMD_PATH,
				     strerror(err),
				     err == ENOENT ? ": is the keel module loaded (are we running under Keel)?" :
				     err == EACCES ? ": only root may make hypercalls" : "");
		}
		errno = err;
		return NULL;
	}
	h = keel_ctl_open_backend(log, ioctl_backend, NULL);
	if (!h)
		goto err_close_fd;
	h->fd = fd;
	h->backend_priv = h;
	return h;

err_close_fd:
	close(fd);
	errno = ENOMEM;
	return NULL;
}

void keel_ctl_close(struct keel_ctl *h)
{
	if (!h)
		return;
	if (h->fd >= 0)
		close(h->fd);
	free(h);
}

int keel_ctl_check_args(const struct keel_hc_arg *args, unsigned int nargs)
{
	unsigned int i;

	if (nargs > KEEL_PRIVCMD_NARGS)
		return -EINVAL;
	if (nargs && !args)
		return -EINVAL;
	for (i = 0; i < nargs; i++) {
		if (args[i].len > KEEL_PRIVCMD_BUF_MAX)
			return -EINVAL;
		if (args[i].len && !args[i].val)
			return -EINVAL;
	}
	return 0;
}

int64_t keel_ctl_hypercall(struct keel_ctl *h, uint64_t op,
			   const struct keel_hc_arg *args, unsigned int nargs)
{
	struct keel_ioctl_hypercall hc;
	unsigned int i;
	int rc;

	rc = keel_ctl_check_args(args, nargs);
	if (rc) {
		keel_ctl_log(h, KEEL_LOG_DEBUG,
			     "hypercall %llu: malformed arguments",
			     (unsigned long long)op);
		return rc;
	}
	memset(&hc, 0, sizeof(hc));
	hc.op = op;
	for (i = 0; i < nargs; i++) {
		hc.arg[i] = args[i].val;
		hc.len[i] = args[i].len;
	}
	rc = h->backend(h->backend_priv, &hc);
	if (rc) {
		keel_ctl_log(h, KEEL_LOG_ERROR, "hypercall %llu: device error: %s",
			     (unsigned long long)op, strerror(-rc));
		return rc;
	}
	return hc.result;
}

int64_t keel_ctl_abi_version(struct keel_ctl *h)
{
	struct keel_hc_arg a[] = { KEEL_HC_SCALAR(KEEL_VERSION_ABI) };

	return keel_ctl_hypercall(h, KEEL_HC_version, a, 1);
}

/* Makes sure a fixed-size string from the hypervisor is terminated. */
static void terminate(char *s, size_t size)
{
	s[size - 1] = '\0';
}

int keel_ctl_version_info(struct keel_ctl *h, struct keel_version_info *info)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(KEEL_VERSION_INFO),
		KEEL_HC_BUF(info, sizeof(*info)),
		KEEL_HC_SCALAR(sizeof(*info)),
	};
	int64_t rc;

	memset(info, 0, sizeof(*info));
	rc = keel_ctl_hypercall(h, KEEL_HC_version, a, 3);
	if (rc < 0)
		return (int)rc;
	terminate(info->extra, sizeof(info->extra));
	terminate(info->build_id, sizeof(info->build_id));
	terminate(info->compiled, sizeof(info->compiled));
	return 0;
}

int keel_ctl_physinfo(struct keel_ctl *h, struct keel_physinfo *info)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(KEEL_SYSCTL_PHYSINFO),
		KEEL_HC_BUF(info, sizeof(*info)),
		KEEL_HC_SCALAR(sizeof(*info)),
	};
	int64_t rc;

	memset(info, 0, sizeof(*info));
	rc = keel_ctl_hypercall(h, KEEL_HC_sysctl, a, 3);
	return rc < 0 ? (int)rc : 0;
}

int keel_ctl_perfc(struct keel_ctl *h, struct keel_perfc *pc)
{
	struct keel_hc_arg a[] = {
		KEEL_HC_SCALAR(KEEL_SYSCTL_PERFC),
		KEEL_HC_BUF(pc, sizeof(*pc)),
		KEEL_HC_SCALAR(sizeof(*pc)),
	};
	int64_t rc;

	memset(pc, 0, sizeof(*pc));
	rc = keel_ctl_hypercall(h, KEEL_HC_sysctl, a, 3);
	return rc < 0 ? (int)rc : 0;
}

int keel_ctl_hold_stats(struct keel_ctl *h, struct keel_hold_stat *out,
			size_t max, bool reset)
{
	struct keel_hc_arg a[4];
	int64_t rc;

	if (!out || max == 0 || max > KEEL_HOLD_MAX_ENTRIES)
		return -EINVAL;
	memset(out, 0, max * sizeof(*out));
	a[0] = KEEL_HC_SCALAR(KEEL_SYSCTL_HOLD_STATS);
	a[1] = KEEL_HC_BUF(out, (uint32_t)(max * sizeof(*out)));
	a[2] = KEEL_HC_SCALAR(max * sizeof(*out));
	a[3] = KEEL_HC_SCALAR(reset ? KEEL_HOLD_RESET : 0);
	rc = keel_ctl_hypercall(h, KEEL_HC_sysctl, a, 4);
	if (rc < 0)
		return (int)rc;
	if ((uint64_t)rc > max)
		return -EIO;   /* a hypervisor bug; never trust a count */
	return (int)rc;
}

const char *keel_hypercall_name(unsigned nr)
{
	static const char *const names[KEEL_HC_MAX] = {
		[KEEL_HC_version] = "version",
		[KEEL_HC_sysctl] = "sysctl",
		[KEEL_HC_domctl] = "domctl",
		[KEEL_HC_memory_op] = "memory_op",
		[KEEL_HC_mmu_update] = "mmu_update",
		[KEEL_HC_event_channel] = "event_channel",
		[KEEL_HC_grant_table] = "grant_table",
		[KEEL_HC_sched_op] = "sched_op",
		[KEEL_HC_set_timer] = "set_timer",
		[KEEL_HC_console_io] = "console_io",
	};

	return nr < KEEL_HC_MAX && names[nr] ? names[nr] : "unknown";
}

const char *keel_hypercall_subop_name(unsigned nr, unsigned subop,
				      char *buf, size_t len)
{
	static const char *const sysctl[] = { "physinfo", "readconsole",
					      "perfc", "hold_stats" };
	static const char *const domctl[] = { NULL, "create", "destroy",
		"pause", "unpause", "getinfo", "getinfo_next", "set_max_mem",
		"set_vcpu_context", "sched_credit", "logdirty", "memlist",
		"get_vcpu_state", "set_vcpu_state", "get_dom_state",
		"set_dom_state", "get_evtchn", "set_evtchn", "resume" };
	static const char *const memop[] = { NULL, "populate_physmap",
		"decrease_reservation", "current_reservation",
		"maximum_reservation", "set_shared_info" };
	static const char *const evtchn[] = { NULL, "alloc_unbound",
		"bind_interdomain", "bind_virq", "close", "send", "status",
		"unmask", "set_upcall_vector" };
	static const char *const gnttab[] = { NULL, "setup_table",
		"map_grant_ref", "unmap_grant_ref", "copy" };
	static const char *const sched[] = { "yield", "block", "shutdown" };
	static const struct {
		unsigned nr;
		const char *const *names;
		size_t n;
	} tables[] = {
		{ KEEL_HC_sysctl, sysctl, sizeof(sysctl) / sizeof(sysctl[0]) },
		{ KEEL_HC_domctl, domctl, sizeof(domctl) / sizeof(domctl[0]) },
		{ KEEL_HC_memory_op, memop, sizeof(memop) / sizeof(memop[0]) },
		{ KEEL_HC_event_channel, evtchn,
		  sizeof(evtchn) / sizeof(evtchn[0]) },
		{ KEEL_HC_grant_table, gnttab,
		  sizeof(gnttab) / sizeof(gnttab[0]) },
		{ KEEL_HC_sched_op, sched, sizeof(sched) / sizeof(sched[0]) },
	};

	/* mmu_update and set_timer have no sub-op (counted under 0). */
	if ((nr == KEEL_HC_mmu_update || nr == KEEL_HC_set_timer) && subop == 0)
		return "-";
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (tables[i].nr == nr && subop < tables[i].n &&
		    tables[i].names[subop])
			return tables[i].names[subop];
	if (subop >= KEEL_HOLD_SUBOP_OTHER)
		snprintf(buf, len, "op>=%u", (unsigned)KEEL_HOLD_SUBOP_OTHER);
	else
		snprintf(buf, len, "op %u", subop);
	return buf;
}

int keel_ctl_read_console(struct keel_ctl *h, struct keel_console_cursor *cursor,
			  char *buf, size_t len)
{
	struct keel_hc_arg a[4];
	int64_t rc;

	if (len == 0 || len > KEEL_CONSOLE_READ_MAX)
		return -EINVAL;
	a[0] = KEEL_HC_SCALAR(KEEL_SYSCTL_READCONSOLE);
	a[1] = KEEL_HC_BUF(buf, (uint32_t)len);
	a[2] = KEEL_HC_SCALAR(len);
	a[3] = KEEL_HC_BUF(cursor, sizeof(*cursor));
	rc = keel_ctl_hypercall(h, KEEL_HC_sysctl, a, 4);
	if (rc < 0)
		return (int)rc;
	if ((uint64_t)rc > len)
		return -EIO;   /* a hypervisor bug; never trust a length */
	return (int)rc;
}
