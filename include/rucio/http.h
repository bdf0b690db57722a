/*
 * rucio-lite: HTTP/1.1 client.
 *
 * Four pieces, usable on their own:
 *   - URL parsing (rucio_url_parse) that keeps path and query byte for byte;
 *   - query encoding with the rules of Python's urlencode/quote_plus;
 *   - a request writer that refuses CR, LF and NUL before sending anything;
 *   - an incremental response parser that accepts input split anywhere and
 *     streams the body to a sink;
 * and a keep-alive connection (rucio_http_conn) that puts them together over
 * the port, with TLS for https URLs.
 *
 * Nothing allocates: every object is owned by the caller.
 */
#ifndef RUCIO_HTTP_H
#define RUCIO_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "rucio/build_config.h"
#include "rucio/log.h"
#include "rucio/port.h"
#include "rucio/status.h"
#include "rucio/strbuf.h"
#if RUCIO_WITH_TLS
#include "rucio/tls.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct rucio_tls_config;

/* ---- URL ------------------------------------------------------------------ */

/*
 * A parsed absolute http(s) URL. The pointers point into the parsed text,
 * which must outlive this struct. Host is without IPv6 brackets.
 * The path is empty or starts with '/'; the query excludes the '?'; a
 * fragment is dropped (it is never sent). Path and query are kept exactly
 * as written: nothing is decoded or re-encoded.
 */
typedef struct rucio_url {
    int https;           /* 1: https, 0: http */
    const char *host;
    size_t host_len;
    int host_is_ipv6;    /* written as [literal] */
    uint16_t port;       /* as written, else 80 or 443 */
    int port_given;      /* port was written explicitly */
    const char *path;
    size_t path_len;     /* 0 means "/" */
    const char *query;
    size_t query_len;
    int has_query;       /* a '?' was present (query may still be empty) */
} rucio_url;

/*
 * Parse url[0..len). Accepts http and https (case-insensitive scheme), host
 * names, IPv4, [IPv6] literals and ports 1-65535. Refuses, with
 * RUCIO_E_BAD_URL: other schemes, user info, empty hosts, zone ids, bad
 * ports, spaces, control characters and bytes outside ASCII.
 */
RUCIO_NODISCARD
rucio_status rucio_url_parse(const char *url, size_t len, rucio_url *out);

/* ---- Query encoding ------------------------------------------------------------ */

/* Python quote_plus(s, safe=''): A-Z a-z 0-9 _ . - ~ kept, space -> '+',
 * every other byte -> %XX (upper-case hex). */
void rucio_url_quote_plus(rucio_strbuf *out, const char *s, size_t len);

/* Python quote(s, safe='/'): as above but '/' kept and space -> %20. */
void rucio_url_quote(rucio_strbuf *out, const char *s, size_t len);

typedef struct rucio_query_param {
    const char *key;
    const char *value;
} rucio_query_param;

/* Python urlencode(params) for string values: quote_plus(key) '='
 * quote_plus(value), pairs in the given order joined by '&'. */
void rucio_url_encode_query(rucio_strbuf *out, const rucio_query_param *params,
                            size_t count);

/* ---- Requests ------------------------------------------------------------------- */

typedef struct rucio_http_header {
    const char *name;
    const char *value;
} rucio_http_header;

/* Where a request body comes from. Its length is known in advance. */
typedef struct rucio_http_source {
    /* Copy up to cap bytes of body into buf and set *out_n. Returning
     * *out_n == 0 before length bytes were produced is an error. */
    rucio_status (*read)(void *user, uint8_t *buf, size_t cap, size_t *out_n);
    /* Start again from the first byte, so that the request can be resent
     * on a new connection. NULL when the source cannot do that. */
    rucio_status (*rewind)(void *user);
    void *user;
    uint64_t length;     /* exact number of bytes, sent as Content-Length */
} rucio_http_source;

/* One request. Zero it before filling it in (memset or "= {0}"): a
 * member left out, now or added in a later version, then means its
 * default. */
typedef struct rucio_http_request {
    const char *method;               /* "GET", "PUT", "HEAD", ... */
    const rucio_url *url;             /* host and port pick the connection */
    const rucio_http_header *headers; /* sent in this order after Host */
    size_t header_count;
    const rucio_http_source *body;    /* NULL: no body, no Content-Length */
    /* Where the body is read before it is sent; NULL: the connection's
     * TX buffer (RUCIO_HTTP_TX_BUF). A larger one means larger TLS
     * records and fewer system calls for a large body. */
    uint8_t *body_buf;
    size_t body_buf_len;
} rucio_http_request;

