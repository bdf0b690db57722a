/*
 * Unit tests: HTTP response parser (status line, headers, framing,
 * keep-alive, finish) and the buffer sink.
 *
 * The corpus test parses every response one-shot, split in two at every
 * byte offset, and byte by byte, with and without a pipelined response
 * behind it; each parse must produce the hand-written expected outcome.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rucio/http.h"

#define BODY_MAX 65536
#define TEXT_MAX (RUCIO_HTTP_HEADER_BUF + BODY_MAX + 1024)

/* ---- A sink that records what it gets ------------------------------------ */

typedef struct collector {
    uintptr_t in_lo;          /* fragments must point into the input */
    uintptr_t in_hi;
    size_t calls;
    size_t fail_call;         /* call number that fails (0: none) */
    rucio_status fail_status;
    size_t len;
    uint8_t data[BODY_MAX];
} collector;

static rucio_status collect(void *user, const uint8_t *data, size_t len)
{
    collector *c = user;
    uintptr_t at = (uintptr_t)data;

    assert_true(len > 0);
    /* zero copy: every fragment lies inside the caller's input */
    assert_true(at >= c->in_lo && at + len <= c->in_hi);
    c->calls++;
    if (c->calls == c->fail_call)
        return c->fail_status;
    assert_true(len <= BODY_MAX - c->len);
    memcpy(c->data + c->len, data, len);
    c->len += len;
    return RUCIO_OK;
}

/* ---- Feeding ----------------------------------------------------------------- */

typedef struct run {
    rucio_http_response resp;
    rucio_http_parser parser;
    collector body;
    rucio_status st;          /* first error, else the result of finish() */
    size_t consumed;          /* bytes the parser took */
} run;

static run *new_run(void)
{
    run *r = calloc(1, sizeof *r);

    assert_non_null(r);
    return r;
}

/* Start a parse of in[0..len), with the collector as sink. */
static void run_init(run *r, const uint8_t *in, size_t len, int is_head)
{
    rucio_http_sink sink = { collect, &r->body };

    memset(&r->body, 0, sizeof r->body);
    r->body.in_lo = (uintptr_t)in;
    r->body.in_hi = (uintptr_t)in + len;
    rucio_http_parser_init(&r->parser, &r->resp, is_head, &sink);
    r->st = RUCIO_OK;
    r->consumed = 0;
}

/*
 * Feed in[0..len): first `first` bytes, then pieces of `step` bytes,
 * until an error or the end of the response. If the input runs out
 * first, the connection "closes": finish() gives the result.
 */
static void run_pieces(run *r, const uint8_t *in, size_t len, int is_head,
                       size_t first, size_t step)
{
    size_t pos = 0;
    size_t n = first < len ? first : len;

    run_init(r, in, len, is_head);
    for (;;) {
        size_t used = SIZE_MAX;

        r->st = rucio_http_parser_feed(&r->parser, in + pos, n, &used);
        if (r->st != RUCIO_OK)
            break;
        assert_true(used <= n);
        r->consumed += used;
        if (used < n) {
            /* the parser only stops early at the end of the response */
            assert_true(rucio_http_parser_done(&r->parser));
            break;
        }
        pos += n;
        if (pos == len)
            break;
        n = len - pos < step ? len - pos : step;
    }
    if (r->st == RUCIO_OK && !rucio_http_parser_done(&r->parser))
        r->st = rucio_http_parser_finish(&r->parser);
}

/* Parse text one-shot and byte by byte: both must end the same way. */
static rucio_status parse_both_ways(const char *text, size_t len, int is_head)
{
    run *r = new_run();
    rucio_status one_shot;
    rucio_status byte_wise;

    run_pieces(r, (const uint8_t *)text, len, is_head, len, len);
    one_shot = r->st;
    run_pieces(r, (const uint8_t *)text, len, is_head, 1, 1);
    byte_wise = r->st;
    free(r);
    assert_int_equal(one_shot, byte_wise);
    return one_shot;
}

static rucio_status parse_text(const char *text, int is_head)
{
    return parse_both_ways(text, strlen(text), is_head);
}

/* Status, flags, every header and the body, as one text. */
static void format_run(const run *r, char *out, size_t cap)
{
    const rucio_http_response *p = &r->resp;
    char cl[24] = "none";
    size_t n;
    size_t i;

    if (p->has_content_length)
        snprintf(cl, sizeof cl, "%" PRIu64, p->content_length);
    n = (size_t)snprintf(out, cap,
                         "status=%d http=1.%d keep_alive=%d chunked=%d "
                         "content_length=%s body_length=%" PRIu64 "\n",
                         p->status, p->minor_version, p->keep_alive,
                         p->chunked, cl, p->body_length);
    for (i = 0; i < p->header_count; i++) {
        const char *name;
        const char *value;

        rucio_http_response_header_at(p, i, &name, &value);
        n += (size_t)snprintf(out + n, cap - n, "%s: %s\n", name, value);
    }
    n += (size_t)snprintf(out + n, cap - n, "body=");
    assert_int_equal(p->body_length, r->body.len);
    assert_true(n + r->body.len < cap);
    memcpy(out + n, r->body.data, r->body.len);
    out[n + r->body.len] = '\0';
}

/* ---- Corpus --------------------------------------------------------------------- */

typedef struct corpus_entry {
    const char *name;
    const char *raw;
    int is_head;
    int until_close;   /* body ends with the connection: nothing may follow */
    const char *expect;
} corpus_entry;

#define REDIRECT_BODY                                                       \
    "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n"      \
    "<h1>Redirecting...</h1>\n<p>You should be redirected automatically "   \
    "to the target URL: <a href=\"root\">root</a>. If not, click the link.\n"

#define AUTH_ERROR_BODY                                                     \
    "{\"ExceptionClass\": \"CannotAuthenticate\", \"ExceptionMessage\": "   \
    "\"Cannot authenticate to account root with given credentials\"}"

#define SIGNED_URL                                                          \
    "https://storage.googleapis.com/bucket/user.root/file1?GoogleAccessId=" \
    "rucio%40project.iam.gserviceaccount.com&Expires=1764406778&"           \
    "Signature=abc%2Bdef%3D"

