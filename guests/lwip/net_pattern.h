/*
 * The test pattern the network guests send (httpd's /bytes/N, netecho's
 * source and peer check): byte i of a stream is i % 251.  251 is prime,
 * so the pattern never lines up with pages, segments or buffer sizes and
 * a shifted, repeated or lost piece shows up in a checksum.  Pure: also
 * in the host unit tests.  Python: bytes(i % 251 for i in range(n)).
 */
#ifndef GUEST_NET_PATTERN_H
#define GUEST_NET_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define NET_PATTERN_PERIOD 251u

/* buf[k] = (off + k) % 251 for k < len. */
void net_pattern_fill(uint8_t *buf, uint64_t off, size_t len);
/* The index of the first byte that differs from the pattern at off, or
 * len when all match. */
size_t net_pattern_check(const uint8_t *buf, uint64_t off, size_t len);

#endif
