/*
 * libkeelctl's domain, memory, event-channel and grant API behind a fake
 * hypervisor: each function's request, its result, and every error it can
 * return.  The device-only paths (mappings, /dev/keel/evtchn, gntdev) are
 * covered here only for their argument checks and a missing device; the
 * booted-dom0 test (keel-selftest-dom) covers the rest.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "tests.h"

static struct fake_hv fake;
static struct keel_ctl *h;

/* What the fake saw and answers, beyond struct fake_hv. */
static struct {
	struct keel_domctl domctl;        /* last domctl request */
	struct keel_domctl reply;         /* written back when reply_set */
	int reply_set;
	int domctl_calls;
	int eagain;                       /* answer -EAGAIN this many times */
	/* memory_op */
	int nr_calls;
	size_t extents[8];                /* per call */
	uint64_t first_gfn[8];
	int64_t answer[8];                /* per call; 0 = all done */
	int answer_set;
	/* event channel */
	struct keel_evtchn_alloc_unbound unbound;
	uint32_t port_reply;
	/* physinfo */
	uint64_t free_pages;
} fk;

static int fill(struct fake_hv *f, struct keel_ioctl_hypercall *hc)
{
	switch (hc->op) {
	case KEEL_HC_domctl: {
		struct keel_domctl *d = (void *)(uintptr_t)hc->arg[0];

		fk.domctl = *d;
		fk.domctl_calls++;
		if (fk.eagain > 0) {
			fk.eagain--;
			hc->result = -EAGAIN;
			return 0;
		}
		if (f->result < 0) {
			hc->result = f->result;
			return 0;
		}
		if (fk.reply_set)
			*d = fk.reply;
		hc->result = 0;
		return 0;
	}
	case KEEL_HC_memory_op:
		if (hc->arg[0] == KEEL_MEMOP_populate_physmap ||
		    hc->arg[0] == KEEL_MEMOP_decrease_reservation) {
			struct keel_memory_reservation *r =
				(void *)(uintptr_t)hc->arg[1];
			uint64_t *g = (void *)(uintptr_t)hc->arg[3];
			int i = fk.nr_calls++;

			if (i < 8) {
				fk.extents[i] = r->nr_extents;
				fk.first_gfn[i] = g[0];
			}
			if (fk.answer_set && i < 8 && fk.answer[i])
				hc->result = fk.answer[i];
			else
				hc->result = (int64_t)r->nr_extents;
			g[0] = 0xdead;   /* the device copies buffers back */
			return 0;
		}
		hc->result = f->result;
		return 0;
	case KEEL_HC_event_channel: {
		struct keel_evtchn_alloc_unbound *u = (void *)(uintptr_t)hc->arg[1];

		fk.unbound = *u;
		u->port = fk.port_reply;
		hc->result = f->result;
		return 0;
	}
	case KEEL_HC_sysctl: {
		struct keel_physinfo *p = (void *)(uintptr_t)hc->arg[1];

		p->free_pages = fk.free_pages;
		hc->result = f->result;
		return 0;
	}
	default:
		hc->result = -ENOSYS;
		return 0;
	}
}

static void setup(void)
{
	memset(&fake, 0, sizeof(fake));
	memset(&fk, 0, sizeof(fk));
	fake.fill = fill;
	h = keel_ctl_open_backend(NULL, fake_backend, &fake);
	ck_assert_ptr_nonnull(h);
}

static void teardown(void)
{
	keel_ctl_close(h);
	h = NULL;
}

static void assert_domctl_call(uint32_t cmd, uint16_t domid)
{
	ck_assert_uint_eq(fake.last.op, KEEL_HC_domctl);
	ck_assert_uint_eq(fake.last.len[0], sizeof(struct keel_domctl));
	ck_assert_uint_eq(fake.last.arg[1], sizeof(struct keel_domctl));
	ck_assert_uint_eq(fake.last.len[1], 0);
	ck_assert_uint_eq(fk.domctl.cmd, cmd);
	ck_assert_uint_eq(fk.domctl.domid, domid);
	ck_assert_uint_eq(fk.domctl.pad, 0);
}

/* ---- domctl ---------------------------------------------------------- */

