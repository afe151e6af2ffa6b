/* Command-line words of the network guests (net_cmdline.h). */
#include <public/errno.h>

#include "net_cmdline.h"

static size_t word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

int net_cmdline_value(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t kl = 0;

	while (key[kl])
		kl++;
	for (const char *p = cmdline; *p;) {
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		n = word_len(p);
		if (n >= kl && kl > 0) {
			size_t i = 0;

			while (i < kl && p[i] == key[i])
				i++;
			if (i == kl) {
				if (n == kl)
					return -KEEL_EINVAL;
				if (n - kl >= len)
					return -KEEL_E2BIG;
				for (i = 0; i < n - kl; i++)
					buf[i] = p[kl + i];
				buf[n - kl] = '\0';
				return (int)(n - kl);
			}
		}
		p += n;
	}
	return 0;
}
