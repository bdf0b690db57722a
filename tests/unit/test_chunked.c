/*
 * Unit tests: chunked transfer coding in the HTTP response parser (chunk
 * sizes, extensions, data ends, trailers, limits, end of stream).
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

#define HEAD "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
#define HEAD_LEN (sizeof HEAD - 1)
#define BODY_MAX 65536

/* ---- Parsing with a recording sink -------------------------------------- */

typedef struct parse {
    rucio_http_response resp;
    rucio_http_parser parser;
    uintptr_t in_lo;            /* fragments must point into the input */
    uintptr_t in_hi;
    size_t calls;
    size_t fail_call;           /* sink call that fails (0: none) */
    size_t len;
    uint8_t body[BODY_MAX];
} parse;

static rucio_status keep_body(void *user, const uint8_t *data, size_t len)
{
    parse *p = user;
    uintptr_t at = (uintptr_t)data;

    assert_true(len > 0);
    assert_true(at >= p->in_lo && at + len <= p->in_hi); /* zero copy */
    if (++p->calls == p->fail_call)
        return RUCIO_E_ABORTED;
    assert_true(len <= BODY_MAX - p->len);
    memcpy(p->body + p->len, data, len);
    p->len += len;
    return RUCIO_OK;
}

static parse *new_parse(const char *text, size_t len)
{
    parse *p = calloc(1, sizeof *p);
    rucio_http_sink sink = { keep_body, NULL };

    assert_non_null(p);
    sink.user = p;
    p->in_lo = (uintptr_t)text;
    p->in_hi = (uintptr_t)text + len;
    rucio_http_parser_init(&p->parser, &p->resp, 0, &sink);
    return p;
}

/* Feed text in the pieces [0,a) [a,b) [b,len); *consumed gets the bytes
 * taken. The end of the input is the end of the connection. */
static rucio_status feed_three(parse *p, const char *text, size_t len,
                               size_t a, size_t b, size_t *consumed)
{
    const size_t cut[4] = { 0, a, b, len };
    size_t i;

    *consumed = 0;
    for (i = 0; i < 3 && !rucio_http_parser_done(&p->parser); i++) {
        size_t used;
        rucio_status st = rucio_http_parser_feed(
            &p->parser, (const uint8_t *)text + cut[i], cut[i + 1] - cut[i],
            &used);

        *consumed += used;
        if (st != RUCIO_OK)
            return st;
    }
    return rucio_http_parser_finish(&p->parser);
}

static rucio_status feed_bytewise(parse *p, const char *text, size_t len)
{
    size_t i;

    for (i = 0; i < len && !rucio_http_parser_done(&p->parser); i++) {
        size_t used;
        rucio_status st = rucio_http_parser_feed(
            &p->parser, (const uint8_t *)text + i, 1, &used);

        if (st != RUCIO_OK)
            return st;
    }
    return rucio_http_parser_finish(&p->parser);
}

/* Parse HEAD + chunked one-shot and byte by byte; both must agree. */
static rucio_status parse_chunked(const char *chunked, size_t n,
                                  char *body_out, size_t body_cap)
{
    char *text = malloc(HEAD_LEN + n);
    parse *p;
    parse *q;
    size_t used;
    rucio_status one_shot;
    rucio_status byte_wise;

    assert_non_null(text);
    memcpy(text, HEAD, HEAD_LEN);
    memcpy(text + HEAD_LEN, chunked, n);
    p = new_parse(text, HEAD_LEN + n);
    q = new_parse(text, HEAD_LEN + n);
    one_shot = feed_three(p, text, HEAD_LEN + n, HEAD_LEN + n, HEAD_LEN + n,
                          &used);
    byte_wise = feed_bytewise(q, text, HEAD_LEN + n);
    assert_int_equal(one_shot, byte_wise);
    assert_int_equal(p->len, q->len);
    assert_memory_equal(p->body, q->body, p->len);
    if (body_out != NULL) {
        assert_true(p->len < body_cap);
        memcpy(body_out, p->body, p->len);
        body_out[p->len] = '\0';
    }
    free(text);
    free(p);
    free(q);
    return one_shot;
}

static rucio_status parse_chunked_text(const char *chunked)
{
    return parse_chunked(chunked, strlen(chunked), NULL, 0);
}

static rucio_status parse_chunked_body(const char *chunked, char *body_out,
                                       size_t body_cap)
{
    return parse_chunked(chunked, strlen(chunked), body_out, body_cap);
}

/* ---- Many chunks and every boundary ----------------------------------------- */

#define MANY 1000

