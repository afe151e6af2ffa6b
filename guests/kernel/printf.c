/* A small vsnprintf (printf.h).  Pure: no hardware, no globals. */
#include <stdint.h>

#include "printf.h"

struct out {
	char *buf;
	size_t size;
	size_t pos;         /* bytes the full output has so far */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

#define F_LEFT   1
#define F_ZERO   2
#define F_PLUS   4
#define F_SPACE  8
#define F_ALT   16

struct spec {
	int flags;
	int width;
	int prec;           /* -1: none */
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
	int len = 0;

	if (!s)
		s = "(null)";
	while (s[len] && (sp->prec < 0 || len < sp->prec))
		len++;
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', sp->width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', sp->width - len);
}

static void put_num(struct out *o, uint64_t v, int neg, unsigned int base,
		    int upper, const struct spec *sp, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, zeros = 0, plen = 0, sign = 0, total;

	if (v == 0 && sp->prec == 0)
		n = 0;          /* "%.0d" of 0 prints nothing */
	else
		do {
			tmp[n++] = digits[v % base];
			v /= base;
		} while (v);
	if (neg || (sp->flags & (F_PLUS | F_SPACE)))
		sign = 1;
	if (prefix)
		while (prefix[plen])
			plen++;
	if (sp->prec > n)
		zeros = sp->prec - n;
	total = sign + plen + zeros + n;
	if ((sp->flags & F_ZERO) && !(sp->flags & F_LEFT) && sp->prec < 0 &&
	    sp->width > total) {
		zeros += sp->width - total;
		total = sp->width;
	}
	if (!(sp->flags & F_LEFT))
		pad(o, ' ', sp->width - total);
	if (sign)
		put(o, neg ? '-' : (sp->flags & F_PLUS) ? '+' : ' ');
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	pad(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		pad(o, ' ', sp->width - total);
}

enum len_mod { L_INT, L_CHAR, L_SHORT, L_LONG, L_LLONG, L_SIZE };

static const char *parse_int(const char *f, int *val, va_list *ap)
{
	if (*f == '*') {
		*val = va_arg(*ap, int);
		return f + 1;
	}
	*val = 0;
	while (*f >= '0' && *f <= '9')
		*val = *val * 10 + (*f++ - '0');
	return f;
}

static uint64_t get_unsigned(enum len_mod len, va_list *ap)
{
	switch (len) {
	case L_CHAR:  return (unsigned char)va_arg(*ap, unsigned int);
	case L_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case L_LONG:  return va_arg(*ap, unsigned long);
	case L_LLONG: return va_arg(*ap, unsigned long long);
	case L_SIZE:  return va_arg(*ap, size_t);
	default:      return va_arg(*ap, unsigned int);
	}
}

static int64_t get_signed(enum len_mod len, va_list *ap)
{
	switch (len) {
	case L_CHAR:  return (signed char)va_arg(*ap, int);
	case L_SHORT: return (short)va_arg(*ap, int);
	case L_LONG:  return va_arg(*ap, long);
	case L_LLONG: return va_arg(*ap, long long);
	case L_SIZE:  return (int64_t)va_arg(*ap, size_t);
	default:      return va_arg(*ap, int);
	}
}

static const char *parse_spec(const char *f, struct spec *sp, enum len_mod *len,
			      va_list *ap)
{
	sp->flags = 0;
	for (;; f++) {
		if (*f == '-') sp->flags |= F_LEFT;
		else if (*f == '0') sp->flags |= F_ZERO;
		else if (*f == '+') sp->flags |= F_PLUS;
		else if (*f == ' ') sp->flags |= F_SPACE;
		else if (*f == '#') sp->flags |= F_ALT;
		else break;
	}
	f = parse_int(f, &sp->width, ap);
	if (sp->width < 0) {            /* "%*d" with a negative width */
		sp->flags |= F_LEFT;
		sp->width = -sp->width;
	}
	sp->prec = -1;
	if (*f == '.') {
		f = parse_int(f + 1, &sp->prec, ap);
		if (sp->prec < 0)
			sp->prec = -1;
	}
	*len = L_INT;
	if (*f == 'h') {
		f++;
		*len = L_SHORT;
		if (*f == 'h') {
			f++;
			*len = L_CHAR;
		}
	} else if (*f == 'l') {
		f++;
		*len = L_LONG;
		if (*f == 'l') {
			f++;
			*len = L_LLONG;
		}
	} else if (*f == 'z' || *f == 't' || *f == 'j') {
		f++;
		*len = L_SIZE;
	}
	return f;
}

int gk_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;
	const char *f;

	va_copy(ap, ap_in);
	for (f = fmt; *f; f++) {
		struct spec sp;
		enum len_mod len;
		int64_t s;
		uint64_t u;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &len, &ap);
		switch (*f) {
		case 'd':
		case 'i':
			s = get_signed(len, &ap);
			u = s < 0 ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
			put_num(&o, u, s < 0, 10, 0, &sp, NULL);
			break;
		case 'u':
			put_num(&o, get_unsigned(len, &ap), 0, 10, 0, &sp, NULL);
			break;
		case 'x':
		case 'X':
			u = get_unsigned(len, &ap);
			sp.flags &= ~(F_PLUS | F_SPACE);
			put_num(&o, u, 0, 16, *f == 'X', &sp,
				(sp.flags & F_ALT) && u ? (*f == 'X' ? "0X" : "0x") : NULL);
			break;
		case 'o':
			sp.flags &= ~(F_PLUS | F_SPACE);
			put_num(&o, get_unsigned(len, &ap), 0, 8, 0, &sp,
				(sp.flags & F_ALT) ? "0" : NULL);
			break;
		case 'p':
			sp.flags &= ~(F_PLUS | F_SPACE);
			put_num(&o, (uint64_t)(uintptr_t)va_arg(ap, void *), 0, 16, 0,
				&sp, "0x");
			break;
		case 's':
			put_str(&o, va_arg(ap, const char *), &sp);
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.prec = -1;
			if (!(sp.flags & F_LEFT))
				pad(&o, ' ', sp.width - 1);
			put(&o, c[0]);
			if (sp.flags & F_LEFT)
				pad(&o, ' ', sp.width - 1);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':          /* a lone '%' at the end */
			f--;
			break;
		default:            /* unknown: print it as written */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return o.pos > INT32_MAX ? INT32_MAX : (int)o.pos;
}

int gk_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = gk_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
