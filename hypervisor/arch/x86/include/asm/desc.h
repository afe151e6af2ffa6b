/* GDT, TSS and IDT setup (arch/x86/desc.c). */
#ifndef ASM_DESC_H
#define ASM_DESC_H

struct pcpu;

/* Fill the shared IDT with the entry.S stubs.  Once, on the BSP. */
void idt_init(void);
/* Build this CPU's GDT and TSS (IST stacks from c->stack_block) and load
 * GDTR, segments, TR and IDTR.  Called on the CPU itself. */
void cpu_load_descriptors(struct pcpu *c);

#endif
