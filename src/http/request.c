/*
 * rucio-lite: HTTP/1.1 request check and head writer.
 *
 * Every field is checked before the first byte leaves, so a CR or LF
 * planted in a header value, path or method can never split the request
 * (header injection), and a refused request leaves the connection clean.
 * The head is then streamed through a caller buffer of any size: the
 * writer never needs the whole head in memory.
 */
#include "rucio/http.h"

#include <string.h>

#include "core/ascii.h"
#include "http/request_internal.h"
#include "http/text.h"

/* ---- Checks ---------------------------------------------------------------- */

/* The length of s when it is a token (1*tchar), else 0. */
static size_t token_length(const char *s)
{
    size_t n = 0;

    while (rl_http_is_name_byte((uint8_t)s[n]))
        n++;
    return s[n] == '\0' ? n : 0;
}

static int is_token(const char *s)
{
    return token_length(s) != 0;
}

static int has_line_break(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return 1;
    return 0;
}

/* The request target sits between two spaces of the request line, so
 * beside CR, LF and NUL a space or control byte would also change how the
 * line splits; Python's http.client refuses the same bytes. This is also
 * exactly what rucio_url_parse accepts. */
static int is_target_text(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f)
            return 0;
    }
    return 1;
}

/* The writer sends these itself; a second copy from the caller would
 * give the server two conflicting values (request smuggling). */
static int is_writer_header(const char *name, size_t len)
{
    static const struct {
        const char *name;
        size_t len;
    } owned[] = {{"host", 4}, {"content-length", 14}, {"transfer-encoding", 17}};
    size_t i;

    for (i = 0; i < sizeof owned / sizeof owned[0]; i++)
        if (rl_ascii_equal_nocase(name, len, owned[i].name, owned[i].len))
            return 1;
    return 0;
}

static rucio_status check_url(const rucio_url *u)
{
    if (!u || !u->host || u->host_len == 0)
        return RUCIO_E_INVALID_ARG;
    if ((!u->path && u->path_len) || (u->has_query && !u->query && u->query_len))
        return RUCIO_E_INVALID_ARG;
    /* The host goes into the Host header. */
    if (has_line_break(u->host, u->host_len))
        return RUCIO_E_BAD_HEADER;
    if (!is_target_text(u->path, u->path_len))
        return RUCIO_E_BAD_HEADER;
    if (u->has_query && !is_target_text(u->query, u->query_len))
        return RUCIO_E_BAD_HEADER;
    return RUCIO_OK;
}

/* RFC 9110 5.5: a field value is visible characters, SP, HTAB and
 * obs-text (0x80 and up, e.g. ISO-8859-1 passwords). Every other control
 * byte is refused: CR and LF would split the request, and the rest are
 * read differently by different servers. */
static int is_field_value(const char *s)
{
    size_t len = strlen(s);

    return rl_http_text_run((const uint8_t *)s, len) == len;
}

rucio_status rucio_http_header_check(const rucio_http_header *h)
{
    size_t name_len;

    if (!h || !h->name || !h->value)
        return RUCIO_E_INVALID_ARG;
    name_len = token_length(h->name);
    if (name_len == 0)
        return RUCIO_E_BAD_HEADER;
    if (!is_field_value(h->value))
        return RUCIO_E_BAD_HEADER;
    if (is_writer_header(h->name, name_len))
        return RUCIO_E_INVALID_ARG;
    return RUCIO_OK;
}

static rucio_status check_headers(const rucio_http_request *req)
{
    rucio_status st;

    if (!req->headers && req->header_count)
        return RUCIO_E_INVALID_ARG;
    for (size_t i = 0; i < req->header_count; i++) {
        st = rucio_http_header_check(&req->headers[i]);
        if (st != RUCIO_OK)
            return st;
    }
    return RUCIO_OK;
}

rucio_status rucio_http_request_check(const rucio_http_request *req)
{
    rucio_status st;

    if (!req || !req->method)
        return RUCIO_E_INVALID_ARG;
    if (!is_token(req->method))
        return RUCIO_E_BAD_HEADER;
    st = check_url(req->url);
    if (st != RUCIO_OK)
        return st;
    /* A body nobody can read would fail only after the head was sent. */
    if ((req->body && !req->body->read) ||
        (req->body_buf && req->body_buf_len == 0))
        return RUCIO_E_INVALID_ARG;
    return check_headers(req);
}

