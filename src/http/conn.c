/*
 * rucio-lite: one keep-alive HTTP/1.1 connection over the port (and TLS).
 *
 * A request goes out on the open connection when it is for the same
 * scheme, host and port; otherwise the connection is replaced. Servers
 * close idle connections whenever they like, so before reusing one we
 * look for a pending end of stream, and if a reused connection still
 * fails before the first response byte, an idempotent request is sent
 * once more on a fresh connection: the caller never sees a stale
 * connection.
 *
 * Timeouts: timeout_ms bounds the connect plus TLS handshake, and then
 * each wait for progress while sending or receiving (an idle timeout, as
 * Python requests does). A long transfer that keeps moving never times out;
 * a server that stalls is noticed within timeout_ms.
 */
#include "rucio/http.h"

#include <string.h>

#include "core/ascii.h"
#include "core/wipe.h"
#include "http/request_internal.h"

#define DEFAULT_TIMEOUT_MS 600000u

/* What went wrong on a connection, and whether resending may help. */
typedef struct exchange_result {
    rucio_status status;
    int response_started;  /* a response byte arrived */
} exchange_result;

void rucio_http_conn_init(rucio_http_conn *c, const rucio_port *port,
                          struct rucio_tls_config *tls, uint32_t timeout_ms,
                          const rucio_logger *log)
{
    memset(c, 0, sizeof *c);
    c->port = port;
    c->log = log;
    c->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
    c->sock = RUCIO_SOCKET_INVALID;
#if RUCIO_WITH_TLS
    c->tls = tls;
#else
    (void)tls;
#endif
}

/* "<what> <host>:<port>[: <why>]" into c->error. */
static void set_error(rucio_http_conn *c, const char *what, const char *why)
{
    int has_why = why && *why;

    rucio_format(c->error, sizeof c->error, "%s %s:%u%s%s", what, c->host,
                 (unsigned)c->remote_port, has_why ? ": " : "",
                 has_why ? why : "");
}

#if RUCIO_WITH_TLS
/* A TLS failure in mbedTLS's words, after what was being done. */
static void set_tls_error(rucio_http_conn *c, const char *doing)
{
    char why[sizeof c->error];

    rucio_tls_describe(&c->tls_conn, why, sizeof why);
    set_error(c, doing, why);
}
#endif

/* The buffers held the last request and response: tokens, passwords. */
static void wipe_buffers(rucio_http_conn *c)
{
    rl_wipe(c->tx, sizeof c->tx);
    rl_wipe(c->rx, sizeof c->rx);
}

void rucio_http_conn_set_deadline(rucio_http_conn *c, uint64_t deadline_ms)
{
    c->call_deadline_ms = deadline_ms;
}

void rucio_http_conn_close(rucio_http_conn *c)
{
    wipe_buffers(c);
    if (!c->open)
        return;
#if RUCIO_WITH_TLS
    if (c->https)
        rucio_tls_shutdown(&c->tls_conn);
#endif
    c->port->close(c->port->ctx, c->sock);
    c->sock = RUCIO_SOCKET_INVALID;
    c->open = 0;
}

void rucio_http_conn_free(rucio_http_conn *c)
{
    rucio_http_conn_close(c);
#if RUCIO_WITH_TLS
    if (c->tls_ready)
        rucio_tls_conn_free(&c->tls_conn);
    c->tls_ready = 0;
#endif
}

/* ---- byte stream: the socket, or TLS over it ------------------------------ */

static rucio_io stream_send(rucio_http_conn *c, const uint8_t *buf, size_t len,
                            uint64_t deadline, size_t *out_n)
{
#if RUCIO_WITH_TLS
    if (c->https)
        return rucio_tls_send(&c->tls_conn, buf, len, deadline, out_n);
#endif
    return c->port->send(c->port->ctx, c->sock, buf, len, deadline, out_n);
}

static rucio_io stream_recv(rucio_http_conn *c, uint8_t *buf, size_t len,
                            uint64_t deadline, size_t *out_n)
{
#if RUCIO_WITH_TLS
    if (c->https)
        return rucio_tls_recv(&c->tls_conn, buf, len, deadline, out_n);
#endif
    return c->port->recv(c->port->ctx, c->sock, buf, len, deadline, out_n);
}

/* The deadline of the next wait: the idle timeout from now, but never
 * past the caller's deadline for the whole call. */
static uint64_t next_deadline(const rucio_http_conn *c)
{
    uint64_t idle = rucio_port_deadline(c->port, c->timeout_ms);

    return c->call_deadline_ms && c->call_deadline_ms < idle
               ? c->call_deadline_ms
               : idle;
}

