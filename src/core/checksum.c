/* rucio-lite: Adler-32 and MD5, incremental. */
#include "rucio/build_config.h"

#if RUCIO_WITH_TRANSFER /* else the Makefile leaves this file out */
#include "core/checksum.h"

#include <string.h>

/* ---- Adler-32 ---------------------------------------------------------------- */

#define ADLER_MOD 65521u
/* The most bytes whose sums fit 32 bits before a reduction is needed
 * (zlib's NMAX): 255 n (n + 1) / 2 + (n + 1) (ADLER_MOD - 1) < 2^32. */
#define ADLER_NMAX 5552u

void rl_adler32_init(rucio_adler32 *c)
{
    c->a = 1;
    c->b = 0;
}

void rl_adler32_update(rucio_adler32 *c, const uint8_t *data, size_t len)
{
    uint32_t a = c->a, b = c->b;

    while (len > 0) {
        size_t n = len < ADLER_NMAX ? len : ADLER_NMAX;

        len -= n;
        /* Sixteen bytes a turn: the loop's own cost would otherwise
         * equal the sums' (zlib does the same). */
        for (; n >= 16; n -= 16, data += 16) {
            unsigned k;

            for (k = 0; k < 16; k++) {
                a += data[k];
                b += a;
            }
        }
        while (n-- > 0) {
            a += *data++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    c->a = a;
    c->b = b;
}

uint32_t rl_adler32_value(const rucio_adler32 *c)
{
    return c->b << 16 | c->a;
}

/* ---- MD5 ------------------------------------------------------------------------ */

/* floor(|sin(i + 1)| * 2^32), RFC 1321 section 3.4. */
static const uint32_t md5_sine[64] = {
    0xd76aa478u, 0xe8c7b756u, 0x242070dbu, 0xc1bdceeeu,
    0xf57c0fafu, 0x4787c62au, 0xa8304613u, 0xfd469501u,
    0x698098d8u, 0x8b44f7afu, 0xffff5bb1u, 0x895cd7beu,
    0x6b901122u, 0xfd987193u, 0xa679438eu, 0x49b40821u,
    0xf61e2562u, 0xc040b340u, 0x265e5a51u, 0xe9b6c7aau,
    0xd62f105du, 0x02441453u, 0xd8a1e681u, 0xe7d3fbc8u,
    0x21e1cde6u, 0xc33707d6u, 0xf4d50d87u, 0x455a14edu,
    0xa9e3e905u, 0xfcefa3f8u, 0x676f02d9u, 0x8d2a4c8au,
    0xfffa3942u, 0x8771f681u, 0x6d9d6122u, 0xfde5380cu,
    0xa4beea44u, 0x4bdecfa9u, 0xf6bb4b60u, 0xbebfbc70u,
    0x289b7ec6u, 0xeaa127fau, 0xd4ef3085u, 0x04881d05u,
    0xd9d4d039u, 0xe6db99e5u, 0x1fa27cf8u, 0xc4ac5665u,
    0xf4292244u, 0x432aff97u, 0xab9423a7u, 0xfc93a039u,
    0x655b59c3u, 0x8f0ccc92u, 0xffeff47du, 0x85845dd1u,
    0x6fa87e4fu, 0xfe2ce6e0u, 0xa3014314u, 0x4e0811a1u,
    0xf7537e82u, 0xbd3af235u, 0x2ad7d2bbu, 0xeb86d391u,
};

static uint32_t rotl(uint32_t x, unsigned n)
{
    return x << n | x >> (32u - n);
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* The four round functions (RFC 1321 3.4; F and G in the equivalent
 * forms with one operation less). */
#define MD5_F(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define MD5_G(b, c, d) ((c) ^ ((d) & ((b) ^ (c))))
#define MD5_H(b, c, d) ((b) ^ (c) ^ (d))
#define MD5_I(b, c, d) ((c) ^ ((b) | ~(d)))

/* One step: a = b + ((a + f(b, c, d) + x[k] + T[i]) <<< s). */
#define MD5_STEP(f, a, b, c, d, k, i, s)                                      \
    ((a) = (b) + rotl((a) + f(b, c, d) + x[k] + md5_sine[i], s))

/* Four steps of a round, the registers rotating as RFC 1321 writes them;
 * k0..k3 the message words, i the first step. The loops below keep the
 * round function fixed per round: a function picked per step (a switch)
 * runs at half the speed, and MD5 bounds the speed of every transfer. */
#define MD5_FOUR(f, k0, k1, k2, k3, i, s0, s1, s2, s3)                        \
    do {                                                                      \
        MD5_STEP(f, a, b, c, d, k0, i, s0);                                   \
        MD5_STEP(f, d, a, b, c, k1, (i) + 1, s1);                             \
        MD5_STEP(f, c, d, a, b, k2, (i) + 2, s2);                             \
        MD5_STEP(f, b, c, d, a, k3, (i) + 3, s3);                             \
    } while (0)

static void md5_block(uint32_t state[4], const uint8_t block[64])
{
    uint32_t x[16];
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    unsigned i;

    for (i = 0; i < 16; i++)
        x[i] = load_le32(block + (size_t)4 * i);
    for (i = 0; i < 16; i += 4) /* word i */
        MD5_FOUR(MD5_F, i, i + 1, i + 2, i + 3, i, 7, 12, 17, 22);
    for (i = 16; i < 32; i += 4) /* word (5i + 1) mod 16 */
        MD5_FOUR(MD5_G, (5 * i + 1) % 16, (5 * i + 6) % 16, (5 * i + 11) % 16,
                 (5 * i + 16) % 16, i, 5, 9, 14, 20);
    for (i = 32; i < 48; i += 4) /* word (3i + 5) mod 16 */
        MD5_FOUR(MD5_H, (3 * i + 5) % 16, (3 * i + 8) % 16, (3 * i + 11) % 16,
                 (3 * i + 14) % 16, i, 4, 11, 16, 23);
    for (i = 48; i < 64; i += 4) /* word 7i mod 16 */
        MD5_FOUR(MD5_I, (7 * i) % 16, (7 * i + 7) % 16, (7 * i + 14) % 16,
                 (7 * i + 21) % 16, i, 6, 10, 15, 21);
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
}

void rl_md5_init(rucio_md5 *c)
{
    c->state[0] = 0x67452301u;
    c->state[1] = 0xefcdab89u;
    c->state[2] = 0x98badcfeu;
    c->state[3] = 0x10325476u;
    c->length = 0;
}

void rl_md5_update(rucio_md5 *c, const uint8_t *data, size_t len)
{
    size_t used = (size_t)(c->length % 64);

    c->length += len;
    if (used > 0) {
        size_t n = 64 - used < len ? 64 - used : len;

        memcpy(c->block + used, data, n);
        data += n;
        len -= n;
        if (used + n < 64)
            return;
        md5_block(c->state, c->block);
    }
    for (; len >= 64; data += 64, len -= 64)
        md5_block(c->state, data);
    memcpy(c->block, data, len);
}

void rl_md5_final(rucio_md5 *c, uint8_t out[16])
{
    uint64_t bits = c->length * 8;
    size_t used = (size_t)(c->length % 64);
    unsigned i;

    /* 0x80, zeros up to 56 bytes into a block, the bit length. */
    c->block[used++] = 0x80;
    if (used > 56) {
        memset(c->block + used, 0, 64 - used);
        md5_block(c->state, c->block);
        used = 0;
    }
    memset(c->block + used, 0, 56 - used);
    for (i = 0; i < 8; i++)
        c->block[56 + i] = (uint8_t)(bits >> (8 * i));
    md5_block(c->state, c->block);
    for (i = 0; i < 16; i++)
        out[i] = (uint8_t)(c->state[i / 4] >> (8 * (i % 4)));
}

/* ---- hex ------------------------------------------------------------------------ */

static const char hex_digits[] = "0123456789abcdef";

void rl_adler32_hex(uint32_t value, char out[9])
{
    unsigned i;

    for (i = 0; i < 8; i++)
        out[i] = hex_digits[(value >> (28 - 4 * i)) & 0xfu];
    out[8] = '\0';
}

void rl_md5_hex(const uint8_t digest[16], char out[33])
{
    size_t i;

    for (i = 0; i < 16; i++) {
        out[2 * i] = hex_digits[digest[i] >> 4];
        out[2 * i + 1] = hex_digits[digest[i] & 0xfu];
    }
    out[32] = '\0';
}
#endif /* RUCIO_WITH_TRANSFER */
