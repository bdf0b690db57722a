/*
 * Unit tests for the fast paths of the warm call (issue 10): the byte
 * classes and the eight-bytes-at-a-time text scan (src/http/text.h), the
 * tchar lookup, the header check built on them, and the parser's runs
 * (line_run), each against a plain byte-by-byte reference so that a
 * faster path can never accept or refuse anything the slow one did not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ascii.h"
#include "http/text.h"
#include "rucio/http.h"

/* ---- References: the rules as RFC 9110 states them ------------------------ */

static int ref_tchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z') ||
           (c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int ref_text(int c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

static size_t ref_text_run(const uint8_t *s, size_t len)
{
    size_t n = 0;

    while (n < len && ref_text(s[n]))
        n++;
    return n;
}

/* ---- Byte classes ------------------------------------------------------------ */

static void test_classes_match_rfc(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        assert_int_equal(rl_http_is_name_byte((uint8_t)c), ref_tchar(c));
        assert_int_equal(rl_http_is_text_byte((uint8_t)c), ref_text(c));
    }
}

/* Every byte value at every offset of buffers that end on and off the
 * eight-byte words, in a run of good text: the scan stops exactly where
 * the reference does. */
static void test_text_run_every_byte_every_offset(void **state)
{
    uint8_t buf[40];

    (void)state;
    for (size_t len = 0; len <= sizeof buf; len++) {
        for (size_t at = 0; at < len; at++) {
            for (int c = 0; c < 256; c++) {
                memset(buf, 'a', sizeof buf);
                buf[at] = (uint8_t)c;
                assert_int_equal(rl_http_text_run(buf, len),
                                 ref_text_run(buf, len));
            }
        }
        memset(buf, 'a', sizeof buf);
        assert_int_equal(rl_http_text_run(buf, len), len);
    }
}

/* HTAB flags a word without ending the text: the scan goes on past it,
 * and stops at a refused byte in a later word. */
static void test_text_run_tabs_and_high_bytes(void **state)
{
    uint8_t buf[64];

    (void)state;
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i % 3 == 0 ? '\t' : 0x80 + i);
    assert_int_equal(rl_http_text_run(buf, sizeof buf), sizeof buf);
    buf[50] = 0x7f;
    assert_int_equal(rl_http_text_run(buf, sizeof buf), 50);
    buf[17] = '\r';
    assert_int_equal(rl_http_text_run(buf, sizeof buf), 17);
    buf[0] = '\0';
    assert_int_equal(rl_http_text_run(buf, sizeof buf), 0);
}

/* ---- The header check --------------------------------------------------------- */

/* A 3,000-character token is accepted; one bad byte anywhere in it,
 * near the start, the end or a word boundary, is refused. */
static void test_header_check_long_value(void **state)
{
    static char token[3001];
    rucio_http_header h = {"X-Rucio-Auth-Token", token};
    static const uint8_t bad[] = {'\r', '\n', 0x01, 0x1f, 0x7f};

    (void)state;
    for (size_t i = 0; i < sizeof token - 1; i++)
        token[i] = (char)('a' + i % 26);
    token[sizeof token - 1] = '\0';
    assert_int_equal(rucio_http_header_check(&h), RUCIO_OK);
    for (size_t b = 0; b < sizeof bad; b++) {
        static const size_t where[] = {0, 1, 7, 8, 9, 15, 16, 1500, 2991,
                                       2992, 2998, 2999};

        for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
            char keep = token[where[w]];

            token[where[w]] = (char)bad[b];
            assert_int_equal(rucio_http_header_check(&h), RUCIO_E_BAD_HEADER);
            token[where[w]] = keep;
        }
    }
    token[9] = '\t';
    token[2000] = (char)0xe9; /* obs-text, e.g. ISO-8859-1 */
    assert_int_equal(rucio_http_header_check(&h), RUCIO_OK);
}

static void test_header_check_names(void **state)
{
    char name[8];
    rucio_http_header h = {name, "v"};

    (void)state;
    for (int c = 1; c < 256; c++) {
        snprintf(name, sizeof name, "X%cY", c);
        assert_int_equal(rucio_http_header_check(&h) == RUCIO_OK,
                         ref_tchar(c));
    }
    h.name = "";
    assert_int_equal(rucio_http_header_check(&h), RUCIO_E_BAD_HEADER);
    h.name = "CONTENT-length";
    assert_int_equal(rucio_http_header_check(&h), RUCIO_E_INVALID_ARG);
    h.name = "Hosts";
    assert_int_equal(rucio_http_header_check(&h), RUCIO_OK);
    h.name = "Hos";
    assert_int_equal(rucio_http_header_check(&h), RUCIO_OK);
}

/* ---- The parser's runs ------------------------------------------------------------ */

static rucio_http_response resp;

static rucio_status parse(const char *text, size_t len)
{
    rucio_http_parser p;
    size_t used = 0;
    rucio_status st;

    rucio_http_parser_init(&p, &resp, 0, NULL);
    st = rucio_http_parser_feed(&p, (const uint8_t *)text, len, &used);
    if (st != RUCIO_OK)
        return st;
    return rucio_http_parser_finish(&p);
}

/* One byte of every value inside a long header value and a long field
 * name: what the runs accept and refuse is what the RFC says. */
