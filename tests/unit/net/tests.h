/* keel-netback unit suites. */
#ifndef NET_TESTS_H
#define NET_TESTS_H

#include <check.h>

Suite *suite_tx(void);
Suite *suite_filter(void);
Suite *suite_rate(void);
Suite *suite_csum(void);
Suite *suite_io(void);

#endif
