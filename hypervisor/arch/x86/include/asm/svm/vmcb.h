/*
 * The VMCB (AMD APM vol. 2, appendix B "Layout of VMCB"): a 4 KiB page
 * with the control area at 0x000 and the state-save area at 0x400.
 * Every field offset is checked below against the manual's table.
 */
#ifndef ASM_SVM_VMCB_H
#define ASM_SVM_VMCB_H

#include <keel/types.h>

/* Exception intercepts (offset 0x008): one bit per vector. */
#define VEC_DB                1
#define VEC_AC                17
#define INTERCEPT_EXC(vec)    (1u << (vec))

/* Intercept word 3 (offset 0x00c). */
#define INTERCEPT_INTR        (1u << 0)
#define INTERCEPT_NMI         (1u << 1)
#define INTERCEPT_INIT        (1u << 3)
#define INTERCEPT_RDPMC       (1u << 15)
#define INTERCEPT_CPUID       (1u << 18)
#define INTERCEPT_HLT         (1u << 24)
#define INTERCEPT_INVLPGA     (1u << 26)
#define INTERCEPT_IOIO        (1u << 27)
#define INTERCEPT_MSR         (1u << 28)
#define INTERCEPT_SHUTDOWN    (1u << 31)
/* Intercept word 4 (offset 0x010). */
#define INTERCEPT_VMRUN       (1u << 0)
#define INTERCEPT_VMMCALL     (1u << 1)
#define INTERCEPT_VMLOAD      (1u << 2)
#define INTERCEPT_VMSAVE      (1u << 3)
#define INTERCEPT_STGI        (1u << 4)
#define INTERCEPT_CLGI        (1u << 5)
#define INTERCEPT_SKINIT      (1u << 6)
#define INTERCEPT_WBINVD      (1u << 9)
#define INTERCEPT_XSETBV      (1u << 13)

/* Exit codes (APM vol. 2 appendix C). */
#define VMEXIT_EXCP_BASE      0x040
#define VMEXIT_INTR           0x060
#define VMEXIT_NMI            0x061
#define VMEXIT_INIT           0x063
#define VMEXIT_RDPMC          0x06f
#define VMEXIT_CPUID          0x072
#define VMEXIT_HLT            0x078
#define VMEXIT_INVLPGA        0x07a
#define VMEXIT_IOIO           0x07b
#define VMEXIT_MSR            0x07c
#define VMEXIT_SHUTDOWN       0x07f
#define VMEXIT_VMRUN          0x080
#define VMEXIT_VMMCALL        0x081
#define VMEXIT_VMLOAD         0x082
#define VMEXIT_VMSAVE         0x083
#define VMEXIT_STGI           0x084
#define VMEXIT_CLGI           0x085
#define VMEXIT_SKINIT         0x086
#define VMEXIT_WBINVD         0x089
#define VMEXIT_XSETBV         0x08d
#define VMEXIT_NPF            0x400
#define VMEXIT_INVALID        ((uint64_t)-1)

/* EVENTINJ / EXITINTINFO (APM vol. 2 sec. 15.20). */
#define EVENT_VECTOR_MASK     0xffu
#define EVENT_TYPE_INTR       (0u << 8)
#define EVENT_TYPE_NMI        (2u << 8)
#define EVENT_TYPE_EXCEPTION  (3u << 8)
#define EVENT_TYPE_SOFT       (4u << 8)
#define EVENT_ERROR_VALID     (1u << 11)
#define EVENT_VALID           (1u << 31)

/* NPF EXITINFO1 error code bits (sec. 15.25.6). */
#define NPF_PRESENT           (1ull << 0)
#define NPF_WRITE             (1ull << 1)
#define NPF_USER              (1ull << 2)
#define NPF_FETCH             (1ull << 4)
#define NPF_FINAL_GPA         (1ull << 32)
#define NPF_GUEST_PT          (1ull << 33)

#define TLB_CONTROL_NONE      0
#define TLB_CONTROL_FLUSH_ALL 1     /* every ASID (APM vol. 2 sec. 15.16.1) */

struct vmcb_seg {
	uint16_t sel;
	uint16_t attr;
	uint32_t limit;
	uint64_t base;
} __packed;
_Static_assert(sizeof(struct vmcb_seg) == 16, "VMCB segment is 16 bytes");

struct vmcb_control {
	uint32_t intercept_cr;          /* 0x000: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;          /* 0x004 */
	uint32_t intercept_exceptions;  /* 0x008 */
	uint32_t intercept_misc1;       /* 0x00c */
	uint32_t intercept_misc2;       /* 0x010 */
	uint32_t intercept_misc3;       /* 0x014 */
	uint8_t  reserved1[0x03c - 0x018];
	uint16_t pause_filter_thresh;   /* 0x03c */
	uint16_t pause_filter_count;    /* 0x03e */
	uint64_t iopm_base_pa;          /* 0x040 */
	uint64_t msrpm_base_pa;         /* 0x048 */
	uint64_t tsc_offset;            /* 0x050 */
	uint32_t asid;                  /* 0x058 */
	uint8_t  tlb_control;           /* 0x05c */
	uint8_t  reserved2[3];
	uint64_t vintr;                 /* 0x060: V_TPR, V_IRQ, V_INTR_MASKING, vector */
	uint64_t interrupt_shadow;      /* 0x068 */
	uint64_t exitcode;              /* 0x070 */
	uint64_t exitinfo1;             /* 0x078 */
	uint64_t exitinfo2;             /* 0x080 */
	uint64_t exitintinfo;           /* 0x088 */
	uint64_t np_enable;             /* 0x090 */
	uint64_t avic_apic_bar;         /* 0x098 */
	uint64_t ghcb_pa;               /* 0x0a0 */
	uint64_t eventinj;              /* 0x0a8 */
	uint64_t n_cr3;                 /* 0x0b0 */
	uint64_t lbr_virt_enable;       /* 0x0b8 */
	uint32_t clean_bits;            /* 0x0c0 */
	uint32_t reserved3;
	uint64_t next_rip;              /* 0x0c8 */
	uint8_t  insn_len;              /* 0x0d0 */
	uint8_t  insn_bytes[15];        /* 0x0d1 */
	uint8_t  reserved4[0x400 - 0x0e0];
} __packed;