static void test_parser_runs_every_byte(void **state)
{
    static char msg[256];
    const char *value;

    (void)state;
    for (int c = 0; c < 256; c++) {
        int len;

        if (c == '\r' || c == '\n')
            continue; /* line ends: another test of their own */
        len = snprintf(msg, sizeof msg,
                       "HTTP/1.1 200 OK\r\nX-Value: abcdefghijklmnop_Zqrstuvw"
                       "\r\nContent-Length: 0\r\n\r\n");
        msg[strlen("HTTP/1.1 200 OK\r\nX-Value: abcdefghijklmnop_")] = (char)c;
        if (!ref_text(c)) {
            assert_int_equal(parse(msg, (size_t)len), RUCIO_E_PROTOCOL);
        } else {
            assert_int_equal(parse(msg, (size_t)len), RUCIO_OK);
            value = rucio_http_response_header(&resp, "X-Value");
            assert_non_null(value);
            assert_int_equal((unsigned char)value[17], c);
        }
        len = snprintf(msg, sizeof msg,
                       "HTTP/1.1 200 OK\r\nX-Long-Field-Name-Zabc: v"
                       "\r\nContent-Length: 0\r\n\r\n");
        msg[strlen("HTTP/1.1 200 OK\r\nX-Long-Field-Name-")] = (char)c;
        assert_int_equal(parse(msg, (size_t)len) == RUCIO_OK,
                         ref_tchar(c) ? 1 : c == ':' ? 1 : 0);
    }
}

/* A value of exactly the longest line is kept whole; one byte more is
 * refused, as byte by byte. */
static void test_parser_run_line_limit(void **state)
{
    static char msg[RUCIO_HTTP_LINE_MAX + 128];
    const char *head = "HTTP/1.1 200 OK\r\nX: ";
    size_t value_len = RUCIO_HTTP_LINE_MAX - 3; /* "X: " counts */
    size_t n;

    (void)state;
    n = (size_t)snprintf(msg, sizeof msg, "%s", head);
    memset(msg + n, 'v', value_len);
    n += value_len;
    n += (size_t)snprintf(msg + n, sizeof msg - n,
                          "\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse(msg, n), RUCIO_OK);
    assert_int_equal(strlen(rucio_http_response_header(&resp, "X")),
                     value_len);
    n = (size_t)snprintf(msg, sizeof msg, "%s", head);
    memset(msg + n, 'v', value_len + 1);
    n += value_len + 1;
    n += (size_t)snprintf(msg + n, sizeof msg - n,
                          "\r\nContent-Length: 0\r\n\r\n");
    assert_int_equal(parse(msg, n), RUCIO_E_HEADER_TOO_LARGE);
}

/* The runs take whole field lines: line ends of both kinds, empty and
 * blank values, trailing whitespace, trailers; the same in one piece as
 * byte by byte (where every run is one byte long). */
static void test_parser_field_lines_whole_and_bytewise(void **state)
{
    static const char msg[] =
        "HTTP/1.1 200 OK\n"
        "Empty:\r\n"
        "Blank: \t \r\n"
        "Trail: a b \t\n"
        "Transfer-Encoding: chunked\r\n"
        "\r\n"
        "3\r\nabc\r\n0\r\nX-Trailer: t\r\nY:\n\r\n";
    static const char *const expect[][2] = {
        {"Empty", ""}, {"Blank", ""}, {"Trail", "a b"},
        {"Transfer-Encoding", "chunked"}};

    (void)state;
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        rucio_http_parser p;
        size_t used = 0;

        rucio_http_parser_init(&p, &resp, 0, NULL);
        if (bytewise) {
            for (size_t i = 0; i < sizeof msg - 1; i++) {
                assert_int_equal(rucio_http_parser_feed(
                                     &p, (const uint8_t *)msg + i, 1, &used),
                                 RUCIO_OK);
                assert_int_equal(used, 1);
            }
        } else {
            assert_int_equal(rucio_http_parser_feed(&p, (const uint8_t *)msg,
                                                    sizeof msg - 1, &used),
                             RUCIO_OK);
            assert_int_equal(used, sizeof msg - 1);
        }
        assert_true(rucio_http_parser_done(&p));
        assert_int_equal(resp.header_count, 4);
        for (size_t i = 0; i < 4; i++) {
            const char *name;
            const char *value;

            rucio_http_response_header_at(&resp, i, &name, &value);
            assert_string_equal(name, expect[i][0]);
            assert_string_equal(value, expect[i][1]);
        }
        assert_int_equal(resp.body_length, 3);
    }
}

/* What a run must leave to the machine is still refused. */
static void test_parser_runs_refuse(void **state)
{
    static const char *const bad[] = {
        "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",  /* whitespace first */
        "HTTP/1.1 200 OK\r\nName : x\r\n\r\n",    /* space before colon */
        "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",     /* no colon */
        "HTTP/1.1 200 OK\r\nA: x\ry\r\n\r\n",    /* CR inside a value */
        "HTTP/1.1 200 OK\r\nA: x\r\r\n\r\n",     /* CR CR LF */
        "HTTP/1.1 200 OK\r\nA: \x01\r\n\r\n",    /* control first */
    };

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(parse(bad[i], strlen(bad[i])), RUCIO_E_PROTOCOL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_match_rfc),
        cmocka_unit_test(test_text_run_every_byte_every_offset),
        cmocka_unit_test(test_text_run_tabs_and_high_bytes),
        cmocka_unit_test(test_header_check_long_value),
        cmocka_unit_test(test_header_check_names),
        cmocka_unit_test(test_parser_runs_every_byte),
        cmocka_unit_test(test_parser_run_line_limit),
        cmocka_unit_test(test_parser_field_lines_whole_and_bytewise),
        cmocka_unit_test(test_parser_runs_refuse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
