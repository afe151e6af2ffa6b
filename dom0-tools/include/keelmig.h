/* dom0-tools/include/keelmig.h - the toolstack's save/restore/migrate API
 * (agreed interface between the two migration helpers; the stream and
 * hypervisor side implement it, vmctl migrate and keel-migrated call it). */
#ifndef KEELMIG_H
#define KEELMIG_H
#include <stdint.h>
#include <stddef.h>
struct keel_ctl;
struct kxs;

struct keel_mig_progress {          /* passed to the progress callback   */
	unsigned int round;         /* 1.. ; the last (paused) round too   */
	uint64_t pages_sent;        /* total so far                        */
	uint64_t pages_dirty;       /* left dirty after this round         */
	double mib_per_s;           /* measured over the last round        */
	double expected_downtime_ms;
	int final;                  /* 1 for the stop-and-copy round       */
};

struct keel_mig_opts {
	int live;                   /* 1: pre-copy rounds; 0: pause first  */
	unsigned int max_downtime_ms; /* switch-over target, default 100   */
	/* called once per round; may be NULL */
	void (*progress)(const struct keel_mig_progress *p, void *arg);
	void *progress_arg;
	volatile int *cancel;       /* set non-zero (e.g. from SIGINT) to
	                               cancel: save returns -ECANCELED and
	                               the guest keeps running here        */
};

struct keel_mig_report {
	double total_ms, downtime_ms;   /* downtime: paused -> (target) running */
	unsigned int rounds;
	uint64_t pages_sent, bytes_sent;
	char how[32];   /* "converged", "auto-converge", "forced-stop",
	                   "non-live" */
	unsigned int final_cap;         /* scheduler cap reached, 0 none  */
};

/* Write domain NAME's whole state to fd (a file or a connected socket).
 * live=0 or a file: the guest is paused first. On success the guest is
 * left PAUSED here (the caller destroys it after the target confirms, or
 * for `vmctl save` destroys it at once). On error or cancel it is
 * unpaused and unchanged. Returns 0 or -errno; err gets a message. */
int keel_mig_save(struct keel_ctl *h, struct kxs *xs, const char *name,
		  int fd, const struct keel_mig_opts *o,
		  struct keel_mig_report *rep, char *err, size_t errlen);

/* Read a stream from fd and re-create the domain (same name; refused if
 * that name runs here), its memory, vCPUs, event channels, grants, store
 * subtree, console and devices. On success the domain is RUNNING and
 * *domid is set. On any error (bad magic/version/checksum, truncation,
 * EOF from a cut link, no memory) everything created is freed and
 * -errno returned with a message in err. */
int keel_mig_restore(struct keel_ctl *h, struct kxs *xs, int fd,
		     uint16_t *domid, char *err, size_t errlen);

/* (Added.)  Undo a successful keel_mig_save when the guest must go on
 * here after all (the target failed or refused after the stream was
 * sent): a guest left suspended returns from its suspend call as
 * cancelled (the same domain; it keeps its store watches), its
 * control/shutdown is cleared and it is unpaused.  0 or -errno (ESRCH:
 * no such domain) with a message in err. */
int keel_mig_resume_source(struct keel_ctl *h, struct kxs *xs,
			   const char *name, char *err, size_t errlen);
#endif
