/*
 * Mapping between errno values and the error names of the store protocol
 * (the table lives in the public header io/xs_wire.h).
 */
#ifndef KEEL_XS_ERRNO_H
#define KEEL_XS_ERRNO_H

/* Name for a positive errno value; unknown values map to "EINVAL". */
const char *xs_errno_name(int err);

/* Positive errno for a name; unknown names map to EINVAL. */
int xs_errno_from_name(const char *name);

#endif
