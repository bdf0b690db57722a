/*
 * rucio-lite: body framing and connection persistence of a response, from
 * its Transfer-Encoding, Content-Length and Connection fields (RFC 9112
 * sections 6.1, 6.3 and 9.3).
 *
 * Every rule here errs on the side of refusing: a response whose length
 * two implementations could read differently is how request smuggling
 * and response splitting start.
 */
#include "http/framing.h"

#include <string.h>

#include "core/ascii.h"

/* What the framing fields of one response say, over all their lines. */
typedef struct framing_fields {
    int te_present;        /* a Transfer-Encoding line was received */
    int te_codings;        /* non-empty transfer codings listed */
    int te_other;          /* a coding other than chunked is listed */
    int cl_present;
    uint64_t cl;
    int conn_close;        /* Connection lists "close" */
    int conn_keep_alive;   /* Connection lists "keep-alive" */
} framing_fields;

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* s[0..n) equals lower (a lower-case literal) ignoring ASCII case. Field
 * names and these tokens are ASCII; the locale must not matter. */
static int equals_ci(const char *s, size_t n, const char *lower)
{
    return rl_ascii_equal_nocase(s, n, lower, strlen(lower));
}

/* name[0..len) equals the lower-case literal, ignoring ASCII case; the
 * literal's length is known at compile time. */
#define NAME_IS(name, len, literal)                                          \
    rl_ascii_equal_nocase((name), (len), (literal), sizeof(literal) - 1)

/*
 * Cut the next element of a comma-separated list (RFC 9110 section 5.6.1)
 * off *pos, without the whitespace around it. Elements may be empty; each
 * field decides what that means. Returns 0 when no element is left.
 */
static int next_element(const char **pos, const char **out, size_t *out_len)
{
    const char *s = *pos;
    const char *end;

    if (s == NULL)
        return 0;
    end = strchr(s, ',');
    *pos = end ? end + 1 : NULL;
    if (end == NULL)
        end = s + strlen(s);
    while (s < end && is_ows(*s))
        s++;
    while (end > s && is_ows(end[-1]))
        end--;
    *out = s;
    *out_len = (size_t)(end - s);
    return 1;
}

/* Content-Length may be repeated, on several lines or as a list, but only
 * with one value: two different lengths would split the stream in two
 * different places. */
static rucio_status add_content_length(framing_fields *f, const char *value)
{
    const char *elem;
    size_t n;
    uint64_t v;

    while (next_element(&value, &elem, &n)) {
        if (!rl_ascii_parse_u64(elem, n, &v))
            return RUCIO_E_PROTOCOL;
        if (f->cl_present && v != f->cl)
            return RUCIO_E_PROTOCOL;
        f->cl_present = 1;
        f->cl = v;
    }
    return RUCIO_OK;
}

/* We never send TE, so chunked is the only coding a server may apply
 * (RFC 9110 section 10.1.4). Any other coding would reach the sink
 * undecoded, so it is refused rather than passed on as the body. */
static void add_transfer_codings(framing_fields *f, const char *value)
{
    const char *elem;
    size_t n;

    f->te_present = 1;
    while (next_element(&value, &elem, &n)) {
        if (n == 0)
            continue;
        f->te_codings++;
        if (!equals_ci(elem, n, "chunked"))
            f->te_other = 1;
    }
}

static void add_connection_options(framing_fields *f, const char *value)
{
    const char *elem;
    size_t n;

    while (next_element(&value, &elem, &n)) {
        if (equals_ci(elem, n, "close"))
            f->conn_close = 1;
        else if (equals_ci(elem, n, "keep-alive"))
            f->conn_keep_alive = 1;
    }
}

static rucio_status gather_fields(const rucio_http_response *resp,
                                  framing_fields *f)
{
    rucio_status st = RUCIO_OK;
    size_t i;

    memset(f, 0, sizeof *f);
    for (i = 0; i < resp->header_count && st == RUCIO_OK; i++) {
        const char *name = resp->hdr_buf + resp->name_off[i];
        const char *value = resp->hdr_buf + resp->value_off[i];
        /* The name ends with the NUL just before its value. */
        size_t len = resp->value_off[i] - resp->name_off[i] - 1;

        if (NAME_IS(name, len, "content-length")) {
            st = add_content_length(f, value);
        } else if (NAME_IS(name, len, "transfer-encoding")) {
            add_transfer_codings(f, value);
        } else if (NAME_IS(name, len, "connection")) {
            add_connection_options(f, value);
        }
    }
    return st;
}

/* Refuse every Transfer-Encoding that is not exactly "chunked" once. */
static rucio_status check_transfer_encoding(const framing_fields *f,
                                            int minor_version)
{
    if (!f->te_present)
        return RUCIO_OK;
    /* Both fields: the classic smuggling ambiguity (RFC 9112 6.3 item 3). */
    if (f->cl_present)
        return RUCIO_E_PROTOCOL;
    /* An HTTP/1.0 message with Transfer-Encoding has faulty framing: an
     * older hop may have passed chunked data on undecoded (RFC 9112 6.1). */
    if (minor_version == 0)
        return RUCIO_E_PROTOCOL;
    if (f->te_codings != 1 || f->te_other)
        return RUCIO_E_PROTOCOL;
    return RUCIO_OK;
}

static int keeps_connection(const framing_fields *f, int minor_version)
{
    if (f->conn_close)
        return 0;
    return minor_version >= 1 || f->conn_keep_alive;
}

/* RFC 9112 section 6.3 items 1, 4, 6 and 7, in that order. */
static rucio_http_body_kind body_kind(const rucio_http_response *resp,
                                      const framing_fields *f, int is_head)
{
    if (is_head || resp->status < 200 || resp->status == 204 ||
        resp->status == 304)
        return RUCIO_HTTP_BODY_NONE;
    if (f->te_present)
        return RUCIO_HTTP_BODY_CHUNKED;
    if (f->cl_present)
        return RUCIO_HTTP_BODY_LENGTH;
    return RUCIO_HTTP_BODY_UNTIL_CLOSE;
}

rucio_status rl_http_framing_decide(rucio_http_response *resp, int is_head,
                                    rucio_http_body_kind *out_kind)
{
    framing_fields f;
    rucio_status st = gather_fields(resp, &f);

    if (st == RUCIO_OK)
        st = check_transfer_encoding(&f, resp->minor_version);
    if (st != RUCIO_OK)
        return st;
    *out_kind = body_kind(resp, &f, is_head);
    resp->has_content_length = f.cl_present;
    resp->content_length = f.cl;
    resp->chunked = *out_kind == RUCIO_HTTP_BODY_CHUNKED;
    /* Only the end of the connection ends such a body. */
    resp->keep_alive = *out_kind != RUCIO_HTTP_BODY_UNTIL_CLOSE &&
                       keeps_connection(&f, resp->minor_version);
    return RUCIO_OK;
}
