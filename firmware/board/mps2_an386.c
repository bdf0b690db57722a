/*
 * mps2-an386: the board functions of board.h.
 *
 * UART0 (0x40004000) is the console, UART1 (0x40005000) the modem link;
 * QEMU connects them to its first and second -serial. SysTick counts
 * milliseconds from the 25 MHz core clock. Waiting is done with WFI: the
 * SysTick interrupt wakes the core every millisecond and UART1's receive
 * interrupt as soon as a byte arrives.
 */
#include <string.h>

#include "board.h"
#include "uart_cmsdk.h"

#define CORE_HZ 25000000u
#define UART_BAUD 115200u
#define UART0 ((cmsdk_uart *)0x40004000u)
#define UART1 ((cmsdk_uart *)0x40005000u)
#define UART1_RX_IRQ 2u

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_ENABLE_TICKINT_CORECLK 0x7u
#define NVIC_ISER0 (*(volatile uint32_t *)0xE000E100u)

/* The board's only mutable state: the tick count, written by SysTick. */
static volatile uint32_t ticks_low, ticks_high;

void fw_systick(void);
void fw_uart1_rx(void);

void fw_systick(void)
{
    uint32_t low = ticks_low + 1u;
    if (low == 0)
        ticks_high = ticks_high + 1u;
    ticks_low = low;
}

void fw_uart1_rx(void)
{
    cmsdk_uart_clear_rx_interrupt(UART1); /* the reader polls the data */
}

static void wait_for_interrupt(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

void board_init(void)
{
    SYST_RVR = CORE_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_ENABLE_TICKINT_CORECLK;
    cmsdk_uart_init(UART0, CORE_HZ, UART_BAUD, 0);
    cmsdk_uart_init(UART1, CORE_HZ, UART_BAUD, 1);
    NVIC_ISER0 = 1u << UART1_RX_IRQ;
}

uint64_t board_now_ms(void)
{
    uint32_t high, low;
    do { /* a consistent pair across a carry */
        high = ticks_high;
        low = ticks_low;
    } while (high != ticks_high);
    return ((uint64_t)high << 32) | low;
}

void board_sleep_ms(uint32_t ms)
{
    uint64_t until = board_now_ms() + ms;
    while (board_now_ms() < until)
        wait_for_interrupt();
}

void board_console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        while (!cmsdk_uart_writable(UART0)) {
        }
        cmsdk_uart_put(UART0, (uint8_t)buf[i]);
    }
}

size_t board_modem_write(const uint8_t *buf, size_t len, uint64_t deadline_ms)
{
    size_t n = 0;
    while (n < len) {
        if (cmsdk_uart_writable(UART1))
            cmsdk_uart_put(UART1, buf[n++]);
        else if (board_now_ms() >= deadline_ms)
            break;
    }
    return n;
}

size_t board_modem_read(uint8_t *buf, size_t len, uint64_t deadline_ms)
{
    size_t n = 0;
    while (n < len) {
        if (cmsdk_uart_readable(UART1))
            buf[n++] = cmsdk_uart_get(UART1);
        else if (n > 0 || board_now_ms() >= deadline_ms)
            break;
        else
            wait_for_interrupt();
    }
    return n;
}

int board_flash_program(const volatile void *dst, const void *src, size_t len)
{
    /* QEMU models the board's code memory as RAM: a plain copy. A real
     * board erases and programs its seed sector here. */
    volatile uint8_t *d = (volatile uint8_t *)(uintptr_t)dst;
    const uint8_t *s = src;
    for (size_t i = 0; i < len; i++)
        d[i] = s[i];
    return 0;
}

/* ---- semihosting: BKPT 0xAB with the operation in r0, argument in r1 ---- */

#define SYS_GET_CMDLINE 0x15u
#define SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u

static uint32_t semihost(uint32_t op, uintptr_t arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

int board_command_line(char *buf, size_t cap)
{
    uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)cap};
    if (cap == 0 || semihost(SYS_GET_CMDLINE, (uintptr_t)block) != 0)
        return -1;
    buf[cap - 1] = '\0';
    return (int)strlen(buf);
}

void board_exit(int status)
{
    /* QEMU exits 0 for ApplicationExit and 1 for any other reason. */
    semihost(SYS_EXIT, status == 0 ? ADP_STOPPED_APPLICATION_EXIT
                                   : ADP_STOPPED_RUNTIME_ERROR);
    for (;;)
        wait_for_interrupt();
}
