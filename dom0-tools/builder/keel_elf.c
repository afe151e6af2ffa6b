/*
 * ELF64 validation for guest kernels.  Every field used later is checked
 * here, with overflow-safe arithmetic: the file may be hostile.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "keel_elf.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -ENOEXEC;
}

/* a + b <= limit, without overflow. */
static int fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

static int check_header(const Elf64_Ehdr *eh, size_t len, char *err, size_t errlen)
{
	if (len < sizeof(*eh))
		return fail(err, errlen, "file too short for an ELF header (%zu bytes)", len);
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file (bad magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return fail(err, errlen, "not a 64-bit ELF file");
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return fail(err, errlen, "not a little-endian ELF file");
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return fail(err, errlen, "unknown ELF version");
	if (eh->e_type != ET_EXEC)
		return fail(err, errlen, "not an ELF executable (e_type %u)", eh->e_type);
	if (eh->e_machine != EM_X86_64)
		return fail(err, errlen, "not an x86-64 ELF file (e_machine %u)",
			    eh->e_machine);
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return fail(err, errlen, "bad ELF header size %u", eh->e_ehsize);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(err, errlen, "bad program header size %u", eh->e_phentsize);
	if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM)
		return fail(err, errlen, "no program headers");
	if (eh->e_phoff % 8)
		return fail(err, errlen, "misaligned program header table");
	if (!fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), len))
		return fail(err, errlen, "program header table runs past the end of the file");
	return 0;
}

int keel_elf_check(const void *buf, size_t len, uint64_t ram_bytes,
		   struct keel_elf_image *img, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = buf;
	const Elf64_Phdr *ph;
	unsigned int i, j, n = 0;
	int rc;

	memset(img, 0, sizeof(*img));
	if (((uintptr_t)buf & 7) != 0)
		return fail(err, errlen, "internal: image buffer misaligned");
	rc = check_header(eh, len, err, errlen);
	if (rc)
		return rc;
	ph = (const Elf64_Phdr *)((const char *)buf + eh->e_phoff);

	for (i = 0; i < eh->e_phnum; i++) {
		struct keel_elf_seg *sg;

		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		if (n == KEEL_ELF_MAX_SEGS)
			return fail(err, errlen, "more than %d loadable segments",
				    KEEL_ELF_MAX_SEGS);
		if (ph[i].p_filesz > ph[i].p_memsz)
			return fail(err, errlen, "segment %u: file size 0x%llx exceeds memory size 0x%llx",
				    i, (unsigned long long)ph[i].p_filesz,
				    (unsigned long long)ph[i].p_memsz);
		if (!fits(ph[i].p_offset, ph[i].p_filesz, len))
			return fail(err, errlen, "segment %u: bytes 0x%llx+0x%llx run past the end of the file (%zu bytes)",
				    i, (unsigned long long)ph[i].p_offset,
				    (unsigned long long)ph[i].p_filesz, len);
		if (ph[i].p_paddr < KEEL_ELF_MIN_PADDR)
			return fail(err, errlen, "segment %u: physical address 0x%llx is below 1 MiB",
				    i, (unsigned long long)ph[i].p_paddr);
		if (!fits(ph[i].p_paddr, ph[i].p_memsz, ram_bytes))
			return fail(err, errlen, "segment %u: 0x%llx+0x%llx does not fit in the guest's %llu MiB of RAM",
				    i, (unsigned long long)ph[i].p_paddr,
				    (unsigned long long)ph[i].p_memsz,
				    (unsigned long long)(ram_bytes >> 20));
		sg = &img->segs[n++];
		sg->offset = ph[i].p_offset;
		sg->filesz = ph[i].p_filesz;
		sg->paddr = ph[i].p_paddr;
		sg->memsz = ph[i].p_memsz;
	}
	if (!n)
		return fail(err, errlen, "no loadable segment");

	img->nr_segs = n;
	img->lo = UINT64_MAX;
	for (i = 0; i < n; i++) {
		const struct keel_elf_seg *a = &img->segs[i];

		for (j = i + 1; j < n; j++) {
			const struct keel_elf_seg *b = &img->segs[j];

			if (a->paddr < b->paddr + b->memsz && b->paddr < a->paddr + a->memsz)
				return fail(err, errlen, "segments overlap at 0x%llx",
					    (unsigned long long)(a->paddr > b->paddr ?
								 a->paddr : b->paddr));
		}
		if (a->paddr < img->lo)
			img->lo = a->paddr;
		if (a->paddr + a->memsz > img->hi)
			img->hi = a->paddr + a->memsz;
	}

	for (i = 0; i < n; i++)
		if (eh->e_entry >= img->segs[i].paddr &&
		    eh->e_entry - img->segs[i].paddr < img->segs[i].memsz)
			break;
	if (i == n)
		return fail(err, errlen, "entry point 0x%llx is not inside a loaded segment",
			    (unsigned long long)eh->e_entry);
	if (eh->e_entry > UINT32_MAX)
		return fail(err, errlen, "entry point 0x%llx is above 4 GiB (32-bit entry)",
			    (unsigned long long)eh->e_entry);
	img->entry = eh->e_entry;
	return 0;
}
