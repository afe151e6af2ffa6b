/*
 * The guest kernel image: an ELF64 x86-64 executable whose PT_LOAD
 * segments are copied to guest-physical p_paddr.  The image is untrusted
 * input: keel_elf_check() validates everything the builder will use before
 * any of it is used (docs/config.md, "The kernel image").
 */
#ifndef KEEL_BUILDER_KEEL_ELF_H
#define KEEL_BUILDER_KEEL_ELF_H

#include <stddef.h>
#include <stdint.h>

#define KEEL_ELF_MAX_SEGS   16
#define KEEL_ELF_MIN_PADDR  (1ull << 20)   /* below 1 MiB: reserved */

struct keel_elf_seg {
	uint64_t offset;   /* in the file */
	uint64_t filesz;   /* bytes copied from the file */
	uint64_t paddr;    /* guest-physical destination */
	uint64_t memsz;    /* bytes at paddr; memsz - filesz are zeroed */
};

struct keel_elf_image {
	uint64_t entry;            /* e_entry, inside a loaded segment */
	unsigned int nr_segs;
	struct keel_elf_seg segs[KEEL_ELF_MAX_SEGS];
	uint64_t lo, hi;           /* lowest paddr, end of the highest segment */
};

/*
 * Checks the len bytes at buf as a kernel for a guest with ram_bytes of
 * RAM: ELF64 little-endian x86-64 executable, sane header and program
 * header table inside the file, 1..KEEL_ELF_MAX_SEGS PT_LOAD segments, each
 * with filesz <= memsz, its bytes inside the file, p_paddr >= 1 MiB and its
 * end inside guest RAM with no overflow, segments not overlapping, and the
 * entry point inside a loaded segment.  Returns 0 and fills *img, or
 * -ENOEXEC with a message in err ("segment 1 ends past the file ...").
 */
int keel_elf_check(const void *buf, size_t len, uint64_t ram_bytes,
		   struct keel_elf_image *img, char *err, size_t errlen);

#endif