static int call_deadline_passed(const rucio_http_conn *c)
{
    return c->call_deadline_ms &&
           c->port->now_ms(c->port->ctx) >= c->call_deadline_ms;
}

/* AGAIN is only "no progress yet": give up once the deadline has passed. */
static int deadline_passed(const rucio_http_conn *c, uint64_t deadline)
{
    return c->port->now_ms(c->port->ctx) >= deadline;
}

static rucio_status io_failure(rucio_http_conn *c, rucio_io io,
                               const char *doing)
{
    switch (io) {
    case RUCIO_IO_TIMEOUT:
    case RUCIO_IO_AGAIN:
        set_error(c, doing, call_deadline_passed(c)
                                ? "timed out (the call's time limit)"
                                : "timed out");
        return RUCIO_E_TIMEOUT;
    case RUCIO_IO_EOF:
        set_error(c, doing, "connection closed by the server");
        return RUCIO_E_CLOSED;
    default:
        set_error(c, doing, "connection reset or broken");
#if RUCIO_WITH_TLS
        /* A TLS alert says more, e.g. a TLS 1.3 server refusing the
         * client certificate after our side of the handshake ended. */
        if (c->https && c->tls_conn.last_error < 0)
            set_tls_error(c, doing);
#endif
        return RUCIO_E_IO;
    }
}

static rucio_status send_all(rucio_http_conn *c, const uint8_t *data,
                             size_t len)
{
    uint64_t deadline = next_deadline(c);

    while (len > 0) {
        size_t n = 0;
        rucio_io io = stream_send(c, data, len, deadline, &n);

        if (io == RUCIO_IO_DATA && n > 0 && n <= len) {
            data += n;
            len -= n;
            deadline = next_deadline(c);
        } else if (io != RUCIO_IO_AGAIN || deadline_passed(c, deadline)) {
            return io_failure(c, io, "sending to");
        }
    }
    return RUCIO_OK;
}

static rucio_status write_head_cb(void *ctx, const uint8_t *data, size_t len)
{
    return send_all(ctx, data, len);
}

/* ---- opening ---------------------------------------------------------------- */

static rucio_status copy_endpoint(rucio_http_conn *c, const rucio_url *url)
{
    if (url->host_len == 0 || url->host_len > RUCIO_HTTP_HOST_MAX)
        return RUCIO_E_BAD_URL;
    memcpy(c->host, url->host, url->host_len);
    c->host[url->host_len] = '\0';
    c->remote_port = url->port;
    c->https = url->https;
    return RUCIO_OK;
}

static int same_endpoint(const rucio_http_conn *c, const rucio_url *url)
{
    return c->https == url->https && c->remote_port == url->port &&
           rl_ascii_equal_nocase(c->host, strlen(c->host), url->host,
                                 url->host_len);
}

#if RUCIO_WITH_TLS
static rucio_status start_tls(rucio_http_conn *c, uint64_t deadline)
{
    rucio_status st;

    if (!c->tls) {
        set_error(c, "https to", "no TLS configuration given");
        return RUCIO_E_UNSUPPORTED;
    }
    if (!c->tls_ready) {
        st = rucio_tls_conn_init(&c->tls_conn, c->tls);
        if (st != RUCIO_OK) {
            set_error(c, "TLS setup for", "out of memory in mbedTLS");
            return st;
        }
        c->tls_ready = 1;
    }
    st = rucio_tls_handshake(&c->tls_conn, c->sock, c->host,
                             c->present_client_cert, deadline);
    if (st != RUCIO_OK)
        set_tls_error(c, "TLS handshake with");
    return st;
}
#endif

static rucio_status open_connection(rucio_http_conn *c)
{
    uint64_t deadline = next_deadline(c);
    rucio_status st;

    st = c->port->connect(c->port->ctx, c->host, c->remote_port, deadline,
                          &c->sock);
    if (st != RUCIO_OK) {
        /* Asked at once: the port may read the cause from state (errno)
         * that the next call would overwrite. */
        set_error(c, "connecting to",
                  c->port->connect_error
                      ? c->port->connect_error(c->port->ctx, st)
                      : rucio_strerror(st));
        return st;
    }
    c->open = 1;
    c->connect_count++;
    rucio_log(c->log, RUCIO_LOG_DEBUG, "connected to %s:%u", c->host,
              (unsigned)c->remote_port);
#if RUCIO_WITH_TLS
    if (c->https) {
        st = start_tls(c, deadline);
        if (st != RUCIO_OK) {
            c->port->close(c->port->ctx, c->sock);
            c->sock = RUCIO_SOCKET_INVALID;
            c->open = 0;
        }
        return st;
    }
#else
    if (c->https) {
        rucio_http_conn_close(c);
        set_error(c, "https to", "TLS is not compiled in");
        return RUCIO_E_UNSUPPORTED;
    }
#endif
    return RUCIO_OK;
}

