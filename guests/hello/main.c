/*
 * hello: reads its name from the store, greets, writes data/hello back,
 * then ticks once a second with the one-shot timer and block (no busy
 * loop), while the balloon and shutdown watches stay active.
 */
#include "kernel.h"
#include "xs.h"

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
		time_sleep_until(next);
		printk("tick %lu\n", ++n);
		next += NS_PER_SEC;
	}
}