static corpus_entry corpus[] = {
    { "rucio_ping",
      "HTTP/1.1 200 OK\r\n"
      "Date: Sun, 29 Nov 2026 09:19:38 GMT\r\n"
      "Server: Apache/2.4.62 (Debian)\r\n"
      "Content-Type: application/json\r\n"
      "Content-Length: 21\r\n"
      "Access-Control-Allow-Origin: None\r\n"
      "Cache-Control: post-check=0, pre-check=0\r\n"
      "Pragma: no-cache\r\n"
      "\r\n"
      "{\"version\":\"41.5.1\"}\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=21 body_length=21\n"
      "Date: Sun, 29 Nov 2026 09:19:38 GMT\n"
      "Server: Apache/2.4.62 (Debian)\n"
      "Content-Type: application/json\n"
      "Content-Length: 21\n"
      "Access-Control-Allow-Origin: None\n"
      "Cache-Control: post-check=0, pre-check=0\n"
      "Pragma: no-cache\n"
      "body={\"version\":\"41.5.1\"}\n" },
    { "rucio_whoami_303",
      "HTTP/1.1 303 SEE OTHER\r\n"
      "Server: Werkzeug/3.1.8 Python/3.11.2\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "Content-Length: 195\r\n"
      "Location: root\r\n"
      "Access-Control-Allow-Credentials: true\r\n"
      "\r\n" REDIRECT_BODY,
      0, 0,
      "status=303 http=1.1 keep_alive=1 chunked=0 content_length=195 body_length=195\n"
      "Server: Werkzeug/3.1.8 Python/3.11.2\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Length: 195\n"
      "Location: root\n"
      "Access-Control-Allow-Credentials: true\n"
      "body=" REDIRECT_BODY },
    { "rucio_401",
      "HTTP/1.1 401 UNAUTHORIZED\r\n"
      "Content-Type: application/octet-stream\r\n"
      "ExceptionClass: CannotAuthenticate\r\n"
      "ExceptionMessage: Cannot authenticate to account root with given credentials\r\n"
      "Content-Length: 122\r\n"
      "\r\n" AUTH_ERROR_BODY,
      0, 0,
      "status=401 http=1.1 keep_alive=1 chunked=0 content_length=122 body_length=122\n"
      "Content-Type: application/octet-stream\n"
      "ExceptionClass: CannotAuthenticate\n"
      "ExceptionMessage: Cannot authenticate to account root with given credentials\n"
      "Content-Length: 122\n"
      "body=" AUTH_ERROR_BODY },
    { "chunked_extensions_trailers",
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: application/x-json-stream\r\n"
      "Transfer-Encoding: chunked\r\n"
      "Trailer: X-Checksum\r\n"
      "\r\n"
      "12;ext=1\r\n{\"name\": \"file1\"}\n\r\n"
      "12 ;q=\"quoted; still ext\"\r\n{\"name\": \"file2\"}\n\r\n"
      "0;final\r\n"
      "X-Checksum: adler32:0cc737eb\r\n"
      "Expires:  never \r\n"
      "\r\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=1 content_length=none body_length=36\n"
      "Content-Type: application/x-json-stream\n"
      "Transfer-Encoding: chunked\n"
      "Trailer: X-Checksum\n"
      "body={\"name\": \"file1\"}\n{\"name\": \"file2\"}\n" },
    { "continue_then_200",
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=2 body_length=2\n"
      "Content-Length: 2\n"
      "body=ok" },
    { "no_content_204",
      "HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: None\r\n\r\n",
      0, 0,
      "status=204 http=1.1 keep_alive=1 chunked=0 content_length=none body_length=0\n"
      "Access-Control-Allow-Origin: None\n"
      "body=" },
    { "not_modified_304",
      "HTTP/1.1 304 Not Modified\r\n"
      "ETag: \"5d8c72a5edda8\"\r\n"
      "Content-Length: 1234\r\n"
      "\r\n",
      0, 0,
      "status=304 http=1.1 keep_alive=1 chunked=0 content_length=1234 body_length=0\n"
      "ETag: \"5d8c72a5edda8\"\n"
      "Content-Length: 1234\n"
      "body=" },
    { "head_64bit_length",
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: application/octet-stream\r\n"
      "Content-Length: 5000000000\r\n"
      "Accept-Ranges: bytes\r\n"
      "\r\n",
      1, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=5000000000 body_length=0\n"
      "Content-Type: application/octet-stream\n"
      "Content-Length: 5000000000\n"
      "Accept-Ranges: bytes\n"
      "body=" },
    { "http10_until_close",
      "HTTP/1.0 200 OK\r\n"
      "Server: SimpleHTTP/0.6 Python/3.11.2\r\n"
      "Content-type: text/plain\r\n"
      "\r\n"
      "hello\r\nworld\r\n",
      0, 1,
      "status=200 http=1.0 keep_alive=0 chunked=0 content_length=none body_length=14\n"
      "Server: SimpleHTTP/0.6 Python/3.11.2\n"
      "Content-type: text/plain\n"
      "body=hello\r\nworld\r\n" },
    { "connection_close_500",
      "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
      "Connection: close\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "Content-Length: 21\r\n"
      "\r\n"
      "Internal Server Error",
      0, 0,
      "status=500 http=1.1 keep_alive=0 chunked=0 content_length=21 body_length=21\n"
      "Connection: close\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Length: 21\n"
      "body=Internal Server Error" },
    { "http10_keep_alive",
      "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 4\r\n\r\ntrue",
      0, 0,
      "status=200 http=1.0 keep_alive=1 chunked=0 content_length=4 body_length=4\n"
      "Connection: Keep-Alive\n"
      "Content-Length: 4\n"
      "body=true" },
    { "bare_lf_line_ends",
      "HTTP/1.1 200 OK\nContent-Length: 3\nX-Mixed: yes\r\n\nabc",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=3 body_length=3\n"
      "Content-Length: 3\n"
      "X-Mixed: yes\n"
      "body=abc" },
    { "early_hints_continue_created_chunked",
      "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 201 CREATED\r\nTransfer-Encoding: chunked\r\n\r\n"
      "7\r\nCreated\r\n0\r\n\r\n",
      0, 0,
      "status=201 http=1.1 keep_alive=1 chunked=1 content_length=none body_length=7\n"
      "Transfer-Encoding: chunked\n"
      "body=Created" },
    { "status_without_reason",
      "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=0 body_length=0\n"
      "Content-Length: 0\n"
      "body=" },
    { "empty_reason",
      "HTTP/1.1 404 \r\nContent-Length: 9\r\n\r\nNot Found",
      0, 0,
      "status=404 http=1.1 keep_alive=1 chunked=0 content_length=9 body_length=9\n"
      "Content-Length: 9\n"
      "body=Not Found" },
    { "chunked_hex_forms",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "1\r\na\r\n0002\r\nbc\r\nA\r\n0123456789\r\n"
      "000000000000000F\r\nfifteen bytes!!\r\n0\r\n\r\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=1 content_length=none body_length=28\n"
      "Transfer-Encoding: Chunked\n"
      "body=abc0123456789fifteen bytes!!" },
    { "value_whitespace_and_obs_text",
      "HTTP/1.1 200 OK\r\n"
      "X-Lead:   \t value with  inner  spaces \t \r\n"
      "X-Empty:\r\n"
      "X-Blank:    \r\n"
      "X-Obs-Text: caf\xc3\xa9 \xff\r\n"
      "x-dup: 1\r\n"
      "X-Dup: 2\r\n"
      "Content-Length: 0\r\n"
      "\r\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=0 body_length=0\n"
      "X-Lead: value with  inner  spaces\n"
      "X-Empty: \n"
      "X-Blank: \n"
      "X-Obs-Text: caf\xc3\xa9 \xff\n"
      "x-dup: 1\n"
      "X-Dup: 2\n"
      "Content-Length: 0\n"
      "body=" },
    { "content_length_repeated",
      "HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\nContent-Length: 003\r\n\r\nxyz",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=3 body_length=3\n"
      "Content-Length: 3, 3\n"
      "Content-Length: 003\n"
      "body=xyz" },
    { "chunked_lf_only_empty_list_element",
      "HTTP/1.1 200 OK\nTransfer-Encoding: , chunked\n\n3\nabc\n0\n\n",
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=1 content_length=none body_length=3\n"
      "Transfer-Encoding: , chunked\n"
      "body=abc" },
    { "http11_until_close",
      "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nstreamed until close",
      0, 1,
      "status=200 http=1.1 keep_alive=0 chunked=0 content_length=none body_length=20\n"
      "Connection: keep-alive\n"
      "body=streamed until close" },
    { "until_close_empty_body",
      "HTTP/1.0 200 OK\r\n\r\n",
      0, 1,
      "status=200 http=1.0 keep_alive=0 chunked=0 content_length=none body_length=0\n"
      "body=" },
    { "rucio_signurl",
      "HTTP/1.1 200 OK\r\n"
      "Content-Type: text/html; charset=utf-8\r\n"
      "Content-Length: 150\r\n"
      "\r\n" SIGNED_URL,
      0, 0,
      "status=200 http=1.1 keep_alive=1 chunked=0 content_length=150 body_length=150\n"
      "Content-Type: text/html; charset=utf-8\n"
      "Content-Length: 150\n"
      "body=" SIGNED_URL },
    { "rucio_206_accounts",
      "HTTP/1.1 206 PARTIAL CONTENT\r\n"
      "Content-Type: application/json\r\n"
      "X-Rucio-Auth-Accounts: alice,bob\r\n"
      "Content-Length: 16\r\n"
      "\r\n"
      "[\"alice\", \"bob\"]",
      0, 0,
      "status=206 http=1.1 keep_alive=1 chunked=0 content_length=16 body_length=16\n"
      "Content-Type: application/json\n"
      "X-Rucio-Auth-Accounts: alice,bob\n"
      "Content-Length: 16\n"
      "body=[\"alice\", \"bob\"]" },
};

