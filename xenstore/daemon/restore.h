/*
 * Introduced domains and their ring connections' watches, recorded with
 * the tree so a restarted daemon reconnects its guests (restore.c).
 * Recording failures are logged, never returned: the request they belong
 * to has succeeded.
 */
#ifndef KEEL_XSD_RESTORE_H
#define KEEL_XSD_RESTORE_H

#include <stdint.h>

struct xsd;
struct xsd_conn;
struct xsd_domain;
struct xsd_watch;

void xsd_persist_domain(struct xsd *x, const struct xsd_domain *d);
/* Forgets domain @domid and its recorded watches. */
void xsd_unpersist_domain(struct xsd *x, uint32_t domid);

/* Watches of a domain's ring connection (no-ops for other connections). */
void xsd_persist_watch(struct xsd_conn *c, const struct xsd_watch *w);
void xsd_unpersist_watch(struct xsd_conn *c, const char *path,
			 const char *token);
void xsd_unpersist_watches(struct xsd_conn *c);

#endif
