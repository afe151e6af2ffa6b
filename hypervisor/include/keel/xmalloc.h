/*
 * Zeroed allocations for hypervisor objects (domains, port tables, ...).
 * Page-granular for now: sizes are rounded up to whole pages.
 * Returns NULL when out of memory.  Never call from NMI context.
 */
#ifndef KEEL_XMALLOC_H
#define KEEL_XMALLOC_H

#include <keel/types.h>

void *xzalloc_bytes(size_t size);
void xfree_bytes(void *p, size_t size);

#define xzalloc(type) ((type *)xzalloc_bytes(sizeof(type)))
#define xzalloc_array(type, n) ((type *)xzalloc_bytes(sizeof(type) * (n)))

#endif
