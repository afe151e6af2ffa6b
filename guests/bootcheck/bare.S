/*
 * bootcheck: run the guest kernel on bare QEMU (no hypervisor) to test its
 * boot stub.  QEMU's multiboot loader with the a.out kludge (Multiboot 0.6.96,
 * 3.1.3) copies the image's bytes to load_addr and enters bare_entry in the
 * same state a Keel domain starts in: 32-bit flat protected mode, paging
 * off.  bare_entry masks the 8259s, fills a fake start_info (and copies the
 * multiboot command line into it), then jumps to the real _start32.
 */
#define MB_MAGIC  0x1badb002
#define MB_FLAGS  0x00010000    /* addresses below, not the ELF headers */

	.section .multiboot, "a"
	.balign 4
mb_header:
	.long	MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long	mb_header           /* header_addr */
	.long	__image_start       /* load_addr */
	.long	__bss_start         /* load_end_addr */
	.long	__bss_end           /* bss_end_addr */
	.long	bare_entry          /* entry_addr */

	.text
	.code32
	.globl bare_entry
bare_entry:
	cli
	movb	$0xff, %al
	outb	%al, $0x21
	outb	%al, $0xa1
	movl	$0xdeadbeef, bare_bss_probe     /* _start32 must clear it */
	movl	$__image_end, %eax
	shrl	$12, %eax
	movl	%eax, bare_si + 64              /* first_free_gfn */
	movl	$bare_shared_info, %eax
	shrl	$12, %eax
	movl	%eax, bare_si + 32              /* shared_info_gfn */
	testl	$4, (%ebx)                      /* multiboot info: cmdline? */
	jz	2f
	movl	16(%ebx), %esi
	movl	$bare_si + 72, %edi
	movl	$1023, %ecx
1:	lodsb
	stosb
	testb	%al, %al
	jz	2f
	loop	1b
2:	movl	$bare_si, %ebx
	jmp	_start32

	.data
	.balign 4096
	.globl bare_si
bare_si:
	.ascii	"keel-si1"
	.long	1                   /* domid */
	.long	0                   /* flags */
	.quad	2048                /* nr_pages: 8 MiB */
	.quad	3072                /* max_pages: 12 MiB */
	.quad	0                   /* shared_info_gfn (filled in) */
	.quad	0, 0                /* no console ring, no store */
	.long	0, 0
	.quad	0                   /* first_free_gfn (filled in) */
	.skip	4096 - 72
	.balign 4096
bare_shared_info:
	.skip	4096

	.section .note.GNU-stack, "", @progbits
