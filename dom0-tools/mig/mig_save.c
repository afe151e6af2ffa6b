/*
 * keel_mig_save (keelmig.h, docs/migration.md): a domain's whole state
 * into a stream.  Live: pre-copy rounds under log-dirty mode until the
 * round policy (mig_policy.c) stops them; then the guest is suspended
 * (control/shutdown = "suspend", as Xen's) and paused, and the last dirty
 * pages, the pages dom0 and the hypervisor write behind log-dirty's back
 * (shared info, console and store rings, grant table), the vCPUs, the
 * domain state, its event channels and its store subtree follow.
 * Non-live: suspended and paused first, then everything in one pass.
 * On any error or cancel the guest is resumed as it was.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "keelctl.h"
#include <public/sched.h>
#include "keelmig.h"
#include "mig_policy.h"
#include "mig_save.h"
#include "mig_store.h"
#include "mig_stream.h"
#include "store.h"

#define SUSPEND_WAIT_MS 10000
#define MAX_EVTCHN      KEEL_NR_EVENT_CHANNELS

struct gfn_list {
	uint64_t *g;
	size_t n, cap;
};

struct saver {
	struct keel_ctl *h;
	struct keel_store *st;
	const struct keel_mig_opts *o;
	struct keel_mig_report *rep;
	struct mig_stream s;
	uint16_t domid;
	struct keel_dominfo info;
	uint32_t weight, cap;
	int logdirty, suspended, paused, throttled;
	uint64_t tracked;               /* gfns log-dirty tracks */
	uint8_t *sent;                  /* bit per gfn < sent_bits: sent once */
	uint64_t sent_bits;
	uint64_t pages_sent;
	uint8_t *copy;                  /* one batch of pages */
	double t0;
	char *err;
	size_t errlen;
};

