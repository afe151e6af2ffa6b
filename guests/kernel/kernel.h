/*
 * The guest kernel's interface for its own files and for guest programs.
 * A program provides guest_main(); the kernel calls it once everything in
 * "Boot sequence" (docs/guests.md) is up.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <public/keel.h>
#include <public/errno.h>
#include <public/start_info.h>
#include <public/shared_info.h>
#include <public/event_channel.h>

#include "lib.h"
#include "printf.h"
#include "str.h"

#define NS_PER_SEC  1000000000ull
#define NS_PER_MS   1000000ull

/* ---- provided by the program ------------------------------------------ */
/* Runs after the kernel is up; returning powers the domain off. */
int guest_main(const char *cmdline);

/* ---- main.c: boot, global state, waiting -------------------------------- */
extern struct keel_start_info *start_info;
extern struct keel_shared_info *shared_info;
extern unsigned int kernel_domid;
extern char kernel_home[32];           /* "/local/domain/<id>" */

/* Sleep until an event arrives or system time `deadline_ns` (0: only an
 * event), then run deferred work (kernel_poll).  Main context only. */
void kernel_wait(uint64_t deadline_ns);
/* Sleep until an event is pending or `deadline_ns`, without running
 * deferred work: for waits inside drivers (ring space, store replies). */
void kernel_block(uint64_t deadline_ns);
/* Run deferred work: store watch events, balloon steps, shutdown
 * requests.  Cheap when there is none.  Main context only. */
void kernel_poll(void);
/* True when an upcall handler left work for kernel_poll(). */
int kernel_work_pending(void);
/* Mark deferred work (called from upcall handlers). */
void kernel_kick(void);
/* Is `word` a whitespace-separated word of the command line? */
int cmdline_has(const char *word);

static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void irq_enable(void)  { __asm__ volatile("sti" ::: "memory"); }
static inline void cpu_relax(void)   { __asm__ volatile("pause" ::: "memory"); }

/* ---- printk.c ------------------------------------------------------------ */
/* Formatted output to the console ring (once connected) and the
 * hypervisor's log (console_io).  Lines longer than 512 bytes are cut. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
/* Write straight to the hypervisor's log, no formatting, never waits. */
void early_write(const char *s, size_t len);
/* Print and shut down with reason crash. */
void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);

/* ---- traps.c ------------------------------------------------------------- */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;   /* pushed by the CPU */
};
void traps_init(void);
/* Load an empty IDT: the next exception escalates to a triple fault. */
void traps_disable(void);
/* Expect an exception from the next instruction, for tests that break the
 * rules on purpose: trap_expect(len) arms a one-shot catch; the next
 * exception (vector < 32) is recorded instead of being fatal, RIP skips
 * len bytes (0 for a trap, whose RIP is already past the instruction) and
 * RFLAGS.TF is cleared.  trap_expect_end() disarms and returns the vector
 * taken, or -1 for none; trap_expect_error() is its error code. */
void trap_expect(unsigned int len);
int trap_expect_end(void);
uint64_t trap_expect_error(void);
/* Nesting depth of upcall handling (0 in main context). */
extern volatile unsigned int irq_depth;

/* ---- console_early.c -------------------------------------------------------- */
void early_console_write(const char *s, size_t len);

/* ---- evtchn.c -------------------------------------------------------------- */
typedef void (*evtchn_handler_t)(keel_evtchn_port_t port, void *arg);
int evtchn_init(void);
/* Attach a handler to a port already bound (by the builder or bind_*) and
 * unmask it.  0, -KEEL_EINVAL (port out of range), or the unmask error. */
int evtchn_bind(keel_evtchn_port_t port, evtchn_handler_t fn, void *arg);
/* Bind a virtual IRQ of vCPU 0 to a new port with this handler: port or -error. */
long evtchn_bind_virq(uint32_t virq, evtchn_handler_t fn, void *arg);
long evtchn_alloc_unbound(uint16_t remote_dom);
int evtchn_send(keel_evtchn_port_t port);
int evtchn_unmask(keel_evtchn_port_t port);
int evtchn_close(keel_evtchn_port_t port);
void evtchn_do_upcall(void);

/* ---- time.c ------------------------------------------------------------------ */
int time_init(void);
uint64_t time_now_ns(void);
/* Wall clock (Unix time) now. */
void time_wallclock(uint64_t *sec, uint32_t *nsec);
/* How many VIRQ_TIMER events arrived so far. */
uint64_t time_timer_events(void);
/* Arm the one-shot timer and sleep until deadline (events may end the
 * sleep early: the loop re-blocks until the deadline has passed). */
void time_sleep_until(uint64_t deadline_ns);

/* ---- cons.c: console frontend ------------------------------------------------ */
int cons_init(void);
int cons_connected(void);
/* Queue bytes on the console ring; may_wait = 0 drops what does not fit. */
void cons_write(const char *s, size_t len, int may_wait);
/* Read keyboard input: bytes read (0: none). */
size_t cons_read(char *buf, size_t len);

/* ---- gnttab.c ------------------------------------------------------------------- */
int gnttab_init(void);
/* Grant `domid` access to our frame gfn: the ref, or -KEEL_ENOSPC. */
long gnttab_grant_access(uint16_t domid, uint64_t gfn, int readonly);
/* End a grant: 0, -KEEL_EBUSY (still mapped: try later), -KEEL_EINVAL. */
int gnttab_end_access(uint32_t ref);
/* Refs in our table as the hypervisor knows it (0: no table). */
uint32_t gnttab_nr_refs(void);

/* ---- balloon.c, shutdown.c --------------------------------------------------------- */
int balloon_init(void);
void balloon_poll(void);
int shutdown_init(void);
void shutdown_poll(void);

#endif