/* MANY chunks of 1..37 bytes; returns the text length, body in *body. */
static size_t build_many_chunks(char *text, size_t cap, char *body,
                                size_t *body_len)
{
    size_t n = (size_t)snprintf(text, cap, "%s", HEAD);
    size_t i;

    *body_len = 0;
    for (i = 0; i < MANY; i++) {
        size_t size = i % 37 + 1;
        size_t k;

        n += (size_t)snprintf(text + n, cap - n, "%zx\r\n", size);
        for (k = 0; k < size; k++) {
            char c = (char)('a' + (i + k) % 26);

            body[(*body_len)++] = c;
            text[n++] = c;
        }
        n += (size_t)snprintf(text + n, cap - n, "\r\n");
    }
    n += (size_t)snprintf(text + n, cap - n, "0\r\n\r\n");
    return n;
}

/* Zephyr lost every chunk but the first of a read: all must arrive. */
static void test_many_chunks_in_one_feed(void **state)
{
    size_t cap = MANY * 48 + 256;
    char *text = malloc(cap);
    char *body = malloc(MANY * 37);
    size_t body_len;
    size_t len;
    size_t used;
    parse *p;

    (void)state;
    assert_non_null(text);
    assert_non_null(body);
    len = build_many_chunks(text, cap - 32, body, &body_len);
    memcpy(text + len, "HTTP/1.1 204 No Content\r\n\r\n", 27);
    p = new_parse(text, len + 27);
    assert_int_equal(rucio_http_parser_feed(&p->parser, (const uint8_t *)text,
                                            len + 27, &used),
                     RUCIO_OK);
    assert_true(rucio_http_parser_done(&p->parser));
    assert_int_equal(used, len);
    assert_int_equal(p->calls, MANY);
    assert_int_equal(p->len, body_len);
    assert_int_equal(p->resp.body_length, body_len);
    assert_memory_equal(p->body, body, body_len);
    free(p);
    free(text);
    free(body);
}

static void test_sink_error_among_many_chunks(void **state)
{
    size_t cap = MANY * 48 + 256;
    char *text = malloc(cap);
    char *body = malloc(MANY * 37);
    size_t body_len;
    size_t len;
    size_t used;
    size_t before = 0;
    size_t i;
    parse *p;

    (void)state;
    assert_non_null(text);
    assert_non_null(body);
    len = build_many_chunks(text, cap, body, &body_len);
    p = new_parse(text, len);
    p->fail_call = 500;
    assert_int_equal(rucio_http_parser_feed(&p->parser, (const uint8_t *)text,
                                            len, &used),
                     RUCIO_E_ABORTED);
    for (i = 0; i < 499; i++)
        before += i % 37 + 1;
    assert_int_equal(p->resp.body_length, before);
    assert_int_equal(p->len, before);
    free(p);
    free(text);
    free(body);
}

static void test_chunk_boundaries_at_every_offset(void **state)
{
    static const char text[] =
        HEAD "5\r\nhello\r\n1;a=b\r\n,\r\n6 \r\n world\r\n"
        "10\r\n, and more text.\r\n0\r\nX-T: 1\r\n\r\n"
        "HTTP/1.1 204 No Content\r\n\r\n";
    static const char want[] = "hello, world, and more text.";
    size_t len = sizeof text - 1;
    size_t a;
    size_t b;

    (void)state;
    for (a = 0; a <= len; a++) {
        for (b = a; b <= len; b++) {
            parse *p = new_parse(text, len);
            size_t used;

            assert_int_equal(feed_three(p, text, len, a, b, &used), RUCIO_OK);
            assert_int_equal(used, len - 27);
            assert_int_equal(p->len, sizeof want - 1);
            assert_memory_equal(p->body, want, sizeof want - 1);
            free(p);
        }
    }
}

/* ---- Chunk-size lines -------------------------------------------------------- */

typedef struct bytes {
    const char *s;
    size_t n;
} bytes;

#define B(lit) { lit, sizeof(lit) - 1 }

static void test_bad_chunk_sizes(void **state)
{
    static const bytes cases[] = {
        B("1x"),        B(""),           B(" 1"),        B("\t1"),
        B("0x1"),       B("-1"),         B("+1"),        B("1 2"),
        B("g"),         B(";ext"),       B("1\x01"),     B("1\x7f"),
        B("1;a\x01z"),  B("1;a\0z"),     B("1\r"),       B("1 x"),
        B("00000000000000001"),          B("FFFFFFFFFFFFFFFFF"),
        B("10000000000000000"),          B("1,2"),
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char chunked[64];
        size_t n = cases[i].n;

        memcpy(chunked, cases[i].s, n);
        memcpy(chunked + n, "\r\nx\r\n0\r\n\r\n", 10);
        if (parse_chunked(chunked, n + 10, NULL, 0) != RUCIO_E_PROTOCOL)
            print_error("case %zu was accepted\n", i);
        assert_int_equal(parse_chunked(chunked, n + 10, NULL, 0),
                         RUCIO_E_PROTOCOL);
    }
}

