/*
 * The migration engine (dom0-tools/mig): the stream writer and reader
 * (a round trip of every record type), the store subtree's encoding, the
 * round policy (convergence, auto-converge, the stop rules), and restore
 * behind a fake hypervisor and the in-memory store: a good stream becomes
 * a running domain with its state, keys and ports; a table of corrupt and
 * truncated streams is refused, each with its message and with nothing
 * left behind (every domain created is destroyed, no store key stays).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "tests.h"
#include "fake_store.h"
#include "mig_policy.h"
#include "mig_save.h"
#include "mig_store.h"
#include "mig_stream.h"

/* ---- a stream in memory -------------------------------------------------- */

static int memfd(void)
{
	int fd = memfd_create("mig", 0);

	ck_assert_int_ge(fd, 0);
	return fd;
}

static size_t fd_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	lseek(fd, 0, SEEK_SET);
	return (size_t)end;
}

static uint8_t *slurp(int fd, size_t *len)
{
	uint8_t *b;

	*len = fd_size(fd);
	b = malloc(*len ? *len : 1);
	ck_assert_int_eq(pread(fd, b, *len, 0), (ssize_t)*len);
	return b;
}

static int fd_of(const uint8_t *b, size_t len)
{
	int fd = memfd();

	ck_assert_int_eq(write(fd, b, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static struct mig_rec_domain dom_rec(void)
{
	struct mig_rec_domain d;

	memset(&d, 0, sizeof(d));
	strcpy(d.name, "counter");
	d.nr_vcpus = 1;
	d.weight = 256;
	d.cap = 0;
	d.max_pages = 64;
	d.nr_pages = 64;
	return d;
}

static void store_keys(struct mig_kvs *k)
{
	mig_kvs_add(k, "L/name", "counter");
	mig_kvs_add(k, "L/domid", "3");
	mig_kvs_add(k, "L/memory/target", "256");
	mig_kvs_add(k, "L/memory/static-max", "256");
	mig_kvs_add(k, "L/console/ring-ref", "40");
	mig_kvs_add(k, "L/console/port", "1");
	mig_kvs_add(k, "L/store/ring-ref", "41");
	mig_kvs_add(k, "L/store/port", "2");
	mig_kvs_add(k, "L/control/shutdown", "suspend");
	mig_kvs_add(k, "L/data", "");
	mig_kvs_add(k, "L/data/mark", "before-save");
	mig_kvs_add(k, "V/name", "counter");
	mig_kvs_add(k, "V/on_poweroff", "destroy");
	mig_kvs_add(k, "V/on_reboot", "restart");
	mig_kvs_add(k, "V/on_crash", "preserve");
	mig_kvs_add(k, "V/config-path", "/root/guests/counter.cfg");
}

/* Writes a whole stream; with_pages adds a PAGE_DATA record (restore
 * needs the device to map pages, so restore tests leave it out). */
static int good_stream(int with_pages)
{
	struct mig_stream s;
	struct mig_rec_domain d = dom_rec();
	struct { uint32_t vcpu, pad; struct keel_vcpu_state st; } v;
	struct keel_dom_state ds;
	struct keel_evtchn_rec ev[3];
	struct mig_kvs k = { 0 };
	void *body;
	uint32_t len;
	char err[128];
	int fd = memfd();

	mig_stream_init(&s, fd, err, sizeof(err));
	ck_assert_int_eq(mig_write_header(&s), 0);
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_DOMAIN, &d, sizeof(d)), 0);
	if (with_pages) {
		uint64_t hdr[3] = { 2, 7, 9 };
		static uint8_t pages[2][4096];

		memset(pages[0], 0xa5, 4096);
		memset(pages[1], 0x5a, 4096);
		ck_assert_int_eq(mig_write_record2(&s, MIG_REC_PAGE_DATA, hdr, sizeof(hdr),
						   pages, sizeof(pages)), 0);
	}
	memset(&v, 0, sizeof(v));
	v.st.flags = KEEL_VCPU_STATE_up;
	v.st.rip = 0x100123;
	v.st.xcr0 = 1;
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_VCPU, &v, sizeof(v)), 0);
	memset(&ds, 0, sizeof(ds));
	ds.time_ns = 123456789;
	ds.shared_info_gfn = 42;
	ds.upcall_vector = 0xf3;
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_DOM_STATE, &ds, sizeof(ds)), 0);
	memset(ev, 0, sizeof(ev));
	ev[0] = (struct keel_evtchn_rec){ .port = 1, .state = KEEL_EVTCHNSTAT_interdomain, .remote_dom = 0, .remote_port = 9 };
	ev[1] = (struct keel_evtchn_rec){ .port = 2, .state = KEEL_EVTCHNSTAT_interdomain, .remote_dom = 0, .remote_port = 10 };
	ev[2] = (struct keel_evtchn_rec){ .port = 3, .state = KEEL_EVTCHNSTAT_virq, .remote_port = 0 };
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_EVTCHN, ev, sizeof(ev)), 0);
	store_keys(&k);
	ck_assert_int_eq(mig_store_encode(&k, &body, &len), 0);
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_STORE, body, len), 0);
	free(body);
	mig_kvs_free(&k);
	ck_assert_int_eq(mig_write_record(&s, MIG_REC_END, NULL, 0), 0);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