/* Check a request before anything is sent: a method of token characters,
 * header names of token characters, a path and query of visible ASCII,
 * and header values without control characters other than HTAB (RFC 9110
 * 5.5). RUCIO_E_BAD_HEADER for a refused byte, RUCIO_E_INVALID_ARG for a
 * missing part or a header the writer owns (Host, Content-Length,
 * Transfer-Encoding). */
RUCIO_NODISCARD
rucio_status rucio_http_request_check(const rucio_http_request *req);

/* The same check for one header (name and value). */
RUCIO_NODISCARD
rucio_status rucio_http_header_check(const rucio_http_header *h);

/* Output of the request writer: send all len bytes or fail. */
typedef rucio_status (*rucio_http_write_fn)(void *ctx, const uint8_t *data,
                                            size_t len);

/*
 * Write the request line and header block (ending with the empty line) for
 * req: "METHOD target HTTP/1.1", "Host" (port only when not the default),
 * the caller's headers in order, then "Content-Length" when a body is set.
 * Bytes are gathered in buf[0..cap) and handed to write whenever it fills
 * and at the end, so cap only sets the write size, not a limit. Calls
 * rucio_http_request_check first and writes nothing when it fails.
 * Statuses: those of rucio_http_request_check, and what write returned.
 */
RUCIO_NODISCARD
rucio_status rucio_http_write_head(const rucio_http_request *req, uint8_t *buf,
                                   size_t cap, rucio_http_write_fn write,
                                   void *ctx);

/* ---- Responses ------------------------------------------------------------------ */

/* Where a response body goes, fragment by fragment, in order. */
typedef struct rucio_http_sink {
    rucio_status (*write)(void *user, const uint8_t *data, size_t len);
    void *user;
} rucio_http_sink;

/* A sink that collects the body into a caller buffer; a body that does
 * not fit is RUCIO_E_BODY_TOO_LARGE (never silently cut). The text is
 * NUL-terminated, so the buffer holds at most cap - 1 body bytes. */
typedef struct rucio_http_buffer {
    char *data;
    size_t cap;
    size_t len;
} rucio_http_buffer;

void rucio_http_buffer_init(rucio_http_buffer *b, char *data, size_t cap);
/* Fill *out_sink with a sink writing into b. */
void rucio_http_buffer_sink(rucio_http_buffer *b, rucio_http_sink *out_sink);

/* A received status line and headers. Names and values are kept
 * NUL-terminated in hdr_buf; values without surrounding spaces. */
typedef struct rucio_http_response {
    int status;              /* final (non-1xx) status code */
    int minor_version;       /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    int keep_alive;          /* the connection may carry another request */
    int chunked;             /* body uses chunked transfer coding */
    int has_content_length;
    uint64_t content_length;
    uint64_t body_length;    /* body bytes delivered to the sink (or
                                dropped, when the sink is NULL) */
    size_t header_count;
    uint32_t name_off[RUCIO_HTTP_MAX_HEADERS];
    uint32_t value_off[RUCIO_HTTP_MAX_HEADERS];
    size_t hdr_used;
    char hdr_buf[RUCIO_HTTP_HEADER_BUF];
} rucio_http_response;

/* Value of the first header with this name (case-insensitive), or NULL. */
const char *rucio_http_response_header(const rucio_http_response *resp,
                                       const char *name);

/* Header number i (0-based, in arrival order); both NULL when
 * i >= header_count. */
void rucio_http_response_header_at(const rucio_http_response *resp, size_t i,
                                   const char **out_name,
                                   const char **out_value);

/*
 * The incremental response parser. Feed it bytes as they arrive, split at
 * any point. It stores the status line and headers in *resp, skips up to
 * RUCIO_HTTP_MAX_INTERIM 1xx interim responses, decodes chunked bodies (trailers are read and
 * dropped) and hands body bytes to the sink. Its fields are private.
 */
typedef struct rucio_http_parser {
    rucio_http_response *resp;
    rucio_http_sink sink;   /* write == NULL: the body is dropped */
    int no_body;            /* HEAD request: no body whatever the headers */
    int state;              /* which part of the message comes next */
    int part;               /* which part of the current line comes next */
    int saw_cr;             /* last byte was CR: only LF may follow */
    rucio_status error;     /* first error, returned again by every call */
    uint64_t remaining;     /* body or chunk bytes still expected */
    size_t line_len;        /* bytes of the current line, without CR LF */
    size_t trailer_count;   /* trailer lines read (they are dropped) */
    unsigned interim_count; /* 1xx responses skipped so far */
} rucio_http_parser;

/* Begin a response. is_head: the request was HEAD. sink may be NULL to
 * drop the body. */