START_TEST(create_request_and_domid)
{
	uint16_t domid = 0;

	fk.reply_set = 1;
	fk.reply.domid = 7;
	ck_assert_int_eq(keel_domain_create(h, 4096, 2, &domid), 0);
	assert_domctl_call(KEEL_DOMCTL_create, 0);
	ck_assert_uint_eq(fk.domctl.u.create.max_pages, 4096);
	ck_assert_uint_eq(fk.domctl.u.create.nr_vcpus, 2);
	ck_assert_uint_eq(fk.domctl.u.create.flags, 0);
	ck_assert_uint_eq(domid, 7);
}
END_TEST

START_TEST(create_error_leaves_domid)
{
	uint16_t domid = 99;

	fake.result = -ENOMEM;
	ck_assert_int_eq(keel_domain_create(h, 1u << 30, 1, &domid), -ENOMEM);
	ck_assert_uint_eq(domid, 99);
}
END_TEST

START_TEST(create_invalid_domid_from_hypervisor_eio)
{
	uint16_t domid = 99;

	fk.reply_set = 1;
	fk.reply.domid = 0;
	ck_assert_int_eq(keel_domain_create(h, 16, 1, &domid), -EIO);
	fk.reply.domid = KEEL_DOMID_SELF;
	ck_assert_int_eq(keel_domain_create(h, 16, 1, &domid), -EIO);
	ck_assert_uint_eq(domid, 99);
}
END_TEST

START_TEST(create_device_error)
{
	uint16_t domid;

	fake.dev_err = -EACCES;
	ck_assert_int_eq(keel_domain_create(h, 16, 1, &domid), -EACCES);
}
END_TEST

START_TEST(destroy_pause_unpause_requests)
{
	ck_assert_int_eq(keel_domain_destroy(h, 3), 0);
	assert_domctl_call(KEEL_DOMCTL_destroy, 3);
	ck_assert_int_eq(keel_domain_pause(h, 4), 0);
	assert_domctl_call(KEEL_DOMCTL_pause, 4);
	ck_assert_int_eq(keel_domain_unpause(h, 5), 0);
	assert_domctl_call(KEEL_DOMCTL_unpause, 5);
}
END_TEST

/* The hypervisor gives a large domain's memory back over several destroy
 * calls, answering -EAGAIN until the last (issue 11, finding 1). */
START_TEST(destroy_calls_again_while_eagain)
{
	fk.eagain = 3;
	ck_assert_int_eq(keel_domain_destroy(h, 3), 0);
	ck_assert_int_eq(fk.domctl_calls, 4);
	assert_domctl_call(KEEL_DOMCTL_destroy, 3);
}
END_TEST

START_TEST(destroy_pause_unpause_errors)
{
	fake.result = -ESRCH;
	ck_assert_int_eq(keel_domain_destroy(h, 3), -ESRCH);
	fake.result = -EPERM;
	ck_assert_int_eq(keel_domain_pause(h, 0), -EPERM);
	fake.result = -EINVAL;
	ck_assert_int_eq(keel_domain_unpause(h, 5), -EINVAL);
}
END_TEST

START_TEST(getinfo_copies_info)
{
	struct keel_dominfo info;

	fk.reply_set = 1;
	fk.reply.domid = 2;
	fk.reply.u.info.domid = 2;
	fk.reply.u.info.nr_pages = 16;
	fk.reply.u.info.flags = KEEL_DOMINF_paused;
	ck_assert_int_eq(keel_domain_getinfo(h, 2, &info), 0);
	assert_domctl_call(KEEL_DOMCTL_getinfo, 2);
	ck_assert_uint_eq(info.domid, 2);
	ck_assert_uint_eq(info.nr_pages, 16);
	ck_assert_uint_eq(info.flags, KEEL_DOMINF_paused);
}
END_TEST

START_TEST(getinfo_next_request_and_end)
{
	struct keel_dominfo info;

	fk.reply_set = 1;
	fk.reply.u.info.domid = 9;
	ck_assert_int_eq(keel_domain_getinfo_next(h, 4, &info), 0);
	assert_domctl_call(KEEL_DOMCTL_getinfo_next, 4);
	ck_assert_uint_eq(info.domid, 9);
	fake.result = -ESRCH;
	info.domid = 55;
	ck_assert_int_eq(keel_domain_getinfo_next(h, 10, &info), -ESRCH);
	ck_assert_uint_eq(info.domid, 55);
}
END_TEST

START_TEST(getinfo_esrch)
{
	struct keel_dominfo info;

	fake.result = -ESRCH;
	ck_assert_int_eq(keel_domain_getinfo(h, 77, &info), -ESRCH);
}
END_TEST

