/*
 * rucio-lite: reading a parsed response: header lookup, and the sink that
 * collects a body into a caller buffer.
 */
#include "rucio/http.h"

#include <string.h>

#include "core/ascii.h"
/* ---- Buffer sink --------------------------------------------------------------- */

void rucio_http_buffer_init(rucio_http_buffer *b, char *data, size_t cap)
{
    b->data = data;
    b->cap = data != NULL ? cap : 0;
    b->len = 0;
    if (b->cap > 0)
        data[0] = '\0';
}

/* A fragment that does not fit is refused whole: the buffer keeps the
 * bytes before it, so a caller can still show the start of the body. */
static rucio_status buffer_write(void *user, const uint8_t *data, size_t len)
{
    rucio_http_buffer *b = user;

    if (b->cap == 0 || len > b->cap - 1 - b->len)
        return RUCIO_E_BODY_TOO_LARGE;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return RUCIO_OK;
}

void rucio_http_buffer_sink(rucio_http_buffer *b, rucio_http_sink *out_sink)
{
    out_sink->write = buffer_write;
    out_sink->user = b;
}

/* ---- Headers ------------------------------------------------------------------ */

/* Field names are ASCII tokens: compare without the locale. */
static int names_equal(const char *a, const char *b)
{
    return rl_ascii_equal_nocase(a, strlen(a), b, strlen(b));
}

const char *rucio_http_response_header(const rucio_http_response *resp,
                                       const char *name)
{
    size_t i;

    for (i = 0; i < resp->header_count; i++) {
        if (names_equal(resp->hdr_buf + resp->name_off[i], name))
            return resp->hdr_buf + resp->value_off[i];
    }
    return NULL;
}

void rucio_http_response_header_at(const rucio_http_response *resp, size_t i,
                                   const char **out_name,
                                   const char **out_value)
{
    if (i >= resp->header_count) {
        *out_name = NULL;
        *out_value = NULL;
        return;
    }
    *out_name = resp->hdr_buf + resp->name_off[i];
    *out_value = resp->hdr_buf + resp->value_off[i];
}
