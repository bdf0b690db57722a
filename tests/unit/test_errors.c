/*
 * Error mapping of the Rucio client (errors.h) on responses captured from
 * the real Rucio 41.5.1 server (tests/unit/fixtures/rucio/<name>.http):
 * class and message from the JSON body, from the headers alone, from neither;
 * classes Rucio does not define; and every exception code checked against
 * a table read from the real package's exception instances.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "helpers/rucio_testlib.h"
#include "client/errors.h"
#include "rucio/http.h"

#define FIXTURE_MAX 16384

/* An error code as this build reports it: 0 without the table
 * (RUCIO_WITH_ERROR_CODES=0). */
#define CODE(n) (RUCIO_WITH_ERROR_CODES ? (n) : 0)

/* A captured response split into head (parsed) and body. */
typedef struct parsed {
    char raw[FIXTURE_MAX];
    rucio_http_response resp;
    char body[FIXTURE_MAX];
    size_t body_len;
} parsed;

static void parse_text(parsed *p, size_t len)
{
    rucio_http_parser parser;
    rucio_http_buffer buf;
    rucio_http_sink sink;
    size_t used = 0;

    rucio_http_buffer_init(&buf, p->body, sizeof p->body);
    rucio_http_buffer_sink(&buf, &sink);
    rucio_http_parser_init(&parser, &p->resp, 0, &sink);
    assert_int_equal(rucio_http_parser_feed(&parser, (const uint8_t *)p->raw,
                                            len, &used),
                     RUCIO_OK);
    assert_true(rucio_http_parser_done(&parser));
    assert_int_equal(used, len);
    p->body_len = buf.len;
}

static void parse_fixture(parsed *p, const char *name)
{
    parse_text(p, rt_fixture(name, p->raw, sizeof p->raw));
}

static void parse_literal(parsed *p, const char *text)
{
    strcpy(p->raw, text);
    parse_text(p, strlen(text));
}

/* ---- from the real server ------------------------------------------------- */

static void test_rse_not_found_from_body(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "signurl_500_rse_not_found.http");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_SERVER);
    assert_string_equal(e.exception_class, "RSENotFound");
    assert_string_equal(e.message,
                        "RSE 'NO-SUCH-RSE' cannot be found in vo 'def'");
    assert_int_equal(e.code, CODE(52));
    assert_int_equal(e.http_status, 500);
    assert_int_equal(e.status, RUCIO_E_SERVER);
}

/* The body holds the whole message; the header only its first 125
 * characters and "...". */
static void test_access_denied_body_message_is_whole(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "signurl_500_access_denied.http");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_SERVER);
    assert_string_equal(e.exception_class, "AccessDenied");
    assert_int_equal(e.code, CODE(2));
    assert_string_equal(e.message,
                        "Account nosign can not get signed URL for "
                        "rse=GCS-SITE, service=gcs, operation=read, "
                        "url=https://storage.googleapis.com/bucket/dir/file, "
                        "lifetime=3600. ");
}

static void test_headers_only_message_truncated_by_server(void **state)
{
    static parsed p;
    rucio_error full, e;

    (void)state;
    parse_fixture(&p, "signurl_500_access_denied.http");
    rl_error_from_response(&full, &p.resp, p.body, p.body_len);
    assert_int_equal(rl_error_from_response(&e, &p.resp, NULL, 0),
                     RUCIO_E_SERVER);
    assert_string_equal(e.exception_class, "AccessDenied");
    assert_int_equal(e.code, CODE(2));
    assert_int_equal(strlen(e.message), 125 + 3);
    assert_memory_equal(e.message, full.message, 125);
    assert_string_equal(e.message + 125, "...");
    assert_string_equal(e.message,
                        rucio_http_response_header(&p.resp, "ExceptionMessage"));
}

