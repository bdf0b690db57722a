/* rucio-lite: the request loop of the Rucio client. */
#include "rucio/request.h"

#include <string.h>

#include "rucio/auth.h"
#include "rucio/date.h"
#include "rucio/errors.h"

#define MAX_ATTEMPTS 3       /* BaseClient.AUTH_RETRIES + 1 */
#define MAX_REDIRECTS 5
#define MAX_BACKOFF_MS 10000u
/* Longest wait a server's Retry-After may ask for. */
#ifndef RUCIO_RETRY_AFTER_MAX_MS
#define RUCIO_RETRY_AFTER_MAX_MS 60000u
#endif

/* ---- response body ----------------------------------------------------- */

/* Collects the body into the client's scratch buffer. Only a success body
 * must be whole; an error body is kept as far as it fits. */
typedef struct body_sink {
    rucio_client *client;
    size_t len;
} body_sink;

static rucio_status body_write(void *user, const uint8_t *data, size_t len)
{
    body_sink *s = user;
    char *buf = s->client->scratch.body;
    size_t room = sizeof s->client->scratch.body - 1 - s->len;
    int success = s->client->response.status / 100 == 2;

    if (len > room) {
        if (success)
            return RUCIO_E_BODY_TOO_LARGE;
        len = room;
    }
    memcpy(buf + s->len, data, len);
    s->len += len;
    buf[s->len] = '\0';
    return RUCIO_OK;
}

/* ---- URL and headers ------------------------------------------------------ */

static const char *base_url(const rucio_client *c, rucio_endpoint ep)
{
    return ep == RUCIO_ENDPOINT_AUTH ? c->settings.auth_host
                                     : c->settings.rucio_host;
}

/* "<host>/<path>[?<query>]": no slash normalisation, as build_url. */
static rucio_status build_url(rucio_client *c, const rucio_call *call)
{
    rucio_strbuf b;

    rucio_strbuf_init(&b, c->url, sizeof c->url);
    rucio_strbuf_puts(&b, base_url(c, call->endpoint));
    rucio_strbuf_putc(&b, '/');
    rucio_strbuf_puts(&b, call->path);
    if (call->query) {
        rucio_strbuf_putc(&b, '?');
        rucio_strbuf_puts(&b, call->query);
    }
    if (b.status != RUCIO_OK)
        return rucio_error_set(&c->error, RUCIO_E_NO_SPACE, "InputValidationError",
                               "request URL longer than RUCIO_URL_MAX");
    return RUCIO_OK;
}

static void add_header(rucio_http_header *h, size_t *n, const char *name,
                       const char *value)
{
    h[*n].name = name;
    h[*n].value = value;
    (*n)++;
}

/* In the order the Python client puts them on the wire. */
static size_t build_headers(const rucio_client *c, const rucio_call *call,
                            rucio_http_header *h)
{
    size_t n = 0, i;

    add_header(h, &n, "User-Agent", c->settings.user_agent);
    add_header(h, &n, "Accept", "*/*");
    add_header(h, &n, "Connection", "Keep-Alive");
    add_header(h, &n, "X-Rucio-Auth-Token", c->token);
    add_header(h, &n, "X-Rucio-VO", c->settings.vo);
    add_header(h, &n, "X-Rucio-Script", c->settings.script);
    if (c->settings.account[0])
        add_header(h, &n, "X-Rucio-Account", c->settings.account);
    for (i = 0; i < call->extra_count; i++)
        h[n++] = call->extra[i];
    return n;
}

/* Resolve a Location header against the URL in c->url, in place: an
 * absolute URL replaces it, "/path" keeps scheme and authority, and a
 * relative reference replaces the last path segment (RFC 3986 5.2.3;
 * dot segments are not removed). */
static rucio_status resolve_location(rucio_client *c, const char *loc)
{
    char *url = c->url;
    char *path = strstr(url, "://");
    rucio_strbuf b;
    size_t keep;

    if (strncmp(loc, "http://", 7) == 0 || strncmp(loc, "https://", 8) == 0) {
        keep = 0;
    } else if (!path) {
        return RUCIO_E_BAD_URL;
    } else {
        path = strchr(path + 3, '/');
        keep = path ? (size_t)(path - url) : strlen(url);
        if (loc[0] != '/' && path) {
            size_t end = strcspn(path, "?#");
            while (end > 0 && path[end - 1] != '/')
                end--;
            keep += end;
        } else if (loc[0] != '/') {
            if (keep + 1 >= sizeof c->url)
                return RUCIO_E_NO_SPACE;
            url[keep++] = '/';
        }
    }
    rucio_strbuf_init(&b, url + keep, sizeof c->url - keep);
    rucio_strbuf_puts(&b, loc);
    return b.status;
}

/* ---- one exchange ------------------------------------------------------------- */

static rucio_http_conn *conn_for(rucio_client *c, rucio_endpoint ep)
{
    return ep == RUCIO_ENDPOINT_AUTH ? &c->auth_conn : &c->api_conn;
}

static int is_redirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 ||
           status == 308;
}