START_TEST(stream_round_trip)
{
	static const uint32_t want[] = { MIG_REC_DOMAIN, MIG_REC_PAGE_DATA,
		MIG_REC_VCPU, MIG_REC_DOM_STATE, MIG_REC_EVTCHN, MIG_REC_STORE,
		MIG_REC_END };
	struct mig_stream s;
	char err[128];
	int fd = good_stream(1);
	size_t total = fd_size(fd);

	ck_assert_uint_eq(total % 8, 0);
	mig_stream_init(&s, fd, err, sizeof(err));
	ck_assert_int_eq(mig_read_header(&s), 0);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint32_t type, len;
		void *body;

		ck_assert_int_eq(mig_read_record(&s, &type, &body, &len), 0);
		ck_assert_uint_eq(type, want[i]);
		if (type == MIG_REC_DOMAIN) {
			struct mig_rec_domain d = dom_rec();

			ck_assert_uint_eq(len, sizeof(d));
			ck_assert_mem_eq(body, &d, sizeof(d));
		} else if (type == MIG_REC_PAGE_DATA) {
			const uint8_t *b = body;

			ck_assert_uint_eq(len, 24 + 2 * 4096);
			ck_assert_uint_eq(((const uint64_t *)b)[1], 7);
			ck_assert_uint_eq(((const uint64_t *)b)[2], 9);
			ck_assert_uint_eq(b[24], 0xa5);
			ck_assert_uint_eq(b[24 + 4096 + 4095], 0x5a);
		} else if (type == MIG_REC_STORE) {
			struct mig_kvs k = { 0 };

			ck_assert_int_eq(mig_store_decode(body, len, &k), 0);
			ck_assert_str_eq(mig_kvs_get(&k, "L/data/mark"), "before-save");
			ck_assert_str_eq(mig_kvs_get(&k, "L/data"), "");
			ck_assert_uint_eq(k.n, 16);
			mig_kvs_free(&k);
		} else if (type == MIG_REC_END) {
			ck_assert_uint_eq(len, 0);
			ck_assert_ptr_null(body);
		}
		free(body);
	}
	ck_assert_uint_eq(s.bytes, total);
	close(fd);
}
END_TEST

