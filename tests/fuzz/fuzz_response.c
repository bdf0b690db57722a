/*
 * libFuzzer target: the incremental HTTP response parser with its
 * framing (Content-Length, chunked, until close, HEAD, 1xx).
 *
 * Input: one flag byte, then the bytes the server sends. Flag bit 0: the
 * request was HEAD; bit 1: the sink refuses the body after a limit taken
 * from the upper bits. The response is parsed three ways: in one piece,
 * byte by byte, and in pieces whose sizes come from a generator seeded
 * with a hash of the input (random split points derived from the input
 * itself). Every way must agree on status, head, body and bytes consumed.
 *
 * Invariants beyond "no crash":
 *   - the bytes handed to the sink add up to resp.body_length;
 *   - a Content-Length body never delivers more than Content-Length, and
 *     exactly that when the response completed;
 *   - an unchunked body is the input run just before the end of the
 *     response, byte for byte; a chunked body is never longer than it;
 *   - a response to HEAD, a 204 and a 304 have no body; a final status
 *     is not 1xx;
 *   - stored header names are tokens, values hold no CR/LF/NUL and no
 *     surrounding whitespace, and lookup by name finds each of them.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_support.h"
#include "rucio/http.h"

typedef struct body {
    uint8_t *data;
    size_t len;
    size_t cap;
    size_t limit;       /* refuse once more than this would be held */
    int limited;
} body;

typedef struct outcome {
    rucio_http_response resp;
    rucio_http_parser parser;
    body body;
    rucio_status st;
    size_t consumed;
} outcome;

/* The body can never be longer than the input it came from. */
static rucio_status keep(void *user, const uint8_t *data, size_t len)
{
    body *b = user;

    FUZZ_CHECK(len > 0 && len <= b->cap - b->len);
    if (b->limited && len > b->limit - b->len)
        return RUCIO_E_BODY_TOO_LARGE;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return RUCIO_OK;
}

static void feed(outcome *o, const uint8_t *in, size_t len)
{
    size_t used = 0;

    /* a failed parser must not be fed again; a finished one takes nothing */
    if (o->st != RUCIO_OK)
        return;
    o->st = rucio_http_parser_feed(&o->parser, in, len, &used);
    FUZZ_CHECK(used <= len);
    if (o->st == RUCIO_OK && used < len)
        FUZZ_CHECK(rucio_http_parser_done(&o->parser));
    o->consumed += used;
}

