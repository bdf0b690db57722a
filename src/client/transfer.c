/* rucio-lite: PUT, GET and DELETE through signed URLs (rucio/transfer.h). */
#include "rucio/transfer.h"

#if RUCIO_WITH_TRANSFER

#include <string.h>

#include "client/client_tls.h"
#include "client/errors.h"
#include "client/request.h"
#include "client/transfer_internal.h"
#include "core/ascii.h"
#include "core/checksum.h"

/* A download is tried at most this often in all (the first GET and the
 * Range requests after cuts), as the request loop's attempts. */
#define GET_ATTEMPTS 3

/* One transfer in progress: checksums and counts of the bytes moved. */
typedef struct transfer {
    rucio_client *client;
    const rucio_transfer_options *opt;
    rucio_adler32 adler;
    rucio_md5 md5;
    uint64_t done;                  /* body bytes moved so far */
    uint64_t total;                 /* object size, 0 while unknown */
    const rucio_http_source *source; /* PUT */
    const rucio_http_sink *sink;     /* GET */
    uint64_t offset;                /* where the current GET starts */
    int head_checked;               /* the current response head was judged */
    size_t error_len;               /* error body bytes kept in scratch */
} transfer;

void rucio_transfer_options_default(rucio_transfer_options *opt)
{
    memset(opt, 0, sizeof *opt);
}

static void transfer_start(transfer *t, rucio_client *c,
                           const rucio_transfer_options *opt)
{
    static const rucio_transfer_options no_options = {NULL, NULL};

    memset(t, 0, sizeof *t);
    t->client = c;
    t->opt = opt ? opt : &no_options;
    rl_adler32_init(&t->adler);
    rl_md5_init(&t->md5);
}

/* Bytes that really moved: checksums, count, progress. */
static void count_bytes(transfer *t, const uint8_t *data, size_t len)
{
    rl_adler32_update(&t->adler, data, len);
    rl_md5_update(&t->md5, data, len);
    t->done += len;
    if (t->opt->progress)
        t->opt->progress(t->opt->progress_user, t->done, t->total);
}

static void fill_result(transfer *t, rucio_transfer_result *out)
{
    uint8_t digest[16];

    if (!out)
        return;
    out->http_status = t->client->_internal.response.status;
    out->bytes = t->done;
    out->total = t->total;
    rl_adler32_hex(rl_adler32_value(&t->adler), out->adler32);
    rl_md5_final(&t->md5, digest);
    rl_md5_hex(digest, out->md5);
}

/* ---- errors ----------------------------------------------------------------- */

/* The text of <name>...</name> in an XML error body, entities left as
 * they are (S3: <Error><Code>NoSuchKey</Code><Message>...</Message>). */
static int xml_element(const char *xml, const char *name, char *out,
                       size_t cap)
{
    char open[24], close[24];
    const char *start, *end;
    rucio_strbuf b;

    rucio_strbuf_init(&b, open, sizeof open);
    rucio_strbuf_putc(&b, '<');
    rucio_strbuf_puts(&b, name);
    rucio_strbuf_putc(&b, '>');
    rucio_strbuf_init(&b, close, sizeof close);
    rucio_strbuf_puts(&b, "</");
    rucio_strbuf_puts(&b, name);
    rucio_strbuf_putc(&b, '>');
    start = strstr(xml, open);
    if (!start)
        return 0;
    start += strlen(open);
    end = strstr(start, close);
    if (!end || end == start)
        return 0;
    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_append(&b, start, (size_t)(end - start));
    return 1;
}

/* A message from the first line of a body that is not S3 XML (Swift:
 * "401 Unauthorized: Temp URL invalid"), or the status alone. */
static void first_line(const char *body, char *out, size_t cap)
{
    size_t n = strcspn(body, "\r\n");
    rucio_strbuf b;

    rucio_strbuf_init(&b, out, cap);
    rucio_strbuf_append(&b, body, n);
}

/* The storage refused: its code as the class (never a Rucio class's
 * error code), its message, the status and the host, never the URL. */
