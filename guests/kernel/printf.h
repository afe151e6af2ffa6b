/*
 * Pure formatting (printf.c), also built into the host unit tests.
 *
 * Conversions: d i u x X o p s c %, flags - 0 + space #, width and
 * precision (numbers or *), length modifiers hh h l ll z t j.  No floating
 * point.  The result is always NUL-terminated when size > 0; the return
 * value is the length the full output would have had (as C's snprintf).
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int gk_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
