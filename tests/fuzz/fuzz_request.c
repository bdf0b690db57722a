/*
 * libFuzzer target: the request check and head writer
 * (rucio_http_request_check, rucio_http_write_head in src/http/request.c)
 * with fuzzed method, URL parts and headers.
 *
 * Input: one flag byte, then fields split at 0xff: method, host, path,
 * query, then header name/value pairs. Flags: bit 0 the URL has a query,
 * bit 1 a body (Content-Length), bit 2 the URL struct is filled raw
 * instead of through rucio_url_parse, bits 3-7 the writer's buffer size.
 *
 * Invariants:
 *   - write_head returns what request_check returns and writes nothing
 *     when the check fails;
 *   - an accepted request has a token method, a target of visible ASCII,
 *     header names of token characters and values without control
 *     characters other than HTAB (RFC 9110), and never a second Host,
 *     Content-Length or Transfer-Encoding from the caller;
 *   - its head is the same whatever the buffer size, starts with the
 *     request line, ends with the empty line, has exactly one line per
 *     header (so no CR or LF got in anywhere) and no NUL.
 */
#define _GNU_SOURCE /* memmem */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_support.h"
#include "rucio/http.h"

#define MAX_HEADERS 8

typedef struct sink {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t writes;
} sink;

static rucio_status collect(void *ctx, const uint8_t *data, size_t len)
{
    sink *s = ctx;

    FUZZ_CHECK(len > 0 && len <= s->cap - s->len);
    memcpy(s->data + s->len, data, len);
    s->len += len;
    s->writes++;
    return RUCIO_OK;
}

static rucio_status no_read(void *user, uint8_t *buf, size_t cap,
                            size_t *out_n)
{
    (void)user;
    (void)buf;
    (void)cap;
    *out_n = 0;
    return RUCIO_E_IO;
}

static int tchar(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int all(const char *s, size_t n, int (*ok)(unsigned char))
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!ok((unsigned char)s[i]))
            return 0;
    return 1;
}

static int visible(unsigned char c)
{
    return c > 0x20 && c < 0x7f;
}

