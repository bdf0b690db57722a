/*
 * Unit tests for rucio_http_request_check and rucio_http_write_head:
 * exact bytes on the wire, injection refused before anything is written,
 * any buffer size, and write errors passed back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/http.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Output capture ----------------------------------------------------- */

typedef struct capture {
    uint8_t data[16384];
    size_t len;
    size_t calls;
    size_t cap;            /* the writer's buffer size, for chunk checks */
    int short_chunk_seen;  /* a chunk smaller than cap was not the last */
    size_t last_chunk;
    size_t fail_at_call;   /* 1-based; 0 = never fail */
    rucio_status fail_with;
} capture;

static void capture_init(capture *c, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->cap = cap;
}

static rucio_status capture_write(void *ctx, const uint8_t *data, size_t len)
{
    capture *c = ctx;

    c->calls++;
    if (c->fail_at_call == c->calls)
        return c->fail_with;
    assert_true(len > 0 && len <= c->cap);
    assert_true(c->len + len <= sizeof c->data);
    /* Only the final write may be shorter than the buffer. */
    if (c->calls > 1 && c->last_chunk < c->cap)
        c->short_chunk_seen = 1;
    c->last_chunk = len;
    memcpy(c->data + c->len, data, len);
    c->len += len;
    return RUCIO_OK;
}

/* The writer's buffer, with guard bytes after cap to catch overruns. */
#define GUARD 16
#define GUARD_BYTE 0xC5

typedef struct tx_buffer {
    uint8_t bytes[RUCIO_HTTP_TX_BUF + GUARD];
} tx_buffer;

static rucio_status write_with_cap(const rucio_http_request *req, size_t cap,
                                   capture *c)
{
    tx_buffer tx;
    rucio_status st;

    assert_true(cap <= RUCIO_HTTP_TX_BUF);
    memset(tx.bytes, GUARD_BYTE, sizeof tx.bytes);
    capture_init(c, cap);
    st = rucio_http_write_head(req, tx.bytes, cap, capture_write, c);
    for (size_t i = cap; i < cap + GUARD; i++)
        assert_int_equal(tx.bytes[i], GUARD_BYTE);
    return st;
}

static void assert_output(const capture *c, const char *want)
{
    size_t n = strlen(want);

    if (c->len != n || memcmp(c->data, want, n) != 0)
        print_error("got:\n%.*s\nwant:\n%s\n", (int)c->len,
                    (const char *)c->data, want);
    assert_int_equal(c->len, n);
    assert_memory_equal(c->data, want, n);
    assert_false(c->short_chunk_seen);
}

/* ---- Body source (the writer must never read it) --------------------------- */

static rucio_status never_read(void *user, uint8_t *buf, size_t cap,
                               size_t *out_n)
{
    (void)user;
    (void)buf;
    (void)cap;
    (void)out_n;
    fail_msg("the head writer read the body");
    return RUCIO_E_IO;
}

static rucio_http_source body_of(uint64_t length)
{
    rucio_http_source s;

    memset(&s, 0, sizeof s);
    s.read = never_read;
    s.length = length;
    return s;
}

static rucio_url parse(const char *text)
{
    rucio_url u;

    assert_int_equal(rucio_url_parse(text, strlen(text), &u), RUCIO_OK);
    return u;
}

static rucio_http_request request(const char *method, const rucio_url *url,
                                  const rucio_http_header *headers,
                                  size_t count, const rucio_http_source *body)
{
    rucio_http_request r;

    memset(&r, 0, sizeof r);
    r.method = method;
    r.url = url;
    r.headers = headers;
    r.header_count = count;
    r.body = body;
    return r;
}

static void expect_head(const rucio_http_request *req, const char *want)
{
    capture c;

    assert_int_equal(write_with_cap(req, RUCIO_HTTP_TX_BUF, &c), RUCIO_OK);
    assert_output(&c, want);
}

/* ---- Exact bytes ------------------------------------------------------------ */

