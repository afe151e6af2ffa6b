/*
 * keel_mig_restore (keelmig.h, docs/migration.md): a stream back into a
 * running domain.  Everything is checked before it is used: the header,
 * each record's checksum and length, the name (refused if it runs here)
 * and free memory (refused before anything is created).  On any failure
 * the domain and its store keys are removed again: nothing is left.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "builder.h"
#include "keelctl.h"
#include "keelmig.h"
#include "mig_save.h"
#include "mig_store.h"
#include "mig_stream.h"

struct vcpu_rec {
	uint32_t vcpu, pad;
	struct keel_vcpu_state st;
};

struct restorer {
	struct keel_ctl *h;
	struct keel_store *st;
	struct mig_stream s;
	struct mig_rec_domain dr;
	uint16_t domid;
	int created;
	struct keel_vcpu_state vcpu[KEEL_MAX_VCPUS];
	int have_vcpu[KEEL_MAX_VCPUS];
	struct keel_dom_state ds;
	int have_ds;
	struct keel_evtchn_rec *evt;
	size_t nevt;
	struct mig_kvs kv;
	int have_store;
	uint8_t *pop;                   /* bit per gfn: populated already */
	uint64_t pop_bits;
	char *err;
	size_t errlen;
};

static int fail(struct restorer *r, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct restorer *r, int rc, const char *fmt, ...)
{
	va_list ap;

	if (r->err && r->errlen) {
		va_start(ap, fmt);
		vsnprintf(r->err, r->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static int check_domain(struct restorer *r, const void *body, uint32_t len)
{
	uint16_t other;
	long free_pages;
	int rc;

	if (len != sizeof(r->dr))
		return fail(r, -EBADMSG, "corrupt stream: bad domain record");
	memcpy(&r->dr, body, sizeof(r->dr));
	if (!memchr(r->dr.name, '\0', sizeof(r->dr.name)) || !r->dr.name[0] ||
	    r->dr.nr_vcpus == 0 || r->dr.nr_vcpus > KEEL_MAX_VCPUS ||
	    r->dr.max_pages == 0 || r->dr.nr_pages > r->dr.max_pages ||
	    r->dr.cap > KEEL_SCHED_CAP_MAX || r->dr.weight < KEEL_SCHED_WEIGHT_MIN ||
	    r->dr.weight > KEEL_SCHED_WEIGHT_MAX || r->dr.reserved[0] ||
	    r->dr.reserved[1])
		return fail(r, -EBADMSG, "corrupt stream: bad domain record");
	rc = keel_dom_store_find(r->st, r->dr.name, &other);
	if (rc == 0)
		return fail(r, -EEXIST, "a domain called '%s' runs here already (id %u)",
			    r->dr.name, other);
	if (rc != -ENOENT)
		return fail(r, rc, "cannot read the store: %s", strerror(-rc));
	free_pages = keel_free_memory_pages(r->h);
	if (free_pages < 0)
		return fail(r, (int)free_pages, "cannot ask for free memory: %s",
			    strerror((int)-free_pages));
	if ((uint64_t)free_pages < keel_build_pool_pages(r->dr.nr_pages))
		return fail(r, -ENOMEM,
			    "not enough free memory for '%s' (need %" PRIu64 " MiB with its page tables, %ld MiB free)",
			    r->dr.name, (keel_build_pool_pages(r->dr.nr_pages) + 255) / 256,
			    free_pages / 256);
	rc = keel_domain_create(r->h, r->dr.max_pages, r->dr.nr_vcpus, &r->domid);
	if (rc)
		return fail(r, rc, "the hypervisor refused to create it: %s", strerror(-rc));
	r->created = 1;
	rc = keel_sched_credit_set(r->h, r->domid, r->dr.weight, r->dr.cap);
	if (rc)
		return fail(r, rc, "cannot set its weight and cap: %s", strerror(-rc));
	return 0;
}

static int is_populated(const struct restorer *r, uint64_t gfn)
{
	return gfn < r->pop_bits && (r->pop[gfn / 8] & (1u << (gfn % 8)));
}

static int mark_populated(struct restorer *r, uint64_t gfn)
{
	if (gfn >= r->pop_bits) {
		uint64_t bits = (gfn + 65536) & ~65535ull;
		uint8_t *p = realloc(r->pop, bits / 8);

		if (!p)
			return -ENOMEM;
		memset(p + r->pop_bits / 8, 0, (bits - r->pop_bits) / 8);
		r->pop = p;
		r->pop_bits = bits;
	}
	r->pop[gfn / 8] |= (uint8_t)(1u << (gfn % 8));
	return 0;
}

/* Populate what is not yet: a page sent again (dirtied in a later round)
 * is populated once -- a full domain answers even a populated gfn with
 * ENOSPC, so the hypervisor is not asked twice. */
static int populate(struct restorer *r, const uint64_t *gfns, size_t n)
{
	uint64_t todo[MIG_PAGE_BATCH];
	size_t m = 0, i = 0;

	for (size_t j = 0; j < n; j++) {
		if (is_populated(r, gfns[j]))
			continue;
		if (mark_populated(r, gfns[j]))
			return fail(r, -ENOMEM, "out of memory");
		todo[m++] = gfns[j];
	}
	while (i < m) {
		long k = keel_memory_populate(r->h, r->domid, todo + i, m - i);

		if (k < 0)
			return fail(r, (int)k, "cannot give it memory at gfn %" PRIu64 ": %s",
				    todo[i], strerror((int)-k));
		i += (size_t)k;
	}
	return 0;
}

static int page_data(struct restorer *r, const uint8_t *body, uint32_t len)
{
	uint32_t cnt, pad;
	const uint64_t *gfns;
	void *map;
	int rc;

	if (len < 8)
		return fail(r, -EBADMSG, "corrupt stream: bad page record");
	memcpy(&cnt, body, 4);
	memcpy(&pad, body + 4, 4);
	if (pad || cnt == 0 || cnt > MIG_PAGE_BATCH ||
	    len != 8 + cnt * (8ull + KEEL_PAGE_SIZE))
		return fail(r, -EBADMSG, "corrupt stream: bad page record");
	gfns = (const uint64_t *)(body + 8);
	for (uint32_t i = 0; i < cnt; i++)
		if (gfns[i] >= (1ull << 28))
			return fail(r, -EBADMSG, "corrupt stream: gfn %" PRIu64 " out of range",
				    gfns[i]);
	rc = populate(r, gfns, cnt);
	if (rc)
		return rc;
	map = keel_map_foreign(r->h, r->domid, gfns, cnt, PROT_READ | PROT_WRITE);
	if (!map)
		return fail(r, -errno, "cannot map its memory: %s", strerror(errno));
	memcpy(map, body + 8 + cnt * 8ull, cnt * (size_t)KEEL_PAGE_SIZE);
	keel_unmap_foreign(r->h, map, cnt);
	return 0;
}

static int record(struct restorer *r, uint32_t type, void *body, uint32_t len)
{
	switch (type) {
	case MIG_REC_PAGE_DATA:
		return page_data(r, body, len);
	case MIG_REC_VCPU: {
		struct vcpu_rec v;

		if (len != sizeof(v))
			return fail(r, -EBADMSG, "corrupt stream: bad vCPU record");
		memcpy(&v, body, sizeof(v));
		if (v.pad || v.vcpu >= r->dr.nr_vcpus)
			return fail(r, -EBADMSG, "corrupt stream: bad vCPU record");
		r->vcpu[v.vcpu] = v.st;
		r->have_vcpu[v.vcpu] = 1;
		return 0;
	}
	case MIG_REC_DOM_STATE:
		if (len != sizeof(r->ds))
			return fail(r, -EBADMSG, "corrupt stream: bad domain state record");
		memcpy(&r->ds, body, sizeof(r->ds));
		r->have_ds = 1;
		return 0;
	case MIG_REC_EVTCHN:
		if (len % sizeof(struct keel_evtchn_rec) ||
		    len / sizeof(struct keel_evtchn_rec) >= KEEL_NR_EVENT_CHANNELS)
			return fail(r, -EBADMSG, "corrupt stream: bad event channel record");
		free(r->evt);
		r->evt = malloc(len ? len : 1);
		if (!r->evt)
			return fail(r, -ENOMEM, "out of memory");
		memcpy(r->evt, body, len);
		r->nevt = len / sizeof(struct keel_evtchn_rec);
		return 0;
	case MIG_REC_STORE:
		mig_kvs_free(&r->kv);
		if (mig_store_decode(body, len, &r->kv))
			return fail(r, -EBADMSG, "corrupt stream: bad store record");
		r->have_store = 1;
		return 0;
	case MIG_REC_DEVICE:
		return 0;       /* none is sent yet (docs/migration.md) */
	default:
		if (type & MIG_REC_OPTIONAL)
			return 0;
		return fail(r, -EBADMSG, "corrupt stream: unknown record type %u", type);
	}
}

/* The parts that need every record: set in the order the hypervisor
 * wants (domain state and ports while the vCPUs are down). */
static int finish(struct restorer *r)
{
	int rc;

	if (!r->have_ds || !r->have_store || !r->have_vcpu[0])
		return fail(r, -EBADMSG, "the stream lacks the %s",
			    !r->have_ds ? "domain state" : !r->have_store ?
			    "store keys" : "state of vCPU 0");
	rc = keel_dom_state_set(r->h, r->domid, &r->ds);
	if (rc)
		return fail(r, rc, "the hypervisor refused its domain state: %s",
			    strerror(-rc));
	rc = keel_evtchn_state_set(r->h, r->domid, r->evt, r->nevt);
	if (rc)
		return fail(r, rc, "the hypervisor refused its event channels: %s",
			    strerror(-rc));
	for (unsigned v = 0; v < r->dr.nr_vcpus; v++) {
		if (!r->have_vcpu[v])
			continue;
		rc = keel_vcpu_state_set(r->h, r->domid, v, &r->vcpu[v]);
		if (rc)
			return fail(r, rc, "the hypervisor refused the state of vCPU %u: %s",
				    v, strerror(-rc));
	}
	rc = mig_store_restore(r->st, r->domid, &r->kv, r->err, r->errlen);
	if (rc)
		return rc;
	rc = keel_domain_unpause(r->h, r->domid);
	if (rc)
		return fail(r, rc, "cannot start it: %s", strerror(-rc));
	return 0;
}

int mig_restore(struct keel_ctl *h, struct keel_store *st, int fd,
		uint16_t *domid, char *err, size_t errlen)
{
	struct restorer *r = calloc(1, sizeof(*r));
	int rc, seen_domain = 0;

	if (!r) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	r->h = h;
	r->st = st;
	r->err = err;
	r->errlen = errlen;
	mig_stream_init(&r->s, fd, err, errlen);
	rc = mig_read_header(&r->s);
	while (!rc) {
		uint32_t type, len;
		void *body;

		rc = mig_read_record(&r->s, &type, &body, &len);
		if (rc)
			break;
		if (!seen_domain) {
			rc = type == MIG_REC_DOMAIN ? check_domain(r, body, len) :
			     fail(r, -EBADMSG, "corrupt stream: it does not start with the domain record");
			seen_domain = 1;
		} else if (type == MIG_REC_END) {
			free(body);
			rc = len ? fail(r, -EBADMSG, "corrupt stream: bad end record") :
			     finish(r);
			if (!rc)
				*domid = r->domid;
			break;
		} else if (type == MIG_REC_DOMAIN) {
			rc = fail(r, -EBADMSG, "corrupt stream: a second domain record");
		} else {
			rc = record(r, type, body, len);
		}
		free(body);
	}
	if (rc && r->created)
		keel_domain_teardown(h, st, r->domid);
	free(r->evt);
	free(r->pop);
	mig_kvs_free(&r->kv);
	free(r);
	return rc;
}

int keel_mig_restore(struct keel_ctl *h, struct kxs *xs, int fd,
		     uint16_t *domid, char *err, size_t errlen)
{
	struct keel_store st;
	int rc = xs ? keel_store_borrow(&st, xs) : keel_store_open(&st);

	if (rc) {
		if (err && errlen)
			snprintf(err, errlen, "cannot reach the store: %s", strerror(-rc));
		return rc;
	}
	rc = mig_restore(h, &st, fd, domid, err, errlen);
	keel_store_close(&st);
	return rc;
}