#define CORPUS_COUNT (sizeof corpus / sizeof corpus[0])

/* A complete response that may follow any corpus entry on the wire. */
static const char next_response[] = "HTTP/1.1 204 No Content\r\n\r\n";

static void expect_outcome(const corpus_entry *e, const uint8_t *in,
                           size_t len, size_t resp_len, size_t first,
                           size_t step)
{
    run *r = new_run();
    char *text = malloc(TEXT_MAX);

    assert_non_null(text);
    run_pieces(r, in, len, e->is_head, first, step);
    if (r->st != RUCIO_OK || r->consumed != resp_len)
        print_error("%s: first piece %zu, then %zu\n", e->name, first, step);
    assert_int_equal(r->st, RUCIO_OK);
    assert_true(rucio_http_parser_done(&r->parser));
    assert_int_equal(r->consumed, resp_len);
    format_run(r, text, TEXT_MAX);
    if (strcmp(text, e->expect) != 0)
        print_error("%s: first piece %zu, then %zu\n", e->name, first, step);
    assert_string_equal(text, e->expect);
    free(text);
    free(r);
}

/* One-shot, split in two at every offset, byte by byte. */
static void expect_every_split(const corpus_entry *e, const uint8_t *in,
                               size_t len, size_t resp_len)
{
    size_t k;

    expect_outcome(e, in, len, resp_len, len, len);
    for (k = 0; k <= len; k++)
        expect_outcome(e, in, len, resp_len, k, len);
    expect_outcome(e, in, len, resp_len, 1, 1);
}

/* The bytes after the response are left for the next parser. */
static void expect_next_response(const uint8_t *rest, size_t len)
{
    run *r = new_run();

    run_pieces(r, rest, len, 0, len, len);
    assert_int_equal(r->st, RUCIO_OK);
    assert_int_equal(r->consumed, len);
    assert_int_equal(r->resp.status, 204);
    free(r);
}

static void check_entry(const corpus_entry *e, const char *raw, size_t len)
{
    uint8_t *piped;

    expect_every_split(e, (const uint8_t *)raw, len, len);
    if (e->until_close)
        return;
    piped = malloc(len + sizeof next_response);
    assert_non_null(piped);
    memcpy(piped, raw, len);
    memcpy(piped + len, next_response, sizeof next_response - 1);
    expect_every_split(e, piped, len + sizeof next_response - 1, len);
    expect_next_response(piped + len, sizeof next_response - 1);
    free(piped);
}

static void test_corpus_entry(void **state)
{
    const corpus_entry *e = *state;

    check_entry(e, e->raw, strlen(e->raw));
}

/* A Rucio login answer: the token is a 3000-character header value. */
static void test_corpus_auth_token(void **state)
{
    static const char head[] =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/octet-stream\r\n"
        "X-Rucio-Auth-Token: ";
    static const char tail[] =
        "\r\nX-Rucio-Auth-Token-Expires: Sun, 29 Nov 2026 10:19:38 UTC\r\n"
        "X-Rucio-Auth-Account: root\r\n"
        "Content-Length: 0\r\n\r\n";
    char token[3001];
    char *raw = malloc(4096);
    char *expect = malloc(4096);
    corpus_entry e = { "auth_token", NULL, 0, 0, NULL };
    size_t i;

    (void)state;
    assert_non_null(raw);
    assert_non_null(expect);
    for (i = 0; i < 3000; i++)
        token[i] = "root-ddmlab-unknown-0123456789abcdef"[i % 36];
    token[3000] = '\0';
    snprintf(raw, 4096, "%s%s%s", head, token, tail);
    snprintf(expect, 4096,
             "status=200 http=1.1 keep_alive=1 chunked=0 content_length=0 "
             "body_length=0\n"
             "Content-Type: application/octet-stream\n"
             "X-Rucio-Auth-Token: %s\n"
             "X-Rucio-Auth-Token-Expires: Sun, 29 Nov 2026 10:19:38 UTC\n"
             "X-Rucio-Auth-Account: root\n"
             "Content-Length: 0\n"
             "body=", token);
    e.raw = raw;
    e.expect = expect;
    check_entry(&e, raw, strlen(raw));
    free(raw);
    free(expect);
}