/* A body that is not JSON (here: the 206's list) falls back to headers. */
static void test_headers_used_when_body_not_an_object(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_literal(&p, "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                      "Content-Type: application/octet-stream\r\n"
                      "ExceptionClass: DatabaseException\r\n"
                      "ExceptionMessage: pool exhausted\r\n"
                      "Content-Length: 10\r\n\r\n"
                      "[1, 2, 3]\n");
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "DatabaseException");
    assert_string_equal(e.message, "pool exhausted");
    assert_int_equal(e.code, CODE(10));
}

/* Body and headers are consulted field by field, as _get_exception does. */
static void test_body_class_with_header_message(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_literal(&p, "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                      "ExceptionClass: AccessDenied\r\n"
                      "ExceptionMessage: from the header\r\n"
                      "Content-Length: 32\r\n\r\n"
                      "{\"ExceptionClass\": \"Duplicate\"}\n");
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "Duplicate");
    assert_string_equal(e.message, "from the header");
    assert_int_equal(e.code, CODE(14));
}

static void test_no_information_500(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_literal(&p, "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                      "Content-Type: text/html; charset=utf-8\r\n"
                      "Content-Length: 34\r\n\r\n"
                      "'NoneType' object is not iterable\n");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_SERVER);
    assert_string_equal(e.exception_class, "RucioException");
    assert_string_equal(e.message,
                        "no error information passed (http status code: 500)");
    assert_int_equal(e.code, CODE(1));
    assert_int_equal(e.http_status, 500);
}

static void test_no_information_real_404(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "unknown_route_404.http");
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "RucioException");
    assert_string_equal(e.message,
                        "no error information passed (http status code: 404)");
    assert_int_equal(e.http_status, 404);
}

/* Python turns the 206 of several accounts into exactly this. */
static void test_no_information_real_206(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "userpass_206_multiple_accounts.http");
    assert_int_equal(p.resp.status, 206);
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "RucioException");
    assert_string_equal(e.message,
                        "no error information passed (http status code: 206)");
    assert_int_equal(e.code, CODE(1));
}

/* ValueError is not a Rucio class: kept as text, with RucioException's
 * code 1 (Python raises RucioException("ValueError: Token must be set.")). */
static void test_value_error_kept_with_code_1(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "whoami_400_empty_token.http");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_SERVER);
    assert_string_equal(e.exception_class, "ValueError");
    assert_string_equal(e.message, "Token must be set.");
    assert_int_equal(e.code, CODE(1));
    assert_int_equal(e.http_status, 400);
    assert_int_equal(rl_exception_code("ValueError"), CODE(0));
}

static void test_unknown_class_from_headers_code_1(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_literal(&p, "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                      "ExceptionClass: KeyError\r\n"
                      "ExceptionMessage: 'vo'\r\n"
                      "Content-Length: 0\r\n\r\n");
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "KeyError");
    assert_string_equal(e.message, "'vo'");
    assert_int_equal(e.code, CODE(1));
}

static void test_cannot_authenticate_401_is_auth(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "whoami_401_bogus_token.http");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_AUTH);
    assert_string_equal(e.exception_class, "CannotAuthenticate");
    assert_string_equal(e.message, "Cannot authenticate with given credentials");
    assert_int_equal(e.code, CODE(4));
    assert_int_equal(e.http_status, 401);
}

/* Any 401 is an authentication failure, whatever its class. */
static void test_any_401_is_auth(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_literal(&p, "HTTP/1.1 401 UNAUTHORIZED\r\n"
                      "ExceptionClass: IdentityError\r\n"
                      "Content-Length: 0\r\n\r\n");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_AUTH);
    assert_int_equal(e.code, CODE(24));
    /* and CannotAuthenticate is one even on a 500 (/auth/validate) */
    parse_literal(&p, "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
                      "ExceptionClass: CannotAuthenticate\r\n"
                      "Content-Length: 0\r\n\r\n");
    assert_int_equal(rl_error_from_response(&e, &p.resp, p.body, p.body_len),
                     RUCIO_E_AUTH);
}

