/*
 * The configuration store ("xenstore") wire protocol and its shared ring page.
 *
 * The layout and numbering are those of the Xen store protocol, so stock Xen
 * store clients and guest frontends can talk to Keel's store unchanged.
 *
 * A message is a 16-byte header followed by `len` payload bytes (at most
 * KEEL_XS_PAYLOAD_MAX).  Arguments in a payload are NUL-terminated strings,
 * except where a request's last argument is raw data (WRITE's value).  A reply
 * carries the request's type (or KEEL_XS_ERROR with the errno *name* as a
 * NUL-terminated string, e.g. "ENOENT"), and echoes the request's req_id and
 * tx_id.  Watch events arrive unsolicited as KEEL_XS_WATCH_EVENT with req_id
 * and tx_id 0 and payload "path\0token\0".
 *
 * Over a Unix socket the messages are simply streamed.  A guest domain uses a
 * shared page (struct keel_xs_ring) and an event channel: requests go into
 * req[], replies and events come back in rsp[]; the producer notifies the
 * event channel after moving prod, the consumer after moving cons.
 */
#ifndef KEEL_PUBLIC_IO_XS_WIRE_H
#define KEEL_PUBLIC_IO_XS_WIRE_H

#include "../types.h"

/* Message types (the `type` field).  IN: request, OUT: reply of that type. */
enum keel_xs_type {
	KEEL_XS_CONTROL               = 0,  /* daemon control (debug)          */
	KEEL_XS_DIRECTORY             = 1,  /* path -> child names             */
	KEEL_XS_READ                  = 2,  /* path -> value                   */
	KEEL_XS_GET_PERMS             = 3,  /* path -> permission strings      */
	KEEL_XS_WATCH                 = 4,  /* path, token -> "OK"             */
	KEEL_XS_UNWATCH               = 5,  /* path, token -> "OK"             */
	KEEL_XS_TRANSACTION_START     = 6,  /* "" -> transaction id (decimal)  */
	KEEL_XS_TRANSACTION_END       = 7,  /* "T" commit / "F" abort -> "OK"  */
	KEEL_XS_INTRODUCE             = 8,  /* domid, gfn, evtchn -> "OK"      */
	KEEL_XS_RELEASE               = 9,  /* domid -> "OK"                   */
	KEEL_XS_GET_DOMAIN_PATH       = 10, /* domid -> "/local/domain/<id>"   */
	KEEL_XS_WRITE                 = 11, /* path, raw value -> "OK"         */
	KEEL_XS_MKDIR                 = 12, /* path -> "OK"                    */
	KEEL_XS_RM                    = 13, /* path -> "OK" (recursive)        */
	KEEL_XS_SET_PERMS             = 14, /* path, perm... -> "OK"           */
	KEEL_XS_WATCH_EVENT           = 15, /* OUT only: path, token           */
	KEEL_XS_ERROR                 = 16, /* OUT only: errno name            */
	KEEL_XS_IS_DOMAIN_INTRODUCED  = 17, /* domid -> "T" / "F"              */
	KEEL_XS_RESUME                = 18, /* domid -> "OK"                   */
	KEEL_XS_SET_TARGET            = 19, /* domid, target domid -> "OK"     */
	KEEL_XS_RESTRICT              = 20, /* domid -> "OK": act as domid     */
	KEEL_XS_RESET_WATCHES         = 21, /* "" -> "OK"                      */
	KEEL_XS_DIRECTORY_PART        = 22, /* path, offset -> gen, names...   */
	KEEL_XS_TYPE_COUNT            = 23, /* first unused number             */
	KEEL_XS_INVALID               = 0xffff
};

/* Header of every message, in host byte order (both ends share one host). */
struct keel_xs_msg_hdr {
	uint32_t type;    /* IN/OUT: enum keel_xs_type                          */
	uint32_t req_id;  /* IN: chosen by the client; OUT: echoed              */
	uint32_t tx_id;   /* IN: 0 or an open transaction; OUT: echoed          */
	uint32_t len;     /* IN/OUT: payload bytes after the header             */
};
KEEL_ABI_SIZE_CHECK(struct keel_xs_msg_hdr, 16);

