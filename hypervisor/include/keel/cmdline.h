/*
 * Hypervisor command line: "name=value" and bare "flag" words separated by
 * spaces.  A table describes the known parameters; each is parsed into its
 * variable, and a word that is unknown or malformed is reported through
 * the warn callback and skipped (the hypervisor keeps booting with
 * defaults rather than refusing to start).
 */
#ifndef KEEL_CMDLINE_H
#define KEEL_CMDLINE_H

#include <keel/types.h>

enum param_type {
	PARAM_SIZE,   /* uint64_t bytes: "768M", "1G", "65536K", "0x30000000" */
	PARAM_BOOL,   /* bool: bare word = true; "=1/0/yes/no/on/off"          */
	PARAM_STR,    /* char[len]: copied, NUL-terminated                     */
	PARAM_CUSTOM, /* parse(value) returns 0 or a negative errno            */
};

struct param {
	const char *name;
	enum param_type type;
	void *var;
	size_t len;                       /* PARAM_STR buffer size */
	int (*parse)(const char *value);  /* PARAM_CUSTOM */
};

typedef void (*cmdline_warn_fn)(const char *word, const char *why);

/* Parse a size with optional K/M/G suffix.  Returns 0 or -EINVAL. */
int parse_size(const char *s, uint64_t *out);
/* Returns the number of words that were rejected. */
int cmdline_parse(const char *cmdline, const struct param *table, size_t n,
		  cmdline_warn_fn warn);

#endif
