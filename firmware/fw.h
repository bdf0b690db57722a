/*
 * The board-independent part of rucio-lite's firmware: console output,
 * the NV seed and entropy, mbedTLS's static pool and clock, the modem
 * port over the board's UART, and the command line the test passes in.
 */
#ifndef FW_H
#define FW_H

#include <stddef.h>
#include <stdint.h>

#include "modem/modem.h"

/* ---- console ---- */
void fw_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- NV seed and entropy (nvseed.c) ----
 * Register the seed callbacks with mbedTLS and start the entropy pool.
 * Fails when the image was never provisioned (the seed is all zero). */
int fw_entropy_start(void);
/* A rucio_modem_board.random: bytes from the entropy pool. */
rucio_status fw_random(void *ctx, uint8_t *buf, size_t len);

/* ---- mbedTLS platform (fw_mbedtls.c) ---- */
void fw_mbedtls_start(rucio_modem *clock_source);
size_t fw_pool_size(void);
/* Peak bytes in use (headers included) and peak number of blocks. */
void fw_pool_high_water(size_t *bytes, size_t *blocks);

/* ---- the modem on the board's second UART (fw_modem.c) ---- */
extern const rucio_modem_board fw_modem_board;

/* ---- the command line (-semihosting-config arg=...): key=value words ---- */
/* Copy the value of key into buf; 0 when absent or too long. */
int fw_arg(const char *cmdline, const char *key, char *buf, size_t cap);

#endif /* FW_H */