static void test_good_chunk_size_forms(void **state)
{
    static const bytes cases[] = {
        B("1"),        B("1 "),          B("1\t"),       B("1\t;x"),
        B("1;"),       B("1 ; a=b"),     B("1;a=\"q;\\\"x\""),
        B("0001"),     B("000000000000001"),             B("0000000000000001"),
        B("1;\x80\xff"), B("1;a\tb"),
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char chunked[64];
        char body[8];
        size_t n = cases[i].n;

        memcpy(chunked, cases[i].s, n);
        memcpy(chunked + n, "\r\nx\r\n0\r\n\r\n", 10);
        if (parse_chunked(chunked, n + 10, body, sizeof body) != RUCIO_OK)
            print_error("case %zu was refused\n", i);
        assert_int_equal(parse_chunked(chunked, n + 10, body, sizeof body),
                         RUCIO_OK);
        assert_string_equal(body, "x");
    }
}

static void test_hex_digits(void **state)
{
    static const char chunked[] = "a\r\n0123456789\r\nB\r\nabcdefghijk\r\n"
                                  "0\r\n\r\n";
    char body[64];

    (void)state;
    assert_int_equal(parse_chunked(chunked, sizeof chunked - 1, body,
                                   sizeof body),
                     RUCIO_OK);
    assert_string_equal(body, "0123456789abcdefghijk");
}

/* 16 hex digits fill 64 bits; the size is taken as it is. */
static void test_chunk_size_64bit(void **state)
{
    static const char head[] = HEAD "FFFFFFFFFFFFFFFF\r\n";
    char text[sizeof head - 1 + 100];
    parse *p;
    size_t used;

    (void)state;
    memcpy(text, head, sizeof head - 1);
    memset(text + sizeof head - 1, 'z', 100);
    p = new_parse(text, sizeof text);
    assert_int_equal(rucio_http_parser_feed(&p->parser, (const uint8_t *)text,
                                            sizeof text, &used),
                     RUCIO_OK);
    assert_int_equal(used, sizeof text);
    assert_int_equal(p->resp.body_length, 100);
    assert_false(rucio_http_parser_done(&p->parser));
    assert_int_equal(rucio_http_parser_finish(&p->parser), RUCIO_E_TRUNCATED);
    free(p);
}

static void test_extension_length_limit(void **state)
{
    size_t n = RUCIO_HTTP_LINE_MAX + 16;
    char *chunked = malloc(n + 16);

    (void)state;
    assert_non_null(chunked);
    /* "1;" then extension bytes: the line is exactly RUCIO_HTTP_LINE_MAX */
    memcpy(chunked, "1;", 2);
    memset(chunked + 2, 'e', RUCIO_HTTP_LINE_MAX - 2);
    memcpy(chunked + RUCIO_HTTP_LINE_MAX, "\r\nx\r\n0\r\n\r\n", 10);
    assert_int_equal(parse_chunked(chunked, RUCIO_HTTP_LINE_MAX + 10, NULL, 0),
                     RUCIO_OK);
    memset(chunked + 2, 'e', RUCIO_HTTP_LINE_MAX - 1);
    memcpy(chunked + RUCIO_HTTP_LINE_MAX + 1, "\r\nx\r\n0\r\n\r\n", 10);
    assert_int_equal(parse_chunked(chunked, RUCIO_HTTP_LINE_MAX + 11, NULL, 0),
                     RUCIO_E_PROTOCOL);
    free(chunked);
}

/* ---- Chunk data ends ---------------------------------------------------------- */

static void test_chunk_data_end(void **state)
{
    static const char *const bad[] = {
        "3\r\nabcX\r\n0\r\n\r\n", "3\r\nabc\rX\n0\r\n\r\n",
        "3\r\nabc\r\r\n0\r\n\r\n", "3\r\nabc \r\n0\r\n\r\n",
        "3\r\nabcd\r\n0\r\n\r\n", "3\r\nabc0\r\n\r\n",
    };
    char body[16];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_chunked_text(bad[i]), RUCIO_E_PROTOCOL);
    assert_int_equal(parse_chunked_body("3\r\nabc\n0\r\n\r\n", body,
                                        sizeof body),
                     RUCIO_OK);
    assert_string_equal(body, "abc");
    /* chunk data is counted, not scanned: CR LF inside it is data */
    assert_int_equal(parse_chunked_body("4\r\na\r\nb\r\n0\r\n\r\n", body,
                                        sizeof body),
                     RUCIO_OK);
    assert_string_equal(body, "a\r\nb");
}

/* ---- Trailers ----------------------------------------------------------------- */