/* xorshift: piece sizes for the "random" split, seeded from the input. */
static uint32_t next_random(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

static uint32_t input_hash(const uint8_t *in, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (i = 0; i < len; i++)
        h = (h ^ in[i]) * 16777619u;
    return h ? h : 1;
}

/* step 0: pieces of random size; else pieces of `step` bytes. */
static void parse(outcome *o, const uint8_t *in, size_t len, int is_head,
                  const body *shape, size_t step, uint8_t *body_mem)
{
    rucio_http_sink sink = { keep, &o->body };
    uint32_t seed = input_hash(in, len);
    size_t pos = 0;

    o->body = *shape;
    o->body.data = body_mem;
    o->st = RUCIO_OK;
    o->consumed = 0;
    rucio_http_parser_init(&o->parser, &o->resp, is_head, &sink);
    while (pos < len) {
        size_t n = step ? step : 1 + next_random(&seed) % 64;

        if (n > len - pos)
            n = len - pos;
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

    FUZZ_CHECK(r->hdr_used <= sizeof r->hdr_buf);
    FUZZ_CHECK(r->header_count <= RUCIO_HTTP_MAX_HEADERS);
    FUZZ_CHECK(r->status >= 200 && r->status <= 999);
    FUZZ_CHECK(r->minor_version == 0 || r->minor_version == 1);
    for (i = 0; i < r->header_count; i++) {
        const char *name;
        const char *value;
        size_t n;

        rucio_http_response_header_at(r, i, &name, &value);
        FUZZ_CHECK(name != NULL && value != NULL);
        FUZZ_CHECK(name[0] != '\0' && strpbrk(name, " \t\r\n:") == NULL);
        FUZZ_CHECK(strpbrk(value, "\r\n") == NULL);
        n = strlen(value);
        FUZZ_CHECK(n == 0 || (!is_ws(value[0]) && !is_ws(value[n - 1])));
        FUZZ_CHECK(rucio_http_response_header(r, name) != NULL);
    }
}

/* What one parse must satisfy on its own. */
static void check_body(const outcome *o, const uint8_t *in, int is_head)
{
    const rucio_http_response *r = &o->resp;
    int done = o->st == RUCIO_OK && rucio_http_parser_done(&o->parser);

    FUZZ_CHECK(o->consumed <= o->body.cap);
    FUZZ_CHECK(r->body_length == o->body.len);
    FUZZ_CHECK(o->body.len <= o->consumed);
    if (!rucio_http_parser_head_done(&o->parser)) {
        FUZZ_CHECK(o->body.len == 0);
        return;
    }
    /* RFC 9112 6.3: no body after HEAD, 204 and 304, whatever the
     * headers say */
    if (is_head || r->status == 204 || r->status == 304) {
        FUZZ_CHECK(o->body.len == 0);
        return;
    }
    if (r->has_content_length && !r->chunked) {
        FUZZ_CHECK(o->body.len <= r->content_length);
        if (done)
            FUZZ_CHECK(o->body.len == r->content_length);
    }
    if (done && !r->chunked && o->body.len)
        FUZZ_CHECK(memcmp(o->body.data,
                          in + o->consumed - o->body.len, o->body.len) == 0);
}

static void check_same(const outcome *a, const outcome *b)
{
    size_t i;

    FUZZ_CHECK(a->st == b->st);
    /* the sink's refusal depends on how the body was cut into pieces */
    if (a->st == RUCIO_E_BODY_TOO_LARGE)
        return;
    FUZZ_CHECK(a->consumed == b->consumed);
    FUZZ_CHECK(a->body.len == b->body.len);
    FUZZ_CHECK(memcmp(a->body.data, b->body.data, a->body.len) == 0);
    FUZZ_CHECK(a->resp.body_length == b->resp.body_length);
    if (a->st != RUCIO_OK)
        return;
    FUZZ_CHECK(a->resp.status == b->resp.status);
    FUZZ_CHECK(a->resp.minor_version == b->resp.minor_version);
    FUZZ_CHECK(a->resp.keep_alive == b->resp.keep_alive);
    FUZZ_CHECK(a->resp.chunked == b->resp.chunked);
    FUZZ_CHECK(a->resp.has_content_length == b->resp.has_content_length);
    FUZZ_CHECK(a->resp.content_length == b->resp.content_length);
    FUZZ_CHECK(a->resp.header_count == b->resp.header_count);
    for (i = 0; i < a->resp.header_count; i++) {
        FUZZ_CHECK(strcmp(a->resp.hdr_buf + a->resp.name_off[i],
                          b->resp.hdr_buf + b->resp.name_off[i]) == 0);
        FUZZ_CHECK(strcmp(a->resp.hdr_buf + a->resp.value_off[i],
                          b->resp.hdr_buf + b->resp.value_off[i]) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static outcome one_shot;   /* large: kept off the stack */
    static outcome random_split;
    static outcome byte_wise;
    const uint8_t *in = data + 1;
    body shape;
    size_t len;
    int is_head;
    uint8_t *mem;

    if (size < 1)
        return 0;
    len = size - 1;
    is_head = data[0] & 1;
    shape = (body){ NULL, 0, len, (size_t)(data[0] >> 2) * 4u,
                    (data[0] & 2) != 0 };
    mem = malloc(3 * len + 3);
    FUZZ_CHECK(mem != NULL);
    parse(&one_shot, in, len, is_head, &shape, len + 1, mem);
    parse(&random_split, in, len, is_head, &shape, 0, mem + len + 1);
    parse(&byte_wise, in, len, is_head, &shape, 1, mem + 2 * len + 2);
    check_body(&one_shot, in, is_head);
    check_same(&one_shot, &random_split);
    check_same(&one_shot, &byte_wise);
    if (one_shot.st == RUCIO_OK && rucio_http_parser_head_done(&one_shot.parser))
        check_head(&one_shot.resp);
    free(mem);
    return 0;
}