/* ---- Header storage and lookup ---------------------------------------------------- */

static void parse_ok(run *r, const char *text, int is_head)
{
    size_t len = strlen(text);

    run_pieces(r, (const uint8_t *)text, len, is_head, len, len);
    assert_int_equal(r->st, RUCIO_OK);
}

static void test_header_lookup(void **state)
{
    run *r = new_run();
    const char *name;
    const char *value;

    (void)state;
    parse_ok(r,
             "HTTP/1.1 200 OK\r\n"
             "Content-Type: application/json\r\n"
             "X-Rucio-Auth-Token: first\r\n"
             "x-rucio-auth-token: second\r\n"
             "Content-Length: 0\r\n\r\n", 0);
    assert_string_equal(r->resp.hdr_buf, "HTTP/1.1 200 OK");
    assert_string_equal(rucio_http_response_header(&r->resp, "content-TYPE"),
                        "application/json");
    assert_string_equal(rucio_http_response_header(&r->resp,
                                                   "X-RUCIO-AUTH-TOKEN"),
                        "first");
    assert_null(rucio_http_response_header(&r->resp, "X-Rucio-Auth"));
    assert_null(rucio_http_response_header(&r->resp, "Content-Type-X"));
    assert_null(rucio_http_response_header(&r->resp, ""));
    rucio_http_response_header_at(&r->resp, 2, &name, &value);
    assert_string_equal(name, "x-rucio-auth-token");
    assert_string_equal(value, "second");
    rucio_http_response_header_at(&r->resp, 4, &name, &value);
    assert_null(name);
    assert_null(value);
    free(r);
}

#define FILL_NAME_LEN 8      /* "X-Fill-a" */
#define FILL_COST_MAX 8010   /* stored bytes of one fill header */

/*
 * A head whose stored form takes exactly `cost` bytes of hdr_buf: the
 * status line (16 bytes with its NUL), "Content-Length: 0" (17 bytes:
 * name, NUL, value, NUL), then fill headers costing name + value + 2.
 * pad is written between colon and value; it is never stored.
 */
static size_t build_head(char *out, size_t cap, size_t cost, const char *pad)
{
    size_t rem = cost - 16 - 17;
    size_t n = (size_t)snprintf(out, cap,
                                "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n");
    char letter = 'a';

    while (rem > 0) {
        size_t c = rem > FILL_COST_MAX + 10 ? FILL_COST_MAX : rem;
        size_t v = c - FILL_NAME_LEN - 2;

        assert_true(c >= FILL_NAME_LEN + 2);
        n += (size_t)snprintf(out + n, cap - n, "X-Fill-%c:%s", letter++, pad);
        assert_true(n + v + 4 < cap);
        memset(out + n, 'v', v);
        n += v;
        n += (size_t)snprintf(out + n, cap - n, "\r\n");
        rem -= c;
    }
    n += (size_t)snprintf(out + n, cap - n, "\r\n");
    return n;
}

static void check_exact_fit(const char *pad)
{
    size_t cap = RUCIO_HTTP_HEADER_BUF + 1024;
    char *text = malloc(cap);
    run *r = new_run();
    size_t len;
    size_t i;
    size_t values = 0;

    assert_non_null(text);
    len = build_head(text, cap, RUCIO_HTTP_HEADER_BUF, pad);
    run_pieces(r, (const uint8_t *)text, len, 0, len, len);
    assert_int_equal(r->st, RUCIO_OK);
    assert_int_equal(r->resp.hdr_used, RUCIO_HTTP_HEADER_BUF);
    for (i = 1; i < r->resp.header_count; i++) {
        const char *name;
        const char *value;

        rucio_http_response_header_at(&r->resp, i, &name, &value);
        assert_int_equal(strlen(name), FILL_NAME_LEN);
        assert_int_equal(strspn(value, "v"), strlen(value));
        values += strlen(value);
    }
    /* every fill byte arrived: nothing was cut */
    assert_int_equal(values + (r->resp.header_count - 1) * (FILL_NAME_LEN + 2),
                     RUCIO_HTTP_HEADER_BUF - 16 - 17);
    assert_int_equal(parse_both_ways(text, len, 0), RUCIO_OK);
    free(text);
    free(r);
}

static void test_header_buffer_exact_fit(void **state)
{
    (void)state;
    check_exact_fit(" ");
    check_exact_fit(" \t  \t ");
}

static void test_header_buffer_one_byte_over(void **state)
{
    size_t cap = RUCIO_HTTP_HEADER_BUF + 1024;
    char *text = malloc(cap);
    size_t len;

    (void)state;
    assert_non_null(text);
    len = build_head(text, cap, RUCIO_HTTP_HEADER_BUF + 1, " ");
    assert_int_equal(parse_both_ways(text, len, 0), RUCIO_E_HEADER_TOO_LARGE);
    len = build_head(text, cap, RUCIO_HTTP_HEADER_BUF + 1, "\t \t");
    assert_int_equal(parse_both_ways(text, len, 0), RUCIO_E_HEADER_TOO_LARGE);
    free(text);
}

/* A head with one header line of line_len bytes (without CR LF). */
static char *head_with_line(size_t line_len)
{
    char *text = malloc(line_len + 64);
    size_t n;

    assert_non_null(text);
    n = (size_t)snprintf(text, 64, "HTTP/1.1 200 OK\r\nX: ");
    memset(text + n, 'v', line_len - 3);
    n += line_len - 3;
    memcpy(text + n, "\r\nContent-Length: 0\r\n\r\n", 24);
    return text;
}

static void test_header_line_limit(void **state)
{
    char *text = head_with_line(RUCIO_HTTP_LINE_MAX);
    run *r = new_run();

    (void)state;
    parse_ok(r, text, 0);
    assert_int_equal(strlen(rucio_http_response_header(&r->resp, "X")),
                     RUCIO_HTTP_LINE_MAX - 3);
    free(text);
    text = head_with_line(RUCIO_HTTP_LINE_MAX + 1);
    assert_int_equal(parse_text(text, 0), RUCIO_E_HEADER_TOO_LARGE);
    free(text);
    free(r);
}