/* The header order of the Python client (protocol notes 2.1). */
static const rucio_http_header rucio_headers[] = {
    {"User-Agent", "rucio-clients/41.0.0"},
    {"Accept-Encoding", "gzip, deflate"},
    {"Accept", "*/*"},
    {"Connection", "Keep-Alive"},
    {"X-Rucio-Auth-Token", ""},
    {"X-Rucio-VO", "def"},
    {"X-Rucio-Script", "rucio::whoami"},
};

static void test_get_with_rucio_headers(void **state)
{
    rucio_url u = parse("https://rucio.example.org/accounts/whoami");
    rucio_http_request r =
        request("GET", &u, rucio_headers, COUNT(rucio_headers), NULL);

    (void)state;
    expect_head(&r,
                "GET /accounts/whoami HTTP/1.1\r\n"
                "Host: rucio.example.org\r\n"
                "User-Agent: rucio-clients/41.0.0\r\n"
                "Accept-Encoding: gzip, deflate\r\n"
                "Accept: */*\r\n"
                "Connection: Keep-Alive\r\n"
                "X-Rucio-Auth-Token: \r\n"
                "X-Rucio-VO: def\r\n"
                "X-Rucio-Script: rucio::whoami\r\n"
                "\r\n");
}

static void test_empty_path_is_slash(void **state)
{
    rucio_url u = parse("https://h:8443?x=1");
    rucio_url bare = parse("http://h");
    rucio_http_request r = request("GET", &u, NULL, 0, NULL);
    rucio_http_request r2 = request("OPTIONS", &bare, NULL, 0, NULL);

    (void)state;
    expect_head(&r, "GET /?x=1 HTTP/1.1\r\nHost: h:8443\r\n\r\n");
    expect_head(&r2, "OPTIONS / HTTP/1.1\r\nHost: h\r\n\r\n");
}

/* A bare '?' is sent as written; so is a signed query, byte for byte. */
static void test_target_kept_as_written(void **state)
{
    rucio_url bare = parse("https://h/p?#frag");
    rucio_url signed_url = parse(
        "https://s3.example.org//b/k%20x?X-Amz-Credential=AK%2F1&x=a+b%2b");
    rucio_http_request r = request("GET", &bare, NULL, 0, NULL);
    rucio_http_request r2 = request("GET", &signed_url, NULL, 0, NULL);

    (void)state;
    expect_head(&r, "GET /p? HTTP/1.1\r\nHost: h\r\n\r\n");
    expect_head(&r2,
                "GET //b/k%20x?X-Amz-Credential=AK%2F1&x=a+b%2b HTTP/1.1\r\n"
                "Host: s3.example.org\r\n\r\n");
}

typedef struct host_case {
    const char *url;
    const char *host_line;
} host_case;

/* As Python's http.client: the port only when not the scheme default. */
static const host_case host_cases[] = {
    {"http://h/", "Host: h\r\n"},
    {"http://h:80/", "Host: h\r\n"},
    {"https://h:443/", "Host: h\r\n"},
    {"https://h:80/", "Host: h:80\r\n"},
    {"http://h:443/", "Host: h:443\r\n"},
    {"https://Rucio.Example.ORG:1/", "Host: Rucio.Example.ORG:1\r\n"},
    {"http://127.0.0.1:65535/", "Host: 127.0.0.1:65535\r\n"},
    {"https://[::1]/", "Host: [::1]\r\n"},
    {"http://[2001:db8::1]:8080/", "Host: [2001:db8::1]:8080\r\n"},
    {"https://[::ffff:192.0.2.1]:443/", "Host: [::ffff:192.0.2.1]\r\n"},
};

static void test_host_header(void **state)
{
    char want[128];

    (void)state;
    for (size_t i = 0; i < COUNT(host_cases); i++) {
        rucio_url u = parse(host_cases[i].url);
        rucio_http_request r = request("HEAD", &u, NULL, 0, NULL);

        strcpy(want, "HEAD / HTTP/1.1\r\n");
        strcat(want, host_cases[i].host_line);
        strcat(want, "\r\n");
        expect_head(&r, want);
    }
}

