/*
 * libkeelback: strict parsing of guest-written numbers (kb_parse.c).
 */
#ifndef KB_PARSE_H
#define KB_PARSE_H

/* Decimal 0 .. max, at most 10 digits, no sign, space or junk: 0 and *out,
 * or -EINVAL (nothing written to *out). */
int kb_parse_uint(const char *s, unsigned long max, unsigned long *out);

#endif
