/*
 * hello: reads its name from the store, greets, writes data/hello back,
 * then ticks once a second with the one-shot timer and block (no busy
 * loop), while the balloon and shutdown watches stay active.  What is
 * typed on its console (`vmctl console`) is echoed as it arrives, and
 * each line is reported as "hello: read 'LINE'" when Enter ends it.
 */
#include "hypercall.h"
#include "kernel.h"
#include "xs.h"

static char line[80];
static size_t line_len;

/* Drains console input: printable bytes echoed, CR or LF ends a line. */
static void echo_input(void)
{
	char buf[64];
	size_t n, i;

	while ((n = cons_read(buf, sizeof(buf))) > 0) {
		for (i = 0; i < n; i++) {
			char ch = buf[i];

			if (ch == '\r' || ch == '\n') {
				cons_write("\r\n", 2, 1);
				line[line_len] = '\0';
				if (line_len)
					printk("hello: read '%s'\n", line);
				line_len = 0;
			} else if (ch >= 0x20 && ch < 0x7f) {
				cons_write(&ch, 1, 1);
				if (line_len < sizeof(line) - 1)
					line[line_len++] = ch;
			}
		}
	}
}

int guest_main(const char *cmdline)
{
	char name[128], path[96], msg[160];
	uint64_t next;
	unsigned long n = 0;
	int rc;

	(void)cmdline;
	if (xs_home_path(path, sizeof(path), "name") < 0 ||
	    xs_read(XS_NO_TX, path, name, sizeof(name)) < 0)
		gk_strlcpy(name, "(unnamed)", sizeof(name));
	printk("hello from %s (domain %u)\n", name, kernel_domid);

	gk_snprintf(msg, sizeof(msg), "hi from %s", name);
	xs_home_path(path, sizeof(path), "data/hello");
	rc = xs_write(XS_NO_TX, path, msg);
	if (rc < 0)
		printk("hello: cannot write %s: error %d\n", path, rc);

	next = time_now_ns() + NS_PER_SEC;
	for (;;) {
		/* As time_sleep_until(), but every event (console input
		 * among them) wakes it to look at the input. */
		hc_set_timer(next);
		while (time_now_ns() < next) {
			kernel_wait(next);
			echo_input();
		}
		printk("tick %lu\n", ++n);
		next += NS_PER_SEC;
	}
}