START_TEST(set_max_mem_request_and_error)
{
	ck_assert_int_eq(keel_domain_set_max_mem(h, 6, 1234), 0);
	assert_domctl_call(KEEL_DOMCTL_set_max_mem, 6);
	ck_assert_uint_eq(fk.domctl.u.max_mem.max_pages, 1234);
	fake.result = -EINVAL;
	ck_assert_int_eq(keel_domain_set_max_mem(h, 6, 0), -EINVAL);
}
END_TEST

START_TEST(set_vcpu_context_request_and_errors)
{
	ck_assert_int_eq(keel_domain_set_vcpu_context(h, 8, 1, 0x100000,
						      0x2000, 0x21), 0);
	assert_domctl_call(KEEL_DOMCTL_set_vcpu_context, 8);
	ck_assert_uint_eq(fk.domctl.u.vcpu_context.vcpu, 1);
	ck_assert_uint_eq(fk.domctl.u.vcpu_context.pad, 0);
	ck_assert_uint_eq(fk.domctl.u.vcpu_context.rip, 0x100000);
	ck_assert_uint_eq(fk.domctl.u.vcpu_context.rbx, 0x2000);
	ck_assert_uint_eq(fk.domctl.u.vcpu_context.shared_info_gfn, 0x21);
	fake.result = -EBUSY;
	ck_assert_int_eq(keel_domain_set_vcpu_context(h, 8, 0, 1, 2, 3), -EBUSY);
	fake.result = -EINVAL;
	ck_assert_int_eq(keel_domain_set_vcpu_context(h, 8, 9, 1, 2, 3), -EINVAL);
}
END_TEST

START_TEST(sched_credit_get_request_and_values)
{
	uint32_t w = 0, c = 0;

	fk.reply_set = 1;
	fk.reply.u.sched.weight = 300;
	fk.reply.u.sched.cap = 40;
	ck_assert_int_eq(keel_sched_credit_get(h, 3, &w, &c), 0);
	assert_domctl_call(KEEL_DOMCTL_sched_credit, 3);
	ck_assert_uint_eq(fk.domctl.u.sched.op, KEEL_SCHED_GET);
	ck_assert_uint_eq(w, 300);
	ck_assert_uint_eq(c, 40);
}
END_TEST

START_TEST(sched_credit_get_error_leaves_outputs)
{
	uint32_t w = 1, c = 2;

	fake.result = -ESRCH;
	ck_assert_int_eq(keel_sched_credit_get(h, 3, &w, &c), -ESRCH);
	ck_assert_uint_eq(w, 1);
	ck_assert_uint_eq(c, 2);
}
END_TEST

START_TEST(sched_credit_set_request_and_error)
{
	ck_assert_int_eq(keel_sched_credit_set(h, 3, 512, 25), 0);
	assert_domctl_call(KEEL_DOMCTL_sched_credit, 3);
	ck_assert_uint_eq(fk.domctl.u.sched.op, KEEL_SCHED_SET);
	ck_assert_uint_eq(fk.domctl.u.sched.weight, 512);
	ck_assert_uint_eq(fk.domctl.u.sched.cap, 25);
	fake.result = -EINVAL;
	ck_assert_int_eq(keel_sched_credit_set(h, 3, 0, 101), -EINVAL);
}
END_TEST

/* ---- memory_op ------------------------------------------------------- */

START_TEST(populate_request)
{
	static const uint64_t gfns[3] = { 10, 11, 12 };   /* read-only */

	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 3), 3);
	ck_assert_uint_eq(fake.last.op, KEEL_HC_memory_op);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_MEMOP_populate_physmap);
	ck_assert_uint_eq(fake.last.len[1], sizeof(struct keel_memory_reservation));
	ck_assert_uint_eq(fake.last.arg[2], sizeof(struct keel_memory_reservation));
	ck_assert_uint_eq(fake.last.len[3], 3 * sizeof(uint64_t));
	ck_assert_uint_eq(fake.last.arg[4], 3 * sizeof(uint64_t));
	ck_assert_uint_eq(fk.extents[0], 3);
	ck_assert_uint_eq(fk.first_gfn[0], 10);
	ck_assert_uint_eq(gfns[0], 10);   /* the caller's array is not written */
}
END_TEST

