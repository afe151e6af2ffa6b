/* The console socket's request line.  See cons_proto.h. */
#include <errno.h>
#include <string.h>

#include "cons_proto.h"

static int parse_domid(const char *s, size_t n, uint16_t *out)
{
	uint32_t v = 0;
	size_t i;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint32_t)(s[i] - '0');
	}
	if (v == 0 || v > CONS_DOMID_MAX)
		return -EINVAL;
	*out = (uint16_t)v;
	return 0;
}

int cons_proto_parse(const char *buf, size_t len, struct cons_cmd *cmd)
{
	static const char verb[] = "attach ";
	const char *nl = memchr(buf, '\n', len < CONS_LINE_MAX ? len : CONS_LINE_MAX);
	size_t n;

	if (!nl)
		return len >= CONS_LINE_MAX ? -E2BIG : 0;
	n = (size_t)(nl - buf);
	if (n > 0 && buf[n - 1] == '\r')  /* tolerate "\r\n" (nc, telnet) */
		n--;
	if (n < sizeof(verb) - 1 || memcmp(buf, verb, sizeof(verb) - 1))
		return -EINVAL;
	if (parse_domid(buf + sizeof(verb) - 1, n - (sizeof(verb) - 1),
			&cmd->domid))
		return -EINVAL;
	cmd->type = CONS_CMD_ATTACH;
	return (int)(nl - buf) + 1;
}