static void test_status_line_limit(void **state)
{
    char *text = malloc(RUCIO_HTTP_LINE_MAX + 64);

    (void)state;
    assert_non_null(text);
    memcpy(text, "HTTP/1.1 200 ", 13);
    memset(text + 13, 'r', RUCIO_HTTP_LINE_MAX - 13);
    strcpy(text + RUCIO_HTTP_LINE_MAX, "\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse_text(text, 0), RUCIO_OK);
    memset(text + 13, 'r', RUCIO_HTTP_LINE_MAX - 12);
    strcpy(text + RUCIO_HTTP_LINE_MAX + 1, "\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse_text(text, 0), RUCIO_E_HEADER_TOO_LARGE);
    free(text);
}

/* A head with count header lines, the first being Content-Length: 0. */
static char *head_with_count(const char *status_line, size_t count)
{
    size_t cap = 64 + count * 32;
    char *text = malloc(cap);
    size_t n;
    size_t i;

    assert_non_null(text);
    n = (size_t)snprintf(text, cap, "%s\r\nContent-Length: 0\r\n", status_line);
    for (i = 1; i < count; i++)
        n += (size_t)snprintf(text + n, cap - n, "X-H%zu: %zu\r\n", i, i);
    snprintf(text + n, cap - n, "\r\n");
    return text;
}

static void test_header_count_limit(void **state)
{
    char *text = head_with_count("HTTP/1.1 200 OK", RUCIO_HTTP_MAX_HEADERS);
    run *r = new_run();

    (void)state;
    parse_ok(r, text, 0);
    assert_int_equal(r->resp.header_count, RUCIO_HTTP_MAX_HEADERS);
    free(text);
    text = head_with_count("HTTP/1.1 200 OK", RUCIO_HTTP_MAX_HEADERS + 1);
    assert_int_equal(parse_text(text, 0), RUCIO_E_TOO_MANY_HEADERS);
    free(text);
    free(r);
}

/* An interim response's headers are dropped: they do not count against
 * the final response's limits. */
static void test_interim_storage_reused(void **state)
{
    char *interim = head_with_count("HTTP/1.1 103 Early Hints",
                                    RUCIO_HTTP_MAX_HEADERS);
    char *final = head_with_count("HTTP/1.1 200 OK", RUCIO_HTTP_MAX_HEADERS);
    size_t cap = 2 * RUCIO_HTTP_HEADER_BUF + 4096;
    char *text = malloc(cap);
    size_t n;
    run *r = new_run();

    (void)state;
    assert_non_null(text);
    n = (size_t)snprintf(text, cap, "%s%s", interim, final);
    assert_int_equal(parse_both_ways(text, n, 0), RUCIO_OK);
    n = build_head(text, cap, RUCIO_HTTP_HEADER_BUF, " ");
    memcpy(text + 9, "100", 3); /* the full-size head becomes interim */
    n += build_head(text + n, cap - n, RUCIO_HTTP_HEADER_BUF, " ");
    run_pieces(r, (const uint8_t *)text, n, 0, n, n);
    assert_int_equal(r->st, RUCIO_OK);
    assert_int_equal(r->resp.status, 200);
    assert_int_equal(r->resp.hdr_used, RUCIO_HTTP_HEADER_BUF);
    free(interim);
    free(final);
    free(text);
    free(r);
}

/* ---- Refused heads ------------------------------------------------------------------- */

typedef struct bytes {
    const char *s;
    size_t n;
} bytes;

#define B(lit) { lit, sizeof(lit) - 1 }

static void expect_all_refused(const bytes *cases, size_t count,
                               const char *before, const char *after,
                               rucio_status want)
{
    size_t i;

    for (i = 0; i < count; i++) {
        char text[512];
        rucio_status got;
        size_t a = strlen(before);
        size_t c = strlen(after);

        assert_true(a + cases[i].n + c < sizeof text);
        memcpy(text, before, a);
        memcpy(text + a, cases[i].s, cases[i].n);
        memcpy(text + a + cases[i].n, after, c);
        got = parse_both_ways(text, a + cases[i].n + c, 0);
        if (got != want)
            print_error("case %zu: status %d\n", i, (int)got);
        assert_int_equal(got, want);
    }
}

static void test_bad_status_lines(void **state)
{
    static const bytes cases[] = {
        B("HTTP/1.2 200 OK"),  B("HTTP/2 200 OK"),     B("HTTP/2.0 200 OK"),
        B("HTTP/1.10 200 OK"), B("HTTP/1.1 20 OK"),    B("HTTP/1.1 2000 OK"),
        B("HTTP/1.1 200OK"),   B("http/1.1 200 OK"),   B("HTTP/1.1  200 OK"),
        B("HTTP/1.1\t200 OK"), B("ICY 200 OK"),        B("HTTP/1.1 099 Low"),
        B("HTTP/1.1 600 High"), B("HTTP/1.1 2x0 OK"),  B("HTTP/1.1 -20 OK"),
        B(" HTTP/1.1 200 OK"), B("HTTP/1.1 200 OK\x01"), B("HTTP/1.1 200 OK\x7f"),
        B("HTTP/1.1 200 O\rK"), B("HTTP/1.1 200 OK\0"), B("HTTP/1.1"),
        B(""),                 B("\r\nHTTP/1.1 200 OK"),
        B("HTTP/1.1 101 Switching Protocols"),
    };

    (void)state;
    expect_all_refused(cases, sizeof cases / sizeof cases[0], "",
                       "\r\nContent-Length: 0\r\n\r\n", RUCIO_E_PROTOCOL);
}

static void test_switching_protocols_refused(void **state)
{
    (void)state;
    assert_int_equal(parse_text("HTTP/1.1 101 Switching Protocols\r\n"
                                "Upgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
                                0),
                     RUCIO_E_PROTOCOL);
    /* also after an interim response */
    assert_int_equal(parse_text("HTTP/1.1 100 Continue\r\n\r\n"
                                "HTTP/1.1 101 Switching Protocols\r\n\r\n", 0),
                     RUCIO_E_PROTOCOL);
}

static void test_bad_field_lines(void **state)
{
    static const bytes cases[] = {
        B("X-Fold: a\r\n b"),   B("X-Fold: a\r\n\tb"),  B(" X-Lead: a"),
        B("\tX-Lead: a"),       B("X-Space : a"),        B("X-Tab\t: a"),
        B(": a"),               B("X-No-Colon"),         B("X-Ctl: a\x01z"),
        B("X-Del: a\x7f"),      B("X-Nul: a\0z"),        B("X-Esc: \x1b[0m"),
        B("X-Cr: a\rz"),        B("X-Cr-Cr: a\r"),       B("X(y): a"),
        B("X\"y: a"),           B("X\x80: a"),           B("X@y: a"),
        B("X/y: a"),            B("X y: a"),             B("X-Nul\0: a"),
    };

    (void)state;
    expect_all_refused(cases, sizeof cases / sizeof cases[0],
                       "HTTP/1.1 200 OK\r\n", "\r\nContent-Length: 0\r\n\r\n",
                       RUCIO_E_PROTOCOL);
}

static void test_bad_framing(void **state)
{
    static const bytes cases[] = {
        B("Transfer-Encoding: chunked\r\nContent-Length: 5"),
        B("Content-Length: 5\r\nTransfer-Encoding: chunked"),
        B("Content-Length: 0\r\nTransfer-Encoding: chunked"),
        B("Content-Length: 5\r\nContent-Length: 6"),
        B("Content-Length: 5, 6"),
        B("Content-Length: 5,"),
        B("Content-Length: ,5"),
        B("Content-Length: abc"),
        B("Content-Length: -1"),
        B("Content-Length: +5"),
        B("Content-Length: 0x5"),
        B("Content-Length: "),
        B("Content-Length: 5 5"),
        B("Content-Length: 5;"),
        B("Content-Length: 18446744073709551616"),
        B("Content-Length: 99999999999999999999999"),
        B("Transfer-Encoding: gzip"),
        B("Transfer-Encoding: chunked, gzip"),
        B("Transfer-Encoding: gzip, chunked"),
        B("Transfer-Encoding: chunked, chunked"),
        B("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked"),
        B("Transfer-Encoding: identity"),
        B("Transfer-Encoding: "),
        B("Transfer-Encoding: chunked;q=1"),
        B("Transfer-Encoding: chunkedx"),
    };

    (void)state;
    expect_all_refused(cases, sizeof cases / sizeof cases[0],
                       "HTTP/1.1 200 OK\r\n", "\r\n\r\n0\r\n\r\n",
                       RUCIO_E_PROTOCOL);
}

static void test_framing_checked_without_body(void **state)
{
    (void)state;
    /* HTTP/1.0 with Transfer-Encoding has faulty framing (RFC 9112 6.1) */
    assert_int_equal(parse_text("HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked"
                                "\r\n\r\n0\r\n\r\n", 0),
                     RUCIO_E_PROTOCOL);
    /* the ambiguity is refused even when no body follows */
    assert_int_equal(parse_text("HTTP/1.1 304 Not Modified\r\nContent-Length: 1"
                                "\r\nTransfer-Encoding: chunked\r\n\r\n", 0),
                     RUCIO_E_PROTOCOL);
    assert_int_equal(parse_text("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
                                "Content-Length: 2\r\n\r\n", 1),
                     RUCIO_E_PROTOCOL);
    /* a HEAD answer may announce the chunked coding it would have used */
    assert_int_equal(parse_text("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                                "\r\n\r\n", 1),
                     RUCIO_OK);
}

static void test_content_length_64bit(void **state)
{
    static const char head[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 5000000000\r\n\r\n";
    uint8_t *in = malloc(sizeof head - 1 + 1000);
    run *r = new_run();
    size_t used;

    (void)state;
    assert_non_null(in);
    memcpy(in, head, sizeof head - 1);
    memset(in + sizeof head - 1, 'x', 1000);
    run_init(r, in, sizeof head - 1 + 1000, 0);
    assert_int_equal(rucio_http_parser_feed(&r->parser, in, sizeof head - 1 + 1000,
                                            &used),
                     RUCIO_OK);
    assert_int_equal(used, sizeof head - 1 + 1000);
    assert_true(rucio_http_parser_head_done(&r->parser));
    assert_false(rucio_http_parser_done(&r->parser));
    assert_int_equal(r->resp.content_length, UINT64_C(5000000000));
    assert_int_equal(r->resp.body_length, 1000);
    assert_int_equal(rucio_http_parser_finish(&r->parser), RUCIO_E_TRUNCATED);
    parse_ok(r, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n",
             1);
    assert_int_equal(r->resp.content_length, UINT64_MAX);
    free(in);
    free(r);
}

/* ---- Keep-alive ------------------------------------------------------------------------ */

typedef struct keep_alive_case {
    const char *head;
    int keep_alive;
} keep_alive_case;

static void test_keep_alive_rules(void **state)
{
    static const keep_alive_case cases[] = {
        { "HTTP/1.1 200 OK\r\n", 1 },
        { "HTTP/1.1 200 OK\r\nConnection: close\r\n", 0 },
        { "HTTP/1.1 200 OK\r\nConnection: CLOSE\r\n", 0 },
        { "HTTP/1.1 200 OK\r\nConnection: Keep-Alive, close\r\n", 0 },
        { "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\n", 0 },
        { "HTTP/1.1 200 OK\r\nConnection: closed\r\n", 1 },
        { "HTTP/1.1 200 OK\r\nConnection: upgrade\r\n", 1 },
        { "HTTP/1.1 200 OK\r\nX-Connection: close\r\n", 1 },
        { "HTTP/1.0 200 OK\r\n", 0 },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n", 1 },
        { "HTTP/1.0 200 OK\r\nConnection: x, KEEP-ALIVE \r\n", 1 },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\n", 0 },
        { "HTTP/1.0 200 OK\r\nConnection: keep-alive-ish\r\n", 0 },
    };
    size_t i;
    run *r = new_run();

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];

        snprintf(text, sizeof text, "%sContent-Length: 0\r\n\r\n", cases[i].head);
        parse_ok(r, text, 0);
        if (r->resp.keep_alive != cases[i].keep_alive)
            print_error("case %zu\n", i);
        assert_int_equal(r->resp.keep_alive, cases[i].keep_alive);
    }
    free(r);
}

/* ---- finish(), progress, errors ---------------------------------------------------------- */

typedef struct finish_case {
    const char *input;
    rucio_status want;
} finish_case;

static void test_finish_in_every_state(void **state)
{
    static const finish_case cases[] = {
        { "", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 20", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\n", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Le", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 100 Continue\r\n\r\n", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcd", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nabcde", RUCIO_OK },
        { "HTTP/1.1 204 No Content\r\n\r\n", RUCIO_OK },
        { "HTTP/1.0 200 OK\r\n\r\n", RUCIO_OK },
        { "HTTP/1.0 200 OK\r\n\r\npartial", RUCIO_OK },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", RUCIO_E_TRUNCATED },
        { "HTTP/1.1 200 OK\r\nX : 1\r\n", RUCIO_E_PROTOCOL },
    };
    size_t i;
    run *r = new_run();

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const uint8_t *in = (const uint8_t *)cases[i].input;
        size_t len = strlen(cases[i].input);
        size_t used;
        rucio_status st;

        run_init(r, in, len, 0);
        st = rucio_http_parser_feed(&r->parser, in, len, &used);
        if (st == RUCIO_OK)
            st = rucio_http_parser_finish(&r->parser);
        if (st != cases[i].want)
            print_error("case %zu\n", i);
        assert_int_equal(st, cases[i].want);
        /* finish() may be called again with the same answer */
        assert_int_equal(rucio_http_parser_finish(&r->parser), cases[i].want);
        assert_int_equal(rucio_http_parser_done(&r->parser),
                         cases[i].want == RUCIO_OK);
    }
    free(r);
}

static void test_progress_flags(void **state)
{
    static const char text[] = "HTTP/1.1 100 Continue\r\n\r\n"
                               "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
                               "okHTTP/1.1 204 No Content\r\n\r\n";
    const uint8_t *in = (const uint8_t *)text;
    size_t interim = 25;
    size_t head = 38;
    run *r = new_run();
    size_t used;

    (void)state;
    run_init(r, in, sizeof text - 1, 0);
    assert_false(rucio_http_parser_head_done(&r->parser));
    assert_int_equal(rucio_http_parser_feed(&r->parser, in, interim, &used),
                     RUCIO_OK);
    assert_int_equal(used, interim);
    assert_false(rucio_http_parser_head_done(&r->parser));
    assert_int_equal(r->resp.header_count, 0);
    assert_int_equal(rucio_http_parser_feed(&r->parser, in + interim, head,
                                            &used),
                     RUCIO_OK);
    assert_true(rucio_http_parser_head_done(&r->parser));
    assert_false(rucio_http_parser_done(&r->parser));
    assert_int_equal(r->resp.status, 200);
    assert_int_equal(rucio_http_parser_feed(&r->parser, in + interim + head,
                                            sizeof text - 1 - interim - head,
                                            &used),
                     RUCIO_OK);
    assert_int_equal(used, 2);
    assert_true(rucio_http_parser_done(&r->parser));
    assert_memory_equal(r->body.data, "ok", 2);
    /* once done, nothing more is taken */
    assert_int_equal(rucio_http_parser_feed(&r->parser, in + interim + head + 2,
                                            4, &used),
                     RUCIO_OK);
    assert_int_equal(used, 0);
    assert_int_equal(rucio_http_parser_finish(&r->parser), RUCIO_OK);
    free(r);
}

/* Several responses back to back in one buffer, each parsed by a fresh
 * parser from where the previous one stopped. */
static void test_pipelined_responses(void **state)
{
    static const char text[] =
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
        "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\nno\r\n0\r\n\r\n"
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n"
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!";
    static const int statuses[] = { 200, 404, 304, 200 };
    static const char *const bodies[] = { "abc", "no", "", "!" };
    const uint8_t *in = (const uint8_t *)text;
    size_t pos = 0;
    size_t i;
    run *r = new_run();

    (void)state;
    for (i = 0; i < 4; i++) {
        size_t used;

        run_init(r, in, sizeof text - 1, 0);
        assert_int_equal(rucio_http_parser_feed(&r->parser, in + pos,
                                                sizeof text - 1 - pos, &used),
                         RUCIO_OK);
        assert_true(rucio_http_parser_done(&r->parser));
        assert_int_equal(r->resp.status, statuses[i]);
        assert_int_equal(r->body.len, strlen(bodies[i]));
        assert_memory_equal(r->body.data, bodies[i], r->body.len);
        pos += used;
    }
    assert_int_equal(pos, sizeof text - 1);
    free(r);
}

static void test_error_is_sticky(void **state)
{
    static const char text[] = "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n";
    run *r = new_run();
    size_t used;

    (void)state;
    run_init(r, (const uint8_t *)text, sizeof text - 1, 0);
    assert_int_equal(rucio_http_parser_feed(&r->parser, (const uint8_t *)text,
                                            sizeof text - 1, &used),
                     RUCIO_E_PROTOCOL);
    assert_true(used < sizeof text - 1);
    assert_int_equal(rucio_http_parser_feed(&r->parser, (const uint8_t *)text,
                                            sizeof text - 1, &used),
                     RUCIO_E_PROTOCOL);
    assert_int_equal(used, 0);
    assert_int_equal(rucio_http_parser_finish(&r->parser), RUCIO_E_PROTOCOL);
    assert_false(rucio_http_parser_done(&r->parser));
    free(r);
}

/* ---- Sinks --------------------------------------------------------------------------- */

static void expect_sink_error(const char *text, size_t first, size_t fail_call,
                              uint64_t body_before)
{
    const uint8_t *in = (const uint8_t *)text;
    size_t len = strlen(text);
    run *r = new_run();
    size_t used;

    run_init(r, in, len, 0);
    r->body.fail_call = fail_call;
    r->body.fail_status = RUCIO_E_ABORTED;
    assert_int_equal(rucio_http_parser_feed(&r->parser, in, first, &used),
                     RUCIO_OK);
    assert_int_equal(rucio_http_parser_feed(&r->parser, in + first, len - first,
                                            &used),
                     RUCIO_E_ABORTED);
    assert_int_equal(r->resp.body_length, body_before);
    assert_int_equal(r->body.len, body_before);
    /* the sink's own status comes back, again and again */
    assert_int_equal(rucio_http_parser_feed(&r->parser, in, len, &used),
                     RUCIO_E_ABORTED);
    assert_int_equal(used, 0);
    assert_int_equal(rucio_http_parser_finish(&r->parser), RUCIO_E_ABORTED);
    free(r);
}

static void test_sink_error_stops_parse(void **state)
{
    (void)state;
    expect_sink_error("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdef",
                      41, 2, 3);
    expect_sink_error("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n",
                      5, 2, 3);
    expect_sink_error("HTTP/1.0 200 OK\r\n\r\nabcdef", 22, 2, 3);
    expect_sink_error("HTTP/1.0 200 OK\r\n\r\nabcdef", 5, 1, 0);
}

static void test_null_sink_drops_body(void **state)
{
    static const char text[] =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
    rucio_http_response resp;
    rucio_http_parser p;
    rucio_http_sink no_write = { NULL, NULL };
    size_t used;

    (void)state;
    rucio_http_parser_init(&p, &resp, 0, NULL);
    assert_int_equal(rucio_http_parser_feed(&p, (const uint8_t *)text,
                                            sizeof text - 1, &used),
                     RUCIO_OK);
    assert_true(rucio_http_parser_done(&p));
    assert_int_equal(used, sizeof text - 1);
    assert_int_equal(resp.body_length, 11);
    rucio_http_parser_init(&p, &resp, 0, &no_write);
    assert_int_equal(rucio_http_parser_feed(&p, (const uint8_t *)text,
                                            sizeof text - 1, &used),
                     RUCIO_OK);
    assert_true(rucio_http_parser_done(&p));
    assert_int_equal(resp.body_length, 11);
}

static void test_buffer_sink(void **state)
{
    char data[10];
    rucio_http_buffer b;
    rucio_http_sink sink;

    (void)state;
    memset(data, 'X', sizeof data);
    rucio_http_buffer_init(&b, data, sizeof data);
    assert_string_equal(data, "");
    rucio_http_buffer_sink(&b, &sink);
    assert_ptr_equal(sink.user, &b);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"12345", 5), RUCIO_OK);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"6789", 4), RUCIO_OK);
    assert_string_equal(data, "123456789");
    assert_int_equal(b.len, 9);
    /* one more byte does not fit: refused, nothing cut or overwritten */
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"0", 1),
                     RUCIO_E_BODY_TOO_LARGE);
    assert_string_equal(data, "123456789");
    assert_int_equal(b.len, 9);

    rucio_http_buffer_init(&b, data, sizeof data);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"12345", 5), RUCIO_OK);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"67890", 5),
                     RUCIO_E_BODY_TOO_LARGE);
    assert_string_equal(data, "12345");

    rucio_http_buffer_init(&b, data, 1);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"1", 1),
                     RUCIO_E_BODY_TOO_LARGE);
    assert_string_equal(data, "");
    rucio_http_buffer_init(&b, NULL, 0);
    assert_int_equal(sink.write(sink.user, (const uint8_t *)"1", 1),
                     RUCIO_E_BODY_TOO_LARGE);
}

