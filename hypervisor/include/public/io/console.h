/*
 * The console ring page shared by a guest's console frontend and dom0's
 * console backend (the layout of Xen's console interface).  out[] carries
 * guest output, in[] keyboard input; indices run freely and are reduced
 * modulo the array sizes (powers of two).  The producer writes data, then
 * (after a write barrier) the prod index, then notifies the event channel.
 */
#ifndef KEEL_PUBLIC_IO_CONSOLE_H
#define KEEL_PUBLIC_IO_CONSOLE_H

#include "../types.h"

typedef uint32_t keel_cons_idx_t;

struct keel_console_ring {
	char in[1024];
	char out[2048];
	keel_cons_idx_t in_cons, in_prod;
	keel_cons_idx_t out_cons, out_prod;
};
KEEL_ABI_SIZE_CHECK(struct keel_console_ring, 3088);

#define KEEL_CONS_IN_MASK(i)  ((i) & (sizeof(((struct keel_console_ring *)0)->in) - 1))
#define KEEL_CONS_OUT_MASK(i) ((i) & (sizeof(((struct keel_console_ring *)0)->out) - 1))

#endif
