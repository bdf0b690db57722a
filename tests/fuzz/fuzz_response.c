/*
 * libFuzzer target: the HTTP response parser.
 *
 * Byte 0 chooses whether the request was HEAD (low bit) and where to split
 * the rest of the input; the rest is a response. It is parsed three ways:
 * in one piece, in two pieces split there, and byte by byte. Splitting
 * must change nothing: the same status, head, body and bytes consumed,
 * every way. The stored head must also keep its promises (names are
 * non-empty tokens, values hold no line breaks and no surrounding
 * whitespace).
 *
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc \
 *       tests/fuzz/fuzz_response.c src/http/parser.c src/http/framing.c \
 *       src/http/response.c -o fuzz_response
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rucio/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct body {
    uint8_t *data;
    size_t len;
    size_t cap;
} body;

typedef struct outcome {
    rucio_http_response resp;
    rucio_http_parser parser;
    body body;
    rucio_status st;
    size_t consumed;
} outcome;

static void check(int ok)
{
    if (!ok)
        abort();
}

/* The body can never be longer than the input it came from. */
static rucio_status keep(void *user, const uint8_t *data, size_t len)
{
    body *b = user;

    check(len > 0 && len <= b->cap - b->len);
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return RUCIO_OK;
}

static void feed(outcome *o, const uint8_t *in, size_t len)
{
    size_t used = 0;

    /* fed on after the end too: a finished parser must take nothing */
    if (o->st != RUCIO_OK)
        return;
    o->st = rucio_http_parser_feed(&o->parser, in, len, &used);
    check(used <= len);
    o->consumed += used;
}

/* Parse in[0..len) in pieces of at most step bytes, then end the stream. */
static void parse(outcome *o, const uint8_t *in, size_t len, int is_head,
                  size_t first, size_t step, uint8_t *body_mem)
{
    rucio_http_sink sink = { keep, &o->body };
    size_t pos = first;

    o->body = (body){ body_mem, 0, len };
    o->st = RUCIO_OK;
    o->consumed = 0;
    rucio_http_parser_init(&o->parser, &o->resp, is_head, &sink);
    feed(o, in, first);
    while (pos < len) {
        size_t n = len - pos < step ? len - pos : step;

        feed(o, in + pos, n);
        pos += n;
    }
    if (o->st == RUCIO_OK && !rucio_http_parser_done(&o->parser))
        o->st = rucio_http_parser_finish(&o->parser);
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t';
}

static void check_head(const rucio_http_response *r)
{
    size_t i;

    check(r->hdr_used <= sizeof r->hdr_buf);
    check(r->header_count <= RUCIO_HTTP_MAX_HEADERS);
    for (i = 0; i < r->header_count; i++) {
        const char *name;
        const char *value;
        size_t n;

        rucio_http_response_header_at(r, i, &name, &value);
        check(name[0] != '\0' && strpbrk(name, " \t\r\n:") == NULL);
        check(strpbrk(value, "\r\n") == NULL);
        n = strlen(value);
        check(n == 0 || (!is_ws(value[0]) && !is_ws(value[n - 1])));
        check(rucio_http_response_header(r, name) != NULL);
    }
}

static void check_same(const outcome *a, const outcome *b)
{
    size_t i;

    check(a->st == b->st);
    check(a->consumed == b->consumed);
    check(a->body.len == b->body.len);
    check(memcmp(a->body.data, b->body.data, a->body.len) == 0);
    check(a->resp.body_length == a->body.len);
    check(a->resp.body_length == b->resp.body_length);
    if (a->st != RUCIO_OK)
        return;
    check(a->resp.status == b->resp.status);
    check(a->resp.minor_version == b->resp.minor_version);
    check(a->resp.keep_alive == b->resp.keep_alive);
    check(a->resp.chunked == b->resp.chunked);
    check(a->resp.has_content_length == b->resp.has_content_length);
    check(a->resp.content_length == b->resp.content_length);
    check(a->resp.header_count == b->resp.header_count);
    for (i = 0; i < a->resp.header_count; i++) {
        check(strcmp(a->resp.hdr_buf + a->resp.name_off[i],
                     b->resp.hdr_buf + b->resp.name_off[i]) == 0);
        check(strcmp(a->resp.hdr_buf + a->resp.value_off[i],
                     b->resp.hdr_buf + b->resp.value_off[i]) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static outcome one_shot;   /* large: kept off the stack */
    static outcome split;
    static outcome byte_wise;
    const uint8_t *in = data + 1;
    size_t len;
    size_t cut;
    int is_head;
    uint8_t *mem;

    if (size < 1)
        return 0;
    len = size - 1;
    is_head = data[0] & 1;
    cut = len * (size_t)(data[0] >> 1) / 127;
    mem = malloc(3 * len + 3);
    check(mem != NULL);
    parse(&one_shot, in, len, is_head, len, len + 1, mem);
    parse(&split, in, len, is_head, cut, len + 1, mem + len + 1);
    parse(&byte_wise, in, len, is_head, 0, 1, mem + 2 * len + 2);
    check_same(&one_shot, &split);
    check_same(&one_shot, &byte_wise);
    if (one_shot.st == RUCIO_OK)
        check_head(&one_shot.resp);
    free(mem);
    return 0;
}
