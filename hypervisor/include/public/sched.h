/*
 * KEEL_HC_sched_op and KEEL_HC_set_timer: how a guest vCPU gives up the CPU.
 *
 * sched_op(KEEL_SCHEDOP_yield): let another vCPU run.  Returns 0.
 * sched_op(KEEL_SCHEDOP_block, deadline): sleep until an event is pending
 *   for this vCPU (an upcall would be raised), or until system time
 *   `deadline` ns (0: no deadline) -- Denali's idle-with-timeout.  Returns 0
 *   at once if an event is already pending.
 * sched_op(KEEL_SCHEDOP_shutdown, reason): the domain stops for good with
 *   KEEL_SHUTDOWN_*; dom0 is told through VIRQ_DOM_EXC.  Does not return.
 *   EINVAL: unknown reason.
 *
 * set_timer(deadline): one-shot timer for this vCPU at system time
 *   `deadline` ns (shared_info.h); VIRQ_TIMER fires then (at once if it
 *   is in the past).  0 cancels it.  Returns 0.
 */
#ifndef KEEL_PUBLIC_SCHED_H
#define KEEL_PUBLIC_SCHED_H

#define KEEL_SCHEDOP_yield    0
#define KEEL_SCHEDOP_block    1
#define KEEL_SCHEDOP_shutdown 2

#define KEEL_SHUTDOWN_poweroff 0
#define KEEL_SHUTDOWN_reboot   1
#define KEEL_SHUTDOWN_suspend  2
#define KEEL_SHUTDOWN_crash    3

#endif
