/* keel.ko's request checks, compiled from the module's own header. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "tests.h"
#include "privcmd_check.h"

#include <public/console.h>
#include <public/domctl.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/mmu.h>
#include <public/sysctl.h>
#include <public/version.h>

static struct keel_ioctl_hypercall req(uint64_t op)
{
	struct keel_ioctl_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	hc.op = op;
	return hc;
}

/* Argument i is a user buffer of len bytes (the address is never read). */
static void buf(struct keel_ioctl_hypercall *hc, int i, uint32_t len)
{
	hc->arg[i] = 0x7f0000001000ull + (uint64_t)i * 0x10000;
	hc->len[i] = len;
}

START_TEST(zero_request_ok)
{
	struct keel_ioctl_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(pad_nonzero_einval)
{
	struct keel_ioctl_hypercall hc;

	memset(&hc, 0, sizeof(hc));
	hc.pad = 0x80000000u;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(len_at_max_ok)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_memory_op);

	hc.arg[0] = KEEL_MEMOP_populate_physmap;
	buf(&hc, 1, KEEL_PRIVCMD_BUF_MAX);
	hc.arg[2] = 16;
	buf(&hc, 3, KEEL_PRIVCMD_BUF_MAX);
	hc.arg[4] = KEEL_PRIVCMD_BUF_MAX;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(len_over_max_einval_in_any_slot)
{
	struct keel_ioctl_hypercall hc;
	int i;

	for (i = 0; i < KEEL_PRIVCMD_NARGS; i++) {
		memset(&hc, 0, sizeof(hc));
		hc.len[i] = KEEL_PRIVCMD_BUF_MAX + 1;
		ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
		hc.len[i] = UINT32_MAX;
		ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	}
}
END_TEST

START_TEST(ioctl_layout)
{
	/* The offsets privcmd.h documents by its field order; 32-bit and
	 * 64-bit callers share them, which compat_ptr_ioctl relies on. */
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, arg), 8);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, len), 48);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, pad), 68);
	ck_assert_uint_eq(offsetof(struct keel_ioctl_hypercall, result), 72);
}
END_TEST

/* ---- the ABI's buffers: a raw value never reaches the hypervisor as a
 * dom0-physical address (issue 11, finding 10) ---- */

START_TEST(scalar_where_abi_has_buffer_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_sysctl);

	hc.arg[0] = KEEL_SYSCTL_PHYSINFO;
	hc.arg[1] = 0x1000;	/* a user pointer passed as a scalar */
	hc.arg[2] = sizeof(struct keel_physinfo);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

/* KEEL_SYSCTL_PERFC: its counters buffer is a buffer, sized by arg 2. */
START_TEST(perfc_buffer_checked)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_sysctl);

	hc.arg[0] = KEEL_SYSCTL_PERFC;
	buf(&hc, 1, sizeof(struct keel_perfc));
	hc.arg[2] = sizeof(struct keel_perfc);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	hc.arg[2] = sizeof(struct keel_perfc) + 1;   /* longer than the buffer */
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc = req(KEEL_HC_sysctl);
	hc.arg[0] = KEEL_SYSCTL_PERFC;
	hc.arg[1] = 0x1000;                         /* a pointer as a scalar */
	hc.arg[2] = sizeof(struct keel_perfc);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(buffer_where_abi_has_scalar_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_memory_op);

	hc.arg[0] = KEEL_MEMOP_current_reservation;
	buf(&hc, 1, 8);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(domctl_scalar_struct_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_domctl);

	hc.arg[0] = 0x200000;
	hc.arg[1] = sizeof(struct keel_domctl);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(domctl_buffer_ok)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_domctl);

	buf(&hc, 0, sizeof(struct keel_domctl));
	hc.arg[1] = sizeof(struct keel_domctl);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

/* The save/restore domctls' second buffer (arg3, size arg4). */
START_TEST(domctl_second_buffer_ok)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_domctl);

	buf(&hc, 0, sizeof(struct keel_domctl));
	hc.arg[1] = sizeof(struct keel_domctl);
	buf(&hc, 2, 8192);
	hc.arg[3] = 8192;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	hc.arg[3] = 8193;		/* told more than the bounce buffer */
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

