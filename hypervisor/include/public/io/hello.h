/*
 * The "hello" device: the SDK's worked example (drivers/back/example/).
 * A frontend sends numbers; the backend answers each with the number plus
 * the device's `increment` key (backend directory, default 1).  Ring
 * slots (io/ring.h) are 16 bytes: 128 per page (a power of two).
 */
#ifndef KEEL_PUBLIC_IO_HELLO_H
#define KEEL_PUBLIC_IO_HELLO_H

#include "../types.h"
#include "ring.h"

#define KEEL_HELLO_OP_ADD 1        /* value + increment */

struct keel_hello_request {
	uint64_t id;               /* IN: echoed                               */
	uint32_t op;               /* IN: KEEL_HELLO_OP_*                      */
	uint32_t value;            /* IN                                       */
};
KEEL_ABI_SIZE_CHECK(struct keel_hello_request, 16);

struct keel_hello_response {
	uint64_t id;               /* OUT: the request's id                    */
	int32_t  status;           /* OUT: 0, or -1 for an unknown op          */
	uint32_t value;            /* OUT: value + increment                   */
};
KEEL_ABI_SIZE_CHECK(struct keel_hello_response, 16);

#endif
