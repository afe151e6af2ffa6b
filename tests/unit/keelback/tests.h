/* libkeelback and keel-blkback unit suites. */
#ifndef KEELBACK_TESTS_H
#define KEELBACK_TESTS_H

#include <check.h>

Suite *suite_state(void);
Suite *suite_ring(void);
Suite *suite_blk_req(void);
Suite *suite_parse(void);

#endif