START_TEST(populate_zero_pages_no_call)
{
	uint64_t g = 1;

	ck_assert_int_eq(keel_memory_populate(h, 4, &g, 0), 0);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(populate_null_array_einval)
{
	ck_assert_int_eq(keel_memory_populate(h, 4, NULL, 2), -EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(populate_splits_into_chunks)
{
	enum { N = 2 * KEEL_MEMOP_MAX_EXTENTS + 616 };
	static uint64_t gfns[N];
	size_t i;

	for (i = 0; i < N; i++)
		gfns[i] = i;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, N), N);
	ck_assert_int_eq(fk.nr_calls, 3);
	ck_assert_uint_eq(fk.extents[0], KEEL_MEMOP_MAX_EXTENTS);
	ck_assert_uint_eq(fk.extents[1], KEEL_MEMOP_MAX_EXTENTS);
	ck_assert_uint_eq(fk.extents[2], N - 2 * KEEL_MEMOP_MAX_EXTENTS);
	ck_assert_uint_eq(fk.first_gfn[1], KEEL_MEMOP_MAX_EXTENTS);
	ck_assert_uint_eq(fk.first_gfn[2], 2 * KEEL_MEMOP_MAX_EXTENTS);
	/* each call's buffer fits the device's bounce-buffer limit */
	ck_assert_uint_le(KEEL_MEMOP_MAX_EXTENTS * sizeof(uint64_t),
			  KEEL_PRIVCMD_BUF_MAX);
}
END_TEST

START_TEST(populate_partial_stops)
{
	static uint64_t gfns[20000];

	fk.answer_set = 1;
	fk.answer[1] = 5;   /* second chunk: only 5 done */
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 20000),
			 KEEL_MEMOP_MAX_EXTENTS + 5);
	ck_assert_int_eq(fk.nr_calls, 2);
}
END_TEST

START_TEST(populate_first_fails_returns_error)
{
	uint64_t gfns[2] = { 1, 2 };

	fk.answer_set = 1;
	fk.answer[0] = -ENOSPC;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 2), -ENOSPC);
	fk.nr_calls = 0;
	fk.answer[0] = -EEXIST;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 2), -EEXIST);
	fk.nr_calls = 0;
	fk.answer[0] = -ENOMEM;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 2), -ENOMEM);
	fk.nr_calls = 0;
	fk.answer[0] = -ESRCH;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 2), -ESRCH);
}
END_TEST

START_TEST(populate_error_in_later_chunk_returns_done)
{
	static uint64_t gfns[10000];

	fk.answer_set = 1;
	fk.answer[1] = -ENOMEM;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 10000),
			 KEEL_MEMOP_MAX_EXTENTS);
}
END_TEST

START_TEST(populate_overlong_count_eio)
{
	uint64_t gfns[2] = { 1, 2 };

	fk.answer_set = 1;
	fk.answer[0] = 3;
	ck_assert_int_eq(keel_memory_populate(h, 4, gfns, 2), -EIO);
}
END_TEST

START_TEST(populate_device_error)
{
	uint64_t g = 1;

	fake.dev_err = -EFAULT;
	ck_assert_int_eq(keel_memory_populate(h, 4, &g, 1), -EFAULT);
}
END_TEST

START_TEST(decrease_request_and_errors)
{
	uint64_t gfns[2] = { 5, 6 };

	ck_assert_int_eq(keel_memory_decrease(h, 4, gfns, 2), 2);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_MEMOP_decrease_reservation);
	fk.answer_set = 1;
	fk.nr_calls = 0;
	fk.answer[0] = -ENOENT;
	ck_assert_int_eq(keel_memory_decrease(h, 4, gfns, 2), -ENOENT);
	fk.nr_calls = 0;
	fk.answer[0] = -EBUSY;
	ck_assert_int_eq(keel_memory_decrease(h, 4, gfns, 2), -EBUSY);
	fk.nr_calls = 0;
	fk.answer[0] = 1;
	ck_assert_int_eq(keel_memory_decrease(h, 4, gfns, 2), 1);
}
END_TEST

START_TEST(current_and_maximum_requests)
{
	fake.result = 16;
	ck_assert_int_eq(keel_memory_current(h, 3), 16);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_MEMOP_current_reservation);
	ck_assert_uint_eq(fake.last.arg[1], 3);
	ck_assert_uint_eq(fake.last.len[1], 0);
	fake.result = 64;
	ck_assert_int_eq(keel_memory_maximum(h, 3), 64);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_MEMOP_maximum_reservation);
}
END_TEST

