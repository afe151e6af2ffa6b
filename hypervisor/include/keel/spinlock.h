/* Spinlocks: the arch provides the primitives (asm/spinlock.h). */
#ifndef KEEL_SPINLOCK_H
#define KEEL_SPINLOCK_H

#include <asm/spinlock.h>

#endif