START_TEST(store_decode_refuses_bad_bodies)
{
	struct mig_kvs k = { 0 };
	void *body;
	uint32_t len;
	uint8_t *b;

	mig_kvs_add(&k, "L/a/b", "v");
	ck_assert_int_eq(mig_store_encode(&k, &body, &len), 0);
	mig_kvs_free(&k);
	b = body;
	ck_assert_int_eq(mig_store_decode(b, len, &k), 0);
	mig_kvs_free(&k);
	ck_assert_int_eq(mig_store_decode(b, len - 1, &k), -EBADMSG);   /* short */
	mig_kvs_free(&k);
	b[8 + 8] = 'X';                                                 /* prefix */
	ck_assert_int_eq(mig_store_decode(b, len, &k), -EBADMSG);
	mig_kvs_free(&k);
	b[8 + 8] = 'L';
	memcpy(b + 8 + 8 + 2, "..", 2);                                 /* escape */
	ck_assert_int_eq(mig_store_decode(b, len, &k), -EBADMSG);
	mig_kvs_free(&k);
	free(body);
}
END_TEST

/* ---- restore behind a fake hypervisor ----------------------------------- */

#define NEW_DOMID 7

static struct fake_hv fake;
static struct keel_ctl *h;
static struct {
	int calls[32];                  /* per domctl cmd */
	uint64_t free_pages;
	struct keel_domctl last_dom_state, last_evtchn, last_sched;
	struct keel_vcpu_state vcpu;
	struct keel_evtchn_rec ev[8];
	int refuse_cmd;                 /* this domctl answers -EINVAL */
} fk;

static int mig_fill(struct fake_hv *f, struct keel_ioctl_hypercall *hc)
{
	(void)f;
	hc->result = 0;
	switch (hc->op) {
	case KEEL_HC_sysctl:
		if (hc->arg[0] == KEEL_SYSCTL_PHYSINFO) {
			struct keel_physinfo *pi = (void *)(uintptr_t)hc->arg[1];

			memset(pi, 0, sizeof(*pi));
			pi->free_pages = fk.free_pages;
		}
		return 0;
	case KEEL_HC_domctl: {
		struct keel_domctl *d = (void *)(uintptr_t)hc->arg[0];

		if (d->cmd < 32)
			fk.calls[d->cmd]++;
		if ((int)d->cmd == fk.refuse_cmd) {
			hc->result = -EINVAL;
			return 0;
		}
		switch (d->cmd) {
		case KEEL_DOMCTL_create:
			d->domid = NEW_DOMID;
			break;
		case KEEL_DOMCTL_set_dom_state:
			fk.last_dom_state = *d;
			break;
		case KEEL_DOMCTL_set_evtchn:
			fk.last_evtchn = *d;
			memcpy(fk.ev, (void *)(uintptr_t)hc->arg[2],
			       d->u.evtchn.nr * sizeof(fk.ev[0]) < sizeof(fk.ev) ?
			       d->u.evtchn.nr * sizeof(fk.ev[0]) : sizeof(fk.ev));
			break;
		case KEEL_DOMCTL_set_vcpu_state:
			memcpy(&fk.vcpu, (void *)(uintptr_t)hc->arg[2], sizeof(fk.vcpu));
			break;
		case KEEL_DOMCTL_sched_credit:
			fk.last_sched = *d;
			break;
		}
		return 0;
	}
	default:
		return 0;
	}
}

static struct keel_store st;

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fk, 0, sizeof(fk));
	fk.free_pages = 100000;
	fk.refuse_cmd = -1;
	fake.fill = mig_fill;
	h = keel_ctl_open_backend(NULL, fake_backend, &fake);
	ck_assert_ptr_nonnull(h);
	fs_reset();
	fs_put("/local/domain", "");
	fs_put("/local/domain/0", "");
	fs_put("/local/domain/0/name", "Domain-0");
	fake_store(&st);
}

static void teardown(void)
{
	keel_ctl_close(h);
	h = NULL;
}

static int store_has_domain(uint16_t id)
{
	char p[64];

	snprintf(p, sizeof(p), "/local/domain/%u", id);
	for (int i = 0; i < fs_n; i++)
		if (!strncmp(fs[i].path, p, strlen(p)))
			return 1;
	snprintf(p, sizeof(p), "/vm/%u", id);
	for (int i = 0; i < fs_n; i++)
		if (!strncmp(fs[i].path, p, strlen(p)))
			return 1;
	return 0;
}