static rucio_status parse_into(const char *text, char *data, size_t cap,
                               rucio_http_buffer *b)
{
    rucio_http_response resp;
    rucio_http_parser p;
    rucio_http_sink sink;
    size_t used;

    rucio_http_buffer_init(b, data, cap);
    rucio_http_buffer_sink(b, &sink);
    rucio_http_parser_init(&p, &resp, 0, &sink);
    return rucio_http_parser_feed(&p, (const uint8_t *)text, strlen(text), &used);
}

static void test_buffer_sink_with_parser(void **state)
{
    char data[10];
    rucio_http_buffer b;

    (void)state;
    assert_int_equal(parse_into("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n"
                                "123456789", data, sizeof data, &b),
                     RUCIO_OK);
    assert_string_equal(data, "123456789");
    assert_int_equal(parse_into("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
                                "1234567890", data, sizeof data, &b),
                     RUCIO_E_BODY_TOO_LARGE);
    assert_int_equal(parse_into("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
                                "\r\n\r\n5\r\n12345\r\n5\r\n67890\r\n0\r\n\r\n",
                                data, sizeof data, &b),
                     RUCIO_E_BODY_TOO_LARGE);
    assert_string_equal(data, "12345");
}

/* ---- Framing edges (coverage) ----------------------------------------------------- */

