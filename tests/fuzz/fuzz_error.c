/*
 * libFuzzer target: mapping an error response to a Rucio exception
 * (rl_error_from_response, src/client/errors.h) with fuzzed headers
 * and body.
 *
 * The input is a whole HTTP response. It goes through the response
 * parser into a body buffer of RUCIO_BODY_MAX bytes, as the client reads
 * it; once the head is complete (whatever happened to the body) the error
 * is mapped. Invariants:
 *   - class and message are NUL-terminated inside their arrays, the class
 *     is never empty and the code never 0;
 *   - the status is RUCIO_E_AUTH exactly for 401 or CannotAuthenticate,
 *     else RUCIO_E_SERVER, and http_status is the response's;
 *   - with neither a JSON ExceptionClass nor the header, the class is
 *     RucioException; with neither message, the "no error information"
 *     text names the status.
 */
#define _GNU_SOURCE /* strnlen */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "rucio/client.h"
#include "client/errors.h"
#include "rucio/http.h"

static rucio_http_response resp; /* large: static storage */
static char body[RUCIO_BODY_MAX];

static void check_mapping(const rucio_error *e, const rucio_http_buffer *b)
{
    const char *hdr_class = rucio_http_response_header(&resp, "ExceptionClass");
    const char *hdr_msg = rucio_http_response_header(&resp, "ExceptionMessage");
    int is_json_object = b->len > 0 && memchr(b->data, '{', b->len) != NULL;
    char expect[96];

    FUZZ_CHECK(strnlen(e->exception_class, sizeof e->exception_class) <
               sizeof e->exception_class);
    FUZZ_CHECK(strnlen(e->message, sizeof e->message) < sizeof e->message);
    FUZZ_CHECK(e->exception_class[0] != '\0' || hdr_class || is_json_object);
    FUZZ_CHECK(e->code != 0);
    FUZZ_CHECK(e->http_status == resp.status);
    if (resp.status == 401 ||
        strcmp(e->exception_class, "CannotAuthenticate") == 0)
        FUZZ_CHECK(e->status == RUCIO_E_AUTH);
    else
        FUZZ_CHECK(e->status == RUCIO_E_SERVER);
    if (!is_json_object && !hdr_class)
        FUZZ_CHECK(strcmp(e->exception_class, "RucioException") == 0);
    if (!is_json_object && !hdr_msg) {
        snprintf(expect, sizeof expect,
                 "no error information passed (http status code: %d)",
                 resp.status);
        FUZZ_CHECK(strcmp(e->message, expect) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rucio_http_parser parser;
    rucio_http_buffer buf;
    rucio_http_sink sink;
    rucio_error e;
    size_t used = 0;
    rucio_status st;

    rucio_http_buffer_init(&buf, body, sizeof body);
    rucio_http_buffer_sink(&buf, &sink);
    rucio_http_parser_init(&parser, &resp, 0, &sink);
    st = rucio_http_parser_feed(&parser, data, size, &used);
    if (st == RUCIO_OK && !rucio_http_parser_done(&parser))
        rucio_http_parser_finish(&parser);
    if (!rucio_http_parser_head_done(&parser))
        return 0;
    FUZZ_CHECK(buf.len < sizeof body);
    memset(&e, 0x5a, sizeof e);
    st = rl_error_from_response(&e, &resp, buf.data, buf.len);
    FUZZ_CHECK(st == e.status);
    check_mapping(&e, &buf);
    /* and without a body at all */
    buf.len = 0;
    st = rl_error_from_response(&e, &resp, NULL, 0);
    FUZZ_CHECK(st == e.status);
    check_mapping(&e, &buf);
    return 0;
}
