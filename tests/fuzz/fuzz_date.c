/*
 * libFuzzer target: the HTTP date parser (src/client/date.h) and
 * Retry-After parsing (rl_retry_after_ms, src/client/request.h).
 *
 * Invariants: an accepted date has the fixed 29-character layout and its
 * epoch equals what glibc's timegm computes from the same fields (an
 * independent implementation); Retry-After as delta-seconds gives exactly
 * value s below 100000 s (larger ones saturate), as a date the seconds from "now" (0 for the past),
 * anything else is refused and leaves the output alone.
 */
#define _GNU_SOURCE /* timegm */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fuzz_support.h"
#include "client/date.h"
#include "client/request.h"

#define NOW 1700000000

static int field(const char *s, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int month(const char *s)
{
    static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int m;

    for (m = 0; m < 12; m++)
        if (memcmp(names + 3 * m, s, 3) == 0)
            return m;
    return -1;
}

/* The epoch of an accepted date, recomputed with timegm. */
static int64_t expected_epoch(const char *t)
{
    struct tm tm;

    memset(&tm, 0, sizeof tm);
    tm.tm_mday = field(t + 5, 2);
    tm.tm_mon = month(t + 8);
    tm.tm_year = field(t + 12, 4) - 1900;
    tm.tm_hour = field(t + 17, 2);
    tm.tm_min = field(t + 20, 2);
    tm.tm_sec = field(t + 23, 2);
    return (int64_t)timegm(&tm);
}

static void check_date(const char *t)
{
    int64_t epoch = -1;
    rucio_status st = rl_parse_http_date(t, &epoch);

    if (st != RUCIO_OK) {
        FUZZ_CHECK(st == RUCIO_E_INVALID_ARG && epoch == -1);
        return;
    }
    FUZZ_CHECK(strlen(t) == 29);
    FUZZ_CHECK(strcmp(t + 26, "UTC") == 0 || strcmp(t + 26, "GMT") == 0);
    FUZZ_CHECK(month(t + 8) >= 0);
    FUZZ_CHECK(epoch == expected_epoch(t));
}

static int digits_only(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static void check_retry_after(const char *t)
{
    uint32_t ms = 12345;
    int64_t when;
    int ok = rl_retry_after_ms(t, NOW, &ms);

    if (digits_only(t)) {
        uint64_t v = 0;
        const char *p;

        for (p = t; *p && v < 100000; p++)
            v = v * 10 + (uint64_t)(*p - '0');
        FUZZ_CHECK(ok);
        FUZZ_CHECK(v >= 100000 ? ms >= 99999000u : ms == (uint32_t)v * 1000u);
    } else if (rl_parse_http_date(t, &when) == RUCIO_OK) {
        int64_t s = when > NOW ? when - NOW : 0;

        FUZZ_CHECK(ok);
        FUZZ_CHECK(s >= 100000 ? ms >= 99999000u : ms == (uint32_t)s * 1000u);
    } else {
        FUZZ_CHECK(!ok && ms == 12345);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *t = fuzz_strndup(data, size);

    check_date(t);
    check_retry_after(t);
    free(t);
    return 0;
}