/*
 * An idle connection is only worth reusing if the server has not closed it
 * meanwhile. Peek without waiting: end of stream, an error or stray bytes
 * all mean "open a new one".
 */
static int idle_connection_alive(rucio_http_conn *c)
{
    size_t n = 0;
    rucio_io io = stream_recv(c, c->rx, sizeof c->rx, 0, &n);

    return io == RUCIO_IO_AGAIN || io == RUCIO_IO_TIMEOUT;
}

static rucio_status ensure_connection(rucio_http_conn *c, const rucio_url *url,
                                      int *out_reused)
{
    *out_reused = 0;
    if (c->open && same_endpoint(c, url) && idle_connection_alive(c)) {
        *out_reused = 1;
        return RUCIO_OK;
    }
    rucio_http_conn_close(c);
    if (copy_endpoint(c, url) != RUCIO_OK) {
        c->host[0] = '\0';
        set_error(c, "host name too long for", NULL);
        return RUCIO_E_BAD_URL;
    }
    return open_connection(c);
}

/* ---- one request and its response --------------------------------------- */

static rucio_status send_body(rucio_http_conn *c,
                              const rucio_http_request *req)
{
    const rucio_http_source *src = req->body;
    uint8_t *buf = req->body_buf ? req->body_buf : c->tx;
    size_t cap = req->body_buf ? req->body_buf_len : sizeof c->tx;
    uint64_t left = src->length;

    while (left > 0) {
        size_t want = cap;
        size_t n = 0;
        rucio_status st;

        if (want > left)
            want = (size_t)left;
        st = src->read(src->user, buf, want, &n);
        if (st != RUCIO_OK) {
            set_error(c, "request body source failed for", rucio_strerror(st));
            return st;
        }
        if (n == 0 || n > want) {
            set_error(c, "request body shorter than its length for", NULL);
            return RUCIO_E_INVALID_ARG;
        }
        st = send_all(c, buf, n);
        if (st != RUCIO_OK)
            return st;
        left -= n;
    }
    return RUCIO_OK;
}

static rucio_status send_request(rucio_http_conn *c,
                                 const rucio_http_request *req)
{
    rucio_status st;

    /* rucio_http_conn_exchange checked req before connecting. */
    st = rl_http_write_checked_head_(req, c->tx, sizeof c->tx,
                                     write_head_cb, c);
    if (st == RUCIO_OK && req->body)
        st = send_body(c, req);
    if (st == RUCIO_OK)
        c->request_count++;
    return st;
}

/* The response ends either in the parser or with the connection. */
static rucio_status end_of_stream(rucio_http_conn *c, rucio_http_parser *p,
                                  exchange_result *r)
{
    rucio_status st = rucio_http_parser_finish(p);

    if (st == RUCIO_OK)
        return RUCIO_OK;
    if (!r->response_started) {
        set_error(c, "connection closed without a response by", NULL);
        return RUCIO_E_CLOSED;
    }
    set_error(c, "connection closed mid-response by", NULL);
    return st;
}

static rucio_status feed_parser(rucio_http_conn *c, rucio_http_parser *p,
                                size_t n)
{
    size_t used = 0;
    rucio_status st = rucio_http_parser_feed(p, c->rx, n, &used);

    if (st != RUCIO_OK) {
        set_error(c, "bad response from", rucio_strerror(st));
        return st;
    }
    /* Bytes after a complete response: the server is talking out of
     * turn (we never pipeline). Keep the response, drop the connection. */
    if (used < n)
        p->resp->keep_alive = 0;
    return RUCIO_OK;
}

static rucio_status read_response(rucio_http_conn *c, rucio_http_parser *p,
                                  exchange_result *r)
{
    uint64_t deadline = next_deadline(c);

    while (!rucio_http_parser_done(p)) {
        size_t n = 0;
        rucio_io io = stream_recv(c, c->rx, sizeof c->rx, deadline, &n);

        if (io == RUCIO_IO_DATA && n > 0 && n <= sizeof c->rx) {
            rucio_status st;

            r->response_started = 1;
            st = feed_parser(c, p, n);
            if (st != RUCIO_OK)
                return st;
            deadline = next_deadline(c);
        } else if (io == RUCIO_IO_EOF) {
            return end_of_stream(c, p, r);
        } else if (io != RUCIO_IO_AGAIN || deadline_passed(c, deadline)) {
            return io_failure(c, io,
                              r->response_started
                                  ? "reading the response from"
                                  : "waiting for a response from");
        }
    }
    return RUCIO_OK;
}