static void test_unsupported_content_type_real_406(void **state)
{
    static parsed p;
    rucio_error e;

    (void)state;
    parse_fixture(&p, "ping_406_accept_html.http");
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "UnsupportedRequestedContentType");
    assert_string_equal(e.message, "The requested content type text/html is not "
                                   "supported. Use ['application/json'].");
    assert_int_equal(e.code, CODE(89));
}

/* A body message longer than the error buffer never overflows it. */
static void test_overlong_body_message_stays_bounded(void **state)
{
    static parsed p;
    static char text[FIXTURE_MAX];
    char message[3000];
    rucio_error e;

    (void)state;
    memset(message, 'm', sizeof message - 1);
    message[sizeof message - 1] = '\0';
    snprintf(text, sizeof text,
             "HTTP/1.1 500 INTERNAL SERVER ERROR\r\n"
             "Content-Length: %zu\r\n\r\n"
             "{\"ExceptionClass\": \"AccessDenied\", \"ExceptionMessage\": \"%s\"}",
             strlen(message) + 58, message);
    parse_literal(&p, text);
    assert_int_equal(p.body_len, strlen(message) + 58);
    rl_error_from_response(&e, &p.resp, p.body, p.body_len);
    assert_string_equal(e.exception_class, "AccessDenied");
    assert_true(strlen(e.message) < sizeof e.message);
}

/* ---- codes ------------------------------------------------------------------- */

static void test_codes_named_in_the_protocol_notes(void **state)
{
    (void)state;
    assert_int_equal(rl_exception_code("AccessDenied"), CODE(2));
    assert_int_equal(rl_exception_code("CannotAuthenticate"), CODE(4));
    assert_int_equal(rl_exception_code("RSENotFound"), CODE(52));
    assert_int_equal(rl_exception_code("UnsupportedRequestedContentType"), CODE(89));
    assert_int_equal(rl_exception_code("RucioException"), CODE(1));
    assert_int_equal(rl_exception_code("rsenotfound"), CODE(0));
    assert_int_equal(rl_exception_code(""), CODE(0));
    assert_int_equal(rl_exception_code("RSENotFoundX"), CODE(0));
}

/* exception_codes.txt was written by exception_codes.py from instances of
 * every class of the installed rucio 41.5.1 (see the README there). */