/* ---- Writer ---------------------------------------------------------------- */

/* Gathers bytes in the caller buffer; the first write error sticks and
 * turns every later put into a no-op, so callers check once at the end. */
typedef struct head_writer {
    uint8_t *buf;
    size_t cap;
    size_t used;
    rucio_http_write_fn write;
    void *ctx;
    rucio_status status;
} head_writer;

static void flush(head_writer *w)
{
    if (w->status == RUCIO_OK && w->used > 0)
        w->status = w->write(w->ctx, w->buf, w->used);
    w->used = 0;
}

static void put(head_writer *w, const char *s, size_t n)
{
    while (n > 0 && w->status == RUCIO_OK) {
        size_t room = w->cap - w->used;
        size_t take = n < room ? n : room;

        memcpy(w->buf + w->used, s, take);
        w->used += take;
        s += take;
        n -= take;
        if (w->used == w->cap)
            flush(w);
    }
}

static void put_str(head_writer *w, const char *s)
{
    put(w, s, strlen(s));
}

static void put_u64(head_writer *w, uint64_t v)
{
    char digits[24];
    rucio_strbuf b;

    rucio_strbuf_init(&b, digits, sizeof digits);
    rucio_strbuf_put_u64(&b, v);
    put(w, b.data, b.len);
}

static void write_request_line(head_writer *w, const rucio_http_request *req)
{
    const rucio_url *u = req->url;

    put_str(w, req->method);
    put_str(w, " ");
    if (u->path_len)
        put(w, u->path, u->path_len);
    else
        put_str(w, "/");
    if (u->has_query) {
        put_str(w, "?");
        put(w, u->query, u->query_len);
    }
    put_str(w, " HTTP/1.1\r\n");
}

/* As Python's http.client: brackets for IPv6, port only when it is not
 * the scheme's default. */
static void write_host(head_writer *w, const rucio_url *u)
{
    uint16_t default_port = u->https ? 443 : 80;

    put_str(w, "Host: ");
    if (u->host_is_ipv6)
        put_str(w, "[");
    put(w, u->host, u->host_len);
    if (u->host_is_ipv6)
        put_str(w, "]");
    if (u->port != default_port) {
        put_str(w, ":");
        put_u64(w, u->port);
    }
    put_str(w, "\r\n");
}

static void write_headers(head_writer *w, const rucio_http_request *req)
{
    for (size_t i = 0; i < req->header_count; i++) {
        put_str(w, req->headers[i].name);
        put_str(w, ": ");
        put_str(w, req->headers[i].value);
        put_str(w, "\r\n");
    }
    /* Also for an empty body, as http.client does: servers answer a PUT
     * or POST without a length with 411 Length Required. */
    if (req->body) {
        put_str(w, "Content-Length: ");
        put_u64(w, req->body->length);
        put_str(w, "\r\n");
    }
    put_str(w, "\r\n");
}

rucio_status rucio_http_write_head(const rucio_http_request *req, uint8_t *buf,
                                   size_t cap, rucio_http_write_fn write,
                                   void *ctx)
{
    rucio_status st;

    if (!buf || cap == 0 || !write)
        return RUCIO_E_INVALID_ARG;
    st = rucio_http_request_check(req);
    return st == RUCIO_OK ? rl_http_write_checked_head_(req, buf, cap,
                                                          write, ctx)
                          : st;
}

rucio_status rl_http_write_checked_head_(const rucio_http_request *req,
                                         uint8_t *buf, size_t cap,
                                         rucio_http_write_fn write,
                                         void *ctx)
{
    head_writer w;

    w.buf = buf;
    w.cap = cap;
    w.used = 0;
    w.write = write;
    w.ctx = ctx;
    w.status = RUCIO_OK;
    write_request_line(&w, req);
    write_host(&w, req->url);
    write_headers(&w, req);
    flush(&w);
    return w.status;
}
