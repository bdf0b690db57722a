/* rucio-lite: locale-free ASCII comparisons. */
#include "core/ascii.h"

int rl_ascii_equal_nocase(const char *a, size_t a_len, const char *b,
                          size_t b_len)
{
    size_t i;

    if (a_len != b_len)
        return 0;
    for (i = 0; i < a_len; i++)
        if (rucio_ascii_lower((unsigned char)a[i]) !=
            rucio_ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

int rl_ascii_parse_u64(const char *s, size_t n, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;

    if (n == 0)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';

        if (d > 9 || v > (UINT64_MAX - d) / 10)
            return 0;
        v = v * 10 + d;
    }
    *out = v;
    return 1;
}
