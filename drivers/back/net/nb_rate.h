/*
 * keel-netback: credit-based rate limiting of a vif's tx (xl's rate=),
 * pure: the caller passes the time.  Every interval the vif gets `bytes`
 * more credit, up to one interval's worth (at least one maximal packet,
 * so a packet larger than a small interval's credit still goes, after
 * waiting for a full bucket).  A packet goes when the credit covers it;
 * otherwise it waits, in the ring, until the next refill (the guest sees
 * its ring fill up, nothing is dropped).
 */
#ifndef NB_RATE_H
#define NB_RATE_H

#include <stdbool.h>
#include <stdint.h>

struct nb_rate {
	uint64_t bytes;         /* credit per interval; 0: unlimited */
	uint64_t interval_us;
	uint64_t cap;           /* most credit held at once          */
	uint64_t credit;
	uint64_t next_us;       /* time of the next refill           */
};

/* bytes per interval_us (both > 0), or bytes 0 for no limit; starts with
 * a full interval's credit at now_us. */
void nb_rate_init(struct nb_rate *r, uint64_t bytes, uint64_t interval_us,
		  uint64_t now_us);

/* True (and the credit taken) when size bytes may go at now_us. */
bool nb_rate_take(struct nb_rate *r, uint32_t size, uint64_t now_us);

/* Microseconds from now_us until the next refill (0: due). */
uint64_t nb_rate_wait_us(const struct nb_rate *r, uint64_t now_us);

/*
 * Parses the backend's rate key, "BYTES,MICROSECONDS" (the toolstack's
 * form of rate=100Mb/s, interval 50 ms by default: "625000,50000").
 * 0 and the two numbers, or -EINVAL.
 */
int nb_rate_parse(const char *s, uint64_t *bytes, uint64_t *interval_us);

#endif
