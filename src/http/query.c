/*
 * rucio-lite: query encoding as Python's urllib.parse does it.
 *
 * The server compares what it receives with what the Python client would
 * have sent (signed URLs, the "url" parameter of get_signed_url), so the
 * output must match quote_plus/quote/urlencode byte for byte rather than
 * just be valid RFC 3986.
 */
#include "rucio/http.h"

#include <string.h>

/* Python's always-safe set since 3.7: letters, digits and "_.-~". */
static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           c == '~';
}

static int is_kept(unsigned char c, int keep_slash)
{
    return is_unreserved(c) || (keep_slash && c == '/');
}

/* Bytes from the start of s that are copied unchanged. */
static size_t kept_run(const char *s, size_t len, int keep_slash)
{
    size_t n = 0;

    while (n < len && is_kept((unsigned char)s[n], keep_slash))
        n++;
    return n;
}

static void put_escaped(rucio_strbuf *out, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3];

    esc[0] = '%';
    esc[1] = hex[c >> 4];
    esc[2] = hex[c & 0x0f];
    rucio_strbuf_append(out, esc, sizeof esc);
}

/* A NULL text is a caller bug; it is recorded in the builder's sticky
 * status rather than silently encoded as empty. */
static void mark_invalid(rucio_strbuf *out)
{
    if (out->status == RUCIO_OK)
        out->status = RUCIO_E_INVALID_ARG;
}

/* Copy runs of kept bytes in one append each and escape the rest, byte
 * by byte, so UTF-8 sequences come out as one %XX per byte. */
static void quote_bytes(rucio_strbuf *out, const char *s, size_t len,
                        int keep_slash, int space_as_plus)
{
    size_t i = 0;

    if (!s && len) {
        mark_invalid(out);
        return;
    }
    while (i < len) {
        size_t run = kept_run(s + i, len - i, keep_slash);

        rucio_strbuf_append(out, s + i, run);
        i += run;
        if (i == len)
            break;
        if (space_as_plus && s[i] == ' ')
            rucio_strbuf_putc(out, '+');
        else
            put_escaped(out, (unsigned char)s[i]);
        i++;
    }
}

void rucio_url_quote_plus(rucio_strbuf *out, const char *s, size_t len)
{
    quote_bytes(out, s, len, 0, 1);
}

void rucio_url_quote(rucio_strbuf *out, const char *s, size_t len)
{
    quote_bytes(out, s, len, 1, 0);
}

static void encode_pair(rucio_strbuf *out, const rucio_query_param *p)
{
    if (!p->key || !p->value) {
        mark_invalid(out);
        return;
    }
    rucio_url_quote_plus(out, p->key, strlen(p->key));
    rucio_strbuf_putc(out, '=');
    rucio_url_quote_plus(out, p->value, strlen(p->value));
}

void rucio_url_encode_query(rucio_strbuf *out, const rucio_query_param *params,
                            size_t count)
{
    if (!params && count) {
        mark_invalid(out);
        return;
    }
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            rucio_strbuf_putc(out, '&');
        encode_pair(out, &params[i]);
    }
}
