/*
 * Time (shared_info.h, sched.h): system time from vCPU 0's time record,
 * the wall clock, and the one-shot timer on VIRQ_TIMER.
 */
#include "hypercall.h"
#include "kernel.h"
#include "pvclock.h"

static volatile uint64_t timer_events;

static uint64_t read_tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void timer_handler(keel_evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	timer_events++;
	kernel_kick();
}

int time_init(void)
{
	long port = evtchn_bind_virq(KEEL_VIRQ_TIMER, timer_handler, NULL);

	return port < 0 ? (int)port : 0;
}

uint64_t time_now_ns(void)
{
	return pvclock_read(&shared_info->vcpu_info[0].time, read_tsc);
}

void time_wallclock(uint64_t *sec, uint32_t *nsec)
{
	volatile struct keel_shared_info *si = shared_info;
	uint32_t v1, v2;
	uint64_t s, now;
	uint32_t ns;

	do {
		v1 = __atomic_load_n(&si->wc_version, __ATOMIC_ACQUIRE);
		s = si->wc_sec;
		ns = si->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		v2 = __atomic_load_n(&si->wc_version, __ATOMIC_RELAXED);
	} while ((v1 & 1) || v1 != v2);
	now = time_now_ns() + ns;
	*sec = s + now / NS_PER_SEC;
	*nsec = (uint32_t)(now % NS_PER_SEC);
}

uint64_t time_timer_events(void)
{
	return timer_events;
}

void time_sleep_until(uint64_t deadline_ns)
{
	hc_set_timer(deadline_ns);
	while (time_now_ns() < deadline_ns)
		kernel_wait(deadline_ns);
}
