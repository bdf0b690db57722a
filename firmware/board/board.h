/*
 * The board layer of rucio-lite's firmware: QEMU's mps2-an386 (ARM MPS2
 * FPGA image AN386, Cortex-M4, 25 MHz). What the rest of the firmware
 * needs from a board: two UARTs (console and modem), a millisecond clock,
 * a place to keep the NV seed, stack measurement and a way to stop.
 * Another board replaces this folder and keeps these functions.
 */
#ifndef FW_BOARD_H
#define FW_BOARD_H

#include <stddef.h>
#include <stdint.h>

/* Start the clock and both UARTs. */
void board_init(void);

/* ---- console (UART0): write-only text ---- */
void board_console_write(const char *buf, size_t len);

/* ---- modem link (UART1): bytes with deadlines on board_now_ms ---- */
size_t board_modem_write(const uint8_t *buf, size_t len, uint64_t deadline_ms);
size_t board_modem_read(uint8_t *buf, size_t len, uint64_t deadline_ms);

/* ---- time ---- */
uint64_t board_now_ms(void);
void board_sleep_ms(uint32_t ms);

/* ---- NV seed storage: program len bytes of flash at dst ---- */
int board_flash_program(const volatile void *dst, const void *src, size_t len);

/* ---- stack: bytes of the painted stack ever used, and its size ---- */
/* The pattern the free stack is painted with (at reset, and by whoever
 * measures a call's stack). */
#define BOARD_STACK_PAINT 0xC5C5C5C5u
size_t board_stack_high_water(void);
size_t board_stack_size(void);

/* ---- semihosting (QEMU, a debugger): command line and exit ---- */
/* Fill buf with the command line given to the emulator (-semihosting-config
 * arg=...); returns its length, or -1 when there is none. */
int board_command_line(char *buf, size_t cap);
__attribute__((noreturn)) void board_exit(int status);

#endif /* FW_BOARD_H */
