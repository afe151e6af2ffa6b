/* keel-consoled unit suites. */
#ifndef CONSOLE_TESTS_H
#define CONSOLE_TESTS_H

#include <check.h>

Suite *suite_ring(void);
Suite *suite_logname(void);
Suite *suite_proto(void);
Suite *suite_backlog(void);
Suite *suite_client(void);

#endif
