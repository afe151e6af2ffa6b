/*
 * The INTRODUCE hook for real domains (domring.c) over a fake hypervisor:
 * guest pages are anonymous shared pages looked up by (domid, gfn), event
 * channels a table of ports with a pending queue, and "alive" a flag per
 * domain.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>

#include "db.h"
#include "domring.h"
#include "harness.h"

#define FAKE_PAGES 4
#define FAKE_PORTS 16

struct fake_hv {
	struct { uint32_t domid; uint64_t gfn; void *page; int maps; } pages[FAKE_PAGES];
	struct { bool bound; uint32_t domid, remote; unsigned notified;
		 bool masked; } ports[FAKE_PORTS];
	int pendq[64];
	unsigned npend, pend_off;
	int map_err, bind_err;
	bool gone[16];
	unsigned unmasks;
};

static struct fake_hv hv;
static struct xsd_domrings *dr;

static int f_map(void *ctx, uint32_t domid, uint64_t gfn, void **page)
{
	unsigned i;

	if (hv.map_err)
		return hv.map_err;
	for (i = 0; i < FAKE_PAGES; i++) {
		if (hv.pages[i].domid == domid && hv.pages[i].gfn == gfn) {
			hv.pages[i].maps++;
			*page = hv.pages[i].page;
			return 0;
		}
	}
	return -ENOENT;
}

static void f_unmap(void *ctx, void *page)
{
	unsigned i;

	for (i = 0; i < FAKE_PAGES; i++)
		if (hv.pages[i].page == page)
			hv.pages[i].maps--;
}

static int f_bind(void *ctx, uint32_t domid, uint32_t remote)
{
	unsigned p;

	if (hv.bind_err)
		return hv.bind_err;
	for (p = 1; p < FAKE_PORTS; p++) {
		if (!hv.ports[p].bound) {
			hv.ports[p].bound = true;
			hv.ports[p].domid = domid;
			hv.ports[p].remote = remote;
			hv.ports[p].notified = 0;
			return (int)p;
		}
	}
	return -ENOSPC;
}

static void f_unbind(void *ctx, uint32_t port)
{
	ck_assert(port < FAKE_PORTS && hv.ports[port].bound);
	hv.ports[port].bound = false;
}

static int f_notify(void *ctx, uint32_t port)
{
	ck_assert(port < FAKE_PORTS && hv.ports[port].bound);
	hv.ports[port].notified++;
	return 0;
}

static int f_pending(void *ctx)
{
	int p;

	if (hv.pend_off == hv.npend)
		return -EAGAIN;
	p = hv.pendq[hv.pend_off++];
	if (p > 0 && p < FAKE_PORTS)
		hv.ports[p].masked = true;
	return p;
}

static int f_unmask(void *ctx, uint32_t port)
{
	if (port < FAKE_PORTS)
		hv.ports[port].masked = false;
	hv.unmasks++;
	return 0;
}

static int f_fd(void *ctx) { return 42; }

static int f_alive(void *ctx, uint32_t domid)
{
	return domid < 16 && hv.gone[domid] ? 0 : 1;
}

static const struct xsd_domring_ops fake_ops = {
	.map = f_map, .unmap = f_unmap, .bind = f_bind, .unbind = f_unbind,
	.notify = f_notify, .pending = f_pending, .unmask = f_unmask,
	.fd = f_fd, .alive = f_alive,
};

static void dr_setup(void)
{
	unsigned i;

	memset(&hv, 0, sizeof(hv));
	xs_setup();
	for (i = 0; i < FAKE_PAGES; i++) {
		hv.pages[i].domid = 5 + i;
		hv.pages[i].gfn = 0x100 + i;
		hv.pages[i].page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		ck_assert_ptr_ne(hv.pages[i].page, MAP_FAILED);
	}
	ck_assert_int_eq(xsd_domrings_open(tx_x, &fake_ops, &hv, NULL, &dr), 0);
}

static void dr_teardown(void)
{
	unsigned i;

	xs_teardown();
	xsd_domrings_close(dr);
	dr = NULL;
	for (i = 0; i < FAKE_PAGES; i++)
		munmap(hv.pages[i].page, 4096);
}

static struct keel_xs_ring *page_of(uint32_t domid)
{
	return hv.pages[domid - 5].page;
}

/* Guest side: one request into req[]. */
static void guest_send(uint32_t domid, uint32_t type, uint32_t id,
		       const void *p, uint32_t len)
{
	struct keel_xs_ring *r = page_of(domid);
	struct keel_xs_msg_hdr h = { type, id, 0, len };
	uint32_t prod = r->req_prod, i;

	for (i = 0; i < sizeof(h); i++)
		r->req[KEEL_XS_RING_IDX(prod++)] = ((char *)&h)[i];
	for (i = 0; i < len; i++)
		r->req[KEEL_XS_RING_IDX(prod++)] = ((const char *)p)[i];
	__atomic_store_n(&r->req_prod, prod, __ATOMIC_RELEASE);
}