/* Without a second buffer both its address and its size must be 0: the
 * hypervisor must never be handed a dom0 address from user space. */
START_TEST(domctl_second_buffer_scalar_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_domctl);

	buf(&hc, 0, sizeof(struct keel_domctl));
	hc.arg[1] = sizeof(struct keel_domctl);
	hc.arg[2] = 0x200000;
	hc.arg[3] = 4096;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[2] = 0;			/* address 0, size 4096: dom0 page 0 */
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[3] = 0;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

/* The size the hypervisor is told may not exceed the bounce buffer: else
 * it writes past the kmalloc'd copy into other dom0 memory. */
START_TEST(size_argument_past_buffer_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_sysctl);

	hc.arg[0] = KEEL_SYSCTL_READCONSOLE;
	buf(&hc, 1, 16);
	hc.arg[2] = 4096;
	buf(&hc, 3, sizeof(struct keel_console_cursor));
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[2] = 16;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

/* hold_stats: arg1 is the buffer, arg2 its size, arg3 the flags (a scalar). */
START_TEST(hold_stats_buffer_and_scalar_flags)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_sysctl);

	hc.arg[0] = KEEL_SYSCTL_HOLD_STATS;
	buf(&hc, 1, 4 * sizeof(struct keel_hold_stat));
	hc.arg[2] = 5 * sizeof(struct keel_hold_stat);
	hc.arg[3] = KEEL_HOLD_RESET;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[2] = 4 * sizeof(struct keel_hold_stat);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	buf(&hc, 3, 8);	/* the flags are no buffer */
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(fixed_size_buffer_too_short_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_sysctl);

	hc.arg[0] = KEEL_SYSCTL_READCONSOLE;
	buf(&hc, 1, 16);
	hc.arg[2] = 16;
	buf(&hc, 3, sizeof(struct keel_console_cursor) - 1);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

START_TEST(batch_count_times_size_past_buffer_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_mmu_update);

	buf(&hc, 0, 2 * sizeof(struct keel_mmu_update));
	hc.arg[1] = 3;
	hc.arg[2] = sizeof(struct keel_mmu_update);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[1] = 1ull << 62;	/* the product wraps */
	hc.arg[2] = 4;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
	hc.arg[1] = 2;
	hc.arg[2] = sizeof(struct keel_mmu_update);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(unknown_op_scalars_pass)
{
	struct keel_ioctl_hypercall hc = req(999);

	hc.arg[0] = 0x1000;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	hc = req(KEEL_HC_version);
	hc.arg[0] = 12345;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

START_TEST(unknown_op_buffer_einval)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_MAX);

	buf(&hc, 1, 8);
	ck_assert_int_eq(keel_privcmd_check(&hc), -EINVAL);
}
END_TEST

/* dom0's shared-info page is the module's: a frame number from user space
 * would make the hypervisor write into whatever dom0 page it names. */
START_TEST(set_shared_info_eperm)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_memory_op);

	hc.arg[0] = KEEL_MEMOP_set_shared_info;
	hc.arg[1] = 0x100;
	ck_assert_int_eq(keel_privcmd_check(&hc), -EPERM);
}
END_TEST

static struct keel_ioctl_hypercall copy_req(struct keel_gnttab_copy *c,
					    unsigned n, void *bufs[])
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_grant_table);

	hc.arg[0] = KEEL_GNTTABOP_copy;
	buf(&hc, 1, n * sizeof(*c));
	hc.arg[2] = n;
	hc.arg[3] = sizeof(*c);
	memset(bufs, 0, KEEL_PRIVCMD_NARGS * sizeof(bufs[0]));
	bufs[1] = c;
	return hc;
}

/* A copy's gfn side names a dom0 frame by number: through privcmd that is a
 * raw physical address from user space (gntdev's copy names pinned pages). */
START_TEST(grant_copy_gfn_side_einval)
{
	struct keel_gnttab_copy c[2];
	void *bufs[KEEL_PRIVCMD_NARGS];
	struct keel_ioctl_hypercall hc = copy_req(c, 2, bufs);

	memset(c, 0, sizeof(c));
	c[0].flags = KEEL_GNTCOPY_source_gref | KEEL_GNTCOPY_dest_gref;
	c[1].flags = KEEL_GNTCOPY_source_gref;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	ck_assert_int_eq(keel_privcmd_check_bufs(&hc, bufs), -EINVAL);
	c[1].flags = KEEL_GNTCOPY_dest_gref;
	ck_assert_int_eq(keel_privcmd_check_bufs(&hc, bufs), -EINVAL);
}
END_TEST