static int field_char(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static void check_accepted(const rucio_http_request *req)
{
    const rucio_url *u = req->url;
    size_t i;

    FUZZ_CHECK(req->method[0] && all(req->method, strlen(req->method), tchar));
    FUZZ_CHECK(all(u->path, u->path_len, visible));
    FUZZ_CHECK(!u->has_query || all(u->query, u->query_len, visible));
    FUZZ_CHECK(memchr(u->host, '\r', u->host_len) == NULL &&
               memchr(u->host, '\n', u->host_len) == NULL &&
               memchr(u->host, '\0', u->host_len) == NULL);
    for (i = 0; i < req->header_count; i++) {
        const char *name = req->headers[i].name;
        const char *value = req->headers[i].value;

        FUZZ_CHECK(name[0] && all(name, strlen(name), tchar));
        FUZZ_CHECK(all(value, strlen(value), field_char));
        FUZZ_CHECK(strcasecmp(name, "Host") != 0 &&
                   strcasecmp(name, "Content-Length") != 0 &&
                   strcasecmp(name, "Transfer-Encoding") != 0);
    }
}

static size_t count(const uint8_t *s, size_t n, const char *what)
{
    size_t k = 0, w = strlen(what);
    const uint8_t *p = s, *end = s + n;

    while ((p = memmem(p, (size_t)(end - p), what, w)) != NULL) {
        k++;
        p += w;
    }
    return k;
}

static void check_head(const rucio_http_request *req, const sink *one,
                       const sink *pieces)
{
    size_t lines = 1 + 1 + req->header_count + (req->body ? 1 : 0) + 1;
    size_t mlen = strlen(req->method);

    FUZZ_CHECK(one->len == pieces->len &&
               memcmp(one->data, pieces->data, one->len) == 0);
    FUZZ_CHECK(one->len > mlen + 1 && memcmp(one->data, req->method, mlen) == 0 &&
               one->data[mlen] == ' ');
    FUZZ_CHECK(one->len >= 4 &&
               memcmp(one->data + one->len - 4, "\r\n\r\n", 4) == 0);
    FUZZ_CHECK(count(one->data, one->len, "\r\n") == lines);
    FUZZ_CHECK(count(one->data, one->len, "\n") == lines);
    FUZZ_CHECK(count(one->data, one->len, "\r") == lines);
    FUZZ_CHECK(memchr(one->data, '\0', one->len) == NULL);
}

/* URL from the host, path and query fields. Returns 0 when refused. */
static int make_url(rucio_url *u, int raw, int has_query, const char *host,
                    const char *path, size_t path_len, const char *query,
                    size_t query_len, char *text, size_t cap)
{
    int n;

    if (raw) {
        memset(u, 0, sizeof *u);
        u->host = host;
        u->host_len = strlen(host);
        u->port = 8443;
        u->path = path;
        u->path_len = path_len;
        u->has_query = has_query;
        u->query = query;
        u->query_len = query_len;
        return 1;
    }
    n = snprintf(text, cap, "http://%s%s%s%s", host, path,
                 has_query ? "?" : "", has_query ? query : "");
    return n > 0 && (size_t)n < cap &&
           rucio_url_parse(text, (size_t)n, u) == RUCIO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_input in = { data, size };
    rucio_http_header headers[MAX_HEADERS];
    char *text[5 + 2 * MAX_HEADERS];
    size_t lens[5 + 2 * MAX_HEADERS];
    size_t fields = 0, i, n, cap;
    rucio_http_source body = { no_read, NULL, NULL, 0 };
    rucio_http_request req;
    rucio_url url;
    uint8_t buf[64];
    char url_text[4096];
    sink one, pieces;
    rucio_status st, st_one, st_pieces;
    uint8_t flags;

    if (size < 1)
        return 0;
    flags = fuzz_byte(&in);
    while (in.len > 0 && fields < 4 + 2 * MAX_HEADERS) {
        const uint8_t *f = fuzz_field(&in, &n);

        text[fields] = fuzz_strndup(f, n);
        lens[fields++] = n;
    }
    while (fields < 4) {
        text[fields] = fuzz_strndup(NULL, 0);
        lens[fields++] = 0;
    }
    memset(&req, 0, sizeof req);
    if (!make_url(&url, flags & 4, flags & 1, text[1], text[2], lens[2],
                  text[3], lens[3], url_text, sizeof url_text))
        goto out;
    req.method = text[0];
    req.url = &url;
    for (i = 4; i + 1 < fields; i += 2) {
        headers[req.header_count].name = text[i];
        headers[req.header_count++].value = text[i + 1];
    }
    req.headers = headers;
    body.length = size;
    req.body = flags & 2 ? &body : NULL;

    st = rucio_http_request_check(&req);
    cap = 4096 + size * 2;
    one = (sink){ malloc(cap), 0, cap, 0 };
    pieces = (sink){ malloc(cap), 0, cap, 0 };
    FUZZ_CHECK(one.data && pieces.data);
    st_one = rucio_http_write_head(&req, buf, sizeof buf, collect, &one);
    st_pieces = rucio_http_write_head(&req, buf, 1 + (size_t)(flags >> 3),
                                      collect, &pieces);
    FUZZ_CHECK(st_one == st && st_pieces == st);
    if (st != RUCIO_OK) {
        FUZZ_CHECK(st == RUCIO_E_BAD_HEADER || st == RUCIO_E_INVALID_ARG);
        FUZZ_CHECK(one.len == 0 && pieces.len == 0);
    } else {
        check_accepted(&req);
        check_head(&req, &one, &pieces);
    }
    free(one.data);
    free(pieces.data);
out:
    for (i = 0; i < fields; i++)
        free(text[i]);
    return 0;
}