START_TEST(restore_good_stream)
{
	char err[256];
	uint16_t domid = 0;
	int fd = good_stream(0);

	ck_assert_int_eq(mig_restore(h, &st, fd, &domid, err, sizeof(err)), 0);
	ck_assert_uint_eq(domid, NEW_DOMID);
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_create], 1);
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_destroy], 0);
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_unpause], 1);
	/* the domain-wide state, ports and vCPU as saved */
	ck_assert_uint_eq(fk.last_dom_state.u.dom_state.time_ns, 123456789);
	ck_assert_uint_eq(fk.last_dom_state.u.dom_state.shared_info_gfn, 42);
	ck_assert_uint_eq(fk.last_dom_state.u.dom_state.upcall_vector, 0xf3);
	ck_assert_uint_eq(fk.last_evtchn.u.evtchn.nr, 3);
	ck_assert_uint_eq(fk.ev[2].state, KEEL_EVTCHNSTAT_virq);
	ck_assert_uint_eq(fk.vcpu.rip, 0x100123);
	ck_assert_uint_eq(fk.last_sched.u.sched.weight, 256);
	/* its keys under the new id; control/shutdown cleared */
	ck_assert_str_eq(fs_get("/local/domain/7/name"), "counter");
	ck_assert_str_eq(fs_get("/local/domain/7/data/mark"), "before-save");
	ck_assert_str_eq(fs_get("/local/domain/7/console/port"), "1");
	ck_assert_str_eq(fs_get("/local/domain/7/control/shutdown"), "");
	ck_assert_str_eq(fs_get("/vm/7/on_crash"), "preserve");
	ck_assert_str_eq(fs_get("/local/domain/7/domid"), "7");
	close(fd);
}
END_TEST

START_TEST(restore_refuses_running_name)
{
	char err[256];
	uint16_t domid = 0;
	int fd = good_stream(0);

	fs_put("/local/domain/3/name", "counter");
	ck_assert_int_eq(mig_restore(h, &st, fd, &domid, err, sizeof(err)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "runs here already"));
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_create], 0);
	close(fd);
}
END_TEST

START_TEST(restore_refuses_without_memory)
{
	char err[256];
	uint16_t domid = 0;
	int fd = good_stream(0);

	fk.free_pages = 10;
	ck_assert_int_eq(mig_restore(h, &st, fd, &domid, err, sizeof(err)), -ENOMEM);
	ck_assert_ptr_nonnull(strstr(err, "not enough free memory"));
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_create], 0);
	close(fd);
}
END_TEST

START_TEST(restore_undoes_a_refused_state)
{
	char err[256];
	uint16_t domid = 0;
	int fd = good_stream(0);

	fk.refuse_cmd = KEEL_DOMCTL_set_vcpu_state;
	ck_assert_int_eq(mig_restore(h, &st, fd, &domid, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "vCPU 0"));
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_create], 1);
	ck_assert_int_ge(fk.calls[KEEL_DOMCTL_destroy], 1);
	ck_assert(!store_has_domain(NEW_DOMID));
	close(fd);
}
END_TEST

/* The table: each mutation of a good stream, what restore answers, and a
 * word of its message. */
typedef size_t (*mutate_fn)(uint8_t *b, size_t len);

static size_t rec_offset(const uint8_t *b, size_t len, unsigned nth)
{
	size_t off = MIG_HEADER_SIZE;

	for (unsigned i = 0; i < nth && off + 16 <= len; i++) {
		uint32_t l;

		memcpy(&l, b + off + 4, 4);
		off += 16 + ((l + 7) & ~7u);
	}
	return off;
}

static void fix_header_crc(uint8_t *b)
{
	uint32_t c = (uint32_t)crc32(0, b, 20);

	memcpy(b + 20, &c, 4);
}

