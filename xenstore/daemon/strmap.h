/*
 * A string-keyed hash map owning copies of its keys (values are the
 * caller's).  Used for the in-memory database and transaction overlays.
 * Not thread-safe; one owner at a time.
 */
#ifndef KEEL_XSD_STRMAP_H
#define KEEL_XSD_STRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct xsd_strmap;

/* A new empty map, or NULL when out of memory. */
struct xsd_strmap *xsd_strmap_new(void);

/* Frees the map; @free_val (may be NULL) is called on every value. */
void xsd_strmap_free(struct xsd_strmap *m, void (*free_val)(void *val));

/* Looks @key up: true and *@val set when present. */
bool xsd_strmap_get(const struct xsd_strmap *m, const char *key, void **val);

/*
 * Sets @key to @val.  If the key was present its previous value is returned
 * in *@old (when @old is non-NULL) and true is stored in *@had.
 * Returns 0 or -ENOMEM (map unchanged).
 */
int xsd_strmap_put(struct xsd_strmap *m, const char *key, void *val,
		   void **old, bool *had);

/* Removes @key; true and *@val (if non-NULL) set to its value if present. */
bool xsd_strmap_del(struct xsd_strmap *m, const char *key, void **val);

/* Number of keys. */
size_t xsd_strmap_count(const struct xsd_strmap *m);

/*
 * Calls @fn on every entry in unspecified order until it returns non-zero,
 * which is then returned.  @fn must not add or remove keys.
 */
int xsd_strmap_foreach(const struct xsd_strmap *m,
		       int (*fn)(const char *key, void *val, void *ctx),
		       void *ctx);

#endif