static void test_content_length(void **state)
{
    rucio_url u = parse("https://h/upload");
    rucio_http_source big = body_of(5000000000u);
    rucio_http_source empty = body_of(0);
    rucio_http_source max = body_of(UINT64_MAX);
    rucio_http_header type = {"Content-Type", "application/octet-stream"};
    rucio_http_request r = request("PUT", &u, &type, 1, &big);

    (void)state;
    expect_head(&r, "PUT /upload HTTP/1.1\r\nHost: h\r\n"
                    "Content-Type: application/octet-stream\r\n"
                    "Content-Length: 5000000000\r\n\r\n");
    r = request("POST", &u, NULL, 0, &empty);
    expect_head(&r, "POST /upload HTTP/1.1\r\nHost: h\r\n"
                    "Content-Length: 0\r\n\r\n");
    r = request("PUT", &u, NULL, 0, &max);
    expect_head(&r, "PUT /upload HTTP/1.1\r\nHost: h\r\n"
                    "Content-Length: 18446744073709551615\r\n\r\n");
}

/* Values may hold spaces, tabs and non-ASCII bytes; tokens may use every
 * tchar. */
static void test_permitted_bytes(void **state)
{
    rucio_url u = parse("http://h/");
    rucio_http_header h[] = {
        {"X-Sp", "  a\tb  "},
        {"X-Utf8", "Gr\303\274\303\237e"},
        {"!#$%&'*+-.^_`|~09azAZ", "1"},
        {"Hosts", "not Host"},
        {"X-Content-Length", "not Content-Length"},
    };
    rucio_http_request r = request("M-SEARCH.x_~!", &u, h, COUNT(h), NULL);

    (void)state;
    expect_head(&r, "M-SEARCH.x_~! / HTTP/1.1\r\nHost: h\r\n"
                    "X-Sp:   a\tb  \r\n"
                    "X-Utf8: Gr\303\274\303\237e\r\n"
                    "!#$%&'*+-.^_`|~09azAZ: 1\r\n"
                    "Hosts: not Host\r\n"
                    "X-Content-Length: not Content-Length\r\n"
                    "\r\n");
}

/* ---- Buffer sizes --------------------------------------------------------- */

/* Output is the same whatever the buffer size; writes come only when
 * the buffer is full, plus one at the end. */
static void check_all_caps(const rucio_http_request *req, const char *want)
{
    static const size_t caps[] = {1, 2, 7, 64, RUCIO_HTTP_TX_BUF};
    size_t n = strlen(want);

    for (size_t i = 0; i < COUNT(caps); i++) {
        capture c;

        assert_int_equal(write_with_cap(req, caps[i], &c), RUCIO_OK);
        assert_output(&c, want);
        assert_int_equal(c.calls, (n + caps[i] - 1) / caps[i]);
    }
}

static void test_small_buffers(void **state)
{
    rucio_url u = parse("https://[::1]:8443/a/b?c=d");
    rucio_http_source body = body_of(5000000000u);
    rucio_http_request r =
        request("PUT", &u, rucio_headers, COUNT(rucio_headers), &body);

    (void)state;
    check_all_caps(&r,
                   "PUT /a/b?c=d HTTP/1.1\r\n"
                   "Host: [::1]:8443\r\n"
                   "User-Agent: rucio-clients/41.0.0\r\n"
                   "Accept-Encoding: gzip, deflate\r\n"
                   "Accept: */*\r\n"
                   "Connection: Keep-Alive\r\n"
                   "X-Rucio-Auth-Token: \r\n"
                   "X-Rucio-VO: def\r\n"
                   "X-Rucio-Script: rucio::whoami\r\n"
                   "Content-Length: 5000000000\r\n"
                   "\r\n");
}

