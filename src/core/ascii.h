/*
 * rucio-lite (private): ASCII character classes.
 *
 * HTTP field names, chunk sizes, JSON numbers and configparser option
 * names are defined over ASCII, so none of this may depend on the C
 * locale (as <ctype.h> does) or on the signedness of char.
 */
#ifndef RUCIO_ASCII_H
#define RUCIO_ASCII_H

#include <stddef.h>
#include <stdint.h>

static inline int rucio_ascii_is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline int rucio_ascii_is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* 0-15 for a hexadecimal digit of either case, -1 otherwise. */
static inline int rucio_ascii_hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static inline int rucio_ascii_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* a[0..a_len) and b[0..b_len) are equal ignoring ASCII case. */
int rl_ascii_equal_nocase(const char *a, size_t a_len, const char *b,
                          size_t b_len);

/* s[0..n) as 1*DIGIT that fits in 64 bits (no sign, spaces or hex).
 * Nonzero on success. */
int rl_ascii_parse_u64(const char *s, size_t n, uint64_t *out);

#endif /* RUCIO_ASCII_H */
