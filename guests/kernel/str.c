/* Pure string helpers (str.h): no hardware, no globals. */
#include <public/errno.h>

#include "str.h"

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t gk_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = str_len(src);
	size_t i;

	if (size) {
		for (i = 0; i < len && i < size - 1; i++)
			dst[i] = src[i];
		dst[i] = '\0';
	}
	return len;
}

size_t gk_strlcat(char *dst, const char *src, size_t size)
{
	size_t used = 0;

	while (used < size && dst[used])
		used++;
	if (used == size)
		return size + str_len(src);
	return used + gk_strlcpy(dst + used, src, size - used);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int gk_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0, digits = 0;

	while (i < len && is_space(s[i]))
		i++;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		unsigned int d = (unsigned int)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -KEEL_ERANGE;
		v = v * 10 + d;
	}
	while (i < len && is_space(s[i]))
		i++;
	if (!digits || (i < len && s[i] != '\0'))
		return -KEEL_EINVAL;
	*out = v;
	return 0;
}

int gk_has_word(const char *line, const char *word)
{
	size_t wlen = str_len(word);
	const char *p = line;

	if (!wlen)
		return 0;
	while (*p) {
		const char *start;
		size_t n;

		while (*p && is_space(*p))
			p++;
		start = p;
		while (*p && !is_space(*p))
			p++;
		n = (size_t)(p - start);
		if (n == wlen) {
			size_t i;

			for (i = 0; i < n && start[i] == word[i]; i++)
				;
			if (i == n)
				return 1;
		}
	}
	return 0;
}