/* A head several times the buffer (a 3000-byte token, as Rucio sends)
 * goes out in several full writes. */
static void test_head_larger_than_buffer(void **state)
{
    static char token[3001];
    static char want[4096];
    rucio_url u = parse("https://rucio.example.org/dids");
    rucio_http_header h = {"X-Rucio-Auth-Token", token};
    rucio_http_request r = request("GET", &u, &h, 1, NULL);

    (void)state;
    for (size_t i = 0; i < sizeof token - 1; i++)
        token[i] = "ab-_="[i % 5];
    token[sizeof token - 1] = '\0';
    strcpy(want, "GET /dids HTTP/1.1\r\nHost: rucio.example.org\r\n"
                 "X-Rucio-Auth-Token: ");
    strcat(want, token);
    strcat(want, "\r\n\r\n");
    assert_true(strlen(want) > 2 * RUCIO_HTTP_TX_BUF);
    check_all_caps(&r, want);
}

/* ---- Refused requests --------------------------------------------------- */

/* The check's status comes back and not a single byte is written. */
static void expect_refused(const rucio_http_request *req, rucio_status want)
{
    capture c;

    assert_int_equal(rucio_http_request_check(req), want);
    assert_int_equal(write_with_cap(req, 7, &c), want);
    assert_int_equal(c.calls, 0);
    assert_int_equal(c.len, 0);
}

static const char *const breaks[] = {"\r", "\n", "\r\n"};

static void test_method_refused(void **state)
{
    static const char *const methods[] = {
        "", "GET ", " GET", "GET\r", "GET\n", "GET\r\nX: y", "G(T", "G:T",
        "GET /x HTTP/1.0", "G\303\211T", "G\tT", "G\177T",
    };
    rucio_url u = parse("http://h/");

    (void)state;
    for (size_t i = 0; i < COUNT(methods); i++) {
        rucio_http_request r = request(methods[i], &u, NULL, 0, NULL);
        expect_refused(&r, RUCIO_E_BAD_HEADER);
    }
}

static void test_header_name_refused(void **state)
{
    static const char *const names[] = {
        "", "X A", "X-A:", ":X", "X\r", "X\n", "X\r\nY", "X\t", "X(", "X@",
        "\303\274", "X\177", "X/Y",
    };
    rucio_url u = parse("http://h/");

    (void)state;
    for (size_t i = 0; i < COUNT(names); i++) {
        rucio_http_header h[] = {{"Accept", "*/*"}, {names[i], "v"}};
        rucio_http_request r = request("GET", &u, h, COUNT(h), NULL);
        expect_refused(&r, RUCIO_E_BAD_HEADER);
    }
}

static void test_header_value_refused(void **state)
{
    rucio_url u = parse("http://h/");
    char value[32];

    (void)state;
    for (size_t i = 0; i < COUNT(breaks); i++) {
        rucio_http_header h[] = {{"Accept", "*/*"}, {"X-V", value}};
        rucio_http_request r = request("GET", &u, h, COUNT(h), NULL);

        strcpy(value, "a");
        strcat(value, breaks[i]);
        strcat(value, "X-Injected: 1");
        expect_refused(&r, RUCIO_E_BAD_HEADER);
        /* At the very start and end too. */
        strcpy(value, breaks[i]);
        expect_refused(&r, RUCIO_E_BAD_HEADER);
    }
}

/* RFC 9110 5.5: every control byte but HTAB is refused in a value (ESC,
 * BEL, DEL, ...), not only those that end a line. Latin-1 (obs-text) is
 * allowed: the Python client sends passwords that way. */