/* Guest side: the next message from rsp[]; its type, payload in @out. */
static int guest_recv(uint32_t domid, char *out)
{
	struct keel_xs_ring *r = page_of(domid);
	struct keel_xs_msg_hdr h;
	uint32_t cons = r->rsp_cons, i;

	if (r->rsp_prod - cons < sizeof(h))
		return -1;
	for (i = 0; i < sizeof(h); i++)
		((char *)&h)[i] = r->rsp[KEEL_XS_RING_IDX(cons++)];
	for (i = 0; i < h.len; i++)
		out[i] = r->rsp[KEEL_XS_RING_IDX(cons++)];
	out[h.len] = '\0';
	r->rsp_cons = cons;
	return (int)h.type;
}

static void raise_port(int port)
{
	hv.pendq[hv.npend++] = port;
}

static uint32_t local_port_of(uint32_t domid)
{
	unsigned p;

	for (p = 1; p < FAKE_PORTS; p++)
		if (hv.ports[p].bound && hv.ports[p].domid == domid)
			return p;
	return 0;
}

START_TEST(introduce_maps_binds_and_serves)
{
	struct tconn *d0 = tc_new(0, true);
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	uint32_t lp;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(hv.pages[0].maps, 1);
	lp = local_port_of(5);
	ck_assert_uint_ne(lp, 0);
	ck_assert_uint_eq(hv.ports[lp].remote, 9);
	ck_assert_uint_eq(xsd_domrings_count(dr), 1);
	ck_assert_int_eq(xsd_domrings_fd(dr), 42);

	guest_send(5, KEEL_XS_GET_DOMAIN_PATH, 1, "5", 2);
	raise_port((int)lp);
	xsd_domrings_events(dr);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_GET_DOMAIN_PATH);
	ck_assert_str_eq(out, "/local/domain/5");
	ck_assert_uint_gt(hv.ports[lp].notified, 0);
	ck_assert(!hv.ports[lp].masked);
}
END_TEST

START_TEST(map_failure_fails_introduce)
{
	struct tconn *d0 = tc_new(0, true);

	hv.map_err = -ESRCH;
	/* ESRCH has no name on the wire: the caller sees EINVAL */
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), -EINVAL);
	ck_assert_int_eq(local_port_of(5), 0);
	ck_assert_uint_eq(xsd_domrings_count(dr), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), -ENOENT);
}
END_TEST

START_TEST(unknown_gfn_fails_introduce)
{
	struct tconn *d0 = tc_new(0, true);

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 999 9"), -ENOENT);
	ck_assert_uint_eq(xsd_domrings_count(dr), 0);
}
END_TEST

START_TEST(bind_failure_unmaps)
{
	struct tconn *d0 = tc_new(0, true);

	hv.bind_err = -EINVAL;
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), -EINVAL);
	ck_assert_int_eq(hv.pages[0].maps, 0);
	ck_assert_uint_eq(xsd_domrings_count(dr), 0);
	hv.bind_err = 0;
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
}
END_TEST

