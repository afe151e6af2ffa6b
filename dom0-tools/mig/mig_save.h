/*
 * The save and restore engines behind keelmig.h, over a keel_store (so
 * the unit tests can run them against the in-memory store).
 */
#ifndef KEEL_MIG_SAVE_H
#define KEEL_MIG_SAVE_H

#include <stddef.h>
#include <stdint.h>

#include "keelmig.h"
#include "store.h"

int mig_save(struct keel_ctl *h, struct keel_store *st, const char *name,
	     int fd, const struct keel_mig_opts *o, struct keel_mig_report *rep,
	     char *err, size_t errlen);
int mig_restore(struct keel_ctl *h, struct keel_store *st, int fd,
		uint16_t *domid, char *err, size_t errlen);
/* CLOCK_MONOTONIC in ms. */
double mig_now_ms(void);

#endif
