/* CMSDK APB UART driver (see uart_cmsdk.h). */
#include "uart_cmsdk.h"

void cmsdk_uart_init(cmsdk_uart *u, uint32_t clock_hz, uint32_t baud, int rx_interrupt)
{
    uint32_t div = clock_hz / baud;
    u->bauddiv = div < 16u ? 16u : div;
    u->ctrl = CMSDK_UART_TX_EN | CMSDK_UART_RX_EN |
              (rx_interrupt ? CMSDK_UART_RX_INT_EN : 0u);
}

int cmsdk_uart_readable(const cmsdk_uart *u)
{
    return (u->state & CMSDK_UART_RX_FULL) != 0;
}

int cmsdk_uart_writable(const cmsdk_uart *u)
{
    return (u->state & CMSDK_UART_TX_FULL) == 0;
}

uint8_t cmsdk_uart_get(cmsdk_uart *u)
{
    return (uint8_t)(u->data & 0xffu);
}

void cmsdk_uart_put(cmsdk_uart *u, uint8_t c)
{
    u->data = c;
}

void cmsdk_uart_clear_rx_interrupt(cmsdk_uart *u)
{
    u->intstatus = CMSDK_UART_INT_RX;
}
