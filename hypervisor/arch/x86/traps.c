/*
 * Exceptions in the hypervisor are bugs: print the registers and a
 * backtrace, then panic (which stops every pCPU).  NMIs are the exception:
 * they are how one pCPU stops or kicks another, and on pCPU0 they may be
 * dom0's own (see svm/vmexit.c).
 */
#include <asm/traps.h>
#include <asm/percpu.h>
#include <asm/lapic.h>
#include <asm/x86.h>
#include <keel/arch.h>
#include <keel/console.h>

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault",
	"coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE", "#CP control protection",
	[28] = "#HV", [29] = "#VC", [30] = "#SX",
};

/* Walk the frame-pointer chain while it stays inside this CPU's stack
 * block (the hypervisor is built with -fno-omit-frame-pointer). */
static void backtrace(uint64_t rbp)
{
	uint64_t lo = (uint64_t)get_cpu_info() & ~((uint64_t)STACK_SIZE - 1);
	uint64_t hi = lo + STACK_SIZE;

	printk(LOG_ERR, "backtrace (addr2line -e build/hypervisor/keel.elf ADDR):\n");
	for (int i = 0; i < 16; i++) {
		uint64_t *fp = (uint64_t *)rbp;

		if (rbp < lo || rbp + 16 > hi || (rbp & 7))
			break;
		printk(LOG_ERR, "  [<%016lx>]\n", fp[1]);
		rbp = fp[0];
	}
}

static void dump_frame(const struct trap_frame *f)
{
	printk(LOG_ERR, "RIP %04lx:%016lx RFLAGS %016lx  error %lx\n",
	       f->cs, f->rip, f->rflags, f->error_code);
	printk(LOG_ERR, "RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n",
	       f->rax, f->rbx, f->rcx, f->rdx);
	printk(LOG_ERR, "RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n",
	       f->rsi, f->rdi, f->rbp, f->rsp);
	printk(LOG_ERR, "R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n",
	       f->r8, f->r9, f->r10, f->r11);
	printk(LOG_ERR, "R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n",
	       f->r12, f->r13, f->r14, f->r15);
	printk(LOG_ERR, "CR0 %016lx CR2 %016lx CR3 %016lx CR4 %016lx\n",
	       read_cr0(), read_cr2(), read_cr3(), read_cr4());
	backtrace(f->rbp);
}

void arch_dump_stack(void)
{
	backtrace((uint64_t)__builtin_frame_address(0));
}

static void do_nmi(void)
{
	struct pcpu *c = this_cpu();

	if (console_panicking())
		arch_halt();
	if (c->kick) {
		c->kick = false;
		return;
	}
	/* Not ours: on pCPU0 it belongs to dom0 and is re-injected. */
	c->nmi_for_guest = true;
}

void do_trap(struct trap_frame *f)
{
	unsigned v = (unsigned)f->vector;

	if (v == 2) {
		do_nmi();
		return;
	}
	if (v < 32) {
		printk(LOG_ERR, "\nFATAL: %s (vector %u) in the hypervisor on CPU%u\n",
		       exc_names[v] ? exc_names[v] : "exception", v,
		       arch_cpu_id());
		dump_frame(f);
		panic("unexpected exception %u at %016lx", v, f->rip);
	}
	if (v == VEC_SPURIOUS)
		return;		/* no EOI for spurious interrupts */
	if (v == VEC_KICK)
		this_cpu()->kick = false;
	if (v == VEC_TIMER)
		this_cpu()->timer_armed = 0;	/* fired: nothing armed now */
	lapic_eoi();
}
