/*
 * keel-netback: dom0's side of a vif, a tap device vif<domid>.<n> in a
 * bridge.  The tap lives as long as our fd: a killed keel-netback takes
 * its taps with it, and the restarted one makes them again.
 */
#ifndef NB_TAP_H
#define NB_TAP_H

#include <stddef.h>

/*
 * Creates tap `name` (non-blocking, no packet-information header), gives
 * it Xen's host-side MAC fe:ff:ff:ff:ff:ff (the bridge then keeps its
 * own, lower one), brings it up and adds it to `bridge` (NULL or "":
 * none).  Returns the fd, or -errno with err set to one sentence.
 */
int nb_tap_open(const char *name, const char *bridge, char *err, size_t size);

/* Takes the tap out of its bridge (if any) and closes it. */
void nb_tap_close(int fd, const char *name, const char *bridge);

#endif