static rucio_status storage_error(rucio_client *c, const rucio_url *url)
{
    rucio_error *e = &c->_internal.error;
    const char *body = c->_internal.scratch.body;
    char code[sizeof e->exception_class];
    char message[RUCIO_ERROR_MAX];

    message[0] = '\0';
    if (!xml_element(body, "Code", code, sizeof code)) {
        rucio_strbuf_copy(code, sizeof code, "StorageError");
        if (body[0] != '<') /* an HTML page's first line says nothing */
            first_line(body, message, sizeof message);
    } else {
        xml_element(body, "Message", message, sizeof message);
    }
    rl_error_set(e, RUCIO_E_STORAGE, code,
                 message[0] ? "%s (HTTP %d from %.*s:%u)"
                            : "%sHTTP %d from %.*s:%u",
                 message, c->_internal.response.status, (int)url->host_len,
                 url->host, (unsigned)url->port);
    e->code = 0;
    e->http_status = c->_internal.response.status;
    return RUCIO_E_STORAGE;
}

static rucio_status connection_failed(rucio_client *c, rucio_status st)
{
    /* A source, sink or progress callback stopped it: not the network. */
    if (st == RUCIO_E_ABORTED)
        return rl_error_set(&c->_internal.error, st, "RucioException",
                            "the transfer was stopped by the caller");
    return rl_error_set(
        &c->_internal.error, st, "ServerConnectionException", "storage: %s",
        c->_internal.storage_conn.error[0] ? c->_internal.storage_conn.error
                                           : rucio_strerror(st));
}

/* ---- the exchange ---------------------------------------------------------- */

static int success(int status)
{
    return status / 100 == 2;
}

static rucio_status check_get_response(transfer *t);

/* Body bytes of a success go to the caller's sink (a GET; other methods
 * have none and their success bodies are dropped), those of an error are
 * kept for its message. A GET's response head is judged before its
 * first byte reaches the sink. */
static rucio_status storage_sink_write(void *user, const uint8_t *data,
                                       size_t len)
{
    transfer *t = user;
    rucio_status st;

    /* Of an error body only the start is kept, for the message; the rest
     * is not read (the connection is then closed). */
    if (!success(t->client->_internal.response.status))
        return rl_body_keep(t->client, &t->error_len, data, len);
    if (!t->sink)
        return RUCIO_OK;
    st = check_get_response(t);
    if (st != RUCIO_OK)
        return st;
    st = t->sink->write(t->sink->user, data, len);
    if (st == RUCIO_OK)
        count_bytes(t, data, len);
    return st;
}

/* Send one request to the storage. RUCIO_OK: a response arrived (any
 * status; an error body cut to fit counts). */
static rucio_status storage_exchange(transfer *t, const char *method,
                                     const rucio_url *url,
                                     const rucio_http_header *headers,
                                     size_t header_count,
                                     const rucio_http_source *body)
{
    rucio_client *c = t->client;
    /* A body goes out through the client's body buffer, which holds
     * nothing until the answer (an error body) comes: records of
     * RUCIO_BODY_MAX bytes rather than RUCIO_HTTP_TX_BUF. */
    rucio_http_request req = {method,
                              url,
                              headers,
                              header_count,
                              body,
                              (uint8_t *)c->_internal.scratch.body,
                              sizeof c->_internal.scratch.body};
    rucio_http_sink sink = {storage_sink_write, t};
    rucio_status st;

    t->error_len = 0;
    t->head_checked = 0;
    c->_internal.scratch.body[0] = '\0';
    c->_internal.response.status = 0;
    st = rl_client_tls_for(c, url);
    if (st != RUCIO_OK)
        return st;
    st = rucio_http_conn_exchange(&c->_internal.storage_conn, &req,
                                  &c->_internal.response, &sink);
    if (st == RUCIO_E_BODY_TOO_LARGE && !success(c->_internal.response.status))
        return RUCIO_OK;
    return st;
}

/* Every call starts here: a client to report into, a URL and, for PUT
 * and GET, the callback that moves the data. */
static rucio_status begin_transfer(rucio_client *c, const char *signed_url,
                                   int has_callback, rucio_url *url)
{
    if (!c)
        return RUCIO_E_INVALID_ARG;
    rl_error_clear(&c->_internal.error);
    if (!has_callback) {
        rl_error_set(&c->_internal.error, RUCIO_E_INVALID_ARG,
                     "InputValidationError",
                     "the body source or sink is missing");
        return RUCIO_E_INVALID_ARG;
    }
    if (!signed_url ||
        rucio_url_parse(signed_url, strlen(signed_url), url) != RUCIO_OK) {
        rl_error_set(&c->_internal.error, RUCIO_E_BAD_URL,
                     "InputValidationError",
                     "the signed URL is not an absolute http or https URL");
        return RUCIO_E_BAD_URL;
    }
    return RUCIO_OK;
}

