/*
 * libFuzzer target: URL parsing and query encoding (src/http/url.c,
 * query.c).
 *
 * The input is parsed as a URL. When it is accepted:
 *   - host, path and query point inside the input, in that order, and
 *     hold exactly the bytes written there (path starts with '/', holds
 *     no '?' or '#'; the query holds no '#'; the host is non-empty);
 *   - the URL rebuilt from the parts parses to the same parts.
 * The input is also quoted three ways (quote_plus, quote with '/' safe,
 * and a urlencode of key/value pairs split at 0xff bytes):
 *   - the output holds only the characters Python's quote functions
 *     write, and decoding it gives the input back byte for byte;
 *   - a buffer too small reports RUCIO_E_NO_SPACE and stays a
 *     NUL-terminated string that fits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "rucio/http.h"

static int inside(const char *p, size_t n, const char *base, size_t len)
{
    return p >= base && (size_t)(p - base) <= len &&
           n <= len - (size_t)(p - base);
}

static void check_parts(const rucio_url *u, const char *url, size_t len)
{
    FUZZ_CHECK(u->host != NULL && u->host_len > 0);
    FUZZ_CHECK(inside(u->host, u->host_len, url, len));
    FUZZ_CHECK(u->port >= 1);
    FUZZ_CHECK(u->port_given || u->port == (u->https ? 443 : 80));
    FUZZ_CHECK(memchr(u->host, '@', u->host_len) == NULL);
    FUZZ_CHECK(memchr(u->host, '/', u->host_len) == NULL);
    if (u->path_len) {
        FUZZ_CHECK(inside(u->path, u->path_len, url, len));
        FUZZ_CHECK(u->path > u->host && u->path[0] == '/');
        FUZZ_CHECK(memchr(u->path, '?', u->path_len) == NULL);
        FUZZ_CHECK(memchr(u->path, '#', u->path_len) == NULL);
    }
    if (u->has_query) {
        FUZZ_CHECK(u->query_len == 0 || inside(u->query, u->query_len, url, len));
        FUZZ_CHECK(u->query_len == 0 || u->query[-1] == '?');
        FUZZ_CHECK(u->query_len == 0 ||
                   memchr(u->query, '#', u->query_len) == NULL);
    } else {
        FUZZ_CHECK(u->query_len == 0);
    }
}

static void append(char *buf, size_t *n, const char *s, size_t len)
{
    memcpy(buf + *n, s, len);
    *n += len;
}

/* scheme://host[:port]path[?query], then parse it again. */
static void check_rebuilt(const rucio_url *u)
{
    char buf[8192];
    char port[8];
    size_t n = 0;
    rucio_url v;
    size_t pn;

    if (u->host_len + u->path_len + u->query_len + 40 > sizeof buf)
        return;
    append(buf, &n, u->https ? "https://" : "http://", u->https ? 8 : 7);
    if (u->host_is_ipv6)
        append(buf, &n, "[", 1);
    append(buf, &n, u->host, u->host_len);
    if (u->host_is_ipv6)
        append(buf, &n, "]", 1);
    if (u->port_given) {
        pn = (size_t)snprintf(port, sizeof port, ":%u", (unsigned)u->port);
        append(buf, &n, port, pn);
    }
    append(buf, &n, u->path, u->path_len);
    if (u->has_query) {
        append(buf, &n, "?", 1);
        append(buf, &n, u->query, u->query_len);
    }
    FUZZ_CHECK(rucio_url_parse(buf, n, &v) == RUCIO_OK);
    FUZZ_CHECK(v.https == u->https && v.port == u->port &&
               v.host_is_ipv6 == u->host_is_ipv6 &&
               v.has_query == u->has_query);
    FUZZ_CHECK(v.host_len == u->host_len &&
               memcmp(v.host, u->host, u->host_len) == 0);
    FUZZ_CHECK(v.path_len == u->path_len &&
               (u->path_len == 0 || memcmp(v.path, u->path, u->path_len) == 0));
    FUZZ_CHECK(v.query_len == u->query_len &&
               (u->query_len == 0 ||
                memcmp(v.query, u->query, u->query_len) == 0));
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1; /* lower-case hex is never written */
}

static int is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           c == '~';
}

/* Decode s[0..n) as unquote(_plus) would, insisting on the exact form the
 * encoder must write. Returns the decoded length. */
