/*
 * MADT walk (ACPI 6.x sec. 5.2.5 RSDP, 5.2.7/5.2.8 RSDT/XSDT, 5.2.12 MADT).
 * Tables are read in place through the 1:1 map; every length is checked
 * against sane bounds and every table's checksum verified.
 */
#include <asm/acpi.h>
#include <asm/x86.h>
#include <keel/console.h>
#include <keel/lib.h>

#define SDT_HDR_LEN 36

static bool checksum_ok(const uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum == 0;
}

static const uint8_t *sdt(uint64_t pa, const char *sig)
{
	const uint8_t *t = phys_to_virt(pa);
	uint32_t len;

	if (!pa || pa >= GiB(4))
		return NULL;
	memcpy(&len, t + 4, 4);
	if (len < SDT_HDR_LEN || len > MiB(1) || !checksum_ok(t, len))
		return NULL;
	if (sig && memcmp(t, sig, 4))
		return NULL;
	return t;
}

static const uint8_t *find_madt(const uint8_t *rsdp, uint32_t rsdp_len)
{
	uint32_t rsdt32, len;
	uint64_t xsdt = 0;
	const uint8_t *root;
	unsigned esize;

	if (rsdp_len < 20 || memcmp(rsdp, "RSD PTR ", 8))
		return NULL;
	memcpy(&rsdt32, rsdp + 16, 4);
	if (rsdp[15] >= 2 && rsdp_len >= 36)
		memcpy(&xsdt, rsdp + 24, 8);
	root = xsdt ? sdt(xsdt, "XSDT") : NULL;
	esize = 8;
	if (!root) {
		root = sdt(rsdt32, "RSDT");
		esize = 4;
	}
	if (!root)
		return NULL;
	memcpy(&len, root + 4, 4);
	for (uint32_t off = SDT_HDR_LEN; off + esize <= len; off += esize) {
		uint64_t pa = 0;
		const uint8_t *t;

		memcpy(&pa, root + off, esize);
		t = sdt(pa, "APIC");
		if (t)
			return t;
	}
	return NULL;
}

unsigned acpi_find_cpus(const uint8_t *rsdp, uint32_t rsdp_len,
			uint32_t *apic_ids, unsigned max)
{
	const uint8_t *madt = rsdp ? find_madt(rsdp, rsdp_len) : NULL;
	uint32_t len;
	unsigned n = 0;

	if (!madt)
		return 0;
	memcpy(&len, madt + 4, 4);
	/* Entries start after the header, local APIC address and flags. */
	for (uint32_t off = SDT_HDR_LEN + 8; off + 2 <= len;) {
		uint8_t type = madt[off], elen = madt[off + 1];
		uint32_t flags;

		if (elen < 2 || off + elen > len)
			break;
		if (type == 0 && elen >= 8) {	/* processor local APIC */
			memcpy(&flags, madt + off + 4, 4);
			if ((flags & 1) && n < max)
				apic_ids[n++] = madt[off + 3];
		}
		off += elen;
	}
	return n;
}
