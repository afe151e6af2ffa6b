/*
 * Domain configuration files: a small hand-written scanner (one pass, line
 * numbers kept), then one check per key.  docs/config.md is the reference.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#define CFG_FILE_MAX   (64 * 1024)
#define CFG_VALUE_MAX  4096     /* longest string value */
#define CFG_LIST_MAX   64       /* items in one list */

enum val_type { VAL_INT, VAL_STR, VAL_WORD, VAL_LIST };

/* An item of a list, kept for the keys that use them (disk). */
struct val_item {
	enum val_type type;
	unsigned int line;
	char *str;                 /* malloc'd text */
};

struct val {
	enum val_type type;
	long long num;             /* VAL_INT */
	int num_overflow;          /* VAL_INT that did not fit */
	char str[CFG_VALUE_MAX];   /* VAL_STR, VAL_WORD: the text */
	unsigned int nr_items;     /* VAL_LIST */
	struct val_item *items;    /* VAL_LIST: nr_items of them (malloc'd) */
};

static void val_free_items(struct val *v)
{
	unsigned int i;

	if (!v->items)
		return;
	for (i = 0; i < v->nr_items; i++)
		free(v->items[i].str);
	free(v->items);
	v->items = NULL;
}

struct scan {
	const char *p, *end;
	unsigned int line;
	const char *fname;
	struct keel_cfg_diag *diag;
};