static void test_header_value_control_bytes_refused(void **state)
{
    rucio_url u = parse("http://h/");
    char value[8];

    (void)state;
    for (unsigned c = 1; c < 0x80; c++) {
        rucio_http_header h[] = {{"X-V", value}};
        rucio_http_request r = request("GET", &u, h, COUNT(h), NULL);
        int allowed = c == '\t' || (c >= 0x20 && c != 0x7f);

        value[0] = 'a';
        value[1] = (char)c;
        value[2] = 'b';
        value[3] = '\0';
        if (allowed)
            assert_int_equal(rucio_http_request_check(&r), RUCIO_OK);
        else
            expect_refused(&r, RUCIO_E_BAD_HEADER);
        assert_int_equal(rucio_http_header_check(&h[0]),
                         allowed ? RUCIO_OK : RUCIO_E_BAD_HEADER);
    }
    {
        rucio_http_header h[] = {{"X-Rucio-Password", "caf\351 \243\377"}};
        rucio_http_request r = request("GET", &u, h, COUNT(h), NULL);

        assert_int_equal(rucio_http_request_check(&r), RUCIO_OK);
    }
}

/* The parser refuses these bytes, so the URL is built by hand here: the
 * check must not rely on every URL having come from the parser. */
static rucio_url raw_url(const char *host, size_t host_len, const char *path,
                         size_t path_len, const char *query, size_t query_len)
{
    rucio_url u;

    memset(&u, 0, sizeof u);
    u.https = 1;
    u.port = 443;
    u.host = host;
    u.host_len = host_len;
    u.path = path;
    u.path_len = path_len;
    u.query = query;
    u.query_len = query_len;
    u.has_query = query != NULL;
    return u;
}

#define L(lit) lit, sizeof(lit) - 1

static void test_url_fields_refused(void **state)
{
    const rucio_url bad[] = {
        raw_url(L("h"), L("/a\rb"), NULL, 0),
        raw_url(L("h"), L("/a\nb"), NULL, 0),
        raw_url(L("h"), L("/a\0b"), NULL, 0),
        raw_url(L("h"), L("/a HTTP/1.0"), NULL, 0),
        raw_url(L("h"), L("/a\tb"), NULL, 0),
        raw_url(L("h"), L("/"), L("q=\r\nX: 1")),
        raw_url(L("h"), L("/"), L("q=\n")),
        raw_url(L("h"), L("/"), L("q=\0")),
        raw_url(L("h"), L("/"), L("q= ")),
        raw_url(L("h\r\nX: 1"), L("/"), NULL, 0),
        raw_url(L("h\n"), L("/"), NULL, 0),
        raw_url(L("h\0evil"), L("/"), NULL, 0),
    };

    (void)state;
    for (size_t i = 0; i < COUNT(bad); i++) {
        rucio_http_request r = request("GET", &bad[i], NULL, 0, NULL);
        expect_refused(&r, RUCIO_E_BAD_HEADER);
    }
}

/* Those bytes inside the length matter, not what follows it. */
static void test_url_fields_checked_by_length(void **state)
{
    rucio_url u = raw_url("hX\r\n", 1, "/p\r\n", 2, "q\0", 1);
    rucio_http_request r = request("GET", &u, NULL, 0, NULL);

    (void)state;
    expect_head(&r, "GET /p?q HTTP/1.1\r\nHost: h\r\n\r\n");
}

/* The writer owns Host, Content-Length and Transfer-Encoding. */
static void test_writer_headers_refused(void **state)
{
    static const char *const names[] = {
        "Host", "host", "HOST", "Content-Length", "content-length",
        "Transfer-Encoding", "TRANSFER-encoding",
    };
    rucio_url u = parse("http://h/");

    (void)state;
    for (size_t i = 0; i < COUNT(names); i++) {
        rucio_http_header h = {names[i], "x"};
        rucio_http_request r = request("GET", &u, &h, 1, NULL);
        expect_refused(&r, RUCIO_E_INVALID_ARG);
    }
}