void rucio_http_parser_init(rucio_http_parser *p, rucio_http_response *resp,
                            int is_head, const rucio_http_sink *sink);

/*
 * Parse data[0..len). *out_consumed is the number of bytes used: all of
 * them unless the response completed inside this input (the rest then
 * belongs to the next response). Errors: RUCIO_E_PROTOCOL,
 * RUCIO_E_HEADER_TOO_LARGE, RUCIO_E_TOO_MANY_HEADERS, or whatever the
 * sink returned. After an error the parser must not be fed again.
 */
RUCIO_NODISCARD
rucio_status rucio_http_parser_feed(rucio_http_parser *p, const uint8_t *data,
                                    size_t len, size_t *out_consumed);

/* The connection reached end of stream. Completes a body delimited by
 * the end of the connection; anywhere else it is RUCIO_E_TRUNCATED. */
RUCIO_NODISCARD
rucio_status rucio_http_parser_finish(rucio_http_parser *p);

/* Nonzero once the whole response (head and body) has been parsed. */
int rucio_http_parser_done(const rucio_http_parser *p);

/* Nonzero once the header block of the final response is complete. */
int rucio_http_parser_head_done(const rucio_http_parser *p);

/* ---- Connection ---------------------------------------------------------------- */

/*
 * One keep-alive connection. A request to the same scheme, host and port
 * as the previous one reuses it; otherwise the old one is closed and a new
 * one opened. A connection the server closed between requests is noticed
 * and replaced without the caller seeing it.
 */
typedef struct rucio_http_conn {
    const rucio_port *port;
    const rucio_logger *log;
    uint32_t timeout_ms;      /* connect deadline and idle time per read/write */
    uint64_t call_deadline_ms; /* absolute (port clock) bound on every wait;
                                  0: none */
#if RUCIO_WITH_TLS
    rucio_tls_config *tls;    /* NULL: https is refused */
    rucio_tls_conn tls_conn;
    int tls_ready;            /* tls_conn initialised (on first https use) */
    int present_client_cert;  /* send the configured client certificate */
#endif
    rucio_socket sock;
    int open;
    int https;
    uint16_t remote_port;
    char host[RUCIO_HTTP_HOST_MAX + 1];
    uint8_t rx[RUCIO_HTTP_RX_BUF];
    uint8_t tx[RUCIO_HTTP_TX_BUF];
    uint32_t connect_count;   /* connections opened so far (statistics) */
    uint32_t request_count;   /* requests sent so far (statistics) */
    char error[256];          /* detail of the last failure, for people */
} rucio_http_conn;

/* tls may be NULL (http only; always NULL when built without TLS).
 * timeout_ms 0 means the default of 600 s, as in the Python client. */
void rucio_http_conn_init(rucio_http_conn *c, const rucio_port *port,
                          struct rucio_tls_config *tls, uint32_t timeout_ms,
                          const rucio_logger *log);

/*
 * Send req and read the response head into *resp and its body into sink
 * (NULL drops it). Returns RUCIO_OK when a complete response arrived,
 * whatever its status code. On failure the connection is closed and
 * c->error says why in words. Statuses: RUCIO_OK; RUCIO_E_INVALID_ARG,
 * RUCIO_E_BAD_HEADER (the request); RUCIO_E_UNSUPPORTED (https without
 * TLS); RUCIO_E_DNS, RUCIO_E_CONNECT, RUCIO_E_TIMEOUT, RUCIO_E_IO,
 * RUCIO_E_CLOSED, RUCIO_E_TRUNCATED, RUCIO_E_TLS, RUCIO_E_TLS_VERIFY (the
 * connection); RUCIO_E_PROTOCOL, RUCIO_E_HEADER_TOO_LARGE,
 * RUCIO_E_TOO_MANY_HEADERS (the response); what the sink or the body
 * source returned.
 */
RUCIO_NODISCARD
rucio_status rucio_http_conn_exchange(rucio_http_conn *c,
                                      const rucio_http_request *req,
                                      rucio_http_response *resp,
                                      const rucio_http_sink *sink);

/* Bound every later wait (connect, handshake, send, receive) by an
 * absolute deadline on the port's clock, whatever the idle timeout says:
 * a server that trickles bytes cannot hold a call past it. 0 removes the
 * bound. */
void rucio_http_conn_set_deadline(rucio_http_conn *c, uint64_t deadline_ms);

/* Close the connection (it reopens on the next exchange). */
void rucio_http_conn_close(rucio_http_conn *c);

/* Release everything; the struct may then be discarded. */
void rucio_http_conn_free(rucio_http_conn *c);

#ifdef __cplusplus
}
#endif

#endif /* RUCIO_HTTP_H */
