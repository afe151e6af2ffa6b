/*
 * Descriptor tables: one GDT and TSS per CPU, one shared IDT.  NMI, #DF and
 * #MC run on their own IST stacks so that they work whatever the state of
 * the interrupted stack.
 */
#include <asm/desc.h>
#include <asm/percpu.h>
#include <asm/x86.h>
#include <keel/lib.h>

struct idt_entry {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t ist;
	uint8_t type;
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_entry) == 16, "IDT gate is 16 bytes");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

static struct idt_entry idt[256] __aligned(16);
extern const char trap_stubs[];	/* entry.S: 16 bytes per vector */

static void set_gate(unsigned vec, unsigned ist)
{
	uint64_t off = (uint64_t)(trap_stubs + 16 * vec);

	idt[vec] = (struct idt_entry){
		.off_lo = off & 0xffff,
		.sel = HV_CS,
		.ist = ist,
		.type = 0x8e,	/* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (off >> 16) & 0xffff,
		.off_hi = off >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, 0);
	set_gate(2, IST_NMI);
	set_gate(8, IST_DF);
	set_gate(18, IST_MC);
}

void cpu_load_descriptors(struct pcpu *c)
{
	uint64_t tss = (uint64_t)&c->tss;
	struct desc_ptr gdtr = { sizeof(c->gdt) - 1, (uint64_t)c->gdt };
	struct desc_ptr idtr = { sizeof(idt) - 1, (uint64_t)idt };

	memset(&c->tss, 0, sizeof(c->tss));
	c->tss.ist[IST_DF - 1] = c->stack_block + 1 * 4096;
	c->tss.ist[IST_NMI - 1] = c->stack_block + 2 * 4096;
	c->tss.ist[IST_MC - 1] = c->stack_block + 3 * 4096;
	c->tss.iomap_base = sizeof(c->tss);

	c->gdt[0] = 0;
	c->gdt[1] = 0x00af9a000000ffffull;	/* HV_CS: 64-bit code */
	c->gdt[2] = 0x00cf92000000ffffull;	/* HV_DS: data */
	/* HV_TSS: available 64-bit TSS, 16 bytes (APM vol. 2 sec. 4.8.3). */
	c->gdt[3] = (sizeof(c->tss) - 1) | ((tss & 0xffffff) << 16) |
		    (0x89ull << 40) | (((tss >> 24) & 0xff) << 56);
	c->gdt[4] = tss >> 32;

	__asm__ volatile(
		"lgdt %0\n\t"
		"pushq %[cs]\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %[ds], %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		"ltr %w[tr]\n\t"
		"lidt %1"
		: : "m"(gdtr), "m"(idtr), [cs] "i"(HV_CS), [ds] "i"(HV_DS),
		    [tr] "r"(HV_TSS)
		: "rax", "memory");
}
