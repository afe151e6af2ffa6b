/*
 * Hypercall wrappers (public/keel.h): VMMCALL with RAX = number and
 * RDI, RSI, RDX, R10, R8 = arguments 1..5; the result comes back in RAX,
 * every other register is preserved.  Buffers are guest-physical
 * addresses: the kernel runs on an identity map, so a pointer's value is
 * its guest-physical address (gpa()).
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

#include <public/keel.h>
#include <public/console.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/version.h>

static inline uint64_t gpa(const volatile void *p)
{
	return (uint64_t)(uintptr_t)p;
}

#ifdef GUEST_BARE_QEMU
/* Test seam: guests/bootcheck runs the kernel on bare QEMU (no
 * hypervisor) and answers hypercalls itself. */
long bare_hypercall(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3,
		    uint64_t a4, uint64_t a5);
#endif

static inline long hypercall5(uint64_t nr, uint64_t a1, uint64_t a2,
			      uint64_t a3, uint64_t a4, uint64_t a5)
{
#ifdef GUEST_BARE_QEMU
	return bare_hypercall(nr, a1, a2, a3, a4, a5);
#else
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret;

	__asm__ volatile("vmmcall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8)
			 : "memory");
	return ret;
#endif
}

static inline long hypercall3(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long hc_console_write(const char *buf, size_t len)
{
	return hypercall3(KEEL_HC_console_io, KEEL_CONSOLEIO_write, gpa(buf), len);
}

static inline long hc_sched_op(unsigned int op, uint64_t arg)
{
	return hypercall3(KEEL_HC_sched_op, op, arg, 0);
}

/* Does not return (sched.h). */
static inline void __attribute__((noreturn)) hc_shutdown(unsigned int reason)
{
	for (;;)
		hc_sched_op(KEEL_SCHEDOP_shutdown, reason);
}

static inline long hc_set_timer(uint64_t deadline_ns)
{
	return hypercall3(KEEL_HC_set_timer, deadline_ns, 0, 0);
}

static inline long hc_evtchn_op(unsigned int cmd, void *arg, size_t size)
{
	return hypercall3(KEEL_HC_event_channel, cmd, gpa(arg), size);
}

static inline long hc_grant_table_op(unsigned int cmd, void *arg,
				     unsigned int count, size_t size)
{
	return hypercall5(KEEL_HC_grant_table, cmd, gpa(arg), count, size, 0);
}

/* populate_physmap / decrease_reservation on `nr` gfns of this domain. */
static inline long hc_memory_op(unsigned int op, const uint64_t *gfns,
				uint64_t nr, uint16_t domid)
{
	struct keel_memory_reservation res = {
		.nr_extents = nr,
		.domid = domid,
	};

	return hypercall5(KEEL_HC_memory_op, op, gpa(&res), sizeof(res),
			  gpa(gfns), nr * sizeof(uint64_t));
}

/* current_reservation / maximum_reservation: pages, or -error. */
static inline long hc_memory_query(unsigned int op, uint16_t domid)
{
	return hypercall3(KEEL_HC_memory_op, op, domid, 0);
}

#endif
