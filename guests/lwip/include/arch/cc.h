/*
 * lwIP's compiler and platform port (lwip/arch.h) for Keel's guest
 * kernel: freestanding, 64-bit little endian, no C library beyond the
 * kernel's own (kernel/lib.h; include/libc/ maps <string.h> and
 * <stdlib.h> onto it).  Diagnostics go to printk, a failed lwIP
 * assertion panics the domain (an internal invariant of the stack, never
 * a check of what arrives from the network: lwIP drops bad packets).
 */
#ifndef GUEST_LWIP_ARCH_CC_H
#define GUEST_LWIP_ARCH_CC_H

#include <stddef.h>
#include <stdint.h>

#define BYTE_ORDER LITTLE_ENDIAN

typedef long ssize_t;      /* no <unistd.h> */
#define SSIZE_MAX 0x7fffffffffffffffL

/* No <inttypes.h>, <unistd.h>, <ctype.h> in the guest: lwIP's own. */
#define LWIP_NO_INTTYPES_H 1
#define LWIP_NO_UNISTD_H   1
#define LWIP_NO_CTYPE_H    1
#define X8_F  "02x"
#define U16_F "u"
#define S16_F "d"
#define X16_F "x"
#define U32_F "u"
#define S32_F "d"
#define X32_F "x"
#define SZT_F "lu"

int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void __attribute__((noreturn, format(printf, 1, 2))) panic(const char *fmt, ...);
/* sys_arch.c: a xorshift generator seeded from the clock and domain id. */
uint32_t lwip_port_rand(void);

#define LWIP_PLATFORM_DIAG(x)   do { printk x; } while (0)
#define LWIP_PLATFORM_ASSERT(x) \
	panic("lwip: assertion \"%s\" failed at %s:%d\n", x, __FILE__, __LINE__)
#define LWIP_RAND() ((u32_t)lwip_port_rand())

#endif
