/*
 * The console ring page (public/io/console.h) seen from dom0's backend.
 * The guest writes out[] and out_prod and reads in[]; we read out[] and
 * write in[].  Every index on the page may have been scribbled on by the
 * guest, so each is read once per call and checked: a distance between
 * producer and consumer larger than the array means the ring is broken.
 */
#ifndef KEEL_CONS_RING_H
#define KEEL_CONS_RING_H

#include <stddef.h>
#include <sys/types.h>

#include <public/io/console.h>

/*
 * Copies guest output between out_cons and out_prod (at most @len bytes,
 * never more than the ring holds) into @buf and advances out_cons past
 * what was copied.  Returns the bytes copied (0: nothing new), or
 * -EPROTO if out_prod - out_cons exceeds the ring (nothing is touched).
 */
ssize_t cons_ring_take_output(struct keel_console_ring *r, char *buf,
			      size_t len);

/*
 * Copies up to @len bytes of keyboard input into in[] at in_prod and
 * advances in_prod.  Returns the bytes queued (0: the ring is full), or
 * -EPROTO if in_prod - in_cons exceeds the ring.
 */
ssize_t cons_ring_put_input(struct keel_console_ring *r, const char *buf,
			    size_t len);

#endif
