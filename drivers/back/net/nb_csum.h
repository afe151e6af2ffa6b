/*
 * keel-netback: filling in the checksum of a frame the guest sent with
 * KEEL_NETTXF_CSUM_BLANK (its TCP or UDP checksum not yet computed: the
 * checksum offload Xen's netif offers).  Pure.  IPv4 TCP and UDP; any
 * other frame is left as it is.
 */
#ifndef NB_CSUM_H
#define NB_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* 0 when filled in or nothing to do, -EINVAL for a frame too short for
 * the headers it claims. */
int nb_csum_fill(uint8_t *frame, size_t len);

#endif