static void set_error(struct scan *s, unsigned int line, const char *key,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void set_error(struct scan *s, unsigned int line, const char *key,
		      const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (line && key)
		snprintf(s->diag->error, sizeof(s->diag->error), "%.200s:%u: %s: %s",
			 s->fname, line, key, what);
	else if (line)
		snprintf(s->diag->error, sizeof(s->diag->error), "%.200s:%u: %s",
			 s->fname, line, what);
	else
		snprintf(s->diag->error, sizeof(s->diag->error), "%.200s: %s: %s",
			 s->fname, key, what);
}

static __attribute__((unused)) void
add_warning(struct scan *s, unsigned int line, const char *key,
			const char *what)
{
	struct keel_cfg_diag *d = s->diag;

	if (d->nr_warnings >= KEEL_CFG_WARN_MAX)
		return;
	snprintf(d->warnings[d->nr_warnings++], KEEL_CFG_MSG_MAX, "%s:%u: %s: %s",
		 s->fname, line, key, what);
}

/* ---- scanner ---- */

static int at_end(const struct scan *s)
{
	return s->p >= s->end;
}

/* Skips blanks and tabs (not newlines). */
static void skip_blanks(struct scan *s)
{
	while (!at_end(s) && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

/* Skips to the end of a comment (not the newline). */
static void skip_comment(struct scan *s)
{
	if (!at_end(s) && *s->p == '#')
		while (!at_end(s) && *s->p != '\n')
			s->p++;
}

/* Blanks, comments and newlines: inside a list. */
static void skip_space_lines(struct scan *s)
{
	for (;;) {
		skip_blanks(s);
		skip_comment(s);
		if (at_end(s) || *s->p != '\n')
			return;
		s->p++;
		s->line++;
	}
}

static int is_key_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '-');
}

static int is_word_char(char c)
{
	return c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != '#' &&
	       c != ',' && c != ']' && c != '[' && c != '"' && c != '\0';
}

/* A "string" with \" \\ \n \t escapes; s->p is at the opening quote. */
static int scan_string(struct scan *s, const char *key, char *out, size_t size)
{
	unsigned int line = s->line;
	size_t n = 0;
	char c;

	s->p++;
	for (;;) {
		if (at_end(s) || *s->p == '\n') {
			set_error(s, line, key, "unterminated string (no closing '\"')");
			return -EINVAL;
		}
		c = *s->p++;
		if (c == '"')
			break;
		if (c == '\0') {
			set_error(s, line, key, "NUL byte inside a string");
			return -EINVAL;
		}
		if (c == '\\') {
			if (at_end(s) || *s->p == '\n') {
				set_error(s, line, key, "unterminated string (no closing '\"')");
				return -EINVAL;
			}
			c = *s->p++;
			switch (c) {
			case '"': case '\\': break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			default:
				set_error(s, line, key, "unknown escape '\\%c' in a string", c);
				return -EINVAL;
			}
		}
		if (n + 1 >= size) {
			set_error(s, line, key, "string longer than %zu bytes", size - 1);
			return -EINVAL;
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return 0;
}

/* An integer or a bare word (a bare word is kept to be named in errors). */
static int scan_scalar(struct scan *s, const char *key, struct val *v)
{
	const char *start = s->p;
	size_t n = 0;

	if (*s->p == '"') {
		v->type = VAL_STR;
		return scan_string(s, key, v->str, sizeof(v->str));
	}
	while (!at_end(s) && is_word_char(*s->p)) {
		if (n + 1 < sizeof(v->str))
			v->str[n++] = *s->p;
		s->p++;
	}
	v->str[n] = '\0';
	if (s->p == start) {
		set_error(s, s->line, key, "expected a value after '='");
		return -EINVAL;
	}
	v->type = VAL_WORD;
	{
		const char *q = v->str;
		unsigned long long acc = 0;
		int neg = 0;

		if (*q == '-' || *q == '+')
			neg = *q++ == '-';
		if (*q < '0' || *q > '9')
			return 0;
		for (; *q >= '0' && *q <= '9'; q++) {
			if (acc > (ULLONG_MAX - 9) / 10)
				v->num_overflow = 1;
			else
				acc = acc * 10 + (unsigned)(*q - '0');
		}
		if (*q)
			return 0;           /* "12abc": a word */
		if (acc > (unsigned long long)LLONG_MAX)
			v->num_overflow = 1;
		v->type = VAL_INT;
		v->num = neg ? -(long long)acc : (long long)acc;
	}
	return 0;
}

/* [ item, item, ... ] over any number of lines; items are counted. */
static int scan_list(struct scan *s, const char *key, struct val *v)
{
	unsigned int line = s->line, item_line;
	struct val *item;
	int rc = 0;

	item = malloc(sizeof(*item));
	if (!item) {
		set_error(s, line, key, "out of memory");
		return -ENOMEM;
	}
	s->p++;
	v->type = VAL_LIST;
	v->nr_items = 0;
	v->items = calloc(CFG_LIST_MAX, sizeof(*v->items));
	if (!v->items) {
		free(item);
		set_error(s, line, key, "out of memory");
		return -ENOMEM;
	}
	for (;;) {
		skip_space_lines(s);
		if (at_end(s)) {
			set_error(s, line, key, "list not closed with ']'");
			rc = -EINVAL;
			break;
		}
		if (*s->p == ']') {
			s->p++;
			break;
		}
		if (*s->p == '[') {
			set_error(s, s->line, key, "a list inside a list");
			rc = -EINVAL;
			break;
		}
		memset(item, 0, sizeof(*item));
		item_line = s->line;
		rc = scan_scalar(s, key, item);
		if (rc)
			break;
		if (v->nr_items >= CFG_LIST_MAX) {
			set_error(s, line, key, "more than %d items in a list", CFG_LIST_MAX);
			rc = -EINVAL;
			break;
		}
		v->items[v->nr_items].type = item->type;
		v->items[v->nr_items].line = item_line;
		v->items[v->nr_items].str = strdup(item->str);
		if (!v->items[v->nr_items++].str) {
			set_error(s, line, key, "out of memory");
			rc = -ENOMEM;
			break;
		}
		skip_space_lines(s);
		if (!at_end(s) && *s->p == ',') {
			s->p++;
			continue;
		}
		if (!at_end(s) && *s->p == ']')
			continue;
		if (at_end(s)) {
			set_error(s, line, key, "list not closed with ']'");
			rc = -EINVAL;
			break;
		}
		set_error(s, s->line, key, "expected ',' or ']' in a list");
		rc = -EINVAL;
		break;
	}
	free(item);
	return rc;
}

/* ---- per-key checks ---- */

/* How a value is named in a message: "text", 123, text, a list. */
static const char *describe(const struct val *v, char *buf, size_t size)
{
	switch (v->type) {
	case VAL_STR:
		snprintf(buf, size, "\"%.60s\"", v->str);
		break;
	case VAL_INT:
	case VAL_WORD:
		snprintf(buf, size, "%.60s", v->str);
		break;
	case VAL_LIST:
		snprintf(buf, size, "a list");
		break;
	}
	return buf;
}

/* An integer in [lo, hi]; else the error "expected WHAT, got X". */
static int want_int(struct scan *s, unsigned int line, const char *key,
		    const struct val *v, long long lo, long long hi,
		    const char *what, uint32_t *out)
{
	char buf[96];

	if (v->type != VAL_INT || v->num_overflow || v->num < lo || v->num > hi) {
		set_error(s, line, key, "expected %s, got %s", what,
			  describe(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	*out = (uint32_t)v->num;
	return 0;
}

static int want_string(struct scan *s, unsigned int line, const char *key,
		       const struct val *v)
{
	char buf[96];

	if (v->type != VAL_STR) {
		set_error(s, line, key, "expected a \"string\" in double quotes, got %s",
			  describe(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

int keel_cfg_name_valid(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return n >= 1 && n <= KEEL_CFG_NAME_MAX;
}

static const char *const action_names[] = {
	[KEEL_CFG_DESTROY] = "destroy",
	[KEEL_CFG_RESTART] = "restart",
	[KEEL_CFG_PRESERVE] = "preserve",
};

const char *keel_cfg_action_name(enum keel_cfg_action a)
{
	if ((unsigned)a < sizeof(action_names) / sizeof(action_names[0]))
		return action_names[a];
	return "?";
}

int keel_cfg_action_parse(const char *s, enum keel_cfg_action *a)
{
	unsigned int i;

	for (i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++)
		if (!strcmp(s, action_names[i])) {
			*a = (enum keel_cfg_action)i;
			return 0;
		}
	return -EINVAL;
}

enum cfg_key {
	K_NAME, K_MEMORY, K_MAXMEM, K_KERNEL, K_CMDLINE, K_WEIGHT, K_CAP,
	K_VCPUS, K_ON_POWEROFF, K_ON_REBOOT, K_ON_CRASH, K_DISK, K_VIF,
	K_COUNT
};

static const char *const key_names[K_COUNT] = {
	"name", "memory", "maxmem", "kernel", "cmdline", "weight", "cap",
	"vcpus", "on_poweroff", "on_reboot", "on_crash", "disk", "vif",
};

struct parse_state {
	struct scan s;
	const char *dir;
	struct keel_domcfg *cfg;
	unsigned int seen[K_COUNT];     /* line of the key, 0 if absent */
};

static int set_kernel(struct parse_state *ps, unsigned int line, const char *key,
		      const struct val *v)
{
	struct keel_domcfg *cfg = ps->cfg;
	int n;

	if (want_string(&ps->s, line, key, v))
		return -EINVAL;
	if (!v->str[0]) {
		set_error(&ps->s, line, key, "empty path");
		return -EINVAL;
	}
	if (v->str[0] == '/' || !ps->dir[0])
		n = snprintf(cfg->kernel, sizeof(cfg->kernel), "%s", v->str);
	else
		n = snprintf(cfg->kernel, sizeof(cfg->kernel), "%s/%s", ps->dir, v->str);
	if (n < 0 || (size_t)n >= sizeof(cfg->kernel)) {
		set_error(&ps->s, line, key, "path longer than %d bytes",
			  KEEL_CFG_PATH_MAX - 1);
		return -EINVAL;
	}
	return 0;
}

static int set_action(struct parse_state *ps, unsigned int line, const char *key,
		      const struct val *v, enum keel_cfg_action *a)
{
	char buf[96];

	if (v->type != VAL_STR || keel_cfg_action_parse(v->str, a)) {
		set_error(&ps->s, line, key,
			  "expected \"destroy\", \"restart\" or \"preserve\", got %s",
			  describe(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	return 0;
}

/* One disk spec string of a disk = [ ... ] line (vbd.h). */
static int add_disk(struct parse_state *ps, unsigned int line, const char *spec)
{
	struct keel_domcfg *cfg = ps->cfg;
	struct keel_vbd *d = &cfg->disks[cfg->nr_disks];
	char msg[KEEL_VBD_MSG_MAX];
	unsigned int i;

	if (cfg->nr_disks >= KEEL_VBD_MAX) {
		set_error(&ps->s, line, "disk", "more than %d disks", KEEL_VBD_MAX);
		return -EINVAL;
	}
	if (keel_vbd_parse(spec, ps->dir, d, msg, sizeof(msg))) {
		set_error(&ps->s, line, "disk", "%s", msg);
		return -EINVAL;
	}
	d->line = line;
	for (i = 0; i < cfg->nr_disks; i++) {
		const struct keel_vbd *o = &cfg->disks[i];

		if (o->devid == d->devid) {
			set_error(&ps->s, line, "disk", "vdev %s given twice (first on line %u)",
				  d->vdev, o->line);
			return -EINVAL;
		}
		if (!strcmp(o->target, d->target) ||
		    (o->format == KEEL_VBD_COW && !strcmp(o->base, d->target)) ||
		    (d->format == KEEL_VBD_COW && !strcmp(d->base, o->target))) {
			set_error(&ps->s, line, "disk", "%s and %s use the same image %s",
				  o->vdev, d->vdev,
				  !strcmp(o->target, d->target) || !strcmp(o->base, d->target)
				  ? d->target : d->base);
			return -EINVAL;
		}
	}
	cfg->nr_disks++;
	return 0;
}

/* One vif spec string of a vif = [ ... ] line (vif.h): vif n is the
 * n-th. */
static int add_vif(struct parse_state *ps, unsigned int line, const char *spec)
{
	struct keel_domcfg *cfg = ps->cfg;
	struct keel_vif *v = &cfg->vifs[cfg->nr_vifs];
	char msg[KEEL_VIF_MSG_MAX];
	unsigned int i;

	if (cfg->nr_vifs >= KEEL_VIF_MAX) {
		set_error(&ps->s, line, "vif", "more than %d interfaces", KEEL_VIF_MAX);
		return -EINVAL;
	}
	if (keel_vif_parse(spec, v, msg, sizeof(msg))) {
		set_error(&ps->s, line, "vif", "%s", msg);
		return -EINVAL;
	}
	v->line = line;
	v->devid = cfg->nr_vifs;
	for (i = 0; i < cfg->nr_vifs; i++)
		if (v->has_mac && cfg->vifs[i].has_mac &&
		    !memcmp(v->mac, cfg->vifs[i].mac, 6)) {
			set_error(&ps->s, line, "vif", "mac given twice (first on line %u)",
				  cfg->vifs[i].line);
			return -EINVAL;
		}
	cfg->nr_vifs++;
	return 0;
}

/* vif = [ "spec", ... ] (or one "spec"). */
static int set_vifs(struct parse_state *ps, unsigned int line, const struct val *v)
{
	char buf[96];
	unsigned int i;

	if (v->type == VAL_STR)
		return add_vif(ps, line, v->str);
	if (v->type != VAL_LIST) {
		set_error(&ps->s, line, "vif", "expected a [ \"list\", ... ], got %s",
			  describe(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	for (i = 0; i < v->nr_items; i++) {
		const struct val_item *it = &v->items[i];

		if (it->type != VAL_STR) {
			set_error(&ps->s, it->line, "vif",
				  "expected a \"string\" in double quotes, got %.60s", it->str);
			return -EINVAL;
		}
		if (add_vif(ps, it->line, it->str))
			return -EINVAL;
	}
	return 0;
}

/* disk = [ "spec", ... ] (or one "spec"). */
static int set_disks(struct parse_state *ps, unsigned int line, const struct val *v)
{
	char buf[96];
	unsigned int i;

	if (v->type == VAL_STR)
		return add_disk(ps, line, v->str);
	if (v->type != VAL_LIST) {
		set_error(&ps->s, line, "disk", "expected a [ \"list\", ... ], got %s",
			  describe(v, buf, sizeof(buf)));
		return -EINVAL;
	}
	for (i = 0; i < v->nr_items; i++) {
		const struct val_item *it = &v->items[i];

		if (it->type != VAL_STR) {
			set_error(&ps->s, it->line, "disk",
				  "expected a \"string\" in double quotes, got %.60s", it->str);
			return -EINVAL;
		}
		if (add_disk(ps, it->line, it->str))
			return -EINVAL;
	}
	return 0;
}

static int apply_key(struct parse_state *ps, enum cfg_key k, unsigned int line,
		     const struct val *v)
{
	struct keel_domcfg *cfg = ps->cfg;
	struct scan *s = &ps->s;
	const char *key = key_names[k];
	char buf[96];

	switch (k) {
	case K_NAME:
		if (want_string(s, line, key, v))
			return -EINVAL;
		if (!keel_cfg_name_valid(v->str)) {
			set_error(s, line, key,
				  "%s is not a valid name (1 to %d characters of A-Z a-z 0-9 _ . -)",
				  describe(v, buf, sizeof(buf)), KEEL_CFG_NAME_MAX);
			return -EINVAL;
		}
		strcpy(cfg->name, v->str);
		return 0;
	case K_MEMORY:
		if (v->type == VAL_INT && !v->num_overflow && v->num >= 0 &&
		    v->num < KEEL_CFG_MEMORY_MIN) {
			set_error(s, line, key, "%lld MiB is too small (at least %d)",
				  v->num, KEEL_CFG_MEMORY_MIN);
			return -EINVAL;
		}
		return want_int(s, line, key, v, KEEL_CFG_MEMORY_MIN,
				KEEL_CFG_MEMORY_MAX, "a number of MiB",
				&cfg->memory_mib);
	case K_MAXMEM:
		return want_int(s, line, key, v, 1, KEEL_CFG_MEMORY_MAX,
				"a number of MiB", &cfg->maxmem_mib);
	case K_KERNEL:
		return set_kernel(ps, line, key, v);
	case K_CMDLINE:
		if (want_string(s, line, key, v))
			return -EINVAL;
		if (strlen(v->str) > KEEL_CFG_CMDLINE_MAX) {
			set_error(s, line, key, "longer than %d bytes", KEEL_CFG_CMDLINE_MAX);
			return -EINVAL;
		}
		strcpy(cfg->cmdline, v->str);
		return 0;
	case K_WEIGHT:
		return want_int(s, line, key, v, 1, 65535, "a weight 1..65535",
				&cfg->weight);
	case K_CAP:
		return want_int(s, line, key, v, 0, 100,
				"a cap 0..100 (percent of one CPU, 0: none)", &cfg->cap);
	case K_VCPUS:
		if (v->type == VAL_INT && !v->num_overflow && v->num > 1) {
			set_error(s, line, key, "only 1 vCPU is supported for now, got %lld",
				  v->num);
			return -EINVAL;
		}
		return want_int(s, line, key, v, 1, 1, "1", &cfg->vcpus);
	case K_ON_POWEROFF:
		return set_action(ps, line, key, v, &cfg->on_poweroff);
	case K_ON_REBOOT:
		return set_action(ps, line, key, v, &cfg->on_reboot);
	case K_ON_CRASH:
		return set_action(ps, line, key, v, &cfg->on_crash);
	case K_DISK:
		return set_disks(ps, line, v);
	case K_VIF:
		return set_vifs(ps, line, v);
	case K_COUNT:
		break;
	}
	return -EINVAL;
}

/* After the value: the rest of the line, then the key's own check. */
static int finish_assignment(struct parse_state *ps, const char *key,
			     unsigned int line, const struct val *v)
{
	struct scan *s = &ps->s;
	int k;

	skip_blanks(s);
	skip_comment(s);
	if (!at_end(s) && *s->p != '\n') {
		set_error(s, s->line, key, "unexpected text after the value");
		return -EINVAL;
	}

	for (k = 0; k < K_COUNT; k++)
		if (!strcmp(key, key_names[k]))
			break;
	if (k == K_COUNT) {
		set_error(s, line, key, "unknown key");
		return -EINVAL;
	}
	if (ps->seen[k]) {
		set_error(s, line, key, "given twice (first on line %u)", ps->seen[k]);
		return -EINVAL;
	}
	ps->seen[k] = line;
	return apply_key(ps, (enum cfg_key)k, line, v);
}

/* One `key = value` line (the value may be a list over several lines). */
static int parse_assignment(struct parse_state *ps, struct val *v)
{
	struct scan *s = &ps->s;
	unsigned int line = s->line;
	char key[64];
	size_t n = 0;
	int rc;

	while (!at_end(s) && is_key_char(*s->p, n == 0)) {
		if (n + 1 < sizeof(key))
			key[n++] = *s->p;
		s->p++;
	}
	key[n] = '\0';
	if (!n) {
		char c = *s->p;

		set_error(s, line, NULL, "expected 'key = value', got '%c'",
			  c >= ' ' && c < 127 ? c : '?');
		return -EINVAL;
	}
	skip_blanks(s);
	if (at_end(s) || *s->p != '=') {
		set_error(s, line, key, "expected '=' after the key");
		return -EINVAL;
	}
	s->p++;
	skip_blanks(s);
	if (at_end(s) || *s->p == '\n' || *s->p == '#') {
		set_error(s, line, key, "expected a value after '='");
		return -EINVAL;
	}
	memset(v, 0, sizeof(*v));
	rc = *s->p == '[' ? scan_list(s, key, v) : scan_scalar(s, key, v);
	if (!rc)
		rc = finish_assignment(ps, key, line, v);
	val_free_items(v);
	return rc;
}

static void cfg_defaults(struct keel_domcfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->weight = 256;
	cfg->cap = 0;
	cfg->vcpus = 1;
	cfg->on_poweroff = KEEL_CFG_DESTROY;
	cfg->on_reboot = KEEL_CFG_RESTART;
	cfg->on_crash = KEEL_CFG_DESTROY;
}

/* Cross-key checks once every line is read. */
static int check_whole(struct parse_state *ps)
{
	static const enum cfg_key required[] = { K_NAME, K_MEMORY, K_KERNEL };
	struct keel_domcfg *cfg = ps->cfg;
	size_t i;

	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!ps->seen[required[i]]) {
			set_error(&ps->s, 0, key_names[required[i]],
				  "required key missing");
			return -EINVAL;
		}
	if (!ps->seen[K_MAXMEM])
		cfg->maxmem_mib = cfg->memory_mib;
	else if (cfg->maxmem_mib < cfg->memory_mib) {
		set_error(&ps->s, ps->seen[K_MAXMEM], "maxmem",
			  "%u MiB is less than memory (%u MiB)", cfg->maxmem_mib,
			  cfg->memory_mib);
		return -EINVAL;
	}
	/* A vif without mac= gets a stable one from the name. */
	for (i = 0; i < cfg->nr_vifs; i++)
		if (!cfg->vifs[i].has_mac)
			keel_vif_default_mac(cfg->name, cfg->vifs[i].devid,
					     cfg->vifs[i].mac);
	for (i = 0; i < cfg->nr_vifs; i++)
		for (size_t j = 0; j < i; j++)
			if (!memcmp(cfg->vifs[i].mac, cfg->vifs[j].mac, 6)) {
				set_error(&ps->s, cfg->vifs[i].line, "vif",
					  "mac is the same as vif %zu's (line %u)",
					  j, cfg->vifs[j].line);
				return -EINVAL;
			}
	return 0;
}

int keel_cfg_parse(const char *fname, const char *dir, const char *text,
		   size_t len, struct keel_domcfg *cfg, struct keel_cfg_diag *diag)
{
	struct parse_state ps;
	struct val *v;
	int rc = 0;

	memset(diag, 0, sizeof(*diag));
	memset(&ps, 0, sizeof(ps));
	ps.s.p = text;
	ps.s.end = text + len;
	ps.s.line = 1;
	ps.s.fname = fname;
	ps.s.diag = diag;
	ps.dir = dir ? dir : "";
	ps.cfg = cfg;
	cfg_defaults(cfg);

	v = malloc(sizeof(*v));
	if (!v) {
		snprintf(diag->error, sizeof(diag->error), "%s: out of memory", fname);
		return -ENOMEM;
	}
	while (!at_end(&ps.s)) {
		skip_blanks(&ps.s);
		skip_comment(&ps.s);
		if (at_end(&ps.s))
			break;
		if (*ps.s.p == '\n') {
			ps.s.p++;
			ps.s.line++;
			continue;
		}
		rc = parse_assignment(&ps, v);
		if (rc)
			break;
	}
	free(v);
	if (!rc)
		rc = check_whole(&ps);
	if (rc)
		cfg_defaults(cfg);
	return rc;
}

int keel_cfg_load(const char *path, struct keel_domcfg *cfg,
		  struct keel_cfg_diag *diag)
{
	char dir[KEEL_CFG_PATH_MAX];
	const char *slash;
	char *text;
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	memset(diag, 0, sizeof(*diag));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(diag->error, sizeof(diag->error), "%s: cannot open: %s",
			 path, strerror(errno));
		return rc;
	}
	text = malloc(CFG_FILE_MAX + 1);
	if (!text) {
		close(fd);
		snprintf(diag->error, sizeof(diag->error), "%s: out of memory", path);
		return -ENOMEM;
	}
	while ((n = read(fd, text + len, CFG_FILE_MAX + 1 - len)) > 0) {
		len += (size_t)n;
		if (len > CFG_FILE_MAX)
			break;
	}
	if (n < 0) {
		rc = -errno;
		snprintf(diag->error, sizeof(diag->error), "%s: cannot read: %s",
			 path, strerror(errno));
		goto out;
	}
	if (len > CFG_FILE_MAX) {
		snprintf(diag->error, sizeof(diag->error),
			 "%s: larger than %d KiB; not a domain configuration?",
			 path, CFG_FILE_MAX / 1024);
		rc = -EINVAL;
		goto out;
	}

	/* The directory the kernel path is relative to, made absolute. */
	slash = strrchr(path, '/');
	if (path[0] == '/')
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	else {
		char cwd[KEEL_CFG_PATH_MAX / 2];

		if (!getcwd(cwd, sizeof(cwd)))
			strcpy(cwd, ".");
		int n = slash ? snprintf(dir, sizeof(dir), "%s/%.*s", cwd,
					 (int)(slash - path), path)
			      : snprintf(dir, sizeof(dir), "%s", cwd);

		if (n < 0 || (size_t)n >= sizeof(dir)) {
			snprintf(diag->error, sizeof(diag->error), "%.200s: path too long", path);
			rc = -ENAMETOOLONG;
			goto out;
		}
	}
	if (!dir[0])
		strcpy(dir, "/");   /* "/x.cfg" */
	rc = keel_cfg_parse(path, strcmp(dir, "/") ? dir : "", text, len, cfg, diag);
	if (!rc && !strcmp(dir, "/") && cfg->kernel[0] != '/') {
		size_t n = strlen(cfg->kernel);

		if (n + 1 < sizeof(cfg->kernel)) {
			memmove(cfg->kernel + 1, cfg->kernel, n + 1);
			cfg->kernel[0] = '/';
		}
	}
out:
	free(text);
	close(fd);
	return rc;
}
