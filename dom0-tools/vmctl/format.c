/*
 * Formatting for vmctl's reports.  No I/O beyond the FILE it is given and
 * no hypercalls, so every function here is unit-tested on the host.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "vmctl.h"

#define MIB ((uint64_t)1024 * 1024)

char *vmctl_format_mib(char *buf, size_t size, uint64_t bytes)
{
	/* Integers only: exact for every 64-bit size, unlike a double.
	 * The remainder is < 2^20, so rem * 10 cannot overflow. */
	uint64_t whole = bytes / MIB, rem = bytes % MIB;
	uint64_t tenth = (rem * 10 + MIB / 2) / MIB;

	if (tenth == 10) {
		whole++;
		tenth = 0;
	}
	if (rem == 0)
		snprintf(buf, size, "%" PRIu64 " MiB", whole);
	else
		snprintf(buf, size, "%" PRIu64 ".%" PRIu64 " MiB", whole, tenth);
	return buf;
}

char *vmctl_format_abi(char *buf, size_t size, uint32_t abi)
{
	snprintf(buf, size, "%u.%u", KEEL_ABI_VERSION_MAJOR(abi),
		 KEEL_ABI_VERSION_MINOR(abi));
	return buf;
}

static uint64_t pages_to_bytes(uint64_t pages)
{
	return pages << KEEL_PAGE_SHIFT;
}

static void version_string(char *buf, size_t size,
			   const struct keel_version_info *v)
{
	snprintf(buf, size, "%u.%u%s", v->major, v->minor, v->extra);
}

void vmctl_info_print(FILE *out, const struct vmctl_info *in)
{
	const struct keel_physinfo *p = &in->phys;
	char ver[64], abi[16], sz[32];

	version_string(ver, sizeof(ver), &in->version);
	fprintf(out, "%-19s Keel %s\n", "hypervisor", ver);
	fprintf(out, "%-19s %s\n", "build id",
		in->version.build_id[0] ? in->version.build_id : "(none)");
	fprintf(out, "%-19s %s\n", "compiled", in->version.compiled);
	fprintf(out, "%-19s %s\n", "ABI version",
		vmctl_format_abi(abi, sizeof(abi), in->version.abi_version));
	fprintf(out, "%-19s %u\n", "physical CPUs", p->nr_cpus);
	fprintf(out, "%-19s %u.%03u MHz\n", "CPU frequency",
		p->cpu_khz / 1000, p->cpu_khz % 1000);
	fprintf(out, "%-19s %s\n", "total memory",
		vmctl_format_mib(sz, sizeof(sz), pages_to_bytes(p->total_pages)));
	fprintf(out, "%-19s %s\n", "dom0 memory",
		vmctl_format_mib(sz, sizeof(sz), pages_to_bytes(p->dom0_pages)));
	fprintf(out, "%-19s %s\n", "hypervisor memory",
		vmctl_format_mib(sz, sizeof(sz), pages_to_bytes(p->hypervisor_pages)));
	fprintf(out, "%-19s %s\n", "free memory",
		vmctl_format_mib(sz, sizeof(sz), pages_to_bytes(p->free_pages)));
}

