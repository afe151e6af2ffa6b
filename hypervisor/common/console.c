/*
 * The hypervisor log.  Every message goes into a ring buffer that dom0
 * reads with KEEL_SYSCTL_READCONSOLE (vmctl dmesg), and to the sinks the
 * command line chose: COM1 until dom0 takes the serial port over, and QEMU's
 * debug console (port 0xE9).  A panic writes to COM1 regardless: a dying
 * hypervisor's last words matter more than dom0's serial output.
 */
#include <keel/console.h>
#include <keel/arch.h>
#include <keel/errno.h>
#include <keel/lib.h>
#include <keel/spinlock.h>

#define RING_SIZE (64u * 1024u)   /* a power of two */
#define LINE_MAX  512

static char ring[RING_SIZE];
static uint64_t ring_head;        /* bytes written since boot */
static spinlock_t console_lock = SPINLOCK_INIT;
static enum log_level level = LOG_INFO;
static unsigned sinks = CONSOLE_SINK_COM1 | CONSOLE_SINK_E9;
static bool com1_ours = true;
static volatile bool panicking;
static volatile bool new_data;

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void console_set_level(enum log_level lvl)
{
	level = lvl;
}

void console_set_sinks(unsigned s)
{
	sinks = s;
}

void console_handover_com1(void)
{
	spin_lock(&console_lock);
	com1_ours = false;
	spin_unlock(&console_lock);
}

void console_reclaim_com1(void)
{
	spin_lock(&console_lock);
	com1_ours = true;
	spin_unlock(&console_lock);
}

int console_parse_level(const char *s, enum log_level *out)
{
	for (unsigned i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (!strcmp(s, level_names[i]) ||
		    (s[0] == (char)('0' + i) && s[1] == '\0')) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "com1", "e9", "none", or a comma-separated list. */
int console_parse_sinks(const char *s, unsigned *out)
{
	unsigned v = 0;

	if (!*s)
		return -EINVAL;
	while (*s) {
		size_t n = 0;

		while (s[n] && s[n] != ',')
			n++;
		if (n == 0)	/* empty item: ",e9" or "com1,," */
			return -EINVAL;
		if (n == 4 && !strncmp(s, "com1", 4))
			v |= CONSOLE_SINK_COM1;
		else if (n == 2 && !strncmp(s, "e9", 2))
			v |= CONSOLE_SINK_E9;
		else if (n == 4 && !strncmp(s, "none", 4))
			;
		else
			return -EINVAL;
		s += n;
		if (*s == ',' && !*++s)	/* trailing comma */
			return -EINVAL;
	}
	*out = v;
	return 0;
}

static void emit(const char *s, size_t n, bool to_com1, bool to_e9)
{
	for (size_t i = 0; i < n; i++) {
		ring[ring_head++ & (RING_SIZE - 1)] = s[i];
		if (to_com1) {
			if (s[i] == '\n')
				arch_com1_putc('\r');
			arch_com1_putc(s[i]);
		}
		if (to_e9 && (sinks & CONSOLE_SINK_E9))
			arch_e9_putc(s[i]);
	}
}

static void vprintk_to(enum log_level lvl, bool to_e9, const char *fmt,
		       va_list ap)
{
	char line[LINE_MAX];
	int n;

	if (lvl > level)
		return;
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	if (panicking) {	/* the lock may be held by a stopped CPU */
		emit(line, n, true, true);
		return;
	}
	spin_lock(&console_lock);
	emit(line, n, com1_ours && (sinks & CONSOLE_SINK_COM1), to_e9);
	spin_unlock(&console_lock);
	__atomic_store_n(&new_data, true, __ATOMIC_RELEASE);
}

void vprintk(enum log_level lvl, const char *fmt, va_list ap)
{
	vprintk_to(lvl, true, fmt, ap);
}

void printk_ring(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk_to(lvl, false, fmt, ap);
	va_end(ap);
}

bool console_take_new_data(void)
{
	return __atomic_load_n(&new_data, __ATOMIC_ACQUIRE) &&
	       __atomic_exchange_n(&new_data, false, __ATOMIC_ACQ_REL);
}

void printk(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(lvl, fmt, ap);
	va_end(ap);
}

size_t console_ring_read(uint64_t *pos, uint64_t *lost, char *buf, size_t len)
{
	uint64_t oldest, p;
	size_t n = 0;

	spin_lock(&console_lock);
	oldest = ring_head > RING_SIZE ? ring_head - RING_SIZE : 0;
	p = *pos;
	*lost = 0;
	if (p < oldest) {
		*lost = oldest - p;
		p = oldest;
	}
	if (p > ring_head)	/* a cursor from the future: start over */
		p = ring_head;
	while (p < ring_head && n < len)
		buf[n++] = ring[p++ & (RING_SIZE - 1)];
	*pos = p;
	spin_unlock(&console_lock);
	return n;
}

void panic(const char *fmt, ...)
{
	char line[LINE_MAX];
	va_list ap;
	int n;

	if (__atomic_exchange_n(&panicking, true, __ATOMIC_SEQ_CST)) {
		/* A second panic (on another CPU, or nested): just stop. */
		arch_halt();
	}
	arch_stop_other_cpus();
	/* Other CPUs are stopped: take the console without its lock, which a
	 * stopped CPU may hold. */
	com1_ours = true;
	sinks |= CONSOLE_SINK_COM1;
	level = LOG_DEBUG;
	va_start(ap, fmt);
	n = snprintf(line, sizeof(line), "\n*** PANIC on CPU%u: ", arch_cpu_id());
	n += vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	emit(line, n, true, true);
	emit("\n", 1, true, true);
	arch_dump_stack();
	emit("*** hypervisor stopped\n", 23, true, true);
	arch_halt();
}

bool console_panicking(void)
{
	return panicking;
}
