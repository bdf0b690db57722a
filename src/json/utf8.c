/* rucio-lite: strict UTF-8 decoding and encoding (RFC 3629). */
#include "json/utf8.h"

/* What a lead byte announces: the sequence length, its payload bits and
 * the smallest code point that needs that length (anything below it is an
 * overlong form). 0 for a byte that cannot start a sequence. */
static size_t lead_info(unsigned char lead, uint32_t *bits, uint32_t *min)
{
    if ((lead & 0xE0u) == 0xC0u) {
        *bits = lead & 0x1Fu;
        *min = 0x80u;
        return 2;
    }
    if ((lead & 0xF0u) == 0xE0u) {
        *bits = lead & 0x0Fu;
        *min = 0x800u;
        return 3;
    }
    if ((lead & 0xF8u) == 0xF0u) {
        *bits = lead & 0x07u;
        *min = 0x10000u;
        return 4;
    }
    return 0;
}

static int is_scalar_value(uint32_t cp)
{
    return cp <= 0x10FFFFu && (cp < 0xD800u || cp > 0xDFFFu);
}

size_t rl_utf8_decode(const char *s, size_t n, uint32_t *out_cp)
{
    unsigned char lead;
    uint32_t cp, min;
    size_t len, i;

    if (n == 0)
        return 0;
    lead = (unsigned char)s[0];
    if (lead < 0x80u) {
        *out_cp = lead;
        return 1;
    }
    len = lead_info(lead, &cp, &min);
    if (len == 0 || len > n)
        return 0;
    for (i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || !is_scalar_value(cp))
        return 0;
    *out_cp = cp;
    return len;
}

size_t rl_utf8_encode(uint32_t cp, char out[RUCIO_UTF8_MAX])
{
    if (cp < 0x80u) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800u) {
        out[0] = (char)(0xC0u | (cp >> 6));
        out[1] = (char)(0x80u | (cp & 0x3Fu));
        return 2;
    }
    if (cp < 0x10000u) {
        out[0] = (char)(0xE0u | (cp >> 12));
        out[1] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
        out[2] = (char)(0x80u | (cp & 0x3Fu));
        return 3;
    }
    out[0] = (char)(0xF0u | (cp >> 18));
    out[1] = (char)(0x80u | ((cp >> 12) & 0x3Fu));
    out[2] = (char)(0x80u | ((cp >> 6) & 0x3Fu));
    out[3] = (char)(0x80u | (cp & 0x3Fu));
    return 4;
}
