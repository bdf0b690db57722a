/*
 * rucio-lite (private): the bytes of HTTP field names and values, for the
 * request check and the response parser.
 *
 * Both look at every byte of every header, a 3 KB token included, on
 * every request: a table lookup per byte instead of a chain of
 * comparisons, and eight bytes at a time for values.
 */
#ifndef RUCIO_HTTP_TEXT_H
#define RUCIO_HTTP_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bits of rl_http_byte_class. RL_HTTP_TEXT may stand inside a line: not
 * a control byte other than HTAB, obs-text (0x80 and up) included (RFC
 * 9110 5.5). RL_HTTP_NAME is a tchar (RFC 9110 5.6.2); every tchar is
 * also text. */
#define RL_HTTP_TEXT 1u
#define RL_HTTP_NAME 3u

extern const uint8_t rl_http_byte_class[256];

static inline int rl_http_is_name_byte(uint8_t c)
{
    return rl_http_byte_class[c] == RL_HTTP_NAME;
}

static inline int rl_http_is_text_byte(uint8_t c)
{
    return (rl_http_byte_class[c] & RL_HTTP_TEXT) != 0;
}

/* Whether the 8 bytes at s hold a byte below `below` (at most 0x80) or
 * a 0x7f: the classic "has a byte less than n" and "has a zero byte"
 * tests, exact as a yes or no (bytes 0x80 and up are never flagged). */
static inline int rl_word_has_ctl(const uint8_t *s, uint64_t below)
{
    const uint64_t ones = 0x0101010101010101u;
    const uint64_t highs = 0x8080808080808080u;
    uint64_t x;
    uint64_t del;

    memcpy(&x, s, sizeof x);
    del = x ^ (0x7fu * ones);
    return ((((x - below * ones) & ~x) | ((del - ones) & ~del)) & highs) != 0;
}

/* Whether the 8 bytes at s may hold a byte that is not text. An HTAB is
 * flagged too, so a flagged word is looked at byte by byte. */
static inline int rl_http_word_flagged(const uint8_t *s)
{
    return rl_word_has_ctl(s, 0x20u);
}

/* The length of the text that starts s[0..len): where the first byte
 * that is not text is, or len. */
static inline size_t rl_http_text_run(const uint8_t *s, size_t len)
{
    size_t n = 0;

    for (;;) {
        size_t stop;

        while (len - n >= 8 && !rl_http_word_flagged(s + n))
            n += 8;
        stop = len - n > 8 ? n + 8 : len;
        while (n < stop && rl_http_is_text_byte(s[n]))
            n++;
        if (n < stop || n == len)
            return n;
    }
}

#endif /* RUCIO_HTTP_TEXT_H */