START_TEST(release_unbinds_unmaps_and_fires)
{
	struct tconn *d0 = tc_new(0, true);
	uint32_t lp;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	lp = local_port_of(5);
	ck_assert_int_eq(tc_watch(d0, "@releaseDomain", "rel"), 0);
	ck_assert_ptr_nonnull(tc_event(d0));    /* the initial event */
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), 0);
	tc_pump();                              /* the loop's reap */
	ck_assert(!hv.ports[lp].bound);
	ck_assert_int_eq(hv.pages[0].maps, 0);
	ck_assert_uint_eq(xsd_domrings_count(dr), 0);
	ck_assert_str_eq(tc_event(d0), "@releaseDomain rel");
}
END_TEST

START_TEST(vanished_domain_is_released)
{
	struct tconn *d0 = tc_new(0, true);
	uint32_t lp5;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "6 257 9"), 0);
	lp5 = local_port_of(5);
	ck_assert_int_eq(tc_watch(d0, "@releaseDomain", "rel"), 0);
	ck_assert_ptr_nonnull(tc_event(d0));
	ck_assert_uint_eq(xsd_domrings_check(dr), 0);
	hv.gone[5] = true;
	ck_assert_uint_eq(xsd_domrings_check(dr), 1);
	tc_pump();
	ck_assert(!hv.ports[lp5].bound);
	ck_assert_int_eq(hv.pages[0].maps, 0);
	ck_assert_int_eq(hv.pages[1].maps, 1);
	ck_assert_uint_eq(xsd_domrings_count(dr), 1);
	ck_assert_str_eq(tc_event(d0), "@releaseDomain rel");
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_IS_DOMAIN_INTRODUCED, "5"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), -ENOENT);
	ck_assert_uint_eq(xsd_domrings_check(dr), 0);
}
END_TEST

START_TEST(guest_gets_domain_permissions)
{
	struct tconn *d0 = tc_new(0, true);
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	uint32_t lp;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", "n5"), 0);
	lp = local_port_of(5);
	guest_send(5, KEEL_XS_WRITE, 1, "/top\0x", 6);
	guest_send(5, KEEL_XS_WRITE, 2, "data/k\0v", 8);
	raise_port((int)lp);
	xsd_domrings_events(dr);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_ERROR);
	ck_assert_str_eq(out, "EACCES");
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_WRITE);
	ck_assert_int_eq(tc_read(d0, 0, "/local/domain/5/data/k", out), 0);
	ck_assert_str_eq(out, "v");
}
END_TEST

START_TEST(guest_gets_domain_quotas)
{
	struct xsd_config cfg;
	struct tconn *d0;
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	uint32_t lp;

	/* reopen with a node quota of 2 for domains */
	xs_teardown();
	xsd_domrings_close(dr);
	xsd_config_default(&cfg);
	cfg.quota.nodes = 2;
	xs_open_with(&cfg);
	ck_assert_int_eq(xsd_domrings_open(tx_x, &fake_ops, &hv, NULL, &dr), 0);
	d0 = tc_new(0, true);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", "n5"), 0);
	lp = local_port_of(5);
	guest_send(5, KEEL_XS_WRITE, 1, "a\0x", 3);
	guest_send(5, KEEL_XS_WRITE, 2, "b\0x", 3);
	raise_port((int)lp);
	xsd_domrings_events(dr);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_WRITE);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_ERROR);
	ck_assert_str_eq(out, "ENOSPC");
}
END_TEST

START_TEST(requests_before_introduce_are_served)
{
	struct tconn *d0 = tc_new(0, true);
	char out[KEEL_XS_PAYLOAD_MAX + 1];

	guest_send(5, KEEL_XS_GET_DOMAIN_PATH, 1, "5", 2);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(guest_recv(5, out), -1);
	ck_assert(!xsd_domrings_resume(dr));
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_GET_DOMAIN_PATH);
	ck_assert_str_eq(out, "/local/domain/5");
}
END_TEST

START_TEST(unknown_port_is_unmasked_and_ignored)
{
	raise_port(13);
	raise_port(-EFBIG);
	xsd_domrings_events(dr);
	ck_assert_uint_eq(hv.unmasks, 1);
	ck_assert(!hv.ports[13].masked);
	ck_assert_uint_eq(hv.pend_off, 2);
}
END_TEST