/* What a finished exchange means for the caller. */
static rucio_status finish(transfer *t, const rucio_url *url, rucio_status st,
                           rucio_transfer_result *out)
{
    rucio_client *c = t->client;

    if (st == RUCIO_OK && !success(c->_internal.response.status))
        st = storage_error(c, url);
    else if (st != RUCIO_OK && c->_internal.error.status == RUCIO_OK)
        st = connection_failed(c, st);
    fill_result(t, out);
    return st;
}

/* ---- PUT ----------------------------------------------------------------------- */

static rucio_status put_read(void *user, uint8_t *buf, size_t cap,
                             size_t *out_n)
{
    transfer *t = user;
    rucio_status st = t->source->read(t->source->user, buf, cap, out_n);

    if (st == RUCIO_OK && *out_n <= cap)
        count_bytes(t, buf, *out_n);
    return st;
}

/* A resend starts the body, its checksums and its count again. */
static rucio_status put_rewind(void *user)
{
    transfer *t = user;
    rucio_status st = t->source->rewind(t->source->user);

    if (st == RUCIO_OK) {
        rl_adler32_init(&t->adler);
        rl_md5_init(&t->md5);
        t->done = 0;
    }
    return st;
}

rucio_status rucio_transfer_put(rucio_client *c, const char *signed_url,
                                const rucio_http_source *body,
                                const rucio_transfer_options *opt,
                                rucio_transfer_result *out)
{
    rucio_http_source counted;
    rucio_url url;
    transfer t;
    rucio_status st;

    st = begin_transfer(c, signed_url, body && body->read, &url);
    if (st != RUCIO_OK)
        return st;
    transfer_start(&t, c, opt);
    t.source = body;
    t.total = body->length;
    counted.read = put_read;
    counted.rewind = body->rewind ? put_rewind : NULL;
    counted.user = &t;
    counted.length = body->length;
    st = storage_exchange(&t, "PUT", &url, NULL, 0, &counted);
    return finish(&t, &url, st, out);
}

/* ---- GET ------------------------------------------------------------------------- */

/* "bytes <first>-<last>/<total or *>": first must be where we are. */
static int range_starts_at(const char *value, uint64_t offset,
                           uint64_t *out_total)
{
    const char *dash, *slash;
    uint64_t first;

    if (!value || strncmp(value, "bytes ", 6) != 0)
        return 0;
    value += 6;
    dash = strchr(value, '-');
    slash = dash ? strchr(dash, '/') : NULL;
    if (!slash ||
        !rl_ascii_parse_u64(value, (size_t)(dash - value), &first) ||
        first != offset)
        return 0;
    if (strcmp(slash + 1, "*") != 0 &&
        !rl_ascii_parse_u64(slash + 1, strlen(slash + 1), out_total))
        return 0;
    return 1;
}

/* Once per response: the size of the object from the first response
 * (200) or a resumed one (206 from exactly our offset); anything else
 * would hand the sink bytes of another object or from the wrong place. */
static rucio_status check_get_response(transfer *t)
{
    const rucio_http_response *r = &t->client->_internal.response;

    if (t->head_checked || !success(r->status))
        return RUCIO_OK;
    t->head_checked = 1;
    if (t->offset == 0 && r->status == 200) {
        if (r->has_content_length)
            t->total = r->content_length;
        return RUCIO_OK;
    }
    if (r->status == 206 &&
        range_starts_at(rucio_http_response_header(r, "Content-Range"),
                        t->offset, &t->total))
        return RUCIO_OK;
    return rl_error_set(&t->client->_internal.error, RUCIO_E_BAD_ANSWER,
                        "RucioException",
                        "the storage did not resume the download at the "
                        "byte asked for");
}

/* A connection lost before the response head or after a 2xx one is
 * tried again from the byte reached (a GET may be sent again), even when
 * no body byte came since the last attempt: over TLS the head and the
 * first body bytes often share one record, useless until whole, so a cut
 * there is common. GET_ATTEMPTS bounds the attempts. */
static int resumable(const transfer *t, rucio_status st)
{
    int status = t->client->_internal.response.status;

    return (st == RUCIO_E_TRUNCATED || st == RUCIO_E_CLOSED ||
            st == RUCIO_E_IO || st == RUCIO_E_TIMEOUT) &&
           (status == 0 || success(status));
}

