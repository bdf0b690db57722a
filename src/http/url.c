/*
 * rucio-lite: absolute http(s) URL parsing.
 *
 * Path and query are only located, never decoded or re-encoded: a signed
 * URL's query is covered by its signature, so a single rewritten byte
 * makes the storage refuse it. The parser only needs to find the
 * scheme, host and port and to refuse anything that could smuggle extra
 * text into a request line or Host header.
 */
#include "rucio/http.h"

#include <string.h>

#include "core/ascii.h"

static int is_visible_ascii(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}


/* Host names and IPv4 dotted quads; '_' is not valid DNS but appears in
 * real site-local names and Python accepts it. */
static int is_host_char(unsigned char c)
{
    return rucio_ascii_is_alpha(c) || rucio_ascii_is_digit(c) || c == '-' ||
           c == '.' || c == '_';
}

/* '.' is for an embedded IPv4 tail such as [::ffff:1.2.3.4]. No '%', so
 * zone ids are refused: they mean nothing to the server. */
static int is_ipv6_char(unsigned char c)
{
    return rucio_ascii_hex_value(c) >= 0 || c == ':' || c == '.';
}

/* Spaces, control bytes, DEL and non-ASCII are refused everywhere,
 * fragment included, so no part of the text needs a second look. */
static int all_visible_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!is_visible_ascii((unsigned char)s[i]))
            return 0;
    return 1;
}

static int has_prefix_nocase(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);

    return len >= n && rl_ascii_equal_nocase(s, n, prefix, n);
}

/* Length of the "http://" or "https://" prefix, or 0 for anything else. */
static size_t scheme_length(const char *s, size_t len, int *https)
{
    if (has_prefix_nocase(s, len, "https://")) {
        *https = 1;
        return 8;
    }
    if (has_prefix_nocase(s, len, "http://")) {
        *https = 0;
        return 7;
    }
    return 0;
}

/* The authority ends at the first '/', '?' or '#' (RFC 3986 3.2). */
static const char *authority_end(const char *s, const char *end)
{
    while (s < end && *s != '/' && *s != '?' && *s != '#')
        s++;
    return s;
}

static size_t count_char(const char *s, size_t len, char c)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += s[i] == c;
    return n;
}

/* "[literal]" at s; *after is set past the ']'. Every textual IPv6 form
 * has at least two colons ("::" compression or seven separators), which
 * also tells "[1234]" apart from an address. */
static rucio_status parse_ipv6_host(const char *s, const char *end,
                                    rucio_url *u, const char **after)
{
    const char *close = memchr(s, ']', (size_t)(end - s));
    size_t n;

    if (!close)
        return RUCIO_E_BAD_URL;
    n = (size_t)(close - (s + 1));
    for (size_t i = 0; i < n; i++)
        if (!is_ipv6_char((unsigned char)s[1 + i]))
            return RUCIO_E_BAD_URL;
    if (count_char(s + 1, n, ':') < 2)
        return RUCIO_E_BAD_URL;
    u->host = s + 1;
    u->host_len = n;
    u->host_is_ipv6 = 1;
    *after = close + 1;
    return RUCIO_OK;
}

static void parse_name_host(const char *s, const char *end, rucio_url *u,
                            const char **after)
{
    const char *p = s;

    while (p < end && is_host_char((unsigned char)*p))
        p++;
    u->host = s;
    u->host_len = (size_t)(p - s);
    u->host_is_ipv6 = 0;
    *after = p;
}

/* Decimal 1-65535, digits only. */
static rucio_status parse_port(const char *s, const char *end, rucio_url *u)
{
    uint64_t value;

    if (!rl_ascii_parse_u64(s, (size_t)(end - s), &value) || value == 0 ||
        value > 65535)
        return RUCIO_E_BAD_URL;
    u->port = (uint16_t)value;
    u->port_given = 1;
    return RUCIO_OK;
}

static rucio_status parse_authority(const char *s, const char *end,
                                    rucio_url *u)
{
    const char *after;
    rucio_status st = RUCIO_OK;

    /* User info ("user:pw@host") needs no test of its own: '@' is in no
     * host or port class, so it always ends up as a stray character. */
    if (s < end && *s == '[')
        st = parse_ipv6_host(s, end, u, &after);
    else
        parse_name_host(s, end, u, &after);
    if (st != RUCIO_OK)
        return st;
    if (u->host_len == 0 || u->host_len > RUCIO_HTTP_HOST_MAX)
        return RUCIO_E_BAD_URL;
    if (after == end)
        return RUCIO_OK;
    if (*after != ':')
        return RUCIO_E_BAD_URL;
    return parse_port(after + 1, end, u);
}

/* s is at '/', '?', '#' or end. The fragment is dropped: it is never sent. */
static void split_path_query(const char *s, const char *end, rucio_url *u)
{
    const char *hash = memchr(s, '#', (size_t)(end - s));
    const char *stop = hash ? hash : end;
    const char *mark = memchr(s, '?', (size_t)(stop - s));
    const char *path_end = mark ? mark : stop;

    u->path = s;
    u->path_len = (size_t)(path_end - s);
    u->has_query = mark != NULL;
    u->query = mark ? mark + 1 : stop;
    u->query_len = mark ? (size_t)(stop - (mark + 1)) : 0;
}

rucio_status rucio_url_parse(const char *url, size_t len, rucio_url *out)
{
    rucio_url u;
    const char *end;
    const char *host;
    const char *rest;
    size_t skip;
    rucio_status st;

    if (!url || !out)
        return RUCIO_E_INVALID_ARG;
    memset(&u, 0, sizeof u);
    if (!all_visible_ascii(url, len))
        return RUCIO_E_BAD_URL;
    skip = scheme_length(url, len, &u.https);
    if (skip == 0)
        return RUCIO_E_BAD_URL;
    end = url + len;
    host = url + skip;
    rest = authority_end(host, end);
    u.port = u.https ? 443 : 80;
    st = parse_authority(host, rest, &u);
    if (st != RUCIO_OK)
        return st;
    split_path_query(rest, end, &u);
    /* Only a complete success is visible to the caller. */
    *out = u;
    return RUCIO_OK;
}
