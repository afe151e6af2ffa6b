/* Freestanding C library subset used by the hypervisor (common/lib.c,
 * common/vsnprintf.c). */
#ifndef KEEL_LIB_H
#define KEEL_LIB_H

#include <keel/types.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
size_t strlcpy(char *dst, const char *src, size_t size);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Parse an unsigned number (decimal, or hex with 0x); *end gets the first
 * unparsed character.  Returns false on no digits or overflow. */
bool parse_u64(const char *s, const char **end, uint64_t *out);

#endif
