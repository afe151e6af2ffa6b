/*
 * Pure formatting and parsing for the domain commands: the state word, the
 * `vmctl list` table and JSON, memory sizes.  Unit-tested.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "vmctl.h"
#include <public/sched.h>

const char *vmctl_dom_state(const struct keel_dominfo *info)
{
	if (info->flags & KEEL_DOMINF_dying)
		return "dying";
	if (info->flags & KEEL_DOMINF_shutdown)
		return info->shutdown_reason == KEEL_SHUTDOWN_crash ? "crashed" : "shutdown";
	if (info->flags & KEEL_DOMINF_paused)
		return "paused";
	if (info->flags & KEEL_DOMINF_running)
		return "running";
	if (info->flags & KEEL_DOMINF_blocked)
		return "blocked";
	return "running";
}

/* Pages as MiB: whole, or with one decimal. */
static void mib(char *buf, size_t size, uint64_t pages)
{
	if (pages % 256 == 0)
		snprintf(buf, size, "%" PRIu64, pages / 256);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64, pages / 256,
			 (pages % 256) * 10 / 256);
}

void vmctl_list_print(FILE *out, const struct vmctl_dom_row *rows, size_t n)
{
	size_t i;

	fprintf(out, "%-5s %-20s %-8s %8s %5s %6s %4s %10s\n", "ID", "NAME",
		"STATE", "MEM(MiB)", "VCPUS", "WEIGHT", "CAP", "CPU(s)");
	for (i = 0; i < n; i++) {
		const struct keel_dominfo *d = &rows[i].info;
		uint64_t tenths = d->cpu_time_ns / 100000000ull;
		char m[32];

		mib(m, sizeof(m), d->nr_pages);
		fprintf(out, "%-5u %-20s %-8s %8s %5u %6u %4u %8" PRIu64 ".%" PRIu64 "\n",
			d->domid, rows[i].name[0] ? rows[i].name : "-",
			vmctl_dom_state(d), m, d->nr_vcpus, d->weight, d->cap,
			tenths / 10, tenths % 10);
	}
}

int vmctl_json_key(yajl_gen g, const char *k)
{
	return yajl_gen_string(g, (const unsigned char *)k, strlen(k)) ==
	       yajl_gen_status_ok ? 0 : -ENOMEM;
}

int vmctl_json_str(yajl_gen g, const char *k, const char *v)
{
	if (vmctl_json_key(g, k))
		return -ENOMEM;
	return yajl_gen_string(g, (const unsigned char *)v, strlen(v)) ==
	       yajl_gen_status_ok ? 0 : -ENOMEM;
}

int vmctl_json_int(yajl_gen g, const char *k, uint64_t v)
{
	if (vmctl_json_key(g, k))
		return -ENOMEM;
	return yajl_gen_integer(g, (long long)v) == yajl_gen_status_ok ? 0 : -ENOMEM;
}

static int kv_double(yajl_gen g, const char *k, double v)
{
	if (vmctl_json_key(g, k))
		return -ENOMEM;
	return yajl_gen_double(g, v) == yajl_gen_status_ok ? 0 : -ENOMEM;
}

/*
 * "key": ns as seconds with three decimals (0.020, not yajl's %.20g
 * 0.019839002000000001413); the exact figure is in the _ns key beside it.
 */
static int kv_seconds(yajl_gen g, const char *k, uint64_t ns)
{
	uint64_t ms = (ns + 500000ull) / 1000000ull;
	char buf[32];
	int n;

	if (vmctl_json_key(g, k))
		return -ENOMEM;
	n = snprintf(buf, sizeof(buf), "%" PRIu64 ".%03u", ms / 1000u,
		     (unsigned)(ms % 1000u));
	return yajl_gen_number(g, buf, (size_t)n) == yajl_gen_status_ok ? 0 : -ENOMEM;
}

int vmctl_json_array(const void *rows, size_t n, size_t size,
		     int (*row)(yajl_gen g, const void *row), char **json)
{
	const unsigned char *buf;
	size_t len, i;
	yajl_gen g;
	int rc = -ENOMEM;

	*json = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (yajl_gen_array_open(g) != yajl_gen_status_ok)
		goto out_free_gen;
	for (i = 0; i < n; i++)
		if (row(g, (const char *)rows + i * size))
			goto out_free_gen;
	if (yajl_gen_array_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		goto out_free_gen;
	*json = strndup((const char *)buf, len);
	if (*json)
		rc = 0;
out_free_gen:
	yajl_gen_free(g);
	return rc;
}

static int dom_row_json(yajl_gen g, const void *p)
{
	const struct vmctl_dom_row *r = p;
	const struct keel_dominfo *d = &r->info;

	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    vmctl_json_int(g, "id", d->domid) ||
	    vmctl_json_str(g, "name", r->name) ||
	    vmctl_json_str(g, "state", vmctl_dom_state(d)) ||
	    vmctl_json_int(g, "memory", d->nr_pages * KEEL_PAGE_SIZE) ||
	    kv_double(g, "memory_mib", (double)d->nr_pages / 256.0) ||
	    vmctl_json_int(g, "max_memory", d->max_pages * KEEL_PAGE_SIZE) ||
	    vmctl_json_int(g, "vcpus", d->nr_vcpus) ||
	    vmctl_json_int(g, "weight", d->weight) ||
	    vmctl_json_int(g, "cap", d->cap) ||
	    kv_seconds(g, "cpu_seconds", d->cpu_time_ns) ||
	    vmctl_json_int(g, "cpu_time_ns", d->cpu_time_ns) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

int vmctl_list_json(const struct vmctl_dom_row *rows, size_t n, char **json)
{
	return vmctl_json_array(rows, n, sizeof(*rows), dom_row_json, json);
}

int vmctl_parse_size_kib(const char *s, uint64_t *kib)
{
	unsigned long long n;
	uint64_t mul = 1024;    /* no unit: MiB */
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return -EINVAL;
	if (*end) {
		switch (*end) {
		case 'k': case 'K': mul = 1; break;
		case 'm': case 'M': mul = 1024; break;
		case 'g': case 'G': mul = 1024 * 1024; break;
		default: return -EINVAL;
		}
		end++;
		if (*end == 'i' && end[1] == 'B')
			end += 2;
		else if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -EINVAL;
	}
	if (n == 0 || n > (1ull << 30) / mul)   /* at most 1 TiB */
		return -EINVAL;
	*kib = n * mul;
	return 0;
}

int vmctl_dom0_cpu_ns(const char *stat, long hz, uint64_t *ns)
{
	unsigned long long t[8] = { 0 };
	int n;

	if (!stat || hz <= 0 || strncmp(stat, "cpu ", 4))
		return -EINVAL;
	n = sscanf(stat + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
		   &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6], &t[7]);
	if (n < 4)
		return -EINVAL;
	/* user nice system [idle] [iowait] irq softirq steal */
	*ns = (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) * (1000000000ull / (uint64_t)hz);
	return 0;
}
