/*
 * rucio-lite: the trust store of CA files and directories, looked up by
 * subject when a server's chain needs it.
 *
 * A CA bundle (Debian's has about 145 CAs) or a grid CA directory (a few
 * hundred) parsed whole costs more than the rest of a cold call, for one
 * CA that is used. So rucio_tls_config_init only checks that the store
 * holds a certificate, and the handshake's verify callback (tls_conn.c)
 * asks this file for the CAs whose subject is the issuer of the top of
 * the server's chain once mbedTLS found no trusted parent for it:
 *   - a file is streamed through cfg->ca_window; each PEM block's first
 *     bytes are base64-decoded just far enough to reach the subject, and
 *     only matching certificates are parsed by mbedTLS;
 *   - a directory is first looked up by OpenSSL's subject-hash names
 *     (<8 hex>.<n>, as `openssl rehash` makes them); when none of those
 *     holds the issuer, every file of it is scanned the same way.
 * Every certificate of the store is a trust anchor for mbedTLS (as when
 * the whole store was loaded), so one level of lookup is enough: a CA
 * found for the top certificate ends the chain whether or not it is a
 * root. Names are compared as mbedTLS compares them.
 */
#include "rucio/build_config.h"

#if RUCIO_WITH_TLS && RUCIO_WITH_CERT_FILES
#include "rucio/tls.h"
#include "rucio/strbuf.h"
#include "tls/tls_internal.h"

#include <string.h>

#include <mbedtls/version.h>
#if defined(MBEDTLS_SHA1_C)
#include <mbedtls/sha1.h>
#endif

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/* DER bytes of a PEM block decoded to find its subject: HEAD_FIRST, then
 * HEAD_STEP more at a time up to HEAD_MAX (nearly every CA's subject ends within 500); a
 * longer head is decoded whole. */
#define HEAD_MAX 768
#define HEAD_FIRST 384
#define HEAD_STEP 192

/* OpenSSL hash names tried per hash: <hash>.0 to <hash>.<n - 1>. */
#define HASH_SUFFIX_MAX 16

/* A canonical name longer than this is not looked up by hash. */
#define CANON_MAX 1024
#define VALUE_MAX 256

/* ---- DER -------------------------------------------------------------------- */

/* The header of the element at *p: its tag and content length; *p moves
 * to the content. With whole set, the content must fit before end. */
static int der_head(const uint8_t **p, const uint8_t *end, int whole,
                    uint8_t *tag, size_t *len)
{
    const uint8_t *q = *p;
    size_t n, k;

    if (end - q < 2)
        return -1;
    *tag = *q++;
    n = *q++;
    if (n & 0x80) {
        k = n & 0x7f;
        if (k == 0 || k > 4 || (size_t)(end - q) < k)
            return -1;
        for (n = 0; k > 0; k--)
            n = n << 8 | *q++;
    }
    if (whole && n > (size_t)(end - q))
        return -1;
    *p = q;
    *len = n;
    return 0;
}

/* Step over one whole element of the given tag. */
static int der_skip(const uint8_t **p, const uint8_t *end, uint8_t want)
{
    uint8_t tag;
    size_t len;

    if (der_head(p, end, 1, &tag, &len) != 0 || tag != want)
        return -1;
    *p += len;
    return 0;
}

/*
 * The subject (whole element) of a certificate's DER, of which only the
 * first have bytes may be there: Certificate and TBSCertificate are
 * entered without their full length, every field before the subject
 * must be complete.
 */
static int cert_subject(const uint8_t *der, size_t have, const uint8_t **name,
                        size_t *name_len)
{
    const uint8_t *p = der, *end = der + have, *start;
    uint8_t tag;
    size_t len;

    if (der_head(&p, end, 0, &tag, &len) != 0 || tag != 0x30 ||
        der_head(&p, end, 0, &tag, &len) != 0 || tag != 0x30)
        return -1;
    if (p < end && *p == 0xa0 && der_skip(&p, end, 0xa0) != 0)
        return -1;
    if (der_skip(&p, end, 0x02) != 0 || der_skip(&p, end, 0x30) != 0 ||
        der_skip(&p, end, 0x30) != 0 || der_skip(&p, end, 0x30) != 0)
        return -1;
    start = p;
    if (der_head(&p, end, 1, &tag, &len) != 0 || tag != 0x30)
        return -1;
    *name = start;
    *name_len = (size_t)(p - start) + len;
    return 0;
}

