/* arch/x86/cpuid.c: the guest CPUID policy (pure; no CPUID executed). */
#include "harness.h"

#include <asm/cpuid.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <public/keel.h>

#define ALL 0xffffffffu

/* Bit positions: AMD CPUID Specification #25481, APM vol. 3 appendix E. */
#define L1_ECX_MONITOR      (1u << 3)
#define L1_ECX_VMX          (1u << 5)
#define L1_ECX_X2APIC       (1u << 21)
#define L1_ECX_TSC_DEADLINE (1u << 24)
#define L1_ECX_OSXSAVE      (1u << 27)
#define L1_ECX_HYPERVISOR   (1u << 31)
#define L7_ECX_OSPKE        (1u << 4)
#define L7_ECX_LA57         (1u << 16)
#define LX1_ECX_SVM         (1u << 2)

static struct cpuid_regs policy(uint32_t leaf, uint32_t sub, uint64_t cr4,
				struct cpuid_regs host)
{
	cpuid_policy(leaf, sub, cr4, &host);
	return host;
}

static const struct cpuid_regs ones = { ALL, ALL, ALL, ALL };
static const struct cpuid_regs zeros = { 0, 0, 0, 0 };
static const struct cpuid_regs mixed = { 0x12345678, 0x9abcdef0, 0x0f1e2d3c,
					 0x4b5a6978 };

#define ASSERT_REGS(r, a, b, c, d) do {				\
	ck_assert_uint_eq((r).eax, (a));			\
	ck_assert_uint_eq((r).ebx, (b));			\
	ck_assert_uint_eq((r).ecx, (c));			\
	ck_assert_uint_eq((r).edx, (d));			\
} while (0)

/* --- leaf 1 --- */

START_TEST(leaf1_sets_hypervisor_bit)
{
	struct cpuid_regs r = policy(1, 0, 0, zeros);

	ck_assert_uint_eq(r.ecx, L1_ECX_HYPERVISOR);
}
END_TEST

START_TEST(leaf1_hides_monitor_vmx_x2apic_tsc_deadline)
{
	struct cpuid_regs r = policy(1, 0, CR4_OSXSAVE, ones);

	ck_assert_uint_eq(r.ecx, ALL & ~(L1_ECX_MONITOR | L1_ECX_VMX |
					 L1_ECX_X2APIC | L1_ECX_TSC_DEADLINE));
}
END_TEST

START_TEST(leaf1_osxsave_clear_without_guest_cr4)
{
	struct cpuid_regs r = policy(1, 0, 0, ones);

	ck_assert_uint_eq(r.ecx & L1_ECX_OSXSAVE, 0);
}
END_TEST

START_TEST(leaf1_osxsave_follows_guest_cr4)
{
	struct cpuid_regs r = policy(1, 0, CR4_OSXSAVE, zeros);

	ck_assert_uint_eq(r.ecx, L1_ECX_OSXSAVE | L1_ECX_HYPERVISOR);
}
END_TEST

START_TEST(leaf1_other_registers_unchanged)
{
	struct cpuid_regs r = policy(1, 0, 0, mixed);

	ck_assert_uint_eq(r.eax, mixed.eax);
	ck_assert_uint_eq(r.ebx, mixed.ebx);
	ck_assert_uint_eq(r.edx, mixed.edx);
}
END_TEST

START_TEST(leaf5_monitor_leaf_zeroed)
{
	struct cpuid_regs r = policy(5, 0, 0, ones);

	ASSERT_REGS(r, 0, 0, 0, 0);
}
END_TEST

/* --- leaf 7 --- */

START_TEST(leaf7_hides_la57)
{
	struct cpuid_regs r = policy(7, 0, CR4_PKE, ones);

	ck_assert_uint_eq(r.ecx, ALL & ~L7_ECX_LA57);
	ck_assert_uint_eq(r.ebx, ALL);
	ck_assert_uint_eq(r.edx, ALL);
	ck_assert_uint_eq(r.eax, ALL);
}
END_TEST

START_TEST(leaf7_ospke_clear_without_guest_cr4)
{
	struct cpuid_regs r = policy(7, 0, 0, ones);

	ck_assert_uint_eq(r.ecx, ALL & ~(L7_ECX_LA57 | L7_ECX_OSPKE));
}
END_TEST

START_TEST(leaf7_ospke_follows_guest_cr4)
{
	struct cpuid_regs r = policy(7, 0, CR4_PKE, zeros);

	ck_assert_uint_eq(r.ecx, L7_ECX_OSPKE);
}
END_TEST

START_TEST(leaf7_other_subleaves_unchanged)
{
	struct cpuid_regs r = policy(7, 1, 0, ones);

	ASSERT_REGS(r, ALL, ALL, ALL, ALL);
}
END_TEST

/* --- SVM --- */

START_TEST(ext1_hides_svm_and_monitorx)
{
	struct cpuid_regs r = policy(0x80000001, 0, 0, ones);

	ASSERT_REGS(r, ALL, ALL, ALL & ~(LX1_ECX_SVM | (1u << 29)), ALL);
}
END_TEST

START_TEST(svm_leaf_zeroed)
{
	struct cpuid_regs r = policy(0x8000000a, 0, 0, mixed);

	ASSERT_REGS(r, 0, 0, 0, 0);
}
END_TEST

/* --- hypervisor leaves --- */

START_TEST(base_leaf_signature_and_max)
{
	struct cpuid_regs r = policy(KEEL_CPUID_BASE, 0, 0, mixed);
	char sig[13];

	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = '\0';
	ck_assert_str_eq(sig, "KeelKeelKeel");
	ck_assert_uint_eq(r.eax, 0x40000001);
}
END_TEST