struct vmcb_save {
	struct vmcb_seg es, cs, ss, ds, fs, gs;   /* 0x400 .. 0x45f */
	struct vmcb_seg gdtr, ldtr, idtr, tr;     /* 0x460 .. 0x49f */
	uint8_t  reserved1[0x4cb - 0x4a0];
	uint8_t  cpl;                   /* 0x4cb */
	uint32_t reserved2;
	uint64_t efer;                  /* 0x4d0 */
	uint8_t  reserved3[0x548 - 0x4d8];
	uint64_t cr4;                   /* 0x548 */
	uint64_t cr3;                   /* 0x550 */
	uint64_t cr0;                   /* 0x558 */
	uint64_t dr7;                   /* 0x560 */
	uint64_t dr6;                   /* 0x568 */
	uint64_t rflags;                /* 0x570 */
	uint64_t rip;                   /* 0x578 */
	uint8_t  reserved4[0x5d8 - 0x580];
	uint64_t rsp;                   /* 0x5d8 */
	uint64_t s_cet, ssp, isst_addr; /* 0x5e0 .. 0x5f7 */
	uint64_t rax;                   /* 0x5f8 */
	uint64_t star;                  /* 0x600 */
	uint64_t lstar;                 /* 0x608 */
	uint64_t cstar;                 /* 0x610 */
	uint64_t sfmask;                /* 0x618 */
	uint64_t kernel_gs_base;        /* 0x620 */
	uint64_t sysenter_cs;           /* 0x628 */
	uint64_t sysenter_esp;          /* 0x630 */
	uint64_t sysenter_eip;          /* 0x638 */
	uint64_t cr2;                   /* 0x640 */
	uint8_t  reserved5[0x668 - 0x648];
	uint64_t g_pat;                 /* 0x668 */
	uint64_t dbgctl;                /* 0x670 */
	uint64_t br_from, br_to;        /* 0x678, 0x680 */
	uint64_t last_excp_from, last_excp_to; /* 0x688, 0x690 */
	uint8_t  reserved6[0x1000 - 0x698];
} __packed;

struct vmcb {
	struct vmcb_control ctrl;
	struct vmcb_save save;
} __packed;

#define VMCB_OFF(f) offsetof(struct vmcb, f)
_Static_assert(sizeof(struct vmcb) == 4096, "VMCB is one page");
_Static_assert(VMCB_OFF(ctrl.iopm_base_pa) == 0x040, "IOPM_BASE_PA");
_Static_assert(VMCB_OFF(ctrl.asid) == 0x058, "ASID");
_Static_assert(VMCB_OFF(ctrl.vintr) == 0x060, "V_INTR");
_Static_assert(VMCB_OFF(ctrl.exitcode) == 0x070, "EXITCODE");
_Static_assert(VMCB_OFF(ctrl.exitintinfo) == 0x088, "EXITINTINFO");
_Static_assert(VMCB_OFF(ctrl.np_enable) == 0x090, "NP_ENABLE");
_Static_assert(VMCB_OFF(ctrl.eventinj) == 0x0a8, "EVENTINJ");
_Static_assert(VMCB_OFF(ctrl.n_cr3) == 0x0b0, "N_CR3");
_Static_assert(VMCB_OFF(ctrl.next_rip) == 0x0c8, "nRIP");
_Static_assert(VMCB_OFF(save.es) == 0x400, "ES");
_Static_assert(VMCB_OFF(save.tr) == 0x490, "TR");
_Static_assert(VMCB_OFF(save.cpl) == 0x4cb, "CPL");
_Static_assert(VMCB_OFF(save.efer) == 0x4d0, "EFER");
_Static_assert(VMCB_OFF(save.cr4) == 0x548, "CR4");
_Static_assert(VMCB_OFF(save.rip) == 0x578, "RIP");
_Static_assert(VMCB_OFF(save.rsp) == 0x5d8, "RSP");
_Static_assert(VMCB_OFF(save.rax) == 0x5f8, "RAX");
_Static_assert(VMCB_OFF(save.star) == 0x600, "STAR");
_Static_assert(VMCB_OFF(save.cr2) == 0x640, "CR2");
_Static_assert(VMCB_OFF(save.g_pat) == 0x668, "G_PAT");

/* Segment attributes: descriptor bits 40-47 and 52-55 packed
 * (APM vol. 2 sec. 15.5.1). */
#define SEG_ATTR_CODE32  0x0c9b
#define SEG_ATTR_DATA32  0x0c93
#define SEG_ATTR_CODE64  0x0a9b
#define SEG_ATTR_LDT     0x0082
#define SEG_ATTR_TSS32   0x008b

#endif