static void test_missing_parts_refused(void **state)
{
    rucio_url u = parse("http://h/");
    rucio_url no_host = raw_url(NULL, 0, L("/"), NULL, 0);
    rucio_url empty_host = raw_url(L(""), L("/"), NULL, 0);
    rucio_url null_path = raw_url(L("h"), NULL, 3, NULL, 0);
    rucio_http_header null_value = {"X", NULL};
    rucio_http_header null_name = {NULL, "v"};
    rucio_http_source unreadable = body_of(1);
    rucio_http_request r;

    (void)state;
    assert_int_equal(rucio_http_request_check(NULL), RUCIO_E_INVALID_ARG);
    r = request(NULL, &u, NULL, 0, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", NULL, NULL, 0, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &no_host, NULL, 0, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &empty_host, NULL, 0, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &null_path, NULL, 0, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &u, NULL, 2, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &u, &null_value, 1, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    r = request("GET", &u, &null_name, 1, NULL);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
    unreadable.read = NULL;
    r = request("PUT", &u, NULL, 0, &unreadable);
    expect_refused(&r, RUCIO_E_INVALID_ARG);
}

static void test_writer_arguments(void **state)
{
    rucio_url u = parse("http://h/");
    rucio_http_request r = request("GET", &u, NULL, 0, NULL);
    uint8_t buf[8];
    capture c;

    (void)state;
    capture_init(&c, sizeof buf);
    assert_int_equal(rucio_http_write_head(&r, NULL, 8, capture_write, &c),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_http_write_head(&r, buf, 0, capture_write, &c),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(rucio_http_write_head(&r, buf, 8, NULL, &c),
                     RUCIO_E_INVALID_ARG);
    assert_int_equal(c.calls, 0);
}

static void test_check_accepts_good_request(void **state)
{
    rucio_url u = parse("https://h:1/p?q");
    rucio_http_source body = body_of(UINT64_MAX);
    rucio_http_request r =
        request("PUT", &u, rucio_headers, COUNT(rucio_headers), &body);

    (void)state;
    assert_int_equal(rucio_http_request_check(&r), RUCIO_OK);
}

/* ---- Write failures -------------------------------------------------------- */

/* The first failing write's status is returned and nothing more is
 * written after it, whichever write fails (the last is the final flush). */
static void test_write_failure_propagated(void **state)
{
    rucio_url u = parse("http://h/abc");
    rucio_http_request r = request("GET", &u, NULL, 0, NULL);
    const char *full = "GET /abc HTTP/1.1\r\nHost: h\r\n\r\n";
    size_t writes = (strlen(full) + 6) / 7;

    (void)state;
    for (size_t fail = 1; fail <= writes; fail++) {
        tx_buffer tx;
        capture c;

        capture_init(&c, 7);
        c.fail_at_call = fail;
        c.fail_with = fail % 2 ? RUCIO_E_IO : RUCIO_E_TIMEOUT;
        assert_int_equal(rucio_http_write_head(&r, tx.bytes, 7, capture_write,
                                               &c),
                         c.fail_with);
        assert_int_equal(c.calls, fail);
        assert_int_equal(c.len, (fail - 1) * 7);
        assert_memory_equal(c.data, full, c.len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_get_with_rucio_headers),
        cmocka_unit_test(test_empty_path_is_slash),
        cmocka_unit_test(test_target_kept_as_written),
        cmocka_unit_test(test_host_header),
        cmocka_unit_test(test_content_length),
        cmocka_unit_test(test_permitted_bytes),
        cmocka_unit_test(test_small_buffers),
        cmocka_unit_test(test_head_larger_than_buffer),
        cmocka_unit_test(test_method_refused),
        cmocka_unit_test(test_header_name_refused),
        cmocka_unit_test(test_header_value_refused),
        cmocka_unit_test(test_header_value_control_bytes_refused),
        cmocka_unit_test(test_url_fields_refused),
        cmocka_unit_test(test_url_fields_checked_by_length),
        cmocka_unit_test(test_writer_headers_refused),
        cmocka_unit_test(test_missing_parts_refused),
        cmocka_unit_test(test_writer_arguments),
        cmocka_unit_test(test_check_accepts_good_request),
        cmocka_unit_test(test_write_failure_propagated),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