START_TEST(grant_copy_both_grefs_ok)
{
	struct keel_gnttab_copy c[2];
	void *bufs[KEEL_PRIVCMD_NARGS];
	struct keel_ioctl_hypercall hc = copy_req(c, 2, bufs);

	memset(c, 0, sizeof(c));
	c[0].flags = c[1].flags = KEEL_GNTCOPY_source_gref |
				  KEEL_GNTCOPY_dest_gref;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	ck_assert_int_eq(keel_privcmd_check_bufs(&hc, bufs), 0);
}
END_TEST

START_TEST(grant_copy_wrong_struct_size_einval)
{
	struct keel_gnttab_copy c[2];
	void *bufs[KEEL_PRIVCMD_NARGS];
	struct keel_ioctl_hypercall hc = copy_req(c, 2, bufs);

	memset(c, 0, sizeof(c));
	hc.arg[2] = 4;
	hc.arg[3] = 16;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
	ck_assert_int_eq(keel_privcmd_check_bufs(&hc, bufs), -EINVAL);
}
END_TEST

/* What libkeelctl's own calls send stays accepted. */
START_TEST(libkeelctl_layouts_ok)
{
	struct keel_ioctl_hypercall hc = req(KEEL_HC_version);

	hc.arg[0] = KEEL_VERSION_INFO;
	buf(&hc, 1, sizeof(struct keel_version_info));
	hc.arg[2] = sizeof(struct keel_version_info);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);

	hc = req(KEEL_HC_event_channel);
	hc.arg[0] = KEEL_EVTCHNOP_alloc_unbound;
	buf(&hc, 1, sizeof(struct keel_evtchn_alloc_unbound));
	hc.arg[2] = sizeof(struct keel_evtchn_alloc_unbound);
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);

	hc = req(KEEL_HC_memory_op);
	hc.arg[0] = KEEL_MEMOP_maximum_reservation;
	hc.arg[1] = 3;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);

	hc = req(KEEL_HC_console_io);
	hc.arg[0] = KEEL_CONSOLEIO_write;
	buf(&hc, 1, 5);
	hc.arg[2] = 5;
	ck_assert_int_eq(keel_privcmd_check(&hc), 0);
}
END_TEST

Suite *module_suite(void)
{
	Suite *s = suite_create("keel.ko checks");
	TCase *tc = tcase_create("privcmd");

	tcase_add_test(tc, zero_request_ok);
	tcase_add_test(tc, pad_nonzero_einval);
	tcase_add_test(tc, len_at_max_ok);
	tcase_add_test(tc, len_over_max_einval_in_any_slot);
	tcase_add_test(tc, ioctl_layout);
	tcase_add_test(tc, scalar_where_abi_has_buffer_einval);
	tcase_add_test(tc, perfc_buffer_checked);
	tcase_add_test(tc, buffer_where_abi_has_scalar_einval);
	tcase_add_test(tc, domctl_scalar_struct_einval);
	tcase_add_test(tc, domctl_buffer_ok);
	tcase_add_test(tc, domctl_second_buffer_ok);
	tcase_add_test(tc, domctl_second_buffer_scalar_einval);
	tcase_add_test(tc, size_argument_past_buffer_einval);
	tcase_add_test(tc, fixed_size_buffer_too_short_einval);
	tcase_add_test(tc, hold_stats_buffer_and_scalar_flags);
	tcase_add_test(tc, batch_count_times_size_past_buffer_einval);
	tcase_add_test(tc, unknown_op_scalars_pass);
	tcase_add_test(tc, unknown_op_buffer_einval);
	tcase_add_test(tc, set_shared_info_eperm);
	tcase_add_test(tc, grant_copy_gfn_side_einval);
	tcase_add_test(tc, grant_copy_both_grefs_ok);
	tcase_add_test(tc, grant_copy_wrong_struct_size_einval);
	tcase_add_test(tc, libkeelctl_layouts_ok);
	suite_add_tcase(s, tc);
	return s;
}
