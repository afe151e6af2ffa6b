/* Resume hooks (guests/kernel/resume.c): registration and the run. */
#include "kernel.h"
#include "tests.h"

static char order[16];
static unsigned int nr_calls;

static void hook(void *arg)
{
	if (nr_calls < sizeof(order) - 1)
		order[nr_calls] = *(const char *)arg;
	nr_calls++;
}

/* resume.c's table is static: one test, in steps. */
START_TEST(test_register_and_run)
{
	static const char names[] = "abcdefghij";

	ck_assert_int_eq(resume_register(NULL, NULL), -KEEL_EINVAL);
	resume_run();                          /* nothing registered: no call */
	ck_assert_uint_eq(nr_calls, 0);
	ck_assert_int_eq(resume_register(hook, (void *)&names[0]), 0);
	ck_assert_int_eq(resume_register(hook, (void *)&names[1]), 0);
	ck_assert_int_eq(resume_register(hook, (void *)&names[0]), 0);  /* again: once */
	resume_run();
	ck_assert_uint_eq(nr_calls, 2);
	ck_assert_str_eq(order, "ab");
	/* room for 8 in all, then -KEEL_ENOSPC */
	for (unsigned int i = 2; i < 8; i++)
		ck_assert_int_eq(resume_register(hook, (void *)&names[i]), 0);
	ck_assert_int_eq(resume_register(hook, (void *)&names[8]), -KEEL_ENOSPC);
	nr_calls = 0;
	memset(order, 0, sizeof(order));
	resume_run();
	ck_assert_uint_eq(nr_calls, 8);
	ck_assert_str_eq(order, "abcdefgh");
}
END_TEST

Suite *suite_resume(void)
{
	Suite *s = suite_create("resume");
	TCase *t = tcase_create("hooks");

	tcase_add_test(t, test_register_and_run);
	suite_add_tcase(s, t);
	return s;
}
