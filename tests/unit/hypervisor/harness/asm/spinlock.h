/*
 * Host stand-in for the hypervisor's asm/spinlock.h (tests/unit/hypervisor
 * puts this directory first on the include path).  Tests run on one
 * thread, so a lock is a flag; misuse that would deadlock or corrupt a
 * real lock -- taking a held lock, releasing a free one -- aborts the test
 * through harness_bug(), and a test can check `locked` to see that every
 * path released the lock.  A test can also point `watch` at a pointer the
 * lock guards: its value is recorded each time the lock is taken
 * (`at_lock`) and released (`at_unlock`), which shows whether a change
 * was made inside the critical section.
 */
#ifndef ASM_SPINLOCK_H
#define ASM_SPINLOCK_H

typedef struct {
	int locked;
	unsigned long acquired;   /* times taken, for tests */
	void *const *watch;       /* for tests: a pointer the lock guards */
	const void *at_lock;      /* *watch when the lock was last taken */
	const void *at_unlock;    /* *watch when it was last released */
} spinlock_t;

#define SPINLOCK_INIT { 0, 0, 0, 0, 0 }

__attribute__((noreturn)) void harness_bug(const char *file, int line,
					   const char *what);
/* Locks held right now (harness.c), for hooks that must run under one. */
extern int harness_locks_held;

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
	l->acquired = 0;
	l->watch = 0;
	l->at_lock = l->at_unlock = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	if (l->locked)
		harness_bug(__FILE__, __LINE__, "spin_lock: lock already held");
	l->locked = 1;
	l->acquired++;
	harness_locks_held++;
	if (l->watch)
		l->at_lock = *l->watch;
}

static inline int spin_trylock(spinlock_t *l)
{
	if (l->locked)
		return 0;
	spin_lock(l);
	return 1;
}

static inline void spin_unlock(spinlock_t *l)
{
	if (!l->locked)
		harness_bug(__FILE__, __LINE__, "spin_unlock: lock not held");
	if (l->watch)
		l->at_unlock = *l->watch;
	l->locked = 0;
	harness_locks_held--;
}

#endif