double mig_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int fail(struct saver *sv, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct saver *sv, int rc, const char *fmt, ...)
{
	va_list ap;

	if (sv->err && sv->errlen) {
		va_start(ap, fmt);
		vsnprintf(sv->err, sv->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int list_add(struct gfn_list *l, uint64_t gfn)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		uint64_t *g = realloc(l->g, cap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		l->g = g;
		l->cap = cap;
	}
	l->g[l->n++] = gfn;
	return 0;
}

static int memlist(struct saver *sv, struct gfn_list *out)
{
	uint64_t buf[1024], next = 0;

	do {
		long n = keel_domain_memlist(sv->h, sv->domid, next, buf, 1024, &next);

		if (n < 0)
			return fail(sv, (int)n, "cannot list its memory: %s",
				    strerror((int)-n));
		for (long i = 0; i < n; i++)
			if (list_add(out, buf[i]))
				return fail(sv, -ENOMEM, "out of memory");
	} while (next != KEEL_GFN_INVALID);
	return 0;
}

static void mark_sent(struct saver *sv, uint64_t gfn)
{
	if (gfn < sv->sent_bits)
		sv->sent[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
}

static int was_sent(const struct saver *sv, uint64_t gfn)
{
	return gfn < sv->sent_bits && (sv->sent[gfn / 8] & (1u << (gfn % 8)));
}

/* One PAGE_DATA record: map the batch read-only, write it, unmap. */
static int send_batch(struct saver *sv, const uint64_t *gfns, size_t n)
{
	void *map = keel_map_foreign(sv->h, sv->domid, gfns, n, PROT_READ);
	uint64_t hdr[1 + MIG_PAGE_BATCH];
	uint32_t cnt = (uint32_t)n;
	int rc;

	if (!map) {
		/* A page may have gone (the balloon): send one at a time,
		 * leaving out those that are gone. */
		if (n == 1)
			return errno == ENOENT ? 0 :
			       fail(sv, -errno, "cannot map its memory: %s",
				    strerror(errno));
		for (size_t i = 0; i < n; i++) {
			rc = send_batch(sv, gfns + i, 1);
			if (rc)
				return rc;
		}
		return 0;
	}
	memcpy(hdr, &cnt, 4);
	memset((uint8_t *)hdr + 4, 0, 4);
	memcpy(hdr + 1, gfns, n * 8);
	/* A copy first: dom0's daemons still write the console and store
	 * rings of a paused guest, and the checksum must be of the bytes
	 * written (the rings are sent again last). */
	memcpy(sv->copy, map, n * KEEL_PAGE_SIZE);
	keel_unmap_foreign(sv->h, map, n);
	rc = mig_write_record2(&sv->s, MIG_REC_PAGE_DATA, hdr, (uint32_t)(8 + n * 8),
			       sv->copy, (uint32_t)(n * KEEL_PAGE_SIZE));
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++)
		mark_sent(sv, gfns[i]);
	sv->pages_sent += n;
	return 0;
}

static int send_pages(struct saver *sv, const uint64_t *gfns, size_t n)
{
	for (size_t i = 0; i < n; i += MIG_PAGE_BATCH) {
		size_t k = n - i < MIG_PAGE_BATCH ? n - i : MIG_PAGE_BATCH;
		int rc;

		if (sv->o && sv->o->cancel && *sv->o->cancel)
			return fail(sv, -ECANCELED, "cancelled");
		rc = send_batch(sv, gfns + i, k);
		if (rc)
			return rc;
	}
	return 0;
}

/* Read and clear the dirty bitmap into a list of gfns. */
static int collect_dirty(struct saver *sv, struct gfn_list *out)
{
	static uint64_t bm[KEEL_LOGDIRTY_MAX_BITS / 64];

	out->n = 0;
	for (uint64_t start = 0; start < sv->tracked; start += KEEL_LOGDIRTY_MAX_BITS) {
		uint64_t nr = sv->tracked - start;
		long got;

		if (nr > KEEL_LOGDIRTY_MAX_BITS)
			nr = KEEL_LOGDIRTY_MAX_BITS;
		nr = (nr + 63) & ~63ull;
		got = keel_logdirty_read(sv->h, sv->domid, start, nr, bm, 1, NULL);
		if (got < 0)
			return fail(sv, (int)got, "cannot read its dirty pages: %s",
				    strerror((int)-got));
		for (uint64_t w = 0; w < nr / 64; w++)
			for (uint64_t b = 0; bm[w] && b < 64; b++)
				if (bm[w] & (1ull << b))
					if (list_add(out, start + w * 64 + b))
						return fail(sv, -ENOMEM, "out of memory");
	}
	return 0;
}

static void progress(struct saver *sv, unsigned round, uint64_t dirty,
		     double mibs, double expected, int final)
{
	struct keel_mig_progress p = {
		.round = round, .pages_sent = sv->pages_sent,
		.pages_dirty = dirty, .mib_per_s = mibs,
		.expected_downtime_ms = expected, .final = final,
	};

	if (sv->o && sv->o->progress)
		sv->o->progress(&p, sv->o->progress_arg);
}

static int store_path(struct saver *sv, const char *rel, char *buf, size_t len)
{
	return snprintf(buf, len, "/local/domain/%u/%s", sv->domid, rel) < (int)len ? 0 : -ENAMETOOLONG;
}

/* Xen's handshake: control/shutdown = "suspend"; the guest quiesces and
 * makes sched_op(shutdown, suspend).  Waits (bounded) for it; a guest
 * that does not answer is saved paused, unsuspended. */
static int suspend(struct saver *sv)
{
	char path[96];
	double until;
	int rc;

	store_path(sv, "control/shutdown", path, sizeof(path));
	rc = sv->st->ops->write(sv->st->ctx, path, "suspend");
	if (rc)
		return fail(sv, rc, "cannot ask it to suspend: %s", strerror(-rc));
	until = mig_now_ms() + SUSPEND_WAIT_MS;
	while (mig_now_ms() < until) {
		struct keel_dominfo info;

		if (sv->o && sv->o->cancel && *sv->o->cancel)
			return fail(sv, -ECANCELED, "cancelled");

		rc = keel_domain_getinfo(sv->h, sv->domid, &info);
		if (rc)
			return fail(sv, rc, "it went away: %s", strerror(-rc));
		if (info.flags & KEEL_DOMINF_shutdown) {
			if (info.shutdown_reason != KEEL_SHUTDOWN_suspend)
				return fail(sv, -ESRCH, "it shut down instead of suspending");
			sv->suspended = 1;
			return 0;
		}
		usleep(2000);
	}
	sv->st->ops->write(sv->st->ctx, path, "");
	return 0;       /* saved paused; it will not reconnect by itself */
}

static int send_state(struct saver *sv)
{
	struct keel_dom_state ds;
	struct keel_evtchn_rec *recs;
	struct mig_kvs kv = { 0 };
	void *body;
	uint32_t len;
	long n;
	int rc;

	for (unsigned v = 0; v < sv->info.nr_vcpus; v++) {
		struct { uint32_t vcpu, pad; struct keel_vcpu_state st; } r = { .vcpu = v };

		rc = keel_vcpu_state_get(sv->h, sv->domid, v, &r.st);
		if (rc)
			return fail(sv, rc, "cannot read vCPU %u: %s", v, strerror(-rc));
		rc = mig_write_record(&sv->s, MIG_REC_VCPU, &r, sizeof(r));
		if (rc)
			return rc;
	}
	rc = keel_dom_state_get(sv->h, sv->domid, &ds);
	if (rc)
		return fail(sv, rc, "cannot read its domain state: %s", strerror(-rc));
	rc = mig_write_record(&sv->s, MIG_REC_DOM_STATE, &ds, sizeof(ds));
	if (rc)
		return rc;

	recs = calloc(MAX_EVTCHN, sizeof(*recs));
	if (!recs)
		return fail(sv, -ENOMEM, "out of memory");
	n = keel_evtchn_state_get(sv->h, sv->domid, recs, MAX_EVTCHN);
	if (n < 0) {
		free(recs);
		return fail(sv, (int)n, "cannot read its event channels: %s",
			    strerror((int)-n));
	}
	rc = mig_write_record(&sv->s, MIG_REC_EVTCHN, recs,
			      (uint32_t)(n * sizeof(*recs)));
	free(recs);
	if (rc)
		return rc;

	rc = mig_store_collect(sv->st, sv->domid, &kv);
	if (!rc)
		rc = mig_store_encode(&kv, &body, &len);
	mig_kvs_free(&kv);
	if (rc)
		return fail(sv, rc, "cannot read its store keys: %s", strerror(-rc));
	rc = mig_write_record(&sv->s, MIG_REC_STORE, body, len);
	free(body);
	if (rc)
		return rc;
	rc = mig_write_record(&sv->s, MIG_REC_END, NULL, 0);
	return rc;
}

/* The pages written behind log-dirty's back: the hypervisor's shared-info
 * and grant-table writes, dom0's console and store ring writes. */
static int special_pages(struct saver *sv, struct gfn_list *l)
{
	static const char *const keys[] = { "console/ring-ref", "store/ring-ref" };
	struct keel_dom_state ds;
	int rc = keel_dom_state_get(sv->h, sv->domid, &ds);

	if (rc)
		return fail(sv, rc, "cannot read its domain state: %s", strerror(-rc));
	if (ds.shared_info_gfn != KEEL_GFN_INVALID)
		list_add(l, ds.shared_info_gfn);
	for (unsigned i = 0; i < ds.nr_gnttab_frames && i < 4; i++)
		list_add(l, ds.gnttab_gfn[i]);
	for (unsigned i = 0; i < 2; i++) {
		char path[96], val[32];

		store_path(sv, keys[i], path, sizeof(path));
		if (!keel_store_read_str(sv->st, path, val, sizeof(val)))
			list_add(l, strtoull(val, NULL, 10));
	}
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sort and drop duplicates. */
static void uniq(struct gfn_list *l)
{
	size_t j = 0;

	qsort(l->g, l->n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < l->n; i++)
		if (!j || l->g[j - 1] != l->g[i])
			l->g[j++] = l->g[i];
	l->n = j;
}

static int pause_it(struct saver *sv)
{
	int rc = suspend(sv);

	if (rc)
		return rc;
	rc = keel_domain_pause(sv->h, sv->domid);
	if (rc)
		return fail(sv, rc, "cannot pause it: %s", strerror(-rc));
	sv->paused = 1;
	return 0;
}

static int live_rounds(struct saver *sv, struct gfn_list *all, double *t_pause)
{
	struct mig_policy pol = { .max_downtime_ms = sv->o->max_downtime_ms };
	struct mig_policy_state ps;
	struct gfn_list dirty = { 0 }, fin = { 0 };
	enum mig_decision d = MIG_GO_ON;
	const uint64_t *send = all->g;
	size_t nsend = all->n;
	unsigned round = 0;
	double expected = 0, mibs = 0;
	int rc;

	mig_policy_init(&ps);
	rc = keel_logdirty_enable(sv->h, sv->domid);
	if (rc)
		return fail(sv, rc, rc == -EBUSY ? "it is being saved or migrated already" :
			    "cannot start log-dirty mode: %s", strerror(-rc));
	sv->logdirty = 1;
	{
		uint64_t bm[1];
		long r = keel_logdirty_read(sv->h, sv->domid, 0, 64, bm, 0, &sv->tracked);

		if (r < 0) {
			rc = fail(sv, (int)r, "cannot read its dirty pages: %s", strerror((int)-r));
			goto out;
		}
	}
	for (;;) {
		double t = mig_now_ms();
		uint64_t before = sv->pages_sent;
		struct mig_round r;
		unsigned cap;

		round++;
		rc = send_pages(sv, send, nsend);
		if (rc)
			goto out;
		rc = collect_dirty(sv, &dirty);
		if (rc)
			goto out;
		r.round = round;
		r.pages_sent = sv->pages_sent - before;
		r.pages_dirty = dirty.n;
		r.round_ms = mig_now_ms() - t;
		r.elapsed_ms = mig_now_ms() - sv->t0;
		mibs = r.round_ms > 0 ? r.pages_sent * 4096.0 / 1048576.0 / (r.round_ms / 1e3) : 0;
		d = mig_policy_next(&ps, &pol, &r, &expected, &cap);
		progress(sv, round, dirty.n, mibs, expected, 0);
		if (d == MIG_GO_ON_THROTTLED) {
			rc = keel_sched_credit_set(sv->h, sv->domid, sv->weight, cap);
			if (rc) {
				rc = fail(sv, rc, "cannot throttle it: %s", strerror(-rc));
				goto out;
			}
			sv->throttled = 1;
			sv->rep->final_cap = cap;
		}
		if (d == MIG_STOP_CONVERGED || d == MIG_STOP_FORCED)
			break;
		send = dirty.g;
		nsend = dirty.n;
		/* the next round's list is read into `dirty` again: copy */
		{
			struct gfn_list tmp = { 0 };

			for (size_t i = 0; i < dirty.n; i++)
				if (list_add(&tmp, dirty.g[i])) {
					rc = fail(sv, -ENOMEM, "out of memory");
					goto out;
				}
			free(fin.g);
			fin = tmp;
			send = fin.g;
			nsend = fin.n;
		}
	}
	snprintf(sv->rep->how, sizeof(sv->rep->how), "%s", mig_policy_how(&ps, d));

	/* Stop and copy. */
	rc = pause_it(sv);
	if (rc)
		goto out;
	*t_pause = mig_now_ms();
	rc = collect_dirty(sv, &dirty);
	if (rc)
		goto out;
	/* pages populated since the first list, and those written behind
	 * log-dirty's back */
	{
		struct gfn_list now = { 0 };

		rc = memlist(sv, &now);
		for (size_t i = 0; !rc && i < now.n; i++)
			if (!was_sent(sv, now.g[i]) || now.g[i] >= sv->tracked)
				rc = list_add(&dirty, now.g[i]);
		free(now.g);
		if (rc)
			goto out;
	}
	rc = special_pages(sv, &dirty);
	if (rc)
		goto out;
	uniq(&dirty);
	round++;
	rc = send_pages(sv, dirty.g, dirty.n);
	if (rc)
		goto out;
	progress(sv, round, 0, mibs, expected, 1);
out:
	sv->rep->rounds = round;
	free(dirty.g);
	free(fin.g);
	return rc;
}

/* Put the guest back as it was (error or cancel). */
static void undo(struct saver *sv)
{
	char path[96];

	if (sv->logdirty)
		keel_logdirty_disable(sv->h, sv->domid);
	if (sv->throttled)
		keel_sched_credit_set(sv->h, sv->domid, sv->weight, sv->cap);
	store_path(sv, "control/shutdown", path, sizeof(path));
	sv->st->ops->write(sv->st->ctx, path, "");
	if (sv->suspended) {
		/* its suspend call returns 1: cancelled, the same domain */
		if (!sv->paused && !keel_domain_pause(sv->h, sv->domid))
			sv->paused = 1;
		keel_domain_resume(sv->h, sv->domid, 1);
	}
	if (sv->paused)
		keel_domain_unpause(sv->h, sv->domid);
}

int mig_save(struct keel_ctl *h, struct keel_store *st, const char *name,
	     int fd, const struct keel_mig_opts *o, struct keel_mig_report *rep,
	     char *err, size_t errlen)
{
	static const struct keel_mig_opts defaults = { .live = 0 };
	struct saver sv = { .h = h, .st = st, .o = o ? o : &defaults,
			    .rep = rep, .err = err, .errlen = errlen };
	struct keel_mig_report dummy;
	struct mig_rec_domain dr;
	struct gfn_list all = { 0 };
	double t_pause = 0;
	int rc;

	if (!sv.rep)
		sv.rep = &dummy;
	memset(sv.rep, 0, sizeof(*sv.rep));
	if (err && errlen)
		err[0] = '\0';
	sv.t0 = mig_now_ms();
	mig_stream_init(&sv.s, fd, err, errlen);
	sv.s.cancel = sv.o->cancel;

	if (!name || !*name || strlen(name) >= sizeof(dr.name))
		return fail(&sv, -EINVAL, "bad domain name");
	rc = keel_dom_store_find(st, name, &sv.domid);
	if (rc == -ENOENT)
		return fail(&sv, -ESRCH, "no domain is called '%s'", name);
	if (rc)
		return fail(&sv, rc, "cannot read the store: %s", strerror(-rc));
	rc = keel_domain_getinfo(h, sv.domid, &sv.info);
	if (rc)
		return fail(&sv, rc, "cannot find domain %u: %s", sv.domid, strerror(-rc));
	if (sv.info.flags & (KEEL_DOMINF_shutdown | KEEL_DOMINF_dying))
		return fail(&sv, -ESRCH, "'%s' has shut down", name);
	rc = keel_sched_credit_get(h, sv.domid, &sv.weight, &sv.cap);
	if (rc)
		return fail(&sv, rc, "cannot read its scheduler parameters: %s", strerror(-rc));
	sv.sent_bits = sv.info.max_pages * 4 + 4096;   /* gfns are mostly low */
	sv.sent = calloc(1, sv.sent_bits / 8 + 1);
	sv.copy = malloc((size_t)MIG_PAGE_BATCH * KEEL_PAGE_SIZE);
	if (!sv.sent || !sv.copy) {
		free(sv.sent);
		free(sv.copy);
		return fail(&sv, -ENOMEM, "out of memory");
	}

	memset(&dr, 0, sizeof(dr));
	snprintf(dr.name, sizeof(dr.name), "%s", name);
	dr.nr_vcpus = sv.info.nr_vcpus;
	dr.weight = sv.weight;
	dr.cap = sv.cap;
	dr.max_pages = sv.info.max_pages;
	dr.nr_pages = sv.info.nr_pages;
	rc = mig_write_header(&sv.s);
	if (!rc)
		rc = mig_write_record(&sv.s, MIG_REC_DOMAIN, &dr, sizeof(dr));
	if (rc)
		goto err;

	if (sv.o->live) {
		rc = memlist(&sv, &all);
		if (!rc)
			rc = live_rounds(&sv, &all, &t_pause);
	} else {
		rc = pause_it(&sv);
		t_pause = mig_now_ms();
		if (!rc)
			rc = memlist(&sv, &all);
		if (!rc)
			rc = send_pages(&sv, all.g, all.n);
		if (!rc) {
			sv.rep->rounds = 1;
			snprintf(sv.rep->how, sizeof(sv.rep->how), "non-live");
			progress(&sv, 1, 0, 0, 0, 1);
		}
	}
	if (rc)
		goto err;
	rc = send_state(&sv);
	if (rc)
		goto err;
	if (sv.logdirty)
		keel_logdirty_disable(h, sv.domid);
	if (sv.throttled)
		keel_sched_credit_set(h, sv.domid, sv.weight, sv.cap);
	sv.rep->total_ms = mig_now_ms() - sv.t0;
	sv.rep->downtime_ms = mig_now_ms() - t_pause;
	sv.rep->pages_sent = sv.pages_sent;
	sv.rep->bytes_sent = sv.s.bytes;
	free(all.g);
	free(sv.sent);
	free(sv.copy);
	return 0;
err:
	if (sv.o->cancel && *sv.o->cancel)
		rc = fail(&sv, -ECANCELED, "cancelled; '%s' goes on running here", name);
	undo(&sv);
	sv.rep->pages_sent = sv.pages_sent;
	sv.rep->bytes_sent = sv.s.bytes;
	free(all.g);
	free(sv.sent);
	free(sv.copy);
	return rc;
}

int keel_mig_save(struct keel_ctl *h, struct kxs *xs, const char *name,
		  int fd, const struct keel_mig_opts *o,
		  struct keel_mig_report *rep, char *err, size_t errlen)
{
	struct keel_store st;
	int rc = xs ? keel_store_borrow(&st, xs) : keel_store_open(&st);

	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "cannot reach the store: %s", strerror(-rc));
		return rc;
	}
	rc = mig_save(h, &st, name, fd, o, rep, err, errlen);
	keel_store_close(&st);
	return rc;
}

int keel_mig_resume_source(struct keel_ctl *h, struct kxs *xs,
			   const char *name, char *err, size_t errlen)
{
	struct keel_dominfo info;
	struct keel_store st;
	char path[96];
	uint16_t domid;
	int rc = xs ? keel_store_borrow(&st, xs) : keel_store_open(&st);

	if (err && errlen)
		err[0] = '\0';
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "cannot reach the store: %s", strerror(-rc));
		return rc;
	}
	rc = keel_dom_store_find(&st, name, &domid);
	if (rc == 0)
		rc = keel_domain_getinfo(h, domid, &info);
	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "no domain '%s' here: %s", name,
				 strerror(rc == -ENOENT ? ESRCH : -rc));
		keel_store_close(&st);
		return rc == -ENOENT ? -ESRCH : rc;
	}
	snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", domid);
	st.ops->write(st.ctx, path, "");
	if ((info.flags & KEEL_DOMINF_shutdown) &&
	    info.shutdown_reason == KEEL_SHUTDOWN_suspend) {
		if (!(info.flags & KEEL_DOMINF_paused)) {
			rc = keel_domain_pause(h, domid);
			if (!rc)
				info.flags |= KEEL_DOMINF_paused;
		}
		rc = keel_domain_resume(h, domid, 1);
		if (rc && err && errlen)
			snprintf(err, errlen, "cannot resume '%s': %s", name, strerror(-rc));
	}
	if (!rc && (info.flags & KEEL_DOMINF_paused)) {
		rc = keel_domain_unpause(h, domid);
		if (rc && err && errlen)
			snprintf(err, errlen, "cannot unpause '%s': %s", name, strerror(-rc));
	}
	keel_store_close(&st);
	return rc;
}
