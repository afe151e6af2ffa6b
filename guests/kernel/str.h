/*
 * Pure string helpers (str.c), also built into the host unit tests.
 */
#ifndef GUEST_STR_H
#define GUEST_STR_H

#include <stddef.h>
#include <stdint.h>

/* Copy with truncation; always NUL-terminates when size > 0.  Returns
 * strlen(src), so a result >= size means it was cut. */
size_t gk_strlcpy(char *dst, const char *src, size_t size);
/* Append with truncation, same convention: strlen(dst) + strlen(src). */
size_t gk_strlcat(char *dst, const char *src, size_t size);
/* Parse a whole string as a decimal unsigned number, surrounding
 * whitespace allowed (a store value may end in "\n").  0 on success;
 * -KEEL_EINVAL if empty or not a number, -KEEL_ERANGE if it overflows. */
int gk_parse_u64(const char *s, size_t len, uint64_t *out);
/* Is `word` one of the whitespace-separated words of `line`? */
int gk_has_word(const char *line, const char *word);

#endif
