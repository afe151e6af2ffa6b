/* MSR numbers and bits (AMD APM vol. 2, appendix A; vol. 2 sec. 15.30). */
#ifndef ASM_MSR_H
#define ASM_MSR_H

#define MSR_APIC_BASE        0x0000001bu
#define  APIC_BASE_BSP       (1ull << 8)
#define  APIC_BASE_ENABLE    (1ull << 11)
#define  APIC_BASE_ADDR_MASK 0x000ffffffffff000ull
#define MSR_PAT              0x00000277u
#define MSR_EFER             0xc0000080u
#define  EFER_SCE            (1ull << 0)
#define  EFER_LME            (1ull << 8)
#define  EFER_LMA            (1ull << 10)
#define  EFER_NXE            (1ull << 11)
#define  EFER_SVME           (1ull << 12)
#define  EFER_LMSLE          (1ull << 13)
#define  EFER_FFXSR          (1ull << 14)
#define  EFER_TCE            (1ull << 15)
#define MSR_FS_BASE          0xc0000100u
#define MSR_GS_BASE          0xc0000101u
#define MSR_VM_CR            0xc0010114u
#define  VM_CR_LOCK          (1ull << 3)
#define  VM_CR_SVMDIS        (1ull << 4)
#define MSR_VM_HSAVE_PA      0xc0010117u

#define PAT_DEFAULT          0x0007040600070406ull

#endif
