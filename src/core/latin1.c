/* rucio-lite: UTF-8 text as ISO-8859-1 bytes (see latin1.h). */
#include "rucio/build_config.h"

#if RUCIO_WITH_USERPASS /* else the Makefile leaves this file out */
#include "core/latin1.h"

#include "core/wipe.h"

static int is_continuation(unsigned char c)
{
    return (c & 0xc0) == 0x80;
}

/* Bytes in the sequence that a lead byte above 0xc3 starts (its
 * character is above U+00FF), or 0 when it cannot start one. */
static size_t wide_sequence_length(unsigned char lead)
{
    if (lead >= 0xc4 && lead <= 0xdf)
        return 2;
    if (lead >= 0xe0 && lead <= 0xef)
        return 3;
    if (lead >= 0xf0 && lead <= 0xf4)
        return 4;
    return 0;
}

/* What the sequence at s is when it is not ASCII and not U+0080..U+00FF:
 * a well-formed wider character, or not UTF-8 at all. */
static rucio_latin1_result classify_wide(const unsigned char *s)
{
    size_t n = wide_sequence_length(s[0]);
    size_t i;

    if (n == 0)
        return RUCIO_LATIN1_NOT_UTF8;
    for (i = 1; i < n; i++)
        if (!is_continuation(s[i]))
            return RUCIO_LATIN1_NOT_UTF8;
    return RUCIO_LATIN1_OUTSIDE;
}

/* Decode one character at s that Latin-1 can hold into *out_byte;
 * returns its length in bytes (1 or 2), or 0 (see *why). */
static size_t decode_one(const unsigned char *s, unsigned char *out_byte,
                         rucio_latin1_result *why)
{
    if (s[0] < 0x80) {
        *out_byte = s[0];
        return 1;
    }
    /* U+0080..U+00FF are exactly the two-byte forms led by c2 and c3. */
    if ((s[0] == 0xc2 || s[0] == 0xc3) && is_continuation(s[1])) {
        *out_byte = (unsigned char)(((s[0] & 0x03u) << 6) | (s[1] & 0x3fu));
        return 2;
    }
    *why = classify_wide(s);
    return 0;
}

static rucio_latin1_result fail(rucio_latin1_result why, char *out,
                                size_t cap, size_t *out_offset,
                                size_t offset)
{
    if (out && cap)
        rl_wipe(out, cap);
    if (out_offset)
        *out_offset = offset;
    return why;
}

rucio_latin1_result rl_latin1_from_utf8(const char *in, char *out,
                                        size_t cap, size_t *out_offset)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    if (!in || !out || cap == 0)
        return fail(RUCIO_LATIN1_NO_SPACE, out, cap, out_offset, 0);
    while (s[i]) {
        rucio_latin1_result why = RUCIO_LATIN1_OK;
        unsigned char byte = 0;
        size_t n = decode_one(s + i, &byte, &why);

        if (n == 0)
            return fail(why, out, cap, out_offset, i);
        if (o + 1 >= cap)
            return fail(RUCIO_LATIN1_NO_SPACE, out, cap, out_offset, i);
        out[o++] = (char)byte;
        i += n;
    }
    out[o] = '\0';
    if (out_offset)
        *out_offset = 0;
    return RUCIO_LATIN1_OK;
}
#endif /* RUCIO_WITH_USERPASS */