static size_t decode(const char *s, size_t n, int plus, int slash, char *out)
{
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            FUZZ_CHECK(i + 2 < n);
            FUZZ_CHECK(hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0);
            c = (unsigned char)(hex(s[i + 1]) << 4 | hex(s[i + 2]));
            /* only what had to be escaped was */
            FUZZ_CHECK(!is_unreserved(c) && !(slash && c == '/') &&
                       !(plus && c == ' '));
            i += 2;
        } else if (plus && c == '+') {
            c = ' ';
        } else {
            FUZZ_CHECK(is_unreserved(c) || (slash && c == '/'));
        }
        out[o++] = (char)c;
    }
    return o;
}

static void check_quote(const char *in, size_t len, int plus, size_t small)
{
    size_t cap = 3 * len + 1;
    char *buf = malloc(cap);
    char *back = malloc(len + 1);
    rucio_strbuf b;

    FUZZ_CHECK(buf && back);
    rucio_strbuf_init(&b, buf, cap);
    if (plus)
        rucio_url_quote_plus(&b, in, len);
    else
        rucio_url_quote(&b, in, len);
    FUZZ_CHECK(b.status == RUCIO_OK && b.len < cap && buf[b.len] == '\0');
    FUZZ_CHECK(strlen(buf) == b.len);
    FUZZ_CHECK(decode(buf, b.len, plus, !plus, back) == len);
    FUZZ_CHECK(len == 0 || memcmp(back, in, len) == 0);
    if (small < b.len + 1) {
        /* the same into a buffer that is too small */
        size_t full = b.len;

        rucio_strbuf_init(&b, buf, small);
        if (plus)
            rucio_url_quote_plus(&b, in, len);
        else
            rucio_url_quote(&b, in, len);
        FUZZ_CHECK(b.status == RUCIO_E_NO_SPACE);
        FUZZ_CHECK(small == 0 || (b.len < small && strlen(buf) == b.len));
        FUZZ_CHECK(b.len <= full);
    }
    free(buf);
    free(back);
}

#define MAX_PARAMS 8

/* Pairs split at 0xff: key, value, key, value... urlencode must give
 * them back split at '&' and '='. */
static void check_urlencode(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    rucio_query_param params[MAX_PARAMS];
    char *text[2 * MAX_PARAMS];
    size_t count = 0, i, n, cap = 3 * size + 2 * MAX_PARAMS + 1;
    char *buf = malloc(cap);
    char *back = malloc(size + 1);
    rucio_strbuf b;
    const char *p;

    FUZZ_CHECK(buf && back);
    while (in.len > 0 && count < MAX_PARAMS) {
        const uint8_t *f = fuzz_field(&in, &n);

        text[2 * count] = fuzz_strndup(f, n);
        f = fuzz_field(&in, &n);
        text[2 * count + 1] = fuzz_strndup(f, n);
        params[count].key = text[2 * count];
        params[count].value = text[2 * count + 1];
        count++;
    }
    rucio_strbuf_init(&b, buf, cap);
    rucio_url_encode_query(&b, params, count);
    FUZZ_CHECK(b.status == RUCIO_OK);
    for (p = buf, i = 0; i < 2 * count; i++) {
        size_t k = strcspn(p, i % 2 ? "&" : "=");
        size_t got = decode(p, k, 1, 0, back);

        FUZZ_CHECK(got == strlen(text[i]) && memcmp(back, text[i], got) == 0);
        FUZZ_CHECK(p[k] == (i + 1 == 2 * count ? '\0' : i % 2 ? '&' : '='));
        p += k + (p[k] != '\0');
    }
    for (i = 0; i < 2 * count; i++)
        free(text[i]);
    free(buf);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fuzz_strndup(data, size); /* an exact copy for ASan */
    rucio_url u, untouched;
    rucio_status st;

    memset(&u, 0xa5, sizeof u);
    untouched = u;
    st = rucio_url_parse(url, size, &u);
    if (st == RUCIO_OK) {
        check_parts(&u, url, size);
        check_rebuilt(&u);
    } else {
        FUZZ_CHECK(st == RUCIO_E_BAD_URL);
        /* only a complete success is visible to the caller */
        FUZZ_CHECK(memcmp(&u, &untouched, sizeof u) == 0);
    }
    check_quote(url, size, 1, size % 7);
    check_quote(url, size, 0, size / 2);
    check_urlencode(data, size);
    free(url);
    return 0;
}