static void test_cov_framing_list_whitespace_and_304(void **state)
{
    run *r = new_run();

    (void)state;
    /* List elements lose spaces and tabs on both sides. */
    parse_ok(r, "HTTP/1.1 200 OK\r\nConnection: keep-alive ,\tclose\r\n"
                "Content-Length: 0\r\n\r\n", 0);
    assert_int_equal(r->resp.keep_alive, 0);
    parse_ok(r, "HTTP/1.0 200 OK\r\nConnection: foo\t, keep-alive \r\n"
                "Content-Length: 0\r\n\r\n", 0);
    assert_int_equal(r->resp.keep_alive, 1);
    /* 304 has no body, whatever Content-Length says. */
    parse_ok(r, "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", 0);
    assert_int_equal(r->resp.status, 304);
    assert_int_equal(r->body.len, 0);
    assert_true(rucio_http_parser_done(&r->parser));
    free(r);
    /* The first bad field stops the check; the fields after it are not
     * looked at. */
    assert_int_equal(parse_text("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n"
                                "Content-Length: 2\r\nX-After: y\r\n\r\nab",
                                0),
                     RUCIO_E_PROTOCOL);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_corpus_auth_token),
        cmocka_unit_test(test_header_lookup),
        cmocka_unit_test(test_header_buffer_exact_fit),
        cmocka_unit_test(test_header_buffer_one_byte_over),
        cmocka_unit_test(test_header_line_limit),
        cmocka_unit_test(test_status_line_limit),
        cmocka_unit_test(test_header_count_limit),
        cmocka_unit_test(test_interim_storage_reused),
        cmocka_unit_test(test_bad_status_lines),
        cmocka_unit_test(test_switching_protocols_refused),
        cmocka_unit_test(test_bad_field_lines),
        cmocka_unit_test(test_bad_framing),
        cmocka_unit_test(test_framing_checked_without_body),
        cmocka_unit_test(test_content_length_64bit),
        cmocka_unit_test(test_keep_alive_rules),
        cmocka_unit_test(test_finish_in_every_state),
        cmocka_unit_test(test_progress_flags),
        cmocka_unit_test(test_pipelined_responses),
        cmocka_unit_test(test_error_is_sticky),
        cmocka_unit_test(test_sink_error_stops_parse),
        cmocka_unit_test(test_null_sink_drops_body),
        cmocka_unit_test(test_buffer_sink),
        cmocka_unit_test(test_buffer_sink_with_parser),
        cmocka_unit_test(test_cov_framing_list_whitespace_and_304),
    };
    struct CMUnitTest tests[CORPUS_COUNT + sizeof fixed / sizeof fixed[0]];
    size_t i;

    for (i = 0; i < CORPUS_COUNT; i++) {
        tests[i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_corpus_entry,
                                                                &corpus[i]);
        tests[i].name = corpus[i].name;
    }
    for (i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        tests[CORPUS_COUNT + i] = fixed[i];
    return _cmocka_run_group_tests("response", tests,
                                   sizeof tests / sizeof tests[0], NULL, NULL);
}