START_TEST(broken_ring_is_dropped_others_continue)
{
	struct tconn *d0 = tc_new(0, true);
	char out[KEEL_XS_PAYLOAD_MAX + 1];
	uint32_t lp5, lp6;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "6 257 9"), 0);
	lp5 = local_port_of(5);
	lp6 = local_port_of(6);
	page_of(5)->req_prod = page_of(5)->req_cons + KEEL_XS_RING_SIZE + 7;
	guest_send(6, KEEL_XS_GET_DOMAIN_PATH, 1, "6", 2);
	raise_port((int)lp5);
	raise_port((int)lp6);
	xsd_domrings_events(dr);
	tc_pump();
	ck_assert_uint_eq(page_of(5)->error, KEEL_XS_RING_ERR_RINGIDX);
	ck_assert(!hv.ports[lp5].bound);
	ck_assert_int_eq(hv.pages[0].maps, 0);
	ck_assert_int_eq(guest_recv(6, out), KEEL_XS_GET_DOMAIN_PATH);
	ck_assert_str_eq(out, "/local/domain/6");
	/* still introduced until released */
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), 0);
}
END_TEST

START_TEST(close_unbinds_and_unmaps)
{
	struct tconn *d0 = tc_new(0, true);
	uint32_t lp;

	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	lp = local_port_of(5);
	xsd_close(tx_x);
	tx_x = NULL;
	ck_assert(!hv.ports[lp].bound);
	ck_assert_int_eq(hv.pages[0].maps, 0);
	ck_assert_uint_eq(xsd_domrings_count(dr), 0);
	xs_setup();   /* for the teardown */
}
END_TEST

/* Guest side: a request with a transaction id. */
static void guest_send_tx(uint32_t domid, uint32_t type, uint32_t id,
			  uint32_t tx, const void *p, uint32_t len)
{
	struct keel_xs_ring *r = page_of(domid);
	struct keel_xs_msg_hdr h = { type, id, tx, len };
	uint32_t prod = r->req_prod, i;

	for (i = 0; i < sizeof(h); i++)
		r->req[KEEL_XS_RING_IDX(prod++)] = ((char *)&h)[i];
	for (i = 0; i < len; i++)
		r->req[KEEL_XS_RING_IDX(prod++)] = ((const char *)p)[i];
	__atomic_store_n(&r->req_prod, prod, __ATOMIC_RELEASE);
}

/* A daemon on a log database in @dir, with the fake rings. */
static void open_on_log(const char *dir)
{
	char path[128];
	struct xsd_db *db;

	snprintf(path, sizeof(path), "%s/tdb", dir);
	ck_assert_int_eq(xsd_db_open_log(path, 0, 0, NULL, &db), 0);
	ck_assert_int_eq(xsd_open(db, NULL, NULL, &tx_x), 0);
	ck_assert_int_eq(xsd_domrings_open(tx_x, &fake_ops, &hv, NULL, &dr), 0);
}

/* kill -9 of the daemon with a guest connected, then a new daemon on the
 * same database: the guest's ring is mapped and its port bound again, its
 * watch still fires, nothing spurious is sent, and a transaction of the
 * old daemon answers EAGAIN. */
