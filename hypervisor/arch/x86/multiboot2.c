/*
 * Multiboot2 information parser (Multiboot2 specification sec. 3.6).
 */
#include <asm/multiboot2.h>
#include <keel/errno.h>
#include <keel/lib.h>

struct tag {
	uint32_t type;
	uint32_t size;
};

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* A string field must end inside its tag. */
static const char *tag_string(const uint8_t *s, size_t room)
{
	return strnlen((const char *)s, room) < room ? (const char *)s : NULL;
}

static int parse_mmap(const uint8_t *t, uint32_t size, struct mb2_info *out)
{
	uint32_t esize;

	if (size < 16)
		return -EINVAL;
	esize = rd32(t + 8);
	if (esize < 24 || esize % 8)
		return -EINVAL;
	/* esize <= size - off: off + esize could wrap around 2^32. */
	for (uint32_t off = 16; esize <= size - off; off += esize) {
		struct mb2_mmap_entry *e;

		if (out->nr_mmap == MB2_MAX_MMAP)
			return -E2BIG;
		e = &out->mmap[out->nr_mmap++];
		e->addr = rd64(t + off);
		e->len = rd64(t + off + 8);
		e->type = rd32(t + off + 16);
	}
	return 0;
}

static int parse_tag(const uint8_t *t, uint32_t type, uint32_t size,
		     struct mb2_info *out)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		out->cmdline = tag_string(t + 8, size - 8);
		return out->cmdline ? 0 : -EINVAL;
	case MB2_TAG_LOADER_NAME:
		out->loader_name = tag_string(t + 8, size - 8);
		return out->loader_name ? 0 : -EINVAL;
	case MB2_TAG_MODULE: {
		struct mb2_module *m;

		if (size < 17)
			return -EINVAL;
		if (out->nr_modules == MB2_MAX_MODULES)
			return -E2BIG;
		m = &out->modules[out->nr_modules++];
		m->start = rd32(t + 8);
		m->end = rd32(t + 12);
		m->string = tag_string(t + 16, size - 16);
		if (!m->string || m->end < m->start)
			return -EINVAL;
		return 0;
	}
	case MB2_TAG_MMAP:
		return parse_mmap(t, size, out);
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		if (size < 8 + 20)
			return -EINVAL;
		/* Prefer the ACPI 2.0 RSDP when both are present. */
		if (!out->rsdp || type == MB2_TAG_ACPI_NEW) {
			out->rsdp = t + 8;
			out->rsdp_len = size - 8;
		}
		return 0;
	default:
		return 0;	/* tags we do not use */
	}
}

int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out)
{
	const uint8_t *base = mbi;
	uint32_t total;
	size_t off = 8;

	memset(out, 0, sizeof(*out));
	if (avail < 16)
		return -EINVAL;
	total = rd32(base);
	if (total < 16 || total > avail)
		return -EINVAL;
	while (off + 8 <= total) {
		uint32_t type = rd32(base + off);
		uint32_t size = rd32(base + off + 4);
		int rc;

		if (size < 8 || off + size > total)
			return -EINVAL;
		if (type == MB2_TAG_END)
			return 0;
		rc = parse_tag(base + off, type, size, out);
		if (rc)
			return rc;
		off += ALIGN_UP(size, 8);
	}
	return -EINVAL;	/* no end tag */
}
