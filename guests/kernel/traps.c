/*
 * The IDT: exception handlers and the event-channel upcall vector.  An
 * exception is fatal to the guest: it prints the vector, RIP, error code,
 * CR2 and registers, then shuts the domain down with reason crash.
 */
#include "hypercall.h"
#include "kernel.h"
#include "layout.h"

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t  ist;
	uint8_t  type;          /* P=1 DPL=0 type 0xE: 64-bit interrupt gate */
	uint16_t off_mid;
	uint32_t off_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "APM vol. 2, 4.8.4: 16-byte gates");

struct __attribute__((packed)) idt_desc {
	uint16_t limit;
	uint64_t base;
};

extern const uint64_t trap_stub_table[32];
extern char trap_upcall[];

static struct idt_gate idt[256] __attribute__((aligned(16)));
volatile unsigned int irq_depth;
static int in_fatal;
static volatile int expect_armed, expect_vector = -1;
static volatile unsigned int expect_len;
static volatile uint64_t expect_error;

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XF SIMD error", "#VE", "#CP control protection",
	"reserved 22", "reserved 23", "reserved 24", "reserved 25",
	"reserved 26", "reserved 27", "#HV", "#VC", "#SX security", "reserved 31",
};

static void idt_set(unsigned int vec, uint64_t handler)
{
	struct idt_gate *g = &idt[vec];

	g->off_lo = (uint16_t)handler;
	g->sel = GDT_SEL_CODE64;
	g->ist = 0;
	g->type = 0x8e;
	g->off_mid = (uint16_t)(handler >> 16);
	g->off_hi = (uint32_t)(handler >> 32);
	g->reserved = 0;
}

/* Called by entry.S before anything else in C. */
void traps_init(void)
{
	struct idt_desc d = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	for (unsigned int v = 0; v < 32; v++)
		idt_set(v, trap_stub_table[v]);
	idt_set(UPCALL_VECTOR, (uint64_t)(uintptr_t)trap_upcall);
	__asm__ volatile("lidt %0" : : "m"(d));
}

void traps_disable(void)
{
	struct idt_desc d = { 0, 0 };

	__asm__ volatile("lidt %0" : : "m"(d));
}

static uint64_t read_cr2(void)
{
	uint64_t v;

	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static void __attribute__((noreturn)) fatal_exception(struct trap_frame *f)
{
	uint64_t cr2 = read_cr2();

	if (in_fatal++)         /* faulted while reporting: just stop */
		hc_shutdown(KEEL_SHUTDOWN_crash);
	irq_depth++;            /* printk must not wait for the ring */
	printk("exception %lu (%s) at rip %#lx, error code %#lx, cr2 %#lx\n",
	       (unsigned long)f->vector, exc_names[f->vector & 31],
	       (unsigned long)f->rip, (unsigned long)f->error, (unsigned long)cr2);
	printk(" rax %016lx rbx %016lx rcx %016lx rdx %016lx\n",
	       (unsigned long)f->rax, (unsigned long)f->rbx,
	       (unsigned long)f->rcx, (unsigned long)f->rdx);
	printk(" rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n",
	       (unsigned long)f->rsi, (unsigned long)f->rdi,
	       (unsigned long)f->rbp, (unsigned long)f->rsp);
	printk(" rflags %#lx cs %#lx ss %#lx\n", (unsigned long)f->rflags,
	       (unsigned long)f->cs, (unsigned long)f->ss);
	printk("domain %u: shutting down (crash)\n", kernel_domid);
	hc_shutdown(KEEL_SHUTDOWN_crash);
}

void trap_expect(unsigned int len)
{
	expect_len = len;
	expect_vector = -1;
	expect_error = 0;
	__atomic_store_n(&expect_armed, 1, __ATOMIC_SEQ_CST);
}

int trap_expect_end(void)
{
	__atomic_store_n(&expect_armed, 0, __ATOMIC_SEQ_CST);
	return expect_vector;
}

uint64_t trap_expect_error(void)
{
	return expect_error;
}

/* Called by traps_asm.S with interrupts off (interrupt gates). */
void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32 && expect_armed) {
		expect_armed = 0;
		expect_vector = (int)f->vector;
		expect_error = f->error;
		f->rip += expect_len;
		f->rflags &= ~0x100ull;         /* TF */
		return;
	}
	if (f->vector == UPCALL_VECTOR) {
		irq_depth++;
		evtchn_do_upcall();
		irq_depth--;
		return;
	}
	fatal_exception(f);
}