START_TEST(restart_reconnects_guest_rings)
{
	char dir[] = "/tmp/xs-restart-XXXXXX", out[KEEL_XS_PAYLOAD_MAX + 1];
	struct tconn *d0;
	uint32_t lp;
	unsigned p;
	int type;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xsd_close(tx_x);              /* the fixture's in-memory daemon */
	xsd_domrings_close(dr);
	open_on_log(dir);
	d0 = tc_new(0, true);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	ck_assert_int_eq(tc_mkdir(d0, 0, "/local/domain/5"), 0);
	ck_assert_int_eq(tc_setperms(d0, 0, "/local/domain/5", "n5"), 0);
	lp = local_port_of(5);
	guest_send(5, KEEL_XS_WATCH, 1, "data\0tok", 9);
	guest_send(5, KEEL_XS_TRANSACTION_START, 2, "", 1);
	raise_port((int)lp);
	xsd_domrings_events(dr);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_WATCH);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_WATCH_EVENT);
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_TRANSACTION_START);
	ck_assert_str_eq(out, "1");

	/* kill -9: nothing is closed; the hypervisor closes the daemon's
	 * ports (the guest's goes back to unbound) and drops its mappings */
	for (p = 1; p < FAKE_PORTS; p++)
		hv.ports[p].bound = false;
	hv.pages[0].maps = 0;
	tx_x = NULL;
	dr = NULL;

	open_on_log(dir);
	ck_assert_int_eq(xsd_restore(tx_x), 1);
	ck_assert_int_eq(hv.pages[0].maps, 1);
	lp = local_port_of(5);
	ck_assert_uint_ne(lp, 0);
	ck_assert_uint_eq(hv.ports[lp].remote, 9);
	ck_assert_int_eq(guest_recv(5, out), -1);   /* nothing spurious */
	d0 = tc_new(0, true);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_IS_DOMAIN_INTRODUCED, "5"), 0);
	ck_assert_int_eq(tc_write(d0, 0, "/local/domain/5/data/x", "1"), 0);
	xsd_domrings_resume(dr);
	tc_pump();
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_WATCH_EVENT);
	ck_assert_str_eq(out, "data/x");
	/* the old daemon's transaction: EAGAIN; a new one works */
	guest_send_tx(5, KEEL_XS_READ, 3, 1, "data/x", 7);
	guest_send(5, KEEL_XS_TRANSACTION_START, 4, "", 1);
	raise_port((int)lp);
	xsd_domrings_events(dr);
	type = guest_recv(5, out);
	ck_assert_int_eq(type, KEEL_XS_ERROR);
	ck_assert_str_eq(out, "EAGAIN");
	ck_assert_int_eq(guest_recv(5, out), KEEL_XS_TRANSACTION_START);
	/* RELEASE forgets it: a further restart does not bring it back */
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), 0);
	tc_pump();
	tx_x = NULL;
	dr = NULL;
	open_on_log(dir);
	ck_assert_int_eq(xsd_restore(tx_x), 0);
	{
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

/* A recorded domain that is gone by the restart is forgotten. */
START_TEST(restart_forgets_vanished_domain)
{
	char dir[] = "/tmp/xs-restart-XXXXXX", cmd[64];
	struct tconn *d0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	xsd_close(tx_x);
	xsd_domrings_close(dr);
	open_on_log(dir);
	d0 = tc_new(0, true);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_INTRODUCE, "5 256 9"), 0);
	tx_x = NULL;
	dr = NULL;
	hv.map_err = -ESRCH;          /* its page cannot be mapped any more */
	open_on_log(dir);
	ck_assert_int_eq(xsd_restore(tx_x), 0);
	hv.map_err = 0;
	d0 = tc_new(0, true);
	ck_assert_int_eq(tc_simple(d0, KEEL_XS_RELEASE, "5"), -ENOENT);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

Suite *suite_domring(void)
{
	Suite *s = suite_create("domring");
	TCase *tc = tcase_create("domring");

	tcase_add_checked_fixture(tc, dr_setup, dr_teardown);
	tcase_add_test(tc, introduce_maps_binds_and_serves);
	tcase_add_test(tc, map_failure_fails_introduce);
	tcase_add_test(tc, unknown_gfn_fails_introduce);
	tcase_add_test(tc, bind_failure_unmaps);
	tcase_add_test(tc, release_unbinds_unmaps_and_fires);
	tcase_add_test(tc, vanished_domain_is_released);
	tcase_add_test(tc, guest_gets_domain_permissions);
	tcase_add_test(tc, guest_gets_domain_quotas);
	tcase_add_test(tc, requests_before_introduce_are_served);
	tcase_add_test(tc, unknown_port_is_unmasked_and_ignored);
	tcase_add_test(tc, broken_ring_is_dropped_others_continue);
	tcase_add_test(tc, close_unbinds_and_unmaps);
	tcase_add_test(tc, restart_reconnects_guest_rings);
	tcase_add_test(tc, restart_forgets_vanished_domain);
	suite_add_tcase(s, tc);
	return s;
}
