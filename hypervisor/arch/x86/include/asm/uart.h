#ifndef ASM_UART_H
#define ASM_UART_H
/* Program COM1 for 115200 8N1, polled. */
void uart_init(void);
#endif
