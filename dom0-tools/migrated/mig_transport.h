/*
 * The migration transport (docs/migration.md, "Transport"): how `vmctl
 * migrate` (the sender) and keel-migrated (the receiver) talk over one TCP
 * connection before and after the migration stream itself.
 *
 * Frames: an 8-byte header {u32 type, u32 length} (little-endian) and
 * length bytes of body (at most KMIG_FRAME_MAX).  The conversation:
 *
 *   receiver -> sender   HELO  "KEELMIG\0", u32 version, u32 0, nonce_r[32]
 *   sender -> receiver   AUTH  u32 version, nonce_s[32], mac_s[32]
 *   receiver -> sender   AKOK  mac_r[32]              (or ERRR and close)
 *                        (ERRR: i32 -errno, a message; either side may
 *                        send one instead of its next frame, then closes)
 *   sender -> receiver   BYE   (migrate-check: done)  or
 *                        OFFR  u64 memory bytes, u32 vcpus, u32 flags,
 *                              u16 name length, name
 *   receiver -> sender   OKAY                         (or ERRR and close)
 *   sender -> receiver   STRM  (empty): the migration stream follows, raw
 *   receiver -> sender   RSLT  i32 0 or -errno, message ("running" or why)
 *
 * With --with-storage (mig_storage.h), between OKAY and the stream:
 *   sender -> receiver   DOPN  u32 index, u32 0, u64 size, path  (answered
 *                              by OKAY or ERRR), then DBLK frames
 *                              {u32 index, u32 0, u64 offset, data}
 *   sender -> receiver   STRF  (empty): the stream follows in frames, STRD
 *                              {stream bytes} and DBLK (the last pass over
 *                              the disks, before the stream's END record),
 *                              closed by SEOF (empty)
 *
 * Authentication is a challenge-response on the hosts' shared key (32
 * bytes, /etc/keel/migration.key as 64 hex digits), both ways, with
 * libsodium's crypto_auth (HMAC-SHA-512-256):
 *   mac_s = crypto_auth(key, "keel-migrate sender v1"   || nonce_r || nonce_s)
 *   mac_r = crypto_auth(key, "keel-migrate receiver v1" || nonce_s || nonce_r)
 * Fresh random nonces on each side make a recorded exchange useless, and the
 * different labels keep one side's answer from serving as the other's.
 *
 * Every function returns 0 or -errno; those that can fail for a reason the
 * user should read also write a message into err.  Reads and writes have
 * a deadline (timeout_ms) so a silent peer cannot hang either side.
 */
#ifndef KEEL_MIG_TRANSPORT_H
#define KEEL_MIG_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#define KMIG_PORT            8002
#define KMIG_VERSION         1
#define KMIG_KEY_BYTES       32
#define KMIG_NONCE_BYTES     32
#define KMIG_MAC_BYTES       32
#define KMIG_FRAME_MAX       4096      /* control frames */
#define KMIG_BLOCK           65536     /* disk data per DBLK frame */
#define KMIG_DATA_MAX        (KMIG_BLOCK + 16) /* data frames: DBLK, STRD */
#define KMIG_NAME_MAX        63
#define KMIG_KEY_FILE        "/etc/keel/migration.key"
/* Control frames are small: a peer that sends none for this long is gone. */
#define KMIG_CTRL_TIMEOUT_MS 15000