static int gen_str(yajl_gen g, const char *key, const char *val)
{
	if (yajl_gen_string(g, (const unsigned char *)key, strlen(key)) != yajl_gen_status_ok)
		return -ENOMEM;
	if (yajl_gen_string(g, (const unsigned char *)val, strlen(val)) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

static int gen_num(yajl_gen g, const char *key, uint64_t val)
{
	if (yajl_gen_string(g, (const unsigned char *)key, strlen(key)) != yajl_gen_status_ok)
		return -ENOMEM;
	/* yajl integers are long long; a byte count never reaches 2^63. */
	if (yajl_gen_integer(g, (long long)val) != yajl_gen_status_ok)
		return -ENOMEM;
	return 0;
}

int vmctl_info_json(const struct vmctl_info *in, char **json)
{
	const struct keel_physinfo *p = &in->phys;
	const unsigned char *buf;
	char ver[64], abi[16];
	size_t len;
	yajl_gen g;
	int rc = -ENOMEM;

	*json = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");

	version_string(ver, sizeof(ver), &in->version);
	vmctl_format_abi(abi, sizeof(abi), in->version.abi_version);
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    gen_str(g, "version", ver) ||
	    gen_str(g, "build_id", in->version.build_id) ||
	    gen_str(g, "compiled", in->version.compiled) ||
	    gen_str(g, "abi_version", abi) ||
	    gen_num(g, "nr_cpus", p->nr_cpus) ||
	    gen_num(g, "cpu_khz", p->cpu_khz) ||
	    gen_num(g, "total_memory", pages_to_bytes(p->total_pages)) ||
	    gen_num(g, "dom0_memory", pages_to_bytes(p->dom0_pages)) ||
	    gen_num(g, "hypervisor_memory", pages_to_bytes(p->hypervisor_pages)) ||
	    gen_num(g, "free_memory", pages_to_bytes(p->free_pages)) ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok)
		goto out_free_gen;
	if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		goto out_free_gen;
	*json = strndup((const char *)buf, len);
	if (*json)
		rc = 0;

out_free_gen:
	yajl_gen_free(g);
	return rc;
}

/* Longest hold first; ties by hypercall, then sub-op. */
static int hold_cmp(const void *a, const void *b)
{
	const struct keel_hold_stat *x = a, *y = b;

	if (x->max_ns != y->max_ns)
		return x->max_ns < y->max_ns ? 1 : -1;
	if (x->hypercall != y->hypercall)
		return x->hypercall < y->hypercall ? -1 : 1;
	return x->subop < y->subop ? -1 : x->subop > y->subop;
}

void vmctl_hold_sort(struct keel_hold_stat *st, size_t n)
{
	qsort(st, n, sizeof(*st), hold_cmp);
}

void vmctl_hold_print(FILE *out, const struct keel_hold_stat *st, size_t n)
{
	char sub[32];

	fprintf(out, "%-14s %-22s %10s %10s %10s %7s %7s %s\n", "HYPERCALL",
		"SUB-OP", "CALLS", "MAX(us)", "TOTAL(ms)", ">1ms", ">10ms",
		"MAX BY");
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%-14s %-22s %10" PRIu64 " %10.1f %10.1f %7" PRIu64
			" %7" PRIu64 " dom%u\n",
			keel_hypercall_name(st[i].hypercall),
			keel_hypercall_subop_name(st[i].hypercall, st[i].subop,
						  sub, sizeof(sub)),
			st[i].count, st[i].max_ns / 1e3, st[i].total_ns / 1e6,
			st[i].over_1ms, st[i].over_10ms, st[i].max_domid);
	if (!n) {
		fprintf(out, "longest hold: none recorded\n");
		return;
	}
	fprintf(out, "longest hold: %.1f us (%s %s, dom%u)\n",
		st[0].max_ns / 1e3, keel_hypercall_name(st[0].hypercall),
		keel_hypercall_subop_name(st[0].hypercall, st[0].subop, sub,
					  sizeof(sub)),
		st[0].max_domid);
}

int vmctl_hold_json(const struct keel_hold_stat *st, size_t n, char **json)
{
	const unsigned char *buf;
	char sub[32];
	size_t len;
	yajl_gen g;
	int rc = -ENOMEM;

	*json = NULL;
	g = yajl_gen_alloc(NULL);
	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    gen_num(g, "longest_hold_ns", n ? st[0].max_ns : 0) ||
	    yajl_gen_string(g, (const unsigned char *)"holds", 5) !=
		    yajl_gen_status_ok ||
	    yajl_gen_array_open(g) != yajl_gen_status_ok)
		goto out_free_gen;
	for (size_t i = 0; i < n; i++) {
		if (yajl_gen_map_open(g) != yajl_gen_status_ok ||
		    gen_str(g, "hypercall", keel_hypercall_name(st[i].hypercall)) ||
		    gen_num(g, "hypercall_nr", st[i].hypercall) ||
		    gen_str(g, "subop", keel_hypercall_subop_name(
				    st[i].hypercall, st[i].subop, sub, sizeof(sub))) ||
		    gen_num(g, "subop_nr", st[i].subop) ||
		    gen_num(g, "calls", st[i].count) ||
		    gen_num(g, "max_ns", st[i].max_ns) ||
		    gen_num(g, "total_ns", st[i].total_ns) ||
		    gen_num(g, "max_domid", st[i].max_domid) ||
		    gen_num(g, "over_1ms", st[i].over_1ms) ||
		    gen_num(g, "over_10ms", st[i].over_10ms) ||
		    yajl_gen_map_close(g) != yajl_gen_status_ok)
			goto out_free_gen;
	}
	if (yajl_gen_array_close(g) != yajl_gen_status_ok ||
	    yajl_gen_map_close(g) != yajl_gen_status_ok ||
	    yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
		goto out_free_gen;
	*json = strndup((const char *)buf, len);
	if (*json)
		rc = 0;

out_free_gen:
	yajl_gen_free(g);
	return rc;
}
