/*
 * COM1 (16550 at 0x3f8) and QEMU's debug console port (0xe9): the
 * hypervisor's console sinks.  Polled output with a bounded wait, so a
 * missing UART cannot hang the hypervisor.
 */
#include <asm/x86.h>
#include <asm/uart.h>
#include <keel/arch.h>

#define COM1      0x3f8
#define THR       0   /* transmit holding */
#define IER       1
#define FCR       2
#define LCR       3
#define MCR       4
#define LSR       5
#define  LSR_THRE 0x20
#define DLL       0
#define DLM       1

void uart_init(void)
{
	outb(COM1 + IER, 0x00);		/* no interrupts: we poll */
	outb(COM1 + LCR, 0x80);		/* DLAB on */
	outb(COM1 + DLL, 0x01);		/* 115200 baud */
	outb(COM1 + DLM, 0x00);
	outb(COM1 + LCR, 0x03);		/* 8N1, DLAB off */
	outb(COM1 + FCR, 0xc7);		/* FIFOs on and cleared */
	outb(COM1 + MCR, 0x03);		/* DTR, RTS */
}

void arch_com1_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + LSR) & LSR_THRE); i++)
		cpu_relax();
	outb(COM1 + THR, (uint8_t)c);
}

void arch_e9_putc(char c)
{
	outb(0xe9, (uint8_t)c);
}
