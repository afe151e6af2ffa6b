#ifndef ASM_SMP_H
#define ASM_SMP_H
#include <keel/types.h>
/* Start every enabled CPU in the MADT other than the boot CPU. */
void smp_boot(const uint8_t *rsdp, uint32_t rsdp_len);
#endif