static size_t m_magic(uint8_t *b, size_t len) { b[0] = 'X'; return len; }
static size_t m_version(uint8_t *b, size_t len)
{
	b[8] = 2;
	fix_header_crc(b);
	return len;
}
static size_t m_abi(uint8_t *b, size_t len)
{
	b[14] = 9;              /* ABI major 9 */
	fix_header_crc(b);
	return len;
}
static size_t m_header_crc(uint8_t *b, size_t len) { b[21] ^= 1; return len; }
static size_t m_body_bit(uint8_t *b, size_t len)
{
	b[rec_offset(b, len, 2) + 16 + 20] ^= 0x10;   /* the vCPU record */
	return len;
}
static size_t m_reserved(uint8_t *b, size_t len)
{
	b[rec_offset(b, len, 1) + 12] = 1;
	return len;
}
static size_t m_huge(uint8_t *b, size_t len)
{
	uint32_t l = MIG_REC_MAX + 1;

	memcpy(b + rec_offset(b, len, 1) + 4, &l, 4);
	return len;
}
static size_t m_unknown(uint8_t *b, size_t len)
{
	size_t off = rec_offset(b, len, 1);
	uint32_t t = 99, l, c;

	memcpy(&l, b + off + 4, 4);
	memcpy(b + off, &t, 4);
	c = (uint32_t)crc32(0, b + off, 8);
	c = (uint32_t)crc32(c, b + off + 16, l);
	memcpy(b + off + 8, &c, 4);
	return len;
}
static size_t m_no_domain_first(uint8_t *b, size_t len)
{
	size_t a = rec_offset(b, len, 0), c = rec_offset(b, len, 1);

	memmove(b + a, b + c, len - c);	/* drop the domain record */
	return len - (c - a);
}
static size_t m_cut_header(uint8_t *b, size_t len) { (void)b; (void)len; return 10; }
static size_t m_cut_rec_header(uint8_t *b, size_t len) { return rec_offset(b, len, 1) + 5; }
static size_t m_cut_body(uint8_t *b, size_t len) { return rec_offset(b, len, 2) + 16 + 100; }
static size_t m_cut_before_end(uint8_t *b, size_t len) { return rec_offset(b, len, 5); }
static size_t m_empty(uint8_t *b, size_t len) { (void)b; (void)len; return 0; }

static const struct {
	const char *what;
	mutate_fn fn;
	int rc;
	const char *msg;
	int creates;            /* a domain was made (and must be undone) */
} bad[] = {
	{ "wrong magic", m_magic, -EPROTO, "wrong magic", 0 },
	{ "other version", m_version, -EPROTONOSUPPORT, "version 2", 0 },
	{ "other ABI major", m_abi, -EPROTONOSUPPORT, "ABI", 0 },
	{ "header checksum", m_header_crc, -EBADMSG, "header is corrupt", 0 },
	{ "record checksum", m_body_bit, -EBADMSG, "corrupt", 1 },
	{ "reserved word", m_reserved, -EBADMSG, "corrupt record header", 1 },
	{ "length too long", m_huge, -EBADMSG, "too long", 1 },
	{ "unknown record", m_unknown, -EBADMSG, "unknown record type 99", 1 },
	{ "no domain record", m_no_domain_first, -EBADMSG, "domain record", 0 },
	{ "cut in the header", m_cut_header, -ENODATA, "ends early", 0 },
	{ "cut in a record header", m_cut_rec_header, -ENODATA, "ends early", 1 },
	{ "cut in a body", m_cut_body, -ENODATA, "ends early", 1 },
	{ "no end record", m_cut_before_end, -ENODATA, "ends early", 1 },
	{ "empty", m_empty, -ENODATA, "ends early", 0 },
};

START_TEST(restore_refuses_bad_stream)
{
	char err[256] = "";
	uint16_t domid = 0xffff;
	size_t len, n;
	int fd = good_stream(0), bfd;
	uint8_t *b = slurp(fd, &len);

	close(fd);
	n = bad[_i].fn(b, len);
	bfd = fd_of(b, n);
	ck_assert_msg(mig_restore(h, &st, bfd, &domid, err, sizeof(err)) == bad[_i].rc,
		      "%s: not refused as expected (%s)", bad[_i].what, err);
	ck_assert_msg(strstr(err, bad[_i].msg), "%s: message '%s'", bad[_i].what, err);
	ck_assert_uint_eq(domid, 0xffff);
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_create], bad[_i].creates);
	/* nothing left behind */
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_destroy] > 0, bad[_i].creates);
	ck_assert_int_eq(fk.calls[KEEL_DOMCTL_unpause], 0);
	ck_assert(!store_has_domain(NEW_DOMID));
	close(bfd);
	free(b);
}
END_TEST

