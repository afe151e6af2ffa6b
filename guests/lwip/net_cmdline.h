/*
 * Command-line words of the network guests: "key=value" (net.c's ip=,
 * netecho's peer= and peer_bytes=).  Pure: also in the host unit tests.
 */
#ifndef GUEST_NET_CMDLINE_H
#define GUEST_NET_CMDLINE_H

#include <stddef.h>

/*
 * The value of the first word of cmdline (words are separated by spaces
 * or tabs) that starts with `key` (e.g. "ip=") into buf, NUL-terminated:
 * its length; 0 when no word starts with key; -KEEL_E2BIG when the value
 * does not fit len - 1 bytes; -KEEL_EINVAL for an empty value.
 */
int net_cmdline_value(const char *cmdline, const char *key, char *buf, size_t len);

#endif
