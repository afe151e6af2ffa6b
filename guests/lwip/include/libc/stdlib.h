/* <stdlib.h> for lwIP in the guest: only atoi (netif_find), sys_arch.c. */
#ifndef GUEST_LWIP_LIBC_STDLIB_H
#define GUEST_LWIP_LIBC_STDLIB_H
int atoi(const char *s);
#endif