/* ---- comparing names as mbedTLS does ---------------------------------------- */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Two attribute values: the same bytes, or both UTF8String or
 * PrintableString and equal but for ASCII case (mbedTLS's rule). */
static int value_equal(uint8_t ta, const uint8_t *a, size_t la, uint8_t tb,
                       const uint8_t *b, size_t lb)
{
    size_t i;

    if (la != lb)
        return 0;
    if (ta == tb && memcmp(a, b, la) == 0)
        return 1;
    if ((ta != 0x0c && ta != 0x13) || (tb != 0x0c && tb != 0x13))
        return 0;
    for (i = 0; i < la; i++)
        if (lower(a[i]) != lower(b[i]))
            return 0;
    return 1;
}

/* One AttributeTypeAndValue of each name, at *a and *b. */
static int attr_equal(const uint8_t **a, const uint8_t *ea, const uint8_t **b,
                      const uint8_t *eb)
{
    uint8_t ta, tb;
    size_t la, lb;
    const uint8_t *oa, *ob;

    if (der_head(a, ea, 1, &ta, &la) != 0 || ta != 0x30 ||
        der_head(b, eb, 1, &tb, &lb) != 0 || tb != 0x30)
        return 0;
    oa = *a;
    ob = *b;
    if (der_skip(a, ea, 0x06) != 0 || der_skip(b, eb, 0x06) != 0 ||
        *a - oa != *b - ob || memcmp(oa, ob, (size_t)(*a - oa)) != 0)
        return 0;
    if (der_head(a, ea, 1, &ta, &la) != 0 || der_head(b, eb, 1, &tb, &lb) != 0 ||
        !value_equal(ta, *a, la, tb, *b, lb))
        return 0;
    *a += la;
    *b += lb;
    return 1;
}

/* Two Names (whole elements), RDN by RDN. */
static int name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
                      size_t blen)
{
    const uint8_t *ea = a + alen, *eb = b + blen;
    uint8_t tag;
    size_t len;

    if (alen == blen && memcmp(a, b, alen) == 0)
        return 1;
    if (der_head(&a, ea, 1, &tag, &len) != 0 || tag != 0x30 ||
        der_head(&b, eb, 1, &tag, &len) != 0 || tag != 0x30)
        return 0;
    while (a < ea && b < eb) {
        const uint8_t *sa, *sb;
        size_t la, lb;

        if (der_head(&a, ea, 1, &tag, &la) != 0 || tag != 0x31 ||
            der_head(&b, eb, 1, &tag, &lb) != 0 || tag != 0x31)
            return 0;
        sa = a + la;
        sb = b + lb;
        while (a < sa && b < sb)
            if (!attr_equal(&a, sa, &b, sb))
                return 0;
        if (a != sa || b != sb)
            return 0;
    }
    return a == ea && b == eb;
}

/* ---- OpenSSL's subject hash ---------------------------------------------------- */

#if defined(MBEDTLS_SHA1_C)
/* Append code point cp as UTF-8; 0 when it does not fit. */
static int put_utf8(uint8_t *out, size_t cap, size_t *n, uint32_t cp)
{
    uint8_t b[4];
    size_t k;

    if (cp < 0x80) {
        b[0] = (uint8_t)cp;
        k = 1;
    } else if (cp < 0x800) {
        b[0] = (uint8_t)(0xc0 | cp >> 6);
        b[1] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 2;
    } else if (cp < 0x10000) {
        b[0] = (uint8_t)(0xe0 | cp >> 12);
        b[1] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 3;
    } else {
        b[0] = (uint8_t)(0xf0 | (cp >> 18 & 0x07));
        b[1] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
        b[2] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
        b[3] = (uint8_t)(0x80 | (cp & 0x3f));
        k = 4;
    }
    if (*n + k > cap)
        return 0;
    memcpy(out + *n, b, k);
    *n += k;
    return 1;
}