/* ---- the round policy ---------------------------------------------------- */

static enum mig_decision one_round(struct mig_policy_state *ps, unsigned n,
			       uint64_t sent, uint64_t dirty, double ms,
			       double elapsed, double *exp, unsigned *cap)
{
	struct mig_policy p = { .max_downtime_ms = 100 };
	struct mig_round r = { .round = n, .pages_sent = sent, .pages_dirty = dirty,
			       .round_ms = ms, .elapsed_ms = elapsed };

	return mig_policy_next(ps, &p, &r, exp, cap);
}

START_TEST(policy_converges_on_expected_downtime)
{
	struct mig_policy_state ps;
	double exp;
	unsigned cap;

	mig_policy_init(&ps);
	/* 10000 pages in 1000 ms = 10 pages/ms; 2000 dirty = 200 ms: go on */
	ck_assert_int_eq(one_round(&ps, 1, 10000, 2000, 1000, 1000, &exp, &cap), MIG_GO_ON);
	ck_assert_double_eq_tol(exp, 200.0, 1e-9);
	/* 2000 in 200 ms (10/ms); 500 dirty = 50 ms: under 100, switch over */
	ck_assert_int_eq(one_round(&ps, 2, 2000, 500, 200, 1200, &exp, &cap),
			 MIG_STOP_CONVERGED);
	ck_assert_double_eq_tol(exp, 50.0, 1e-9);
	ck_assert_str_eq(mig_policy_how(&ps, MIG_STOP_CONVERGED), "converged");
	ck_assert_uint_eq(cap, 0);
}
END_TEST

START_TEST(policy_is_not_a_round_count)
{
	struct mig_policy_state ps;
	double exp;
	unsigned cap;

	mig_policy_init(&ps);
	/* a slow link: 5 dirty pages is still 500 ms: no switch-over */
	ck_assert_int_eq(one_round(&ps, 1, 100, 5, 10000, 10000, &exp, &cap), MIG_GO_ON);
	ck_assert_double_eq_tol(exp, 500.0, 1e-9);
	/* a fast one: 3000 dirty pages is 30 ms after one round */
	mig_policy_init(&ps);
	ck_assert_int_eq(one_round(&ps, 1, 100000, 3000, 1000, 1000, &exp, &cap),
			 MIG_STOP_CONVERGED);
}
END_TEST

START_TEST(policy_throttles_step_by_step)
{
	struct mig_policy_state ps;
	unsigned want[] = { 80, 60, 40, 20, 10, 5 };
	double exp;
	unsigned cap, n = 1;

	mig_policy_init(&ps);
	/* dirtying as fast as the link: two hot rounds, then a step down */
	for (unsigned step = 0; step < 6; step++) {
		ck_assert_int_eq(one_round(&ps, n, 1000, 900, 1000, n * 100.0, &exp, &cap),
				 MIG_GO_ON);
		ck_assert_int_eq(one_round(&ps, n, 1000, 900, 1000, n * 100.0, &exp, &cap),
				 MIG_GO_ON_THROTTLED);
		ck_assert_uint_eq(cap, want[step]);
	}
	/* no step below the last */
	ck_assert_int_eq(one_round(&ps, n, 1000, 900, 1000, n * 100.0, &exp, &cap), MIG_GO_ON);
	ck_assert_int_eq(one_round(&ps, n, 1000, 900, 1000, n * 100.0, &exp, &cap), MIG_GO_ON);
	ck_assert_uint_eq(cap, 5);
	/* once it converges the report says it was throttled */
	ck_assert_int_eq(one_round(&ps, n, 1000, 5, 100, n * 100.0, &exp, &cap),
			 MIG_STOP_CONVERGED);
	ck_assert_str_eq(mig_policy_how(&ps, MIG_STOP_CONVERGED), "auto-converge");
}
END_TEST