static void exchange_once(rucio_http_conn *c, const rucio_http_request *req,
                          rucio_http_response *resp,
                          const rucio_http_sink *sink, exchange_result *r)
{
    rucio_http_parser parser;
    int is_head = strcmp(req->method, "HEAD") == 0;

    r->response_started = 0;
    rucio_http_parser_init(&parser, resp, is_head, sink);
    r->status = send_request(c, req);
    if (r->status == RUCIO_OK)
        r->status = read_response(c, &parser, r);
    if (r->status != RUCIO_OK || !resp->keep_alive)
        rucio_http_conn_close(c);
}

/*
 * A request may be sent again after a failure on a reused connection when
 * the server cannot have answered it (no response byte), the failure was
 * the connection dying rather than a stall, the method is idempotent and
 * the body can be produced again.
 */
static int may_resend(const rucio_http_request *req, const exchange_result *r)
{
    static const char *const idempotent[] = {"GET", "HEAD", "PUT", "DELETE",
                                             "OPTIONS"};
    size_t i;

    if (r->response_started || (r->status != RUCIO_E_CLOSED &&
                                r->status != RUCIO_E_IO &&
                                r->status != RUCIO_E_TRUNCATED))
        return 0;
    if (req->body && (!req->body->rewind ||
                      req->body->rewind(req->body->user) != RUCIO_OK))
        return 0;
    for (i = 0; i < sizeof idempotent / sizeof idempotent[0]; i++)
        if (strcmp(req->method, idempotent[i]) == 0)
            return 1;
    return 0;
}

/* Name the header that was refused, never its value (it may be a
 * password or a token). */
static void describe_refused_request(rucio_http_conn *c,
                                     const rucio_http_request *req)
{
    rucio_strbuf b;
    size_t i;

    rucio_strbuf_init(&b, c->error, sizeof c->error);
    rucio_strbuf_puts(&b, "request refused before sending: ");
    for (i = 0; req && i < req->header_count; i++) {
        const rucio_http_header *h = &req->headers[i];

        if (rucio_http_header_check(h) == RUCIO_OK)
            continue;
        if (h->name && rucio_http_header_check(&(rucio_http_header){
                           h->name, ""}) == RUCIO_OK) {
            rucio_strbuf_puts(&b, "the value of ");
            rucio_strbuf_puts(&b, h->name);
            rucio_strbuf_puts(&b, " holds a control character or is not "
                                  "allowed");
        } else {
            rucio_strbuf_puts(&b, "invalid header name");
        }
        return;
    }
    rucio_strbuf_puts(&b, "invalid method or target");
}

rucio_status rucio_http_conn_exchange(rucio_http_conn *c,
                                      const rucio_http_request *req,
                                      rucio_http_response *resp,
                                      const rucio_http_sink *sink)
{
    exchange_result r;
    int reused = 0;
    rucio_status st;

    c->error[0] = '\0';
    st = rucio_http_request_check(req);
    if (st != RUCIO_OK) {
        describe_refused_request(c, req);
        return st;
    }
    st = ensure_connection(c, req->url, &reused);
    if (st != RUCIO_OK)
        return st;
    rucio_log(c->log, RUCIO_LOG_DEBUG, "%s https=%d %s:%u%.*s%s", req->method,
              c->https, c->host, (unsigned)c->remote_port,
              (int)req->url->path_len, req->url->path,
              req->url->has_query ? "?<query>" : "");
    exchange_once(c, req, resp, sink, &r);
    if (r.status != RUCIO_OK && reused && may_resend(req, &r)) {
        rucio_log(c->log, RUCIO_LOG_DEBUG,
                  "kept-alive connection to %s was closed; reconnecting",
                  c->host);
        st = open_connection(c);
        if (st != RUCIO_OK)
            return st;
        exchange_once(c, req, resp, sink, &r);
    }
    if (r.status == RUCIO_OK)
        rucio_log(c->log, RUCIO_LOG_DEBUG, "%s %.*s: HTTP %d", req->method,
                  (int)req->url->path_len, req->url->path, resp->status);
    return r.status;
}
