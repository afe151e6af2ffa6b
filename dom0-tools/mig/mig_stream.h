/*
 * The migration stream (docs/migration.md): an image header, then records
 * of {type, length, crc32, 0} + body padded to 8 bytes, in the spirit of
 * Xen's migration stream v2.  Used by `vmctl save/restore` (a file) and
 * `vmctl migrate` / keel-migrated (a TCP connection): the reader never
 * seeks.  No global state; errors are -errno plus a sentence.
 */
#ifndef KEEL_MIG_STREAM_H
#define KEEL_MIG_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define MIG_MAGIC          "KEELMIG\n"
#define MIG_VERSION        1u
#define MIG_HEADER_SIZE    24u

/* Record types; bit 31: optional (a reader that does not know it skips
 * it), as in Xen's stream. */
#define MIG_REC_END        0u
#define MIG_REC_DOMAIN     1u   /* struct mig_rec_domain                  */
#define MIG_REC_PAGE_DATA  2u   /* u32 count, u32 0, u64 gfn[count],
				   count pages of 4096 bytes             */
#define MIG_REC_VCPU       3u   /* u32 vcpu, u32 0, struct keel_vcpu_state */
#define MIG_REC_DOM_STATE  4u   /* struct keel_dom_state (keelctl.h)      */
#define MIG_REC_EVTCHN     5u   /* struct keel_evtchn_rec[]               */
#define MIG_REC_STORE      6u   /* u32 count, u32 0, then count entries
				   {u16 key_len, u16 0, u32 val_len, key,
				   value}, keys relative (docs)           */
#define MIG_REC_DEVICE     7u   /* u32 kind, u32 0, device's own bytes    */
#define MIG_REC_OPTIONAL   (1u << 31)

#define MIG_PAGE_BATCH     512u /* pages in one PAGE_DATA record at most  */
#define MIG_REC_MAX        (4u << 20) /* longest body a reader accepts    */

struct mig_rec_domain {
	char name[64];          /* NUL-terminated */
	uint32_t nr_vcpus;
	uint32_t weight;
	uint32_t cap;           /* its own cap, before any auto-converge  */
	uint32_t flags;         /* MIG_DOM_* */
	uint64_t max_pages;
	uint64_t nr_pages;
	uint64_t reserved[2];
};
_Static_assert(sizeof(struct mig_rec_domain) == 112, "stream layout");

#define MIG_DOM_SUSPENDED (1u << 0)   /* the guest took the suspend
					 handshake: it reconnects itself */

struct mig_stream {
	int fd;
	uint64_t bytes;         /* written or read so far */
	char *err;              /* where messages go (may be NULL) */
	size_t errlen;
	volatile int *cancel;   /* checked between writes; may be NULL */
};

void mig_stream_init(struct mig_stream *s, int fd, char *err, size_t errlen);

/* Writer.  Each returns 0 or -errno (the write's, or -ECANCELED). */
int mig_write_header(struct mig_stream *s);
int mig_write_record(struct mig_stream *s, uint32_t type, const void *body,
		     uint32_t len);
/* A record whose body is two parts (the page batch's gfns and pages). */
int mig_write_record2(struct mig_stream *s, uint32_t type, const void *a,
		      uint32_t alen, const void *b, uint32_t blen);

/*
 * Reader.  mig_read_header: 0, -EPROTO (not a Keel migration stream),
 * -EPROTONOSUPPORT (another version or ABI major), -EBADMSG (checksum),
 * -ENODATA (it ends early).  mig_read_record: the next record into *body
 * (malloc'd, the caller frees; NULL for an empty one): 0, -ENODATA
 * (truncated), -EBADMSG (checksum, reserved bits, padding, too long),
 * -ENOMEM, or the read's -errno.  err gets a sentence either way.
 */
int mig_read_header(struct mig_stream *s);
int mig_read_record(struct mig_stream *s, uint32_t *type, void **body,
		    uint32_t *len);

/* Printf into s->err (if any); returns rc. */
int mig_fail(struct mig_stream *s, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
