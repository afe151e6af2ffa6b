/*
 * Command-line parsing.  Pure logic: unit-tested on the host.
 */
#include <keel/cmdline.h>
#include <keel/errno.h>
#include <keel/lib.h>

#define WORD_MAX 256

int parse_size(const char *s, uint64_t *out)
{
	const char *end;
	uint64_t v, shift = 0;

	if (!parse_u64(s, &end, &v))
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (*end != '\0')
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -EINVAL;
	*out = v << shift;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "on", "true" };
	static const char *const no[] = { "0", "no", "off", "false" };

	if (!v) {
		*out = true;
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct param *find(const struct param *t, size_t n,
				const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].name, name))
			return &t[i];
	return NULL;
}

/* Apply one word ("name" or "name=value"); returns 0 or a reason. */
static const char *apply(char *word, const struct param *t, size_t n)
{
	char *eq = strchr(word, '=');
	const char *val = NULL;
	const struct param *p;

	if (eq) {
		*eq = '\0';
		val = eq + 1;
	}
	p = find(t, n, word);
	if (!p)
		return "unknown parameter";
	switch (p->type) {
	case PARAM_SIZE:
		if (!val || parse_size(val, p->var))
			return "expects a size such as 512M or 2G";
		return NULL;
	case PARAM_BOOL:
		if (parse_bool(val, p->var))
			return "expects no value, or 0/1, yes/no, on/off";
		return NULL;
	case PARAM_STR:
		if (!val)
			return "expects a value";
		if (strlen(val) >= p->len)
			return "value too long";
		strlcpy(p->var, val, p->len);
		return NULL;
	case PARAM_CUSTOM:
		if (!val || p->parse(val))
			return "invalid value";
		return NULL;
	}
	return "bad parameter table";
}

int cmdline_parse(const char *cmdline, const struct param *table, size_t n,
		  cmdline_warn_fn warn)
{
	char word[WORD_MAX];
	int bad = 0;
	const char *s = cmdline;

	while (s && *s) {
		size_t len = 0;
		const char *why;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		while (s[len] && s[len] != ' ' && s[len] != '\t')
			len++;
		if (len >= sizeof(word)) {
			memcpy(word, s, sizeof(word) - 1);
			word[sizeof(word) - 1] = '\0';
			why = "word too long";
		} else {
			memcpy(word, s, len);
			word[len] = '\0';
			why = apply(word, table, n);
			if (why) {	/* report the word as written */
				memcpy(word, s, len);
				word[len] = '\0';
			}
		}
		if (why) {
			bad++;
			if (warn)
				warn(word, why);
		}
		s += len;
	}
	return bad;
}