static void test_codes_match_the_real_package(void **state)
{
    static char table[16384];
    char *line, *save = NULL;
    size_t checked = 0;

    (void)state;
    rt_fixture("exception_codes.txt", table, sizeof table);
    for (line = strtok_r(table, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char name[128];
        int code;

        if (line[0] == '#')
            continue;
        assert_int_equal(sscanf(line, "%127s %d", name, &code), 2);
        if (rl_exception_code(name) != CODE(code))
            fail_msg("%s: rucio-lite says %d, rucio says %d", name,
                     rl_exception_code(name), code);
        checked++;
    }
    assert_true(checked >= 120);
}

/* ---- recording errors ------------------------------------------------------ */

static void test_error_set_looks_up_code_and_clears_http_status(void **state)
{
    rucio_error e;

    (void)state;
    e.http_status = 503;
    assert_int_equal(rl_error_set(&e, RUCIO_E_MISSING_PARAM,
                                  "MissingClientParameter", "x"),
                     RUCIO_E_MISSING_PARAM);
    assert_int_equal(e.code, CODE(42));
    assert_int_equal(e.http_status, 0);
    assert_string_equal(e.message, "x");
    rl_error_clear(&e);
    assert_int_equal(e.status, RUCIO_OK);
    assert_int_equal(e.code, 0);
    assert_string_equal(e.message, "");
    assert_string_equal(e.exception_class, "");
}

/* A message that does not fit is cut where it must be and says so. */
static void test_error_message_cut_with_ellipsis(void **state)
{
    char chunk[300];
    rucio_error e;

    (void)state;
    memset(chunk, 'a', sizeof chunk - 1);
    chunk[sizeof chunk - 1] = '\0';
    rl_error_set(&e, RUCIO_E_CONFIG, "ConfigurationError", "start: %s%s",
                 chunk, chunk);
    assert_int_equal(strlen(e.message), sizeof e.message - 1);
    assert_memory_equal(e.message, "start: aaa", 10);
    assert_string_equal(e.message + sizeof e.message - 4, "...");
}

/* Never half a UTF-8 character before the "...". */
static void test_error_cut_on_a_character_boundary(void **state)
{
    char text[2 * RUCIO_ERROR_MAX + 1];
    rucio_error e;
    size_t i, len;

    (void)state;
    for (i = 0; i + 2 < sizeof text; i += 2)
        memcpy(text + i, "\xc3\xa9", 2); /* é */
    text[i] = '\0';
    rl_error_set(&e, RUCIO_E_CONFIG, "ConfigurationError", "x%s", text);
    len = strlen(e.message);
    assert_true(len >= 4 && len < sizeof e.message);
    assert_string_equal(e.message + len - 3, "...");
    /* Before the dots: 'x' and whole two-byte characters only. */
    assert_int_equal((len - 3 - 1) % 2, 0);
    assert_int_equal((unsigned char)e.message[len - 4], 0xa9);
}

/* The conversions the library's messages use, as printf writes them. */
static void test_format_conversions(void **state)
{
    char out[128], want[128];

    (void)state;
    assert_int_equal(rucio_format(out, sizeof out,
                                  "%s|%.*s|%d|%i|%u|%04X|%08lx|%zu|%lld|%llu|"
                                  "%c|%%|%x",
                                  "str", 3, "abcdef", -42, 7, 4000000000u,
                                  0x7100u, 0x1abUL, (size_t)12345,
                                  -9000000000LL, 18000000000ULL, 'z', 255u),
                     RUCIO_OK);
    snprintf(want, sizeof want,
             "%s|%.*s|%d|%i|%u|%04X|%08lx|%zu|%lld|%llu|%c|%%|%x", "str", 3,
             "abcdef", -42, 7, 4000000000u, 0x7100u, 0x1abUL, (size_t)12345,
             -9000000000LL, 18000000000ULL, 'z', 255u);
    assert_string_equal(out, want);
    assert_int_equal(rucio_format(out, 8, "%s", "0123456789"),
                     RUCIO_E_NO_SPACE);
    assert_string_equal(out, "0123...");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rse_not_found_from_body),
        cmocka_unit_test(test_access_denied_body_message_is_whole),
        cmocka_unit_test(test_headers_only_message_truncated_by_server),
        cmocka_unit_test(test_headers_used_when_body_not_an_object),
        cmocka_unit_test(test_body_class_with_header_message),
        cmocka_unit_test(test_no_information_500),
        cmocka_unit_test(test_no_information_real_404),
        cmocka_unit_test(test_no_information_real_206),
        cmocka_unit_test(test_value_error_kept_with_code_1),
        cmocka_unit_test(test_unknown_class_from_headers_code_1),
        cmocka_unit_test(test_cannot_authenticate_401_is_auth),
        cmocka_unit_test(test_any_401_is_auth),
        cmocka_unit_test(test_unsupported_content_type_real_406),
        cmocka_unit_test(test_overlong_body_message_stays_bounded),
        cmocka_unit_test(test_codes_named_in_the_protocol_notes),
        cmocka_unit_test(test_codes_match_the_real_package),
        cmocka_unit_test(test_error_set_looks_up_code_and_clears_http_status),
        cmocka_unit_test(test_error_message_cut_with_ellipsis),
        cmocka_unit_test(test_error_cut_on_a_character_boundary),
        cmocka_unit_test(test_format_conversions),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
