/*
 * keel-domd: dom0's domain daemon.  It binds VIRQ_DOM_EXC ("a domain shut
 * down, crashed or died") and on each event -- and every few seconds, in
 * case an event was missed -- scans the domains for ones that have newly
 * shut down, and applies what /vm/<id>/on_poweroff|on_reboot|on_crash says:
 *   destroy   destroy the domain and remove its store entries
 *   restart   the same, then build it again from /vm/<id>/config-path
 *   preserve  leave it (vmctl list shows it shutdown or crashed)
 * Without the event-channel device it falls back to scanning once a second.
 *
 *   keel-domd [--log FILE] [--once] [--interval SECONDS]
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <public/sched.h>

#include "builder.h"

#define RESTART_TRIES 10

struct domd {
	FILE *log;
	struct keel_logger logger;     /* libkeelctl's messages, to the log */
	struct keel_ctl *h;
	uint8_t handled[KEEL_DOMID_MAX + 1];   /* acted on (preserve) */
	uint8_t seen[KEEL_DOMID_MAX + 1];      /* present in the last scan */
	int store_down;    /* the last try to reach the store failed */
};

static struct domd *the_domd;   /* only for the logger callback */

static void logmsg(struct domd *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vlogmsg(struct domd *d, const char *fmt, va_list ap)
{
	struct timespec ts;
	struct tm tm;
	char when[32];

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(d->log, "%s keel-domd: ", when);
	vfprintf(d->log, fmt, ap);
	fputc('\n', d->log);
	fflush(d->log);
}

static void logmsg(struct domd *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlogmsg(d, fmt, ap);
	va_end(ap);
}

static void lib_log(struct keel_logger *self, enum keel_log_level level,
		    const char *fmt, va_list ap)
{
	(void)self;
	if (level <= KEEL_LOG_WARN && the_domd)
		vlogmsg(the_domd, fmt, ap);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The /vm/<id> key for a shutdown reason; NULL: nothing to do (suspend). */
static const char *policy_key(uint32_t reason)
{
	switch (reason) {
	case KEEL_SHUTDOWN_poweroff: return "on_poweroff";
	case KEEL_SHUTDOWN_reboot:   return "on_reboot";
	case KEEL_SHUTDOWN_crash:    return "on_crash";
	}
	return NULL;
}

static const char *reason_name(uint32_t reason)
{
	switch (reason) {
	case KEEL_SHUTDOWN_poweroff: return "powered off";
	case KEEL_SHUTDOWN_reboot:   return "asked to reboot";
	case KEEL_SHUTDOWN_suspend:  return "suspended";
	case KEEL_SHUTDOWN_crash:    return "crashed";
	}
	return "shut down (unknown reason)";
}

/* Re-creates a domain from its configuration file. */
static void restart(struct domd *d, struct keel_store *st, const char *name,
		    const char *cfg_path)
{
	struct keel_cfg_diag diag;
	struct keel_domcfg cfg;
	struct keel_build b;
	int i, rc;

	rc = keel_cfg_load(cfg_path, &cfg, &diag);
	if (rc) {
		logmsg(d, "cannot restart '%s': %s", name, diag.error);
		return;
	}
	for (i = 0; i < RESTART_TRIES; i++) {
		memset(&b, 0, sizeof(b));
		b.h = d->h;
		b.st = st;
		b.cfg = &cfg;
		b.config_path = cfg_path;
		rc = keel_build_domain(&b);
		/* The old domain's memory comes back once every mapping of it
		 * is gone (the store's ring included): try again a little later. */
		if (rc != -ENOMEM && rc != -EEXIST)
			break;
		sleep_ms(500);
	}
	if (rc)
		logmsg(d, "cannot restart '%s': %s", cfg.name, b.error);
	else
		logmsg(d, "restarted '%s' as domain %u", cfg.name, b.domid);
}

static void act(struct domd *d, struct keel_store *st, const struct keel_dominfo *info)
{
	uint16_t id = info->domid;
	const char *key = policy_key(info->shutdown_reason);
	char name[64] = "", action[32] = "destroy", cfg_path[1024] = "";
	enum keel_cfg_action a = KEEL_CFG_DESTROY;
	int rc;

	if (st)
		keel_dom_store_name(st, id, name, sizeof(name));
	logmsg(d, "domain %u '%s' %s", id, name, reason_name(info->shutdown_reason));
	if (!key) {
		d->handled[id] = 1;
		return;
	}
	if (st && keel_dom_store_vm_read(st, id, key, action, sizeof(action)) == 0 &&
	    keel_cfg_action_parse(action, &a))
		logmsg(d, "domain %u: /vm/%u/%s is \"%s\"; destroying", id, id, key, action);
	if (a == KEEL_CFG_RESTART && st)
		keel_dom_store_vm_read(st, id, "config-path", cfg_path, sizeof(cfg_path));
	if (a == KEEL_CFG_RESTART && !cfg_path[0]) {
		logmsg(d, "domain %u: no config-path to restart from; destroying", id);
		a = KEEL_CFG_DESTROY;
	}
	if (a == KEEL_CFG_PRESERVE) {
		logmsg(d, "domain %u '%s': %s=preserve, left as it is", id, name, key);
		d->handled[id] = 1;
		return;
	}
	rc = keel_domain_teardown(d->h, st, id);
	if (rc)
		logmsg(d, "domain %u: destroy: %s", id, strerror(-rc));
	else
		logmsg(d, "domain %u '%s': %s=%s, destroyed", id, name, key,
		       keel_cfg_action_name(a));
	d->handled[id] = 1;
	if (a == KEEL_CFG_RESTART)
		restart(d, st, name[0] ? name : "?", cfg_path);
}

/*
 * Connects to the store for one scan; 0 or -errno.  The policy of a domain
 * lives in the store, so without it nothing is done: the domain waits for
 * a later scan.  Logs when the store goes away and when it is back.
 */
static int store_for_scan(struct domd *d, struct keel_store *st)
{
	int rc = keel_store_open(st);

	if (rc && !d->store_down)
		logmsg(d, "cannot reach the store (%s): domains that shut down "
		       "wait until it is back (is xenstored running?)", strerror(-rc));
	else if (!rc && d->store_down)
		logmsg(d, "the store is back");
	d->store_down = rc != 0;
	return rc;
}

/* One pass over every domain but dom0; returns 1 if a domain that shut
 * down is waiting for the store. */
static int scan(struct domd *d)
{
	uint8_t now[KEEL_DOMID_MAX + 1];
	struct keel_store st = { NULL, NULL };
	struct keel_dominfo info;
	uint32_t next = 1;
	int have_store = 0, waiting = 0, rc;

	memset(now, 0, sizeof(now));
	while (next <= KEEL_DOMID_MAX) {
		rc = keel_domain_getinfo_next(d->h, (uint16_t)next, &info);
		if (rc == -ESRCH)
			break;
		if (rc) {
			logmsg(d, "cannot list the domains: %s", strerror(-rc));
			break;
		}
		if (info.domid < next)
			break;
		next = info.domid + 1u;
		now[info.domid] = 1;
		/* Only a shut-down, not yet dying domain can need us.  Anything
		 * else under this id -- a running domain, or one dying after we
		 * destroyed it -- ends what we remember, so that a domain that
		 * reuses the id is acted on when it shuts down. */
		if (!(info.flags & KEEL_DOMINF_shutdown) || (info.flags & KEEL_DOMINF_dying)) {
			d->handled[info.domid] = 0;
			continue;
		}
		if (d->handled[info.domid])
			continue;
		if (!have_store) {
			store_for_scan(d, &st);
			have_store = 1;
		}
		if (!st.ops) {
			waiting = 1;
			continue;
		}
		act(d, &st, &info);
	}
	/* Forget domains that are gone, so a reused id is acted on again. */
	for (next = 1; next <= KEEL_DOMID_MAX; next++)
		if (!now[next])
			d->handled[next] = 0;
	memcpy(d->seen, now, sizeof(now));
	keel_store_close(&st);
	return waiting;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "once", no_argument, NULL, '1' },
		{ "interval", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *logpath = NULL;
	struct keel_evtchn *ev = NULL;
	int once = 0, interval_s = 5, opt;
	struct domd *d;
	long port = -1;
	int waiting;

	while ((opt = getopt_long(argc, argv, "l:1i:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'l': logpath = optarg; break;
		case '1': once = 1; break;
		case 'i': interval_s = atoi(optarg); break;
		case 'h':
			printf("usage: keel-domd [--log FILE] [--once] [--interval SECONDS]\n"
			       "Applies on_poweroff/on_reboot/on_crash to domains that shut down.\n");
			return 0;
		default:
			fprintf(stderr, "usage: keel-domd [--log FILE] [--once] [--interval SECONDS]\n");
			return 1;
		}
	}
	if (interval_s < 1)
		interval_s = 1;
	d = calloc(1, sizeof(*d));
	if (!d)
		return 1;
	the_domd = d;
	d->log = stderr;
	if (logpath) {
		d->log = fopen(logpath, "a");
		if (!d->log) {
			fprintf(stderr, "keel-domd: cannot open %s: %s\n", logpath, strerror(errno));
			return 1;
		}
	}
	d->logger.log = lib_log;
	d->h = keel_ctl_open(&d->logger, 0);
	if (!d->h) {
		logmsg(d, "cannot open the hypercall device: %s", strerror(errno));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);

	if (!once) {
		ev = keel_evtchn_open(&d->logger, KEEL_EVTCHN_NONBLOCK);
		if (ev)
			port = keel_evtchn_bind_virq(ev, KEEL_VIRQ_DOM_EXC);
		if (!ev || port < 0) {
			logmsg(d, "no VIRQ_DOM_EXC (%s): scanning once a second instead",
			       strerror(ev ? (int)-port : errno));
			keel_evtchn_close(ev);
			ev = NULL;
			interval_s = 1;
		} else {
			logmsg(d, "started: VIRQ_DOM_EXC on port %ld", port);
		}
	}
	waiting = scan(d);
	while (!once && !stop) {
		/* A domain waiting for the store is looked at every second. */
		int wait_s = waiting ? 1 : interval_s;

		if (ev) {
			struct pollfd pfd = { keel_evtchn_fd(ev), POLLIN, 0 };
			int n = poll(&pfd, 1, wait_s * 1000);

			if (n > 0) {
				long p;

				while ((p = keel_evtchn_pending(ev)) >= 0 || p == -EFBIG)
					if (p >= 0)
						keel_evtchn_unmask(ev, (uint32_t)p);
			}
		} else {
			sleep_ms((unsigned int)wait_s * 1000u);
		}
		waiting = scan(d);
	}
	logmsg(d, "stopping");
	keel_evtchn_close(ev);
	keel_ctl_close(d->h);
	return 0;
}
