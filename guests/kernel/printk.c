/*
 * printk: one formatted line to the console ring (dom0's console backend:
 * `vmctl console`, per-guest log).  Before the ring is connected the
 * hypervisor's log (`vmctl dmesg`) gets it instead; after, only when the
 * command line has "hvlog": an idle guest's ticks would otherwise drown
 * the hypervisor's own messages and push them out of its ring.
 */
#include "hypercall.h"
#include "kernel.h"

#define PRINTK_MAX 512

static int hvlog = -1;      /* -1: command line not looked at yet */

void early_write(const char *s, size_t len)
{
	early_console_write(s, len);
}

int vprintk(const char *fmt, va_list ap)
{
	char buf[PRINTK_MAX];
	int n = gk_vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	if (hvlog < 0 && start_info)
		hvlog = cmdline_has("hvlog") && !cmdline_has("quiet");
	if (!cons_connected() || hvlog == 1)
		early_console_write(buf, len);
	if (cons_connected())
		cons_write(buf, len, irq_depth == 0);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	irq_depth++;            /* printk must not wait for the ring now */
	printk("panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	hc_shutdown(KEEL_SHUTDOWN_crash);
}
