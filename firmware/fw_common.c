/* Console output, the modem board table and command-line arguments. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "board/board.h"
#include "fw.h"

void fw_print(const char *fmt, ...)
{
    char line[160];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    board_console_write(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static size_t modem_write(void *ctx, const uint8_t *buf, size_t len, uint64_t deadline_ms)
{
    (void)ctx;
    return board_modem_write(buf, len, deadline_ms);
}

static size_t modem_read(void *ctx, uint8_t *buf, size_t len, uint64_t deadline_ms)
{
    (void)ctx;
    return board_modem_read(buf, len, deadline_ms);
}

static uint64_t now_ms(void *ctx)
{
    (void)ctx;
    return board_now_ms();
}

static void sleep_ms(void *ctx, uint32_t ms)
{
    (void)ctx;
    board_sleep_ms(ms);
}

const rucio_modem_board fw_modem_board = {
    NULL, modem_write, modem_read, now_ms, sleep_ms, fw_random,
};

int fw_arg(const char *cmdline, const char *key, char *buf, size_t cap)
{
    size_t klen = strlen(key);
    const char *p = cmdline;

    while (*p != '\0') {
        const char *end = strchr(p, ' ');
        size_t wlen = end != NULL ? (size_t)(end - p) : strlen(p);
        if (wlen > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            size_t vlen = wlen - klen - 1;
            if (vlen >= cap)
                return 0;
            memcpy(buf, p + klen + 1, vlen);
            buf[vlen] = '\0';
            return 1;
        }
        p += wlen;
        while (*p == ' ')
            p++;
    }
    return 0;
}