START_TEST(current_and_maximum_errors)
{
	fake.result = -ESRCH;
	ck_assert_int_eq(keel_memory_current(h, 3), -ESRCH);
	ck_assert_int_eq(keel_memory_maximum(h, 3), -ESRCH);
	fake.dev_err = -ENOMEM;
	ck_assert_int_eq(keel_memory_current(h, 3), -ENOMEM);
}
END_TEST

START_TEST(free_memory_pages_from_physinfo)
{
	fk.free_pages = 123456;
	ck_assert_int_eq(keel_free_memory_pages(h), 123456);
	ck_assert_uint_eq(fake.last.op, KEEL_HC_sysctl);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_SYSCTL_PHYSINFO);
}
END_TEST

START_TEST(free_memory_pages_errors)
{
	fake.result = -EPERM;
	ck_assert_int_eq(keel_free_memory_pages(h), -EPERM);
	fake.result = 0;
	fk.free_pages = ~0ull;
	ck_assert_int_eq(keel_free_memory_pages(h), -EOVERFLOW);
}
END_TEST

/* ---- alloc_unbound_for ----------------------------------------------- */

START_TEST(alloc_unbound_for_request_and_port)
{
	fk.port_reply = 5;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), 5);
	ck_assert_uint_eq(fake.last.op, KEEL_HC_event_channel);
	ck_assert_uint_eq(fake.last.arg[0], KEEL_EVTCHNOP_alloc_unbound);
	ck_assert_uint_eq(fake.last.len[1], sizeof(struct keel_evtchn_alloc_unbound));
	ck_assert_uint_eq(fake.last.arg[2], sizeof(struct keel_evtchn_alloc_unbound));
	ck_assert_uint_eq(fk.unbound.dom, 3);
	ck_assert_uint_eq(fk.unbound.remote_dom, 0);
}
END_TEST

START_TEST(alloc_unbound_for_errors)
{
	fake.result = -ENOSPC;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), -ENOSPC);
	fake.result = -ESRCH;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), -ESRCH);
	fake.result = -EPERM;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), -EPERM);
}
END_TEST

START_TEST(alloc_unbound_for_bad_port_eio)
{
	fk.port_reply = 0;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), -EIO);
	fk.port_reply = KEEL_NR_EVENT_CHANNELS;
	ck_assert_int_eq(keel_evtchn_alloc_unbound_for(h, 3, 0), -EIO);
}
END_TEST

/* ---- device-only paths: argument checks ------------------------------- */

START_TEST(map_foreign_bad_arguments_einval)
{
	uint64_t g = 0;

	errno = 0;
	ck_assert_ptr_null(keel_map_foreign(h, 1, NULL, 1, PROT_READ));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(keel_map_foreign(h, 1, &g, 0, PROT_READ));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(keel_map_foreign(h, 1, &g, 1, PROT_WRITE));
	ck_assert_int_eq(errno, EINVAL);
	errno = 0;
	ck_assert_ptr_null(keel_map_foreign(h, 1, &g, 1, PROT_READ | PROT_EXEC));
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_int_eq(fake.calls, 0);
}
END_TEST

START_TEST(map_foreign_without_device_enodev)
{
	uint64_t g = 0;

	errno = 0;
	ck_assert_ptr_null(keel_map_foreign(h, 1, &g, 1, PROT_READ));
	ck_assert_int_eq(errno, ENODEV);
}
END_TEST

START_TEST(unmap_foreign_bad_arguments_einval)
{
	char c;

	ck_assert_int_eq(keel_unmap_foreign(h, NULL, 1), -EINVAL);
	ck_assert_int_eq(keel_unmap_foreign(h, &c, 0), -EINVAL);
}
END_TEST

