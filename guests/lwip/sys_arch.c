/*
 * lwIP's system glue for NO_SYS mode: the clock (sys_now, milliseconds
 * from the guest's system time), a random source for port numbers and
 * DHCP transaction ids, and atoi for netif_find.
 */
#include "kernel.h"

#include "lwip/sys.h"

u32_t sys_now(void)
{
	return (u32_t)(time_now_ns() / NS_PER_MS);
}

static uint64_t rand_state;

uint32_t lwip_port_rand(void)
{
	uint64_t x = rand_state;

	if (!x)
		x = time_now_ns() ^ ((uint64_t)kernel_domid << 32) ^ 0x9e3779b97f4a7c15ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rand_state = x;
	return (uint32_t)(x >> 16);
}

int atoi(const char *s)
{
	int v = 0, neg = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return neg ? -v : v;
}
