/*
 * libFuzzer target: ssh private key parsing and signing
 * (src/client/ssh_sign.h: PKCS#1 PEM, PKCS#8 PEM, openssh-key-v1).
 *
 * Input: one mode byte, then the key. Mode 0: the rest is the key file's
 * text as is. Modes 1-3: the rest is the binary inside the armor (so that
 * mutations hit the DER or openssh structure, not base64); the target
 * base64-encodes it into a "RSA PRIVATE KEY", "PRIVATE KEY" or
 * "OPENSSH PRIVATE KEY" block.
 *
 * Invariants: a failure is one of the documented statuses and leaves "";
 * a signature is NUL-terminated base64 of exactly the reported length
 * whose blob is string "rsa-sha2-256" then string signature, the
 * signature as long as an RSA modulus of 1024 to RUCIO_SSH_KEY_MAX_BITS
 * bits; the length asked for by a too-small buffer is that length.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "client/ssh_sign.h"

#define MESSAGE "d2b1a1c7-fuzz-challenge-token"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int rng(void *ctx, unsigned char *buf, size_t len)
{
    size_t i;

    (void)ctx;
    for (i = 0; i < len; i++)
        buf[i] = (unsigned char)(i * 167u + 13u);
    return 0;
}

/* Base64 with 64-character lines, as PEM writers do. */
static size_t encode(const uint8_t *in, size_t n, char *out)
{
    size_t i, o = 0, col = 0;

    for (i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;

        if (i + 1 < n)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = b64[v >> 18 & 63];
        out[o++] = b64[v >> 12 & 63];
        out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
        col += 4;
        if (col == 64) {
            out[o++] = '\n';
            col = 0;
        }
    }
    if (col)
        out[o++] = '\n';
    return o;
}

static char *armor(unsigned mode, const uint8_t *in, size_t n, size_t *out_len)
{
    static const char *const labels[] = {"", "RSA PRIVATE KEY", "PRIVATE KEY",
                                         "OPENSSH PRIVATE KEY"};
    size_t cap = 4 * n / 3 + n / 48 + 128;
    char *out = malloc(cap);
    size_t o;

    FUZZ_CHECK(out != NULL);
    o = (size_t)sprintf(out, "-----BEGIN %s-----\n", labels[mode]);
    o += encode(in, n, out + o);
    o += (size_t)sprintf(out + o, "-----END %s-----\n", labels[mode]);
    FUZZ_CHECK(o < cap);
    *out_len = o;
    return out;
}

static int value(char c)
{
    const char *p = strchr(b64, c);

    return c && p ? (int)(p - b64) : -1;
}

/* Decode the signature text; returns the blob length. */
static size_t decode(const char *s, size_t n, uint8_t *out)
{
    size_t i, o = 0;

    FUZZ_CHECK(n % 4 == 0);
    for (i = 0; i < n; i += 4) {
        int a = value(s[i]), b = value(s[i + 1]);
        int c = s[i + 2] == '=' ? 0 : value(s[i + 2]);
        int d = s[i + 3] == '=' ? 0 : value(s[i + 3]);
        uint32_t v;

        FUZZ_CHECK(a >= 0 && b >= 0 && c >= 0 && d >= 0);
        FUZZ_CHECK(s[i + 2] != '=' || (s[i + 3] == '=' && i + 4 == n));
        FUZZ_CHECK(s[i + 3] != '=' || i + 4 == n);
        v = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)c << 6 |
            (uint32_t)d;
        out[o++] = (uint8_t)(v >> 16);
        if (s[i + 2] != '=')
            out[o++] = (uint8_t)(v >> 8);
        if (s[i + 3] != '=')
            out[o++] = (uint8_t)v;
    }
    return o;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
           p[3];
}

static void check_signature(const char *sig, size_t len)
{
    uint8_t blob[1200];
    size_t n, k;

    FUZZ_CHECK(strlen(sig) == len);
    FUZZ_CHECK(len <= 4 * sizeof blob / 3);
    n = decode(sig, len, blob);
    FUZZ_CHECK(n >= 20 && be32(blob) == 12);
    FUZZ_CHECK(memcmp(blob + 4, "rsa-sha2-256", 12) == 0);
    k = be32(blob + 16);
    FUZZ_CHECK(n == 20 + k);
    FUZZ_CHECK(k >= 128 && k <= RUCIO_SSH_KEY_MAX_BITS / 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char sig[1700];
    char tiny[8];
    size_t key_len, sig_len = 0, need = 0;
    unsigned mode;
    char *key;
    rucio_status st;

    if (size < 1)
        return 0;
    mode = data[0] & 3u;
    if (mode == 0)
        key = fuzz_strndup(data + 1, size - 1), key_len = size - 1;
    else
        key = armor(mode, data + 1, size - 1, &key_len);
    memset(sig, 'x', sizeof sig);
    st = rl_ssh_sign(key, key_len, MESSAGE, sizeof MESSAGE - 1, rng, NULL,
                     sig, sizeof sig, &sig_len);
    if (st != RUCIO_OK) {
        FUZZ_CHECK(st == RUCIO_E_UNSUPPORTED || st == RUCIO_E_INVALID_ARG);
        FUZZ_CHECK(sig[0] == '\0');
        free(key);
        return 0;
    }
    check_signature(sig, sig_len);
    /* the same key into a buffer that is too small: the size needed */
    if (data[0] & 4) {
        st = rl_ssh_sign(key, key_len, MESSAGE, sizeof MESSAGE - 1, rng,
                         NULL, tiny, sizeof tiny, &need);
        FUZZ_CHECK(st == RUCIO_E_NO_SPACE && need == sig_len &&
                   tiny[0] == '\0');
    }
    free(key);
    return 0;
}