/* Frame types: four ASCII letters, read as a little-endian u32. */
#define KMIG_TYPE(a, b, c, d) \
	((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define KMIG_HELO KMIG_TYPE('H', 'E', 'L', 'O')
#define KMIG_AUTH KMIG_TYPE('A', 'U', 'T', 'H')
#define KMIG_AKOK KMIG_TYPE('A', 'K', 'O', 'K')
#define KMIG_BYE  KMIG_TYPE('B', 'Y', 'E', ' ')
#define KMIG_OFFR KMIG_TYPE('O', 'F', 'F', 'R')
#define KMIG_OKAY KMIG_TYPE('O', 'K', 'A', 'Y')
#define KMIG_STRM KMIG_TYPE('S', 'T', 'R', 'M')
#define KMIG_RSLT KMIG_TYPE('R', 'S', 'L', 'T')
#define KMIG_ERRR KMIG_TYPE('E', 'R', 'R', 'R')
/* --with-storage (mig_storage.h) */
#define KMIG_DOPN KMIG_TYPE('D', 'O', 'P', 'N')
#define KMIG_DBLK KMIG_TYPE('D', 'B', 'L', 'K')
#define KMIG_STRF KMIG_TYPE('S', 'T', 'R', 'F')
#define KMIG_STRD KMIG_TYPE('S', 'T', 'R', 'D')
#define KMIG_SEOF KMIG_TYPE('S', 'E', 'O', 'F')

/* Offer flags. */
#define KMIG_OFFER_LIVE     (1u << 0)
#define KMIG_OFFER_STORAGE  (1u << 1)

struct kmig_offer {
	char name[KMIG_NAME_MAX + 1];
	uint64_t mem_bytes;
	uint32_t vcpus;
	uint32_t flags;                  /* KMIG_OFFER_* */
};

/*
 * Reads a key file: 64 hex digits (blanks and a newline around them are
 * allowed).  0, or -errno with a message: ENOENT/EACCES (cannot read it),
 * EINVAL (not 32 bytes of hex).
 */
int kmig_key_load(const char *path, uint8_t key[KMIG_KEY_BYTES], char *err,
		  size_t errlen);

/* Parses key text as above into key; 0 or -EINVAL. */
int kmig_key_parse(const char *text, uint8_t key[KMIG_KEY_BYTES]);

/* Writes all n bytes / reads exactly n bytes, each within timeout_ms of
 * the last progress (-ETIMEDOUT); a read that meets EOF is -EPIPE. */
int kmig_write_all(int fd, const void *buf, size_t n, int timeout_ms);
int kmig_read_all(int fd, void *buf, size_t n, int timeout_ms);

/* One frame out (a body of at most KMIG_DATA_MAX bytes, else -EMSGSIZE);
 * one in (body into buf, up to size, NUL added if room).  Reading a frame
 * longer than size is -EPROTO. */
int kmig_send(int fd, uint32_t type, const void *body, size_t len);
int kmig_recv(int fd, uint32_t *type, void *buf, size_t size, size_t *len,
	      int timeout_ms);

/* Sends ERRR {i32 -errno, message} (best effort: errors are ignored). */
void kmig_send_error(int fd, int rc, const char *msg);

/*
 * The sender's side of authentication: reads HELO, answers AUTH, checks
 * the receiver's AKOK.  -EACCES with a message when the receiver refuses
 * (or proves no knowledge of the key), -EPROTO for a peer that does not
 * speak this protocol, or an I/O error.
 */
int kmig_auth_client(int fd, const uint8_t key[KMIG_KEY_BYTES], char *err,
		     size_t errlen);

/*
 * The receiver's side: sends HELO, checks AUTH and answers AKOK.  On a bad
 * MAC it sends ERRR "authentication failed" and returns -EACCES with the
 * reason in err.
 */
int kmig_auth_server(int fd, const uint8_t key[KMIG_KEY_BYTES], char *err,
		     size_t errlen);

/* Body of an OFFR frame: encode (returns its length) and decode (0 or
 * -EPROTO for a malformed one: short, name empty, too long or not
 * printable). */
size_t kmig_offer_encode(const struct kmig_offer *o, uint8_t *buf, size_t size);
int kmig_offer_decode(const uint8_t *buf, size_t len, struct kmig_offer *o);

/*
 * Reads the answer to an offer: 0 on OKAY, -EBUSY/-ENOMEM/... with the
 * receiver's message on ERRR.
 */
int kmig_offer_answer(int fd, char *err, size_t errlen);

/* RSLT: the receiver sends its result; the sender reads it (returns the
 * receiver's status, with its message in msg) or an I/O error (-EPIPE
 * etc.; msg says so).  timeout_ms bounds the wait. */
int kmig_result_send(int fd, int status, const char *msg);
int kmig_result_recv(int fd, int timeout_ms, int *status, char *msg,
		     size_t msglen);

/* The frame type's four letters into buf[5]; returns buf. */
const char *kmig_type_name(uint32_t type, char buf[5]);

#endif
