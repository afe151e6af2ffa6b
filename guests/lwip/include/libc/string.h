/* <string.h> for lwIP in the guest: the kernel's own (kernel/lib.h). */
#ifndef GUEST_LWIP_LIBC_STRING_H
#define GUEST_LWIP_LIBC_STRING_H
#include "lib.h"
#endif
