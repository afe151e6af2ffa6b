/*
 * A stand-in for the migration stream engine (keel_mig_save and
 * keel_mig_restore, include/keelmig.h), linked LAST into vmctl and
 * keel-migrated from its own archive: as soon as the real engine is in a
 * library before it, the linker takes the real functions and never this
 * file.  Until then both calls refuse, so nothing claims a migration that
 * did not happen.  Remove this file when the engine lands.
 */
#include <errno.h>
#include <stdio.h>

#include "keelmig.h"

int keel_mig_save(struct keel_ctl *h, struct kxs *xs, const char *name,
		  int fd, const struct keel_mig_opts *o,
		  struct keel_mig_report *rep, char *err, size_t errlen)
{
	(void)h; (void)xs; (void)fd; (void)o; (void)rep;
	snprintf(err, errlen, "cannot save '%s': this build has no migration "
		 "stream engine", name);
	return -ENOSYS;
}

int keel_mig_restore(struct keel_ctl *h, struct kxs *xs, int fd,
		     uint16_t *domid, char *err, size_t errlen)
{
	(void)h; (void)xs; (void)fd; (void)domid;
	snprintf(err, errlen, "this build has no migration stream engine");
	return -ENOSYS;
}