START_TEST(abi_leaf_version)
{
	struct cpuid_regs r = policy(KEEL_CPUID_BASE + 1, 0, 0, mixed);

	ASSERT_REGS(r, KEEL_ABI_VERSION, 0, 0, 0);
}
END_TEST

static const uint32_t unused_hv_leaves[] = {
	0x40000002, 0x40000003, 0x40000010, 0x40000100, 0x4000ffff,
};

START_TEST(other_hypervisor_leaves_zero)
{
	struct cpuid_regs r = policy(unused_hv_leaves[_i], 0, 0, ones);

	ASSERT_REGS(r, 0, 0, 0, 0);
}
END_TEST

static const uint32_t untouched_leaves[] = {
	0x0, 0x2, 0x4, 0x6, 0xb, 0xd, 0x3fffffff, 0x40010000,
	0x80000000, 0x80000008, 0x80000009, 0x8000000b, 0x8000001f,
};

START_TEST(unrelated_leaves_unchanged)
{
	struct cpuid_regs r = policy(untouched_leaves[_i], 0,
				     CR4_OSXSAVE | CR4_PKE, mixed);

	ASSERT_REGS(r, mixed.eax, mixed.ebx, mixed.ecx, mixed.edx);
}
END_TEST

/* --- EFER bits a guest may set (cpuid_efer_allowed) --- */

#define LX1_ECX_TCE     (1u << 17)
#define LX1_EDX_SYSCALL (1u << 11)
#define LX1_EDX_NX      (1u << 20)
#define LX1_EDX_FFXSR   (1u << 25)
#define LX1_EDX_LM      (1u << 29)

START_TEST(efer_nothing_without_cpuid)
{
	ck_assert_uint_eq(cpuid_efer_allowed(0, 0), 0);
}
END_TEST

START_TEST(efer_never_lmsle_or_svme)
{
	uint64_t m = cpuid_efer_allowed(ALL, ALL);

	ck_assert_uint_eq(m & EFER_LMSLE, 0);
	ck_assert_uint_eq(m & EFER_SVME, 0);
	ck_assert_uint_eq(m, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE |
			     EFER_FFXSR | EFER_TCE);
}
END_TEST

/* QEMU 7.2's -cpu max: SYSCALL, NX, LM; no FFXSR, no TCE. */
START_TEST(efer_qemu_max_no_ffxsr_tce)
{
	uint64_t m = cpuid_efer_allowed(0, LX1_EDX_SYSCALL | LX1_EDX_NX |
					   LX1_EDX_LM);

	ck_assert_uint_eq(m, EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE);
}
END_TEST

static const struct { uint32_t ecx, edx; uint64_t efer; } efer_bits[] = {
	{ 0, LX1_EDX_SYSCALL, EFER_SCE },
	{ 0, LX1_EDX_LM, EFER_LME | EFER_LMA },
	{ 0, LX1_EDX_NX, EFER_NXE },
	{ 0, LX1_EDX_FFXSR, EFER_FFXSR },
	{ LX1_ECX_TCE, 0, EFER_TCE },
};

START_TEST(efer_each_bit_follows_its_feature)
{
	ck_assert_uint_eq(cpuid_efer_allowed(efer_bits[_i].ecx, efer_bits[_i].edx),
			  efer_bits[_i].efer);
	ck_assert_uint_eq(cpuid_efer_allowed(ALL & ~efer_bits[_i].ecx,
					     ALL & ~efer_bits[_i].edx) & efer_bits[_i].efer,
			  0);
}
END_TEST

static Suite *cpuid_suite(void)
{
	Suite *s = suite_create("cpuid");
	TCase *std = tcase_create("standard");
	TCase *svm = tcase_create("svm");
	TCase *hv = tcase_create("hypervisor");
	TCase *efer = tcase_create("efer");

	tcase_add_test(std, leaf1_sets_hypervisor_bit);
	tcase_add_test(std, leaf1_hides_monitor_vmx_x2apic_tsc_deadline);
	tcase_add_test(std, leaf1_osxsave_clear_without_guest_cr4);
	tcase_add_test(std, leaf1_osxsave_follows_guest_cr4);
	tcase_add_test(std, leaf1_other_registers_unchanged);
	tcase_add_test(std, leaf5_monitor_leaf_zeroed);
	tcase_add_test(std, leaf7_hides_la57);
	tcase_add_test(std, leaf7_ospke_clear_without_guest_cr4);
	tcase_add_test(std, leaf7_ospke_follows_guest_cr4);
	tcase_add_test(std, leaf7_other_subleaves_unchanged);
	tcase_add_loop_test(std, unrelated_leaves_unchanged, 0,
			    sizeof(untouched_leaves) / sizeof(untouched_leaves[0]));
	suite_add_tcase(s, std);

	tcase_add_test(svm, ext1_hides_svm_and_monitorx);
	tcase_add_test(svm, svm_leaf_zeroed);
	suite_add_tcase(s, svm);

	tcase_add_test(hv, base_leaf_signature_and_max);
	tcase_add_test(hv, abi_leaf_version);
	tcase_add_loop_test(hv, other_hypervisor_leaves_zero, 0,
			    sizeof(unused_hv_leaves) / sizeof(unused_hv_leaves[0]));
	suite_add_tcase(s, hv);

	tcase_add_test(efer, efer_nothing_without_cpuid);
	tcase_add_test(efer, efer_never_lmsle_or_svme);
	tcase_add_test(efer, efer_qemu_max_no_ffxsr_tce);
	tcase_add_loop_test(efer, efer_each_bit_follows_its_feature, 0,
			    sizeof(efer_bits) / sizeof(efer_bits[0]));
	suite_add_tcase(s, efer);
	return s;
}

HARNESS_MAIN(cpuid_suite)
