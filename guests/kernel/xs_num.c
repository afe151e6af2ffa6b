/*
 * Numbers in the store for the simple frontends (xs.h): read, write, and
 * wait (bounded) for a key to reach a value.
 */
#include "kernel.h"
#include "xs.h"

long xs_read_num(const char *dir, const char *key)
{
	char path[160], buf[24];
	long v = 0;
	const char *p = buf;

	gk_snprintf(path, sizeof(path), "%s/%s", dir, key);
	if (xs_read(XS_NO_TX, path, buf, sizeof(buf)) <= 0)
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		v = v * 10 + (*p - '0');
	return *p || p == buf ? -1 : v;
}

int xs_write_num(const char *dir, const char *key, long v)
{
	char path[160], val[24];

	gk_snprintf(path, sizeof(path), "%s/%s", dir, key);
	gk_snprintf(val, sizeof(val), "%ld", v);
	return xs_write(XS_NO_TX, path, val);
}

int xs_wait_num(const char *dir, const char *key, long want, uint64_t bound_ns)
{
	uint64_t deadline = time_now_ns() + bound_ns;

	while (xs_read_num(dir, key) != want) {
		if (time_now_ns() > deadline)
			return 0;
		kernel_wait(time_now_ns() + 20 * NS_PER_MS);
	}
	return 1;
}