START_TEST(evtchn_open_bad_flags_einval)
{
	errno = 0;
	ck_assert_ptr_null(keel_evtchn_open(NULL, 1u << 7));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(evtchn_open_without_device_fails_with_errno)
{
	/* Added only where the device is not there (libdom_suite). */
	ck_assert_ptr_null(keel_evtchn_open(NULL, KEEL_EVTCHN_QUIET));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(gnt_open_bad_flags_einval)
{
	errno = 0;
	ck_assert_ptr_null(keel_gnt_open(NULL, 1u << 7));
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

START_TEST(gnt_open_without_device_fails_with_errno)
{
	/* Added only where the device is not there (libdom_suite). */
	ck_assert_ptr_null(keel_gnt_open(NULL, KEEL_GNT_QUIET));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(close_null_handles_ok)
{
	keel_evtchn_close(NULL);
	keel_gnt_close(NULL);
}
END_TEST

START_TEST(public_dom0_ioctl_structs)
{
	ck_assert_uint_eq(sizeof(struct keel_ioctl_mmap_foreign), 32);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_mmap_foreign, count), 24);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_mmap_foreign, flags), 30);
	ck_assert_uint_eq(sizeof(struct keel_ioctl_gntdev_map_grant), 16);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_gntdev_map_grant, index), 8);
	ck_assert_uint_eq(sizeof(struct keel_ioctl_evtchn_alloc_unbound_for), 8);
	/* distinct ioctl numbers across the three devices */
	ck_assert_uint_ne(KEEL_IOCTL_MMAP_FOREIGN, KEEL_IOCTL_HYPERCALL);
	ck_assert_uint_ne(KEEL_IOCTL_EVTCHN_NOTIFY, KEEL_IOCTL_EVTCHN_UNBIND);
	ck_assert_uint_ne(KEEL_IOCTL_GNTDEV_MAP_GRANT, KEEL_IOCTL_EVTCHN_BIND_VIRQ);
}
END_TEST

Suite *libdom_suite(void)
{
	Suite *s = suite_create("libkeelctl-domains");
	TCase *tc = tcase_create("domctl");
	TCase *tm = tcase_create("memory");
	TCase *td = tcase_create("devices");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, create_request_and_domid);
	tcase_add_test(tc, create_error_leaves_domid);
	tcase_add_test(tc, create_invalid_domid_from_hypervisor_eio);
	tcase_add_test(tc, create_device_error);
	tcase_add_test(tc, destroy_pause_unpause_requests);
	tcase_add_test(tc, destroy_calls_again_while_eagain);
	tcase_add_test(tc, destroy_pause_unpause_errors);
	tcase_add_test(tc, getinfo_copies_info);
	tcase_add_test(tc, getinfo_next_request_and_end);
	tcase_add_test(tc, getinfo_esrch);
	tcase_add_test(tc, set_max_mem_request_and_error);
	tcase_add_test(tc, set_vcpu_context_request_and_errors);
	tcase_add_test(tc, sched_credit_get_request_and_values);
	tcase_add_test(tc, sched_credit_get_error_leaves_outputs);
	tcase_add_test(tc, sched_credit_set_request_and_error);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(tm, setup, teardown);
	tcase_add_test(tm, populate_request);
	tcase_add_test(tm, populate_zero_pages_no_call);
	tcase_add_test(tm, populate_null_array_einval);
	tcase_add_test(tm, populate_splits_into_chunks);
	tcase_add_test(tm, populate_partial_stops);
	tcase_add_test(tm, populate_first_fails_returns_error);
	tcase_add_test(tm, populate_error_in_later_chunk_returns_done);
	tcase_add_test(tm, populate_overlong_count_eio);
	tcase_add_test(tm, populate_device_error);
	tcase_add_test(tm, decrease_request_and_errors);
	tcase_add_test(tm, current_and_maximum_requests);
	tcase_add_test(tm, current_and_maximum_errors);
	tcase_add_test(tm, free_memory_pages_from_physinfo);
	tcase_add_test(tm, free_memory_pages_errors);
	tcase_add_test(tm, alloc_unbound_for_request_and_port);
	tcase_add_test(tm, alloc_unbound_for_errors);
	tcase_add_test(tm, alloc_unbound_for_bad_port_eio);
	suite_add_tcase(s, tm);

	tcase_add_checked_fixture(td, setup, teardown);
	tcase_add_test(td, map_foreign_bad_arguments_einval);
	tcase_add_test(td, map_foreign_without_device_enodev);
	tcase_add_test(td, unmap_foreign_bad_arguments_einval);
	tcase_add_test(td, evtchn_open_bad_flags_einval);
	tcase_add_test_no_device(td, evtchn_open_without_device_fails_with_errno,
				 KEEL_EVTCHN_DEV_PATH);
	tcase_add_test(td, gnt_open_bad_flags_einval);
	tcase_add_test_no_device(td, gnt_open_without_device_fails_with_errno,
				 KEEL_GNTDEV_PATH);
	tcase_add_test(td, close_null_handles_ok);
	tcase_add_test(td, public_dom0_ioctl_structs);
	suite_add_tcase(s, td);
	return s;
}
