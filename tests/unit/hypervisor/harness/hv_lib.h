/* The hypervisor's C library under its test names (see hv_lib.c).  No
 * format attribute on hv_snprintf: the lib suite passes malformed formats
 * on purpose. */
#ifndef HV_LIB_H
#define HV_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
size_t hv_strlcpy(char *dst, const char *src, size_t size);
int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...);
bool hv_parse_u64(const char *s, const char **end, uint64_t *out);

#endif
