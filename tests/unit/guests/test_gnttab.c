/* Grant entries, granter side: grant, end, and the reading/writing rule. */
#include <public/errno.h>

#include "gnttab_entry.h"
#include "tests.h"

START_TEST(test_grant_fills_entry)
{
	struct keel_grant_entry_v1 e = { 0 };

	gnttab_entry_grant(&e, 7, 0x1234, 0);
	ck_assert_uint_eq(e.domid, 7);
	ck_assert_uint_eq(e.frame, 0x1234);
	ck_assert_uint_eq(e.flags, KEEL_GTF_permit_access);
	gnttab_entry_grant(&e, 0, 0x99, 1);
	ck_assert_uint_eq(e.flags, KEEL_GTF_permit_access | KEEL_GTF_readonly);
}
END_TEST

START_TEST(test_end_unused)
{
	struct keel_grant_entry_v1 e = { 0 };

	gnttab_entry_grant(&e, 0, 5, 0);
	ck_assert_int_eq(gnttab_entry_end(&e), 0);
	ck_assert_uint_eq(e.flags, 0);
	ck_assert_int_eq(gnttab_entry_end(&e), -KEEL_EINVAL);
}
END_TEST

START_TEST(test_end_while_mapped)
{
	struct keel_grant_entry_v1 e = { 0 };

	gnttab_entry_grant(&e, 0, 5, 0);
	e.flags |= KEEL_GTF_reading;                    /* grantee maps it */
	ck_assert_int_eq(gnttab_entry_end(&e), -KEEL_EBUSY);
	ck_assert(e.flags & KEEL_GTF_permit_access);    /* not revoked */
	e.flags = KEEL_GTF_permit_access | KEEL_GTF_reading | KEEL_GTF_writing;
	ck_assert_int_eq(gnttab_entry_end(&e), -KEEL_EBUSY);
	e.flags &= (uint16_t)~KEEL_GTF_reading;
	ck_assert_int_eq(gnttab_entry_end(&e), -KEEL_EBUSY);
	e.flags &= (uint16_t)~KEEL_GTF_writing;          /* unmapped */
	ck_assert_int_eq(gnttab_entry_end(&e), 0);
}
END_TEST

START_TEST(test_entry_layout)
{
	ck_assert_uint_eq(sizeof(struct keel_grant_entry_v1), 8);
	ck_assert_uint_eq(__builtin_offsetof(struct keel_grant_entry_v1, frame), 4);
}
END_TEST

Suite *suite_gnttab(void)
{
	Suite *s = suite_create("gnttab");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_grant_fills_entry);
	tcase_add_test(tc, test_end_unused);
	tcase_add_test(tc, test_end_while_mapped);
	tcase_add_test(tc, test_entry_layout);
	suite_add_tcase(s, tc);
	return s;
}
