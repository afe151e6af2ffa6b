/*
 * common/schedule.c built for the domctl/sched fuzzers (fuzz_dom.c), with
 * its static run_timers() reachable: schedule_loop() never returns, so the
 * harness runs one pass of it itself (fuzz_dom.c's sched_pass()), calling
 * the real timer scan and the real policy in the loop's order.
 */
#include "../../../hypervisor/common/schedule.c"

uint64_t fuzz_run_timers(uint64_t now);

uint64_t fuzz_run_timers(uint64_t now)
{
	return run_timers(now);
}
