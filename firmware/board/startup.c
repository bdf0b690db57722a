/*
 * Reset and exception vectors for the Cortex-M4 of mps2-an386.
 *
 * The reset handler copies .data from flash, zeroes .bss and paints the
 * unused stack with a pattern, so that board_stack_high_water() can later
 * find how deep the stack ever went (the first word not holding the
 * pattern, searched from the bottom).
 */
#include <stdint.h>

#include "board.h"

/* Left unpainted below the reset handler's own frame. */
#define STACK_PAINT_MARGIN 64u

extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);
void fw_reset(void);
void fw_default_handler(void);
void fw_hard_fault(void);
void fw_systick(void);
void fw_uart1_rx(void);

typedef void (*fw_handler)(void);

/* The table the core reads at reset: the initial stack pointer, then the
 * handlers (16 system exceptions and the board's 32 interrupts). */
struct fw_vectors {
    uint32_t *initial_sp;
    fw_handler system[15];
    fw_handler irq[32];
};

__attribute__((section(".vectors"), used)) const struct fw_vectors fw_vector_table = {
    .initial_sp = __stack_top,
    .system = {
        fw_reset,           /* reset */
        fw_default_handler, /* NMI */
        fw_hard_fault,      /* HardFault */
        fw_hard_fault,      /* MemManage */
        fw_hard_fault,      /* BusFault */
        fw_hard_fault,      /* UsageFault */
        0, 0, 0, 0,
        fw_default_handler, /* SVCall */
        fw_default_handler, /* DebugMon */
        0,
        fw_default_handler, /* PendSV */
        fw_systick,         /* SysTick */
    },
    .irq = {
        fw_default_handler, fw_default_handler, /* UART0 RX, TX */
        fw_uart1_rx, fw_default_handler,        /* UART1 RX, TX */
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
        fw_default_handler, fw_default_handler, fw_default_handler, fw_default_handler,
    },
};

static uint32_t *current_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static void paint_stack(void)
{
    uint32_t *end = current_sp() - STACK_PAINT_MARGIN / sizeof(uint32_t);
    for (volatile uint32_t *p = __stack_limit; p < end; p++)
        *p = BOARD_STACK_PAINT;
}

size_t board_stack_high_water(void)
{
    const volatile uint32_t *p = __stack_limit;
    while (p < __stack_top && *p == BOARD_STACK_PAINT)
        p++;
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

size_t board_stack_size(void)
{
    return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
}

void fw_reset(void)
{
    const uint32_t *src = __data_load;
    for (uint32_t *dst = __data_start; dst < __data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = __bss_start; dst < __bss_end;)
        *dst++ = 0;
    paint_stack();
    board_exit(main());
}

void fw_default_handler(void)
{
    static const char msg[] = "\nfirmware: unexpected exception\n";
    board_console_write(msg, sizeof msg - 1);
    board_exit(3);
}

void fw_hard_fault(void)
{
    static const char msg[] = "\nfirmware: HARD FAULT (stack overflow?)\n";
    board_console_write(msg, sizeof msg - 1);
    board_exit(4);
}
