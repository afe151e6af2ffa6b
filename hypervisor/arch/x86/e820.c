/*
 * e820 table construction.  Pure logic: unit-tested on the host.
 */
#include <asm/e820.h>
#include <keel/errno.h>
#include <keel/lib.h>

void e820_init(struct e820_table *t)
{
	t->nr = 0;
}

int e820_set(struct e820_table *t, uint64_t addr, uint64_t size, uint32_t type)
{
	struct e820_entry out[E820_MAX + 2];
	uint64_t end = addr + size;
	unsigned n = 0;
	bool placed = false;

	if (size == 0)
		return 0;
	if (end < addr)
		end = UINT64_MAX;
	/* Copy the table, clipping everything that meets [addr, end) and
	 * inserting the new entry in order. */
	for (unsigned i = 0; i < t->nr; i++) {
		const struct e820_entry *e = &t->map[i];
		uint64_t es = e->addr, ee = e->addr + e->size;

		if (ee <= addr || es >= end) {
			if (!placed && es >= end) {
				out[n++] = (struct e820_entry){ addr, end - addr, type };
				placed = true;
			}
			if (n >= ARRAY_SIZE(out))
				return -ENOSPC;
			out[n++] = *e;
			continue;
		}
		if (es < addr)
			out[n++] = (struct e820_entry){ es, addr - es, e->type };
		if (!placed) {
			out[n++] = (struct e820_entry){ addr, end - addr, type };
			placed = true;
		}
		if (ee > end)
			out[n++] = (struct e820_entry){ end, ee - end, e->type };
		if (n > E820_MAX + 1)
			return -ENOSPC;
	}
	if (!placed)
		out[n++] = (struct e820_entry){ addr, end - addr, type };
	/* Merge touching neighbours of the same type. */
	{
		unsigned m = 0;

		for (unsigned i = 0; i < n; i++) {
			if (m && out[m - 1].type == out[i].type &&
			    out[m - 1].addr + out[m - 1].size == out[i].addr)
				out[m - 1].size += out[i].size;
			else
				out[m++] = out[i];
		}
		if (m > E820_MAX)
			return -ENOSPC;
		memcpy(t->map, out, m * sizeof(out[0]));
		t->nr = m;
	}
	return 0;
}

uint64_t e820_total(const struct e820_table *t, uint32_t type)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < t->nr; i++)
		if (t->map[i].type == type)
			sum += t->map[i].size;
	return sum;
}
