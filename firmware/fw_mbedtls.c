/*
 * mbedTLS on a board without a heap: every allocation comes from one
 * static pool (MBEDTLS_MEMORY_BUFFER_ALLOC_C). Before the pool is set up
 * the configuration's default calloc fails, so nothing links newlib's
 * malloc. Time comes from the board's millisecond clock and the wall
 * clock the modem gave (for certificate validity).
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <mbedtls/memory_buffer_alloc.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/platform.h>
#include <mbedtls/platform_time.h>

#include "board/board.h"
#include "fw.h"

#ifndef FW_POOL_SIZE
#define FW_POOL_SIZE (24 * 1024)
#endif

static unsigned char pool[FW_POOL_SIZE] __attribute__((aligned(8)));
static rucio_modem *clock_modem;

extern int64_t (*fw_wall_seconds)(void);

void *fw_mbedtls_no_calloc(size_t count, size_t size)
{
    (void)count;
    (void)size;
    return NULL;
}

void fw_mbedtls_no_free(void *ptr)
{
    (void)ptr;
}

int fw_mbedtls_fprintf(void *stream, const char *fmt, ...)
{
    char line[160];
    va_list ap;
    int n;

    (void)stream;
    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        board_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
    return n;
}

void fw_mbedtls_exit(int status)
{
    board_exit(status);
}

struct tm *mbedtls_platform_gmtime_r(const mbedtls_time_t *tt, struct tm *tm_buf)
{
    time_t t = (time_t)*tt;
    return gmtime_r(&t, tm_buf);
}

static int64_t wall_seconds(void)
{
    return clock_modem != NULL ? rucio_modem_wall_seconds(clock_modem) : 0;
}

static mbedtls_time_t fw_time(mbedtls_time_t *out)
{
    mbedtls_time_t t = (mbedtls_time_t)wall_seconds();
    if (out != NULL)
        *out = t;
    return t;
}

mbedtls_ms_time_t mbedtls_ms_time(void)
{
    return (mbedtls_ms_time_t)board_now_ms();
}

void fw_mbedtls_start(rucio_modem *clock_source)
{
    clock_modem = clock_source;
    fw_wall_seconds = wall_seconds;
    mbedtls_memory_buffer_alloc_init(pool, sizeof pool);
    mbedtls_platform_set_time(fw_time);
}

size_t fw_pool_size(void)
{
    return sizeof pool;
}

void fw_pool_high_water(size_t *bytes, size_t *blocks)
{
    mbedtls_memory_buffer_alloc_max_get(bytes, blocks);
}