START_TEST(policy_cool_round_resets_the_count)
{
	struct mig_policy_state ps;
	double exp;
	unsigned cap;

	mig_policy_init(&ps);
	ck_assert_int_eq(one_round(&ps, 1, 1000, 900, 1000, 100, &exp, &cap), MIG_GO_ON);
	ck_assert_int_eq(one_round(&ps, 2, 1000, 400, 1000, 200, &exp, &cap), MIG_GO_ON);
	ck_assert_int_eq(one_round(&ps, 3, 1000, 900, 1000, 300, &exp, &cap), MIG_GO_ON);
	ck_assert_uint_eq(cap, 0);
}
END_TEST

START_TEST(policy_stops_at_round_and_time_bounds)
{
	struct mig_policy_state ps;
	struct mig_policy p = { .max_downtime_ms = 100, .max_rounds = 5,
				.max_time_ms = 3000 };
	struct mig_round r = { .round = 5, .pages_sent = 100, .pages_dirty = 100,
			       .round_ms = 100, .elapsed_ms = 500 };
	double exp;
	unsigned cap;

	mig_policy_init(&ps);
	ck_assert_int_eq(mig_policy_next(&ps, &p, &r, &exp, &cap), MIG_STOP_FORCED);
	ck_assert_str_eq(mig_policy_how(&ps, MIG_STOP_FORCED), "forced-stop");
	r.round = 2;
	r.elapsed_ms = 3000;
	ck_assert_int_eq(mig_policy_next(&ps, &p, &r, &exp, &cap), MIG_STOP_FORCED);
	r.elapsed_ms = 2999;
	ck_assert_int_eq(mig_policy_next(&ps, &p, &r, &exp, &cap), MIG_GO_ON);
	/* defaults: 30 rounds */
	mig_policy_init(&ps);
	ck_assert_int_eq(one_round(&ps, MIG_MAX_ROUNDS_DEFAULT, 100, 100, 100, 500, &exp, &cap),
			 MIG_STOP_FORCED);
}
END_TEST

START_TEST(policy_nothing_dirty_converges_at_once)
{
	struct mig_policy_state ps;
	double exp;
	unsigned cap;

	mig_policy_init(&ps);
	ck_assert_int_eq(one_round(&ps, 1, 0, 0, 0, 0, &exp, &cap), MIG_STOP_CONVERGED);
	ck_assert_double_eq(exp, 0);
}
END_TEST

Suite *mig_suite(void)
{
	Suite *s = suite_create("mig");
	TCase *t = tcase_create("stream");
	TCase *r = tcase_create("restore");
	TCase *p = tcase_create("policy");

	tcase_add_test(t, stream_round_trip);
	tcase_add_test(t, store_decode_refuses_bad_bodies);
	suite_add_tcase(s, t);

	tcase_add_checked_fixture(r, setup, teardown);
	tcase_add_test(r, restore_good_stream);
	tcase_add_test(r, restore_refuses_running_name);
	tcase_add_test(r, restore_refuses_without_memory);
	tcase_add_test(r, restore_undoes_a_refused_state);
	tcase_add_loop_test(r, restore_refuses_bad_stream, 0,
			    sizeof(bad) / sizeof(bad[0]));
	suite_add_tcase(s, r);

	tcase_add_test(p, policy_converges_on_expected_downtime);
	tcase_add_test(p, policy_is_not_a_round_count);
	tcase_add_test(p, policy_throttles_step_by_step);
	tcase_add_test(p, policy_cool_round_resets_the_count);
	tcase_add_test(p, policy_stops_at_round_and_time_bounds);
	tcase_add_test(p, policy_nothing_dirty_converges_at_once);
	suite_add_tcase(s, p);
	return s;
}