rucio_status rucio_transfer_get(rucio_client *c, const char *signed_url,
                                const rucio_http_sink *sink,
                                const rucio_transfer_options *opt,
                                rucio_transfer_result *out)
{
    char range[48];
    rucio_http_header header = {"Range", range};
    rucio_url url;
    transfer t;
    uint32_t attempt;
    rucio_status st;

    st = begin_transfer(c, signed_url, sink && sink->write, &url);
    if (st != RUCIO_OK)
        return st;
    transfer_start(&t, c, opt);
    t.sink = sink;
    for (attempt = 0;; attempt++) {
        rucio_strbuf b;

        t.offset = t.done;
        rucio_strbuf_init(&b, range, sizeof range);
        rucio_strbuf_puts(&b, "bytes=");
        rucio_strbuf_put_u64(&b, t.offset);
        rucio_strbuf_putc(&b, '-');
        st = storage_exchange(&t, "GET", &url, &header, t.offset ? 1 : 0,
                              NULL);
        if (st == RUCIO_OK)
            st = check_get_response(&t); /* a response without a body */
        if (st == RUCIO_OK || attempt + 1 >= GET_ATTEMPTS ||
            !resumable(&t, st))
            break;
        rucio_log(&c->_internal.logger, RUCIO_LOG_INFO,
                  "download cut after %llu bytes; resuming",
                  (unsigned long long)t.done);
    }
    if (out)
        out->resumed = attempt;
    return finish(&t, &url, st, out);
}

/* ---- the size of an object ------------------------------------------------ */

/* "bytes * /<size>" (a 416's Content-Range: the size alone). */
static int unsatisfied_range_size(const char *value, uint64_t *out_size)
{
    if (!value || strncmp(value, "bytes */", 8) != 0)
        return 0;
    return rl_ascii_parse_u64(value + 8, strlen(value + 8), out_size);
}

static rucio_status size_from_response(transfer *t, uint64_t *out_size)
{
    const rucio_http_response *r = &t->client->_internal.response;
    const char *range = rucio_http_response_header(r, "Content-Range");

    if (r->status == 206 && range_starts_at(range, 0, out_size))
        return RUCIO_OK;
    /* The first byte of an object is missing only when it is empty:
     * that is the size when the 416 does not state one (S3). */
    if (r->status == 416) {
        if (!unsatisfied_range_size(range, out_size))
            *out_size = 0;
        return RUCIO_OK;
    }
    if (r->status == 200 && r->has_content_length) {
        *out_size = r->content_length;
        return RUCIO_OK;
    }
    if (success(r->status))
        return rl_error_set(&t->client->_internal.error, RUCIO_E_BAD_ANSWER,
                            "RucioException",
                            "the storage did not state the object's size "
                            "(HTTP %d)",
                            r->status);
    return RUCIO_E_STORAGE;
}

rucio_status rl_transfer_size(rucio_client *c, const char *signed_url,
                              uint64_t *out_size)
{
    rucio_http_header header = {"Range", "bytes=0-0"};
    rucio_url url;
    transfer t;
    rucio_status st;

    *out_size = 0;
    st = begin_transfer(c, signed_url, 1, &url);
    if (st != RUCIO_OK)
        return st;
    transfer_start(&t, c, NULL);
    st = storage_exchange(&t, "GET", &url, &header, 1, NULL);
    if (st == RUCIO_OK)
        st = size_from_response(&t, out_size);
    if (st == RUCIO_OK)
        return RUCIO_OK;
    /* RUCIO_E_STORAGE: an error answer, which finish words. */
    return finish(&t, &url, st == RUCIO_E_STORAGE ? RUCIO_OK : st, NULL);
}

/* ---- DELETE ------------------------------------------------------------------------ */

rucio_status rucio_transfer_delete(rucio_client *c, const char *signed_url,
                                   rucio_transfer_result *out)
{
    rucio_url url;
    transfer t;
    rucio_status st;

    st = begin_transfer(c, signed_url, 1, &url);
    if (st != RUCIO_OK)
        return st;
    transfer_start(&t, c, NULL);
    st = storage_exchange(&t, "DELETE", &url, NULL, 0, NULL);
    return finish(&t, &url, st, out);
}

#endif /* RUCIO_WITH_TRANSFER */
