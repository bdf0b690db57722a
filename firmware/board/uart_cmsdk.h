/*
 * Driver for ARM's CMSDK APB UART (the UARTs of the MPS2 boards), polled,
 * with an optional receive interrupt that only wakes the core from WFI.
 * No state besides the registers: one base address per UART.
 */
#ifndef FW_UART_CMSDK_H
#define FW_UART_CMSDK_H

#include <stdint.h>

typedef struct cmsdk_uart {
    volatile uint32_t data;      /* 0x00: RX/TX byte */
    volatile uint32_t state;     /* 0x04: bit 0 TX full, bit 1 RX full */
    volatile uint32_t ctrl;      /* 0x08: bit 0 TX enable, 1 RX enable,
                                    3 RX interrupt enable */
    volatile uint32_t intstatus; /* 0x0C: write 1 to clear */
    volatile uint32_t bauddiv;   /* 0x10: >= 16 */
} cmsdk_uart;

#define CMSDK_UART_TX_FULL 0x1u
#define CMSDK_UART_RX_FULL 0x2u
#define CMSDK_UART_TX_EN 0x1u
#define CMSDK_UART_RX_EN 0x2u
#define CMSDK_UART_RX_INT_EN 0x8u
#define CMSDK_UART_INT_RX 0x2u

/* Enable transmitter and receiver at clock_hz / baud. */
void cmsdk_uart_init(cmsdk_uart *u, uint32_t clock_hz, uint32_t baud, int rx_interrupt);

/* Nonzero when a byte is waiting / the transmitter takes one. */
int cmsdk_uart_readable(const cmsdk_uart *u);
int cmsdk_uart_writable(const cmsdk_uart *u);

/* One byte; call only when readable / writable. */
uint8_t cmsdk_uart_get(cmsdk_uart *u);
void cmsdk_uart_put(cmsdk_uart *u, uint8_t c);

/* Acknowledge the receive interrupt (from its handler). */
void cmsdk_uart_clear_rx_interrupt(cmsdk_uart *u);

#endif /* FW_UART_CMSDK_H */
