/* Suites of the guest kernel's unit tests (one per pure source file). */
#ifndef GUESTS_UNIT_TESTS_H
#define GUESTS_UNIT_TESTS_H

#include <check.h>

Suite *suite_printf(void);
Suite *suite_str(void);
Suite *suite_ring(void);
Suite *suite_xs(void);
Suite *suite_time(void);
Suite *suite_balloon(void);
Suite *suite_gnttab(void);
Suite *suite_mm(void);
Suite *suite_blkfront(void);
Suite *suite_disk(void);
Suite *suite_netfront(void);

#endif
