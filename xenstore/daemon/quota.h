/*
 * Per-domain limits.  They apply to unprivileged requesters only; dom0 is
 * trusted.  Zero means "no limit" for every field.
 */
#ifndef KEEL_XSD_QUOTA_H
#define KEEL_XSD_QUOTA_H

struct xsd_quota {
	unsigned nodes;         /* nodes a domain may own            (ENOSPC) */
	unsigned entry_size;    /* bytes in one node's value         (ENOSPC) */
	unsigned watches;       /* watches per connection            (E2BIG)  */
	unsigned transactions;  /* open transactions per connection  (ENOSPC) */
	unsigned outstanding;   /* replies queued before input pauses         */
	unsigned request_size;  /* payload bytes in one request      (E2BIG)  */
};

#define XSD_QUOTA_DEFAULT_NODES         1000u
#define XSD_QUOTA_DEFAULT_ENTRY_SIZE    2048u
#define XSD_QUOTA_DEFAULT_WATCHES       128u
#define XSD_QUOTA_DEFAULT_TRANSACTIONS  10u
#define XSD_QUOTA_DEFAULT_OUTSTANDING   20u
#define XSD_QUOTA_DEFAULT_REQUEST_SIZE  4096u

#endif