/* A string value as UTF-8; -1 for a type OpenSSL leaves as it is. */
static int to_utf8(uint8_t tag, const uint8_t *v, size_t len, uint8_t *out,
                   size_t cap, size_t *n)
{
    size_t i, unit;

    *n = 0;
    switch (tag) {
    case 0x0c: /* UTF8String */
        if (len > cap)
            return 0;
        memcpy(out, v, len);
        *n = len;
        return 1;
    case 0x13: /* PrintableString */
    case 0x14: /* T61String, read as Latin-1 like OpenSSL */
    case 0x16: /* IA5String */
    case 0x1a: /* VisibleString */
        unit = 1;
        break;
    case 0x1e: /* BMPString */
        unit = 2;
        break;
    case 0x1c: /* UniversalString */
        unit = 4;
        break;
    default:
        return -1;
    }
    if (len % unit != 0)
        return 0;
    for (i = 0; i < len; i += unit) {
        uint32_t cp = 0;
        size_t k;

        for (k = 0; k < unit; k++)
            cp = cp << 8 | v[i + k];
        if (!put_utf8(out, cap, n, cp))
            return 0;
    }
    return 1;
}

static int is_space(uint8_t c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* OpenSSL's canonical value: leading and trailing white space dropped,
 * runs of it one space, ASCII in lower case. */
static size_t canon_text(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, n = 0;

    while (len > 0 && is_space(in[len - 1]))
        len--;
    while (i < len && is_space(in[i]))
        i++;
    while (i < len) {
        if (is_space(in[i])) {
            out[n++] = ' ';
            while (is_space(in[i]))
                i++;
        } else {
            out[n++] = (uint8_t)lower(in[i++]);
        }
    }
    return n;
}

/* The DER length of n into out; its size. */
static size_t put_len(uint8_t *out, size_t n)
{
    if (n < 0x80) {
        out[0] = (uint8_t)n;
        return 1;
    }
    if (n < 0x100) {
        out[0] = 0x81;
        out[1] = (uint8_t)n;
        return 2;
    }
    out[0] = 0x82;
    out[1] = (uint8_t)(n >> 8);
    out[2] = (uint8_t)n;
    return 3;
}

typedef struct canon_buf {
    uint8_t bytes[CANON_MAX];
    size_t n;
} canon_buf;

static int canon_put(canon_buf *c, const uint8_t *p, size_t n)
{
    if (n > sizeof c->bytes - c->n)
        return 0;
    memcpy(c->bytes + c->n, p, n);
    c->n += n;
    return 1;
}

/* One RDN of a single attribute as OpenSSL canonicalises it:
 * SET { SEQUENCE { type, UTF8String canonical value } }. */
static int canon_rdn(canon_buf *c, const uint8_t *oid, size_t oid_len,
                     uint8_t tag, const uint8_t *v, size_t len)
{
    uint8_t utf8[VALUE_MAX], val[VALUE_MAX], hdr[16], lens[4];
    size_t n, vlen, seq, val_tlv, h = 0;
    int r = to_utf8(tag, v, len, utf8, sizeof utf8, &n);

    if (r == 0)
        return 0;
    if (r > 0) {
        vlen = canon_text(utf8, n, val);
        tag = 0x0c;
        v = val;
    } else {
        vlen = len; /* kept as it is, with its own type */
    }
    if (vlen >= 0x10000)
        return 0;
    val_tlv = 1 + put_len(hdr, vlen) + vlen;
    seq = oid_len + val_tlv;
    hdr[h++] = 0x31;
    h += put_len(hdr + h, 1 + put_len(lens, seq) + seq);
    hdr[h++] = 0x30;
    h += put_len(hdr + h, seq);
    if (!canon_put(c, hdr, h) || !canon_put(c, oid, oid_len))
        return 0;
    h = 0;
    hdr[h++] = tag;
    h += put_len(hdr + h, vlen);
    return canon_put(c, hdr, h) && canon_put(c, v, vlen);
}

/* The canonical form of a Name: its RDNs without the SEQUENCE around
 * them. A multi-valued RDN (sorted by OpenSSL) is left to the scan. */
static int canon_name(const uint8_t *p, size_t len, canon_buf *c)
{
    const uint8_t *end = p + len;
    uint8_t tag;
    size_t n;

    c->n = 0;
    if (der_head(&p, end, 1, &tag, &n) != 0 || tag != 0x30)
        return 0;
    while (p < end) {
        const uint8_t *set_end, *oid;
        size_t seq_len, oid_len;

        if (der_head(&p, end, 1, &tag, &n) != 0 || tag != 0x31)
            return 0;
        set_end = p + n;
        if (der_head(&p, set_end, 1, &tag, &seq_len) != 0 || tag != 0x30 ||
            p + seq_len != set_end)
            return 0;
        oid = p;
        if (der_skip(&p, set_end, 0x06) != 0)
            return 0;
        oid_len = (size_t)(p - oid);
        if (der_head(&p, set_end, 1, &tag, &n) != 0 || p + n != set_end ||
            !canon_rdn(c, oid, oid_len, tag, p, n))
            return 0;
        p = set_end;
    }
    return 1;
}

static int sha1(const uint8_t *in, size_t len, uint8_t out[20])
{
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
    return mbedtls_sha1(in, len, out);
#else
    return mbedtls_sha1_ret(in, len, out);
#endif
}

/* X509_NAME_hash of OpenSSL 1.0 and later: the first four bytes of the
 * SHA-1 of the canonical name, little-endian. */
int rl_tls_name_hash(const uint8_t *name, size_t len, uint32_t *out)
{
    canon_buf c;
    uint8_t md[20];

    if (!canon_name(name, len, &c) || sha1(c.bytes, c.n, md) != 0)
        return -1;
    *out = (uint32_t)md[0] | (uint32_t)md[1] << 8 | (uint32_t)md[2] << 16 |
           (uint32_t)md[3] << 24;
    return 0;
}
#else
int rl_tls_name_hash(const uint8_t *name, size_t len, uint32_t *out)
{
    (void)name;
    (void)len;
    (void)out;
    return -1;
}
#endif /* MBEDTLS_SHA1_C */

/* ---- reading the store ----------------------------------------------------------- */

/* What a scan looks for: the CAs named want (into found), or, with want
 * NULL, whether there is any certificate at all (the check at init). */
typedef struct store_scan {
    rucio_tls_config *cfg;
    const uint8_t *want;
    size_t want_len;
    mbedtls_x509_crt *found;
    int matched;
    int usable;
} store_scan;

/* Each base64 digit's value plus one; 0 for every other byte. */
static const uint8_t BASE64[256] = {
    ['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
    ['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
    ['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
    ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
    ['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
    ['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
    ['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
    ['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
    ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
    ['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
    ['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64,
};

/* Base64 decoding that can stop and go on: PEM text is decoded only as
 * far as the subject, and whole only for a certificate that is wanted. */
typedef struct b64_state {
    const uint8_t *in;
    size_t len;
    size_t i;
    uint32_t acc;
    unsigned bits;
} b64_state;

/* Decode into out until n bytes are there (or cap), the text ends, or
 * '=' does; out may be the text itself (the output never overtakes the
 * input). Line breaks and other bytes are skipped. The new n. */
static size_t b64_more(b64_state *b, uint8_t *out, size_t n, size_t cap)
{
    while (b->i < b->len && n < cap) {
        /* Four digits at once while they are all digits and a group
         * starts: PEM lines of 64 keep the groups aligned. */
        while (b->bits == 0 && b->len - b->i >= 4 && cap - n >= 3) {
            const uint8_t *q = b->in + b->i;
            unsigned v0 = BASE64[q[0]], v1 = BASE64[q[1]],
                     v2 = BASE64[q[2]], v3 = BASE64[q[3]];
            uint32_t w;

            if (!v0 || !v1 || !v2 || !v3)
                break;
            w = (v0 - 1) << 18 | (v1 - 1) << 12 | (v2 - 1) << 6 | (v3 - 1);
            out[n] = (uint8_t)(w >> 16);
            out[n + 1] = (uint8_t)(w >> 8);
            out[n + 2] = (uint8_t)w;
            n += 3;
            b->i += 4;
        }
        if (b->i >= b->len || n >= cap)
            break;
        uint8_t c = b->in[b->i++];
        unsigned v = BASE64[c];

        if (v == 0) {
            if (c == '=') {
                b->i = b->len;
                break;
            }
            continue;
        }
        b->acc = (b->acc << 6 | (v - 1)) & 0xffffff;
        b->bits += 6;
        if (b->bits >= 8) {
            b->bits -= 8;
            out[n++] = (uint8_t)(b->acc >> b->bits);
        }
    }
    return n;
}

static size_t base64_decode(const uint8_t *in, size_t len, uint8_t *out,
                            size_t cap)
{
    b64_state b = {in, len, 0, 0, 0};

    return b64_more(&b, out, 0, cap);
}

/* A whole certificate (DER) whose subject is known to be wanted. */
static void take(store_scan *s, const uint8_t *der, size_t len)
{
    if (mbedtls_x509_crt_parse_der(s->found, der, len) == 0)
        s->matched++;
}

/* Does this subject count? For the init check any does. */
static int wanted(store_scan *s, const uint8_t *name, size_t len)
{
    s->usable++;
    return s->want && name_equal(name, len, s->want, s->want_len);
}

/* One PEM block's base64 text [b64, b64 + len), decoded a little at a
 * time until its subject is there, and in place when it is wanted. */
static void consider_pem(store_scan *s, uint8_t *b64, size_t len)
{
    uint8_t head[HEAD_MAX];
    b64_state b = {b64, len, 0, 0, 0};
    size_t n = 0, name_len;
    const uint8_t *name;

    for (;;) {
        size_t step = n == 0 ? HEAD_FIRST : n + HEAD_STEP;

        n = b64_more(&b, head, n, step < sizeof head ? step : sizeof head);
        if (cert_subject(head, n, &name, &name_len) == 0)
            break;
        if (b.i >= b.len)
            return; /* all of it and no subject: not a certificate */
        if (n == sizeof head) {
            /* A long head: decode all of it in place. */
            n = base64_decode(b64, len, b64, len);
            if (cert_subject(b64, n, &name, &name_len) == 0 &&
                wanted(s, name, name_len))
                take(s, b64, n);
            return;
        }
    }
    if (wanted(s, name, name_len)) {
        n = base64_decode(b64, len, b64, len);
        take(s, b64, n);
    }
}

static void consider_der(store_scan *s, const uint8_t *der, size_t len)
{
    const uint8_t *name;
    size_t name_len;

    if (cert_subject(der, len, &name, &name_len) == 0 &&
        wanted(s, name, name_len))
        take(s, der, len);
}

/* Where needle starts in [from, end), or NULL: memchr finds the dashes
 * fast, as base64 has none. */
static uint8_t *find_marker(uint8_t *from, const uint8_t *end,
                            const char *needle)
{
    size_t n = strlen(needle);

    while (from && (size_t)(end - from) >= n) {
        from = memchr(from, '-', (size_t)(end - from) - n + 1);
        if (!from || memcmp(from, needle, n) == 0)
            return from;
        from++;
    }
    return NULL;
}

/* A window over a file of the store, in cfg->ca_window: buf holds have
 * bytes of the file from byte base on; pos is where the search is. */
typedef struct window {
    const rucio_port *port;
    const char *path;
    uint8_t *buf;
    size_t cap;
    uint64_t base;
    size_t have;
    size_t pos;
    int eof;
} window;

/* Drop what is before keep and read until the window is full or the
 * file ended. */
static int refill(window *w, size_t keep)
{
    memmove(w->buf, w->buf + keep, w->have - keep);
    w->have -= keep;
    w->base += keep;
    w->pos = w->pos > keep ? w->pos - keep : 0;
    while (!w->eof && w->have < w->cap) {
        size_t n = 0;

        if (w->port->fs->read_file_at(w->port->ctx, w->path,
                                      w->base + w->have, w->buf + w->have,
                                      w->cap - w->have, &n) != RUCIO_OK)
            return -1;
        w->eof = n == 0;
        w->have += n;
    }
    return 0;
}

/* Every certificate of one file: PEM blocks, or the file as one DER
 * certificate when it has none and fits the window. -1 if unreadable. */
static int scan_file(store_scan *s, const char *path)
{
    window w = {s->cfg->port, path, s->cfg->ca_window,
                sizeof s->cfg->ca_window, 0, 0, 0, 0};
    const size_t lb = strlen(PEM_BEGIN), le = strlen(PEM_END);
    int pem = 0;

    if (refill(&w, 0) != 0)
        return -1;
    for (;;) {
        uint8_t *end = w.buf + w.have;
        uint8_t *b = find_marker(w.buf + w.pos, end, PEM_BEGIN);
        uint8_t *e = b ? find_marker(b + lb, end, PEM_END) : NULL;

        if (e) {
            pem = 1;
            consider_pem(s, b + lb, (size_t)(e - b) - lb);
            w.pos = (size_t)(e - w.buf) + le;
            if (!s->want && s->usable > 0)
                return 0; /* the check at init needs only one */
        } else if (w.eof) {
            break;
        } else if (b && b == w.buf && w.have == w.cap) {
            w.pos = lb; /* a block larger than the window: passed over */
        } else if (refill(&w, b ? (size_t)(b - w.buf)
                                : (w.have > lb ? w.have - lb : 0)) != 0) {
            return -1;
        }
    }
    if (!pem && w.base == 0 && w.have > 0)
        consider_der(s, w.buf, w.have);
    return 0;
}

static int is_regular(const rucio_port *port, const char *path)
{
    rucio_file_info info;

    return port->fs->stat(port->ctx, path, &info) == RUCIO_OK &&
           info.type == RUCIO_FILE_REGULAR;
}

typedef struct dir_scan {
    store_scan *s;
    const char *dir;
} dir_scan;

static int scan_dir_entry(void *user, const char *name)
{
    dir_scan *d = user;
    char path[RUCIO_PATH_MAX];

    if (rucio_format(path, sizeof path, "%s/%s", d->dir, name) != RUCIO_OK ||
        !is_regular(d->s->cfg->port, path))
        return 0;
    (void)scan_file(d->s, path); /* an unreadable file is passed over */
    /* The init check needs one certificate, not all of them. */
    return !d->s->want && d->s->usable > 0;
}

/* The files named after the wanted subject's hash, <hash>.0 on. */
static void scan_hashed(store_scan *s, const char *dir)
{
    char path[RUCIO_PATH_MAX];
    uint32_t h;
    int i;

    if (rl_tls_name_hash(s->want, s->want_len, &h) != 0)
        return;
    for (i = 0; i < HASH_SUFFIX_MAX; i++) {
        if (rucio_format(path, sizeof path, "%s/%08lx.%d", dir,
                         (unsigned long)h, i) != RUCIO_OK ||
            !is_regular(s->cfg->port, path))
            return;
        (void)scan_file(s, path);
    }
}

static int scan_dir(store_scan *s, const char *dir)
{
    dir_scan d = {s, dir};
    int before = s->matched;

    if (s->want) {
        scan_hashed(s, dir);
        if (s->matched > before)
            return 0;
    }
    return s->cfg->port->fs->list_dir(s->cfg->port->ctx, dir, scan_dir_entry,
                                      &d) == RUCIO_OK
               ? 0
               : -1;
}

int rl_tls_store_check(rucio_tls_config *cfg, const char *path, int is_dir)
{
    store_scan s;

    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    if ((is_dir ? scan_dir(&s, path) : scan_file(&s, path)) != 0)
        return -1;
    return s.usable > 0;
}

int rl_tls_store_find(rucio_tls_config *cfg, const mbedtls_x509_buf *issuer,
                      mbedtls_x509_crt *found)
{
    store_scan s;

    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.want = issuer->p;
    s.want_len = issuer->len;
    s.found = found;
    if (cfg->ca_file[0])
        (void)scan_file(&s, cfg->ca_file);
    if (cfg->ca_dir[0])
        (void)scan_dir(&s, cfg->ca_dir);
    return s.matched;
}

void rl_tls_store_vouch(rucio_tls_config *cfg, mbedtls_x509_crt *crt,
                        uint32_t *flags)
{
    mbedtls_x509_crt found;
    uint32_t again = 0;
    int n;

    if (!cfg->ca_file[0] && !cfg->ca_dir[0])
        return;
    mbedtls_x509_crt_init(&found);
    n = rl_tls_store_find(cfg, &crt->issuer_raw, &found);
    rucio_log(cfg->log, RUCIO_LOG_DEBUG,
              "TLS: trust store: %d CA(s) named as the issuer of the "
              "server's chain",
              n);
    if (n > 0) {
        /* Verify the top again with what was found; its flags replace
         * "not trusted" (a wrong signature brings that back). */
        (void)mbedtls_x509_crt_verify_with_profile(
            crt, &found, NULL, &mbedtls_x509_crt_profile_default, NULL,
            &again, NULL, NULL);
        *flags = (*flags & ~(uint32_t)MBEDTLS_X509_BADCERT_NOT_TRUSTED) |
                 again;
    }
    mbedtls_x509_crt_free(&found);
}
#else
/* ISO C wants something in a translation unit: a build without CA files
 * has no trust store. */
typedef int rl_tls_no_ca_store;
#endif /* RUCIO_WITH_TLS && RUCIO_WITH_CERT_FILES */
