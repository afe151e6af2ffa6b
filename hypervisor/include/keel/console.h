/*
 * The hypervisor log: levelled printk into a ring buffer that dom0 reads
 * (KEEL_SYSCTL_READCONSOLE), mirrored to COM1 until dom0 owns it and to
 * QEMU's debug console (port 0xE9) when enabled.
 */
#ifndef KEEL_CONSOLE_H
#define KEEL_CONSOLE_H

#include <keel/types.h>
#include <keel/spinlock.h>

/* A domain's console_io rate-limit window (common/console_io.c).  It lives
 * in struct domain, so a domain created with a reused domid starts with a
 * full budget; the lock orders its vCPUs' calls. */
struct console_io_rate {
	spinlock_t lock;
	uint64_t window_start;              /* now_ns() when it opened */
	uint64_t bytes;                     /* log bytes charged in it */
	uint64_t dropped;                   /* guest bytes dropped in it */
};

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Sinks, as chosen by console= on the command line. */
#define CONSOLE_SINK_COM1 (1u << 0)
#define CONSOLE_SINK_E9   (1u << 1)

void printk(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void vprintk(enum log_level lvl, const char *fmt, va_list ap);
/* The same into the ring (and COM1 while it is ours) but not to the debug
 * port: for guests' console_io lines, which port 0xE9's cost per byte
 * (~10 us under TCG, ~1 us on hardware) would turn into a hypercall that
 * holds its pCPU for tens of ms. */
void printk_ring(enum log_level lvl, const char *fmt, ...) __printf(2, 3);

#define pr_err(...)   printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

void console_set_level(enum log_level lvl);
void console_set_sinks(unsigned sinks);
/* COM1 now belongs to dom0: stop writing there (except on panic). */
void console_handover_com1(void);
/* Take COM1 back (dom0 is dead): its last messages must be seen. */
void console_reclaim_com1(void);
/* Copy log bytes from *pos on; see KEEL_SYSCTL_READCONSOLE. */
size_t console_ring_read(uint64_t *pos, uint64_t *lost, char *buf, size_t len);

/* True once if the log got new bytes since the last call (for the dom0
 * VIRQ_CONSOLE notification, raised where no lock is held). */
bool console_take_new_data(void);
/* Raise VIRQ_CONSOLE in dom0 if the log has news (common/console_virq.c).
 * Call with no lock held. */
void console_notify_dom0(void);

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* True once panic() has started: NMI handlers use it to stop. */
bool console_panicking(void);

/* Log-level and console option parsers for the command line. */
int console_parse_level(const char *s, enum log_level *out);
int console_parse_sinks(const char *s, unsigned *out);

#endif