static void test_trailers_are_dropped(void **state)
{
    static const char text[] =
        HEAD "3\r\nabc\r\n0\r\nX-Checksum: adler32:01234567\r\n"
        "Content-Length: 99\r\nConnection: close\r\n\r\n";
    parse *p = new_parse(text, sizeof text - 1);
    size_t used;

    (void)state;
    assert_int_equal(feed_three(p, text, sizeof text - 1, sizeof text - 1,
                                sizeof text - 1, &used),
                     RUCIO_OK);
    assert_int_equal(used, sizeof text - 1);
    assert_int_equal(p->resp.header_count, 1);
    assert_null(rucio_http_response_header(&p->resp, "X-Checksum"));
    assert_null(rucio_http_response_header(&p->resp, "Content-Length"));
    assert_int_equal(p->resp.has_content_length, 0);
    assert_int_equal(p->resp.keep_alive, 1);
    assert_int_equal(p->resp.chunked, 1);
    free(p);
}

/* "0\r\n", count trailer lines of line_len bytes, the final empty line. */
static char *build_trailers(size_t count, size_t line_len, size_t *out_len)
{
    size_t cap = 16 + count * (line_len + 2);
    char *s = malloc(cap);
    size_t n = 3;
    size_t i;

    assert_non_null(s);
    memcpy(s, "0\r\n", 3);
    for (i = 0; i < count; i++) {
        n += (size_t)snprintf(s + n, cap - n, "T%03zu: ", i);
        memset(s + n, 'v', line_len - 6);
        n += line_len - 6;
        memcpy(s + n, "\r\n", 2);
        n += 2;
    }
    memcpy(s + n, "\r\n", 2);
    *out_len = n + 2;
    return s;
}

static void test_trailer_limits(void **state)
{
    size_t n;
    char *s;

    (void)state;
    /* far more than hdr_buf holds in total: trailers are not stored */
    s = build_trailers(RUCIO_HTTP_MAX_HEADERS, RUCIO_HTTP_LINE_MAX, &n);
    assert_int_equal(parse_chunked(s, n, NULL, 0), RUCIO_OK);
    free(s);
    s = build_trailers(RUCIO_HTTP_MAX_HEADERS + 1, 16, &n);
    assert_int_equal(parse_chunked(s, n, NULL, 0), RUCIO_E_TOO_MANY_HEADERS);
    free(s);
    s = build_trailers(1, RUCIO_HTTP_LINE_MAX + 1, &n);
    assert_int_equal(parse_chunked(s, n, NULL, 0), RUCIO_E_HEADER_TOO_LARGE);
    free(s);
}

static void test_bad_trailers(void **state)
{
    static const char *const bad[] = {
        "0\r\nX: a\r\n b\r\n\r\n", "0\r\n X: a\r\n\r\n",
        "0\r\nX : a\r\n\r\n",      "0\r\nX\r\n\r\n",
        "0\r\n: a\r\n\r\n",        "0\r\nX: a\x01\r\n\r\n",
        "0\r\nX: a\rb\r\n\r\n",    "0\r\n\rX\r\n",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse_chunked_text(bad[i]), RUCIO_E_PROTOCOL);
}

/* ---- End of stream ---------------------------------------------------------------- */

static void test_finish_inside_chunked_framing(void **state)
{
    static const char *const cut[] = {
        "",               "5",               "5;ext",
        "5\r",            "5\r\n",           "5\r\nhel",
        "5\r\nhello",     "5\r\nhello\r",    "5\r\nhello\r\n",
        "5\r\nhello\r\n0", "5\r\nhello\r\n0\r\n",
        "5\r\nhello\r\n0\r\nX-T: 1\r\n",    "5\r\nhello\r\n0\r\nX-T",
        "5\r\nhello\r\n0\r\n\r",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof cut / sizeof cut[0]; i++)
        assert_int_equal(parse_chunked_text(cut[i]), RUCIO_E_TRUNCATED);
    assert_int_equal(parse_chunked_text("5\r\nhello\r\n0\r\n\r\n"), RUCIO_OK);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_chunks_in_one_feed),
        cmocka_unit_test(test_sink_error_among_many_chunks),
        cmocka_unit_test(test_chunk_boundaries_at_every_offset),
        cmocka_unit_test(test_bad_chunk_sizes),
        cmocka_unit_test(test_good_chunk_size_forms),
        cmocka_unit_test(test_hex_digits),
        cmocka_unit_test(test_chunk_size_64bit),
        cmocka_unit_test(test_extension_length_limit),
        cmocka_unit_test(test_chunk_data_end),
        cmocka_unit_test(test_trailers_are_dropped),
        cmocka_unit_test(test_trailer_limits),
        cmocka_unit_test(test_bad_trailers),
        cmocka_unit_test(test_finish_inside_chunked_framing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