#define KEEL_XS_PAYLOAD_MAX      4096u  /* largest payload in one message   */
#define KEEL_XS_ABS_PATH_MAX     3072u  /* longest absolute path            */
#define KEEL_XS_REL_PATH_MAX     2048u  /* longest path relative to home    */

/*
 * Permission strings (GET_PERMS / SET_PERMS): one letter then a domain id,
 * e.g. "b0".  The first entry names the node's owner and the access everyone
 * not listed gets; later entries grant a listed domain its own access.
 */
#define KEEL_XS_PERM_NONE   'n'
#define KEEL_XS_PERM_READ   'r'
#define KEEL_XS_PERM_WRITE  'w'
#define KEEL_XS_PERM_BOTH   'b'

/* Watch paths that are not nodes: fired on INTRODUCE and RELEASE. */
#define KEEL_XS_SPECIAL_INTRODUCE "@introduceDomain"
#define KEEL_XS_SPECIAL_RELEASE   "@releaseDomain"

/*
 * Error names carried by KEEL_XS_ERROR replies, with the Linux errno value
 * each stands for.  Clients map the name back to their errno.
 */
struct keel_xs_errname {
	int32_t     errnum;
	const char *name;
};

#define KEEL_XS_ERRNAME_COUNT 16
static const struct keel_xs_errname keel_xs_errnames[KEEL_XS_ERRNAME_COUNT]
	__attribute__((unused)) = {
	{ 22, "EINVAL" },    { 13, "EACCES" },  { 17, "EEXIST" },
	{ 21, "EISDIR" },    { 2,  "ENOENT" },  { 12, "ENOMEM" },
	{ 28, "ENOSPC" },    { 5,  "EIO" },     { 39, "ENOTEMPTY" },
	{ 38, "ENOSYS" },    { 30, "EROFS" },   { 16, "EBUSY" },
	{ 11, "EAGAIN" },    { 106, "EISCONN" }, { 7,  "E2BIG" },
	{ 1,  "EPERM" },
};

/*
 * The shared store page of a guest domain (one 4 KiB page; the rest of the
 * page is unused).  Indices are free-running 32-bit counters: the byte at
 * index i lives at ring[i % KEEL_XS_RING_SIZE], and prod - cons (mod 2^32) is
 * the number of unread bytes, never more than KEEL_XS_RING_SIZE.  Each side
 * writes only its own producer or consumer index, after a write barrier.
 */
#define KEEL_XS_RING_SIZE 1024u
#define KEEL_XS_RING_IDX(i) ((i) & (KEEL_XS_RING_SIZE - 1))

struct keel_xs_ring {
	char     req[KEEL_XS_RING_SIZE]; /* guest -> store: requests            */
	char     rsp[KEEL_XS_RING_SIZE]; /* store -> guest: replies and events  */
	uint32_t req_cons;               /* written by the store                */
	uint32_t req_prod;               /* written by the guest                */
	uint32_t rsp_cons;               /* written by the guest                */
	uint32_t rsp_prod;               /* written by the store                */
	uint32_t server_features;        /* OUT: KEEL_XS_FEATURE_* bits         */
	uint32_t connection;             /* IN/OUT: KEEL_XS_CONNECTED/RECONNECT */
	uint32_t error;                  /* OUT: KEEL_XS_RING_ERR_*             */
};
KEEL_ABI_SIZE_CHECK(struct keel_xs_ring, 2076);

#define KEEL_XS_FEATURE_RECONNECTION 1u  /* guest may ask to reset the ring */
#define KEEL_XS_FEATURE_ERROR        2u  /* `error` field is maintained      */

#define KEEL_XS_CONNECTED  0u  /* normal operation                          */
#define KEEL_XS_RECONNECT  1u  /* guest asks the store to reset the ring    */

#define KEEL_XS_RING_ERR_NONE   0u  /* no error                              */
#define KEEL_XS_RING_ERR_COMM   1u  /* communication problem                 */
#define KEEL_XS_RING_ERR_RINGIDX 2u /* indices out of range: ring abandoned  */
#define KEEL_XS_RING_ERR_PROTO  3u  /* malformed message: ring abandoned     */

#endif
