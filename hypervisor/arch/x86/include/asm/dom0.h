#ifndef ASM_DOM0_H
#define ASM_DOM0_H

#include <keel/rangeset.h>
#include <asm/multiboot2.h>

/* Low pages in dom0's RAM that carry its boot data (Linux copies what it
 * needs early; the pages are ordinary RAM to it afterwards). */
#define DOM0_BOOT_PARAMS_PA 0x7000
#define DOM0_CMDLINE_PA     0x8000
#define DOM0_BOOTDATA_PA    0x9000   /* GDT, then a copy of the RSDP */

/*
 * Load dom0 from the first (kernel) and second (initrd, optional) modules
 * into `dom0_ram`, build its boot_params and e820 (everything in
 * `hv_owned` marked reserved), its 1:1 nested page table minus
 * `hv_owned`, and its vCPU.  Panics with a clear message on bad modules.
 */
void dom0_build(const struct mb2_info *mbi, const struct rangeset *dom0_ram,
		const struct rangeset *hv_owned);
/* Start dom0 on this pCPU (pCPU0); never returns. */
__noreturn void dom0_start(void);

#endif