/* Send to c->url and follow redirects. Transport status only. */
static rucio_status exchange(rucio_client *c, const rucio_call *call,
                             size_t *out_len)
{
    rucio_http_header headers[8 + RUCIO_CALL_MAX_EXTRA];
    rucio_http_request req;
    rucio_http_sink sink;
    body_sink body;
    rucio_url url;
    int redirects = 0;
    rucio_status st;

    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.url = &url;
    req.headers = headers;
    req.header_count = build_headers(c, call, headers);
    sink.write = body_write;
    sink.user = &body;
    for (;;) {
        st = rucio_url_parse(c->url, strlen(c->url), &url);
        if (st != RUCIO_OK)
            return st;
        body.client = c;
        body.len = 0;
        c->scratch.body[0] = '\0';
        st = rucio_http_conn_exchange(conn_for(c, call->endpoint), &req,
                                      &c->response, &sink);
        *out_len = body.len;
        if (st != RUCIO_OK || !is_redirect(c->response.status) ||
            redirects++ == MAX_REDIRECTS)
            return st;
        if (!rucio_http_response_header(&c->response, "Location") ||
            resolve_location(c, rucio_http_response_header(&c->response,
                                                           "Location")))
            return RUCIO_OK; /* no usable Location: the 3xx is the answer */
    }
}

/* ---- retry policy ------------------------------------------------------------- */

/* Failures of the connection itself, which the Python client retries at
 * once. A certificate rejection, a timeout or a malformed response would
 * only repeat, so they end the call. */
static int connection_error(rucio_status st)
{
    return st == RUCIO_E_DNS || st == RUCIO_E_CONNECT || st == RUCIO_E_IO ||
           st == RUCIO_E_CLOSED || st == RUCIO_E_TRUNCATED || st == RUCIO_E_TLS;
}

static int digits_only(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int rucio_retry_after_ms(const char *value, int64_t now_seconds,
                         uint32_t *out_ms)
{
    int64_t when, seconds = 0;

    if (digits_only(value)) {
        for (; *value && seconds < 100000; value++)
            seconds = seconds * 10 + (*value - '0');
    } else if (rucio_parse_http_date(value, &when) == RUCIO_OK) {
        seconds = when > now_seconds ? when - now_seconds : 0;
    } else {
        return 0;
    }
    *out_ms = seconds >= 100000 ? 100000000u : (uint32_t)seconds * 1000u;
    return 1;
}

/* min(10, 0.25 * 2^attempt) s, or what Retry-After asks for, bounded by
 * a minute and the client timeout so that a server cannot park us. */
static uint32_t backoff_ms(const rucio_client *c, int attempt)
{
    const char *retry_after =
        rucio_http_response_header(&c->response, "Retry-After");
    uint32_t ms = 250u << attempt;

    if (ms > MAX_BACKOFF_MS)
        ms = MAX_BACKOFF_MS;
    if (retry_after &&
        rucio_retry_after_ms(retry_after, c->port.wall_seconds(c->port.ctx),
                             &ms)) {
        if (ms > RUCIO_RETRY_AFTER_MAX_MS)
            ms = RUCIO_RETRY_AFTER_MAX_MS;
        if (ms > c->settings.timeout_ms)
            ms = c->settings.timeout_ms;
    }
    return ms;
}

static rucio_status connection_failed(rucio_client *c, const rucio_call *call,
                                      rucio_status st)
{
    rucio_error_set(&c->error, st, "ServerConnectionException",
                    "Cannot connect to the Rucio server. ");
    rucio_error_append(&c->error, conn_for(c, call->endpoint)->error);
    return st;
}

/* What a finished attempt leads to. */
typedef enum next_step { STEP_DONE, STEP_AGAIN, STEP_FAILED } next_step;

/* A connection failure: try again at once while [client] request_retries
 * and the attempts allow (the Python client does not sleep here). */
static next_step after_failure(rucio_client *c, const rucio_call *call,
                               int attempt, rucio_status *st)
{
    if (connection_error(*st) && attempt <= c->settings.request_retries &&
        attempt + 1 < MAX_ATTEMPTS) {
        rucio_log(&c->logger, RUCIO_LOG_WARN, "%s; retrying",
                  conn_for(c, call->endpoint)->error);
        return STEP_AGAIN;
    }
    *st = connection_failed(c, call, *st);
    return STEP_FAILED;
}

/* A response: back off on 502/503/504, re-authenticate once on 401,
 * else it is the answer. The last attempt's response is always final. */
static next_step after_response(rucio_client *c, const rucio_call *call,
                                int attempt, int *reauthenticated,
                                rucio_status *st)
{
    int status = c->response.status;

    if (attempt + 1 == MAX_ATTEMPTS)
        return STEP_DONE;
    if (status == 502 || status == 503 || status == 504) {
        uint32_t ms = backoff_ms(c, attempt);

        rucio_log(&c->logger, RUCIO_LOG_INFO,
                  "server answered %d; retrying in %u ms", status,
                  (unsigned)ms);
        c->port.sleep_ms(c->port.ctx, ms);
        return STEP_AGAIN;
    }
    if (status != 401 || call->anonymous || *reauthenticated)
        return STEP_DONE;
    *reauthenticated = 1;
    *st = rucio_auth_renew(c);
    return *st == RUCIO_OK ? STEP_AGAIN : STEP_FAILED;
}

rucio_status rucio_call_send(rucio_client *c, const rucio_call *call,
                             size_t *out_body_len)
{
    rucio_status st = RUCIO_OK;
    next_step next = STEP_AGAIN;
    int reauthenticated = 0;
    int attempt;

    *out_body_len = 0;
    if (!call->anonymous) {
        st = rucio_auth_ensure(c);
        if (st != RUCIO_OK)
            return st;
    }
    for (attempt = 0; next == STEP_AGAIN; attempt++) {
        st = build_url(c, call);
        if (st != RUCIO_OK)
            return st;
        st = exchange(c, call, out_body_len);
        next = st == RUCIO_OK
                   ? after_response(c, call, attempt, &reauthenticated, &st)
                   : after_failure(c, call, attempt, &st);
    }
    return next == STEP_DONE ? RUCIO_OK : st;
}
